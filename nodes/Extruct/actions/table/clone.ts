import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Copy Rows',
		name: 'copyRows',
		type: 'boolean',
		default: false,
		description: 'Whether the clone gets the rows too, or only the columns (schema only)',
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const copyRows = this.getNodeParameter('copyRows', i, false) as boolean;
		return bodyWithId<{ id: string }>('Extruct', 'the copy', await api.cloneTable(this, tableId(this, i), !copyRows)) as IDataObject;
	});
}
