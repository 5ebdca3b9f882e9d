import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator];

/** The schema: fields (id, name, type, typeSettings) and views. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => (await api.getTable(this, tableId(this, i))) as unknown as IDataObject);
}
