import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { columnSelector, readColumnId, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator, columnSelector];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const columnId = readColumnId(this, i);
		await api.deleteColumn(this, table, columnId);
		return { id: columnId, tableId: table, deleted: true };
	});
}
