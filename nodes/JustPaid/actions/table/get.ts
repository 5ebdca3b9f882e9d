import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator];

/** The table with its columns, maxRows and current rowCount. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => bodyWithId<{ id: string }>('JustPaid', 'the table', await api.getTable(this, tableId(this, i))) as IDataObject);
}
