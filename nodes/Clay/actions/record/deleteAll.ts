import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'This deletes every record of the table, for good. Type the table ID below to confirm.',
		name: 'deleteAllNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Confirm Table ID',
		name: 'confirmTableId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. t_abc123XYZ',
		description: 'Type the ID of the table again (t_…). Nothing is deleted unless it matches the table above.',
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const confirmation = String(this.getNodeParameter('confirmTableId', i, '') ?? '').trim();
		if (confirmation !== table) {
			throw new Error(
				confirmation
					? `Item ${i}: Delete All refused — "Confirm Table ID" (${confirmation}) is not the ID of the table (${table}); nothing was deleted`
					: `Item ${i}: Delete All refused — type the table ID (${table}) into "Confirm Table ID" to delete every record; nothing was deleted`,
			);
		}
		const deletedCount = await api.deleteAllRecords(this, table);
		return deletedCount === undefined ? { tableId: table, deletedAll: true } : { tableId: table, deletedAll: true, deletedCount };
	});
}
