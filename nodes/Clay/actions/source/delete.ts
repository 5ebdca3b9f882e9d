import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { idParameter, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Source ID',
		name: 'sourceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. s_abc123XYZ',
		description: 'ID of the source to remove (see Source → Get Many)',
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const id = idParameter(this, i, 'sourceId', 'Source ID');
		await api.deleteSource(this, table, id);
		return { id, tableId: table, deleted: true };
	});
}
