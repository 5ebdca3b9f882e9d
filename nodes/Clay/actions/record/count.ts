import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		return { tableId: table, count: await api.count(this, table) };
	});
}
