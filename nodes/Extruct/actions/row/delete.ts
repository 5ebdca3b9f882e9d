import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { ServiceError } from '../../../shared/errors';
import { api } from '../../api';
import { batchOptions, readRowId, rowIdField, tableId, tableLocator } from '../common';
import { rowRejections, writeResults } from '../../rowWrites';

export const description: INodeProperties[] = [
	tableLocator,
	rowIdField('ID of the row to delete; one row per input item, sent in batches'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: batchOptions,
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const prepared = prepareEach(this, items, (i) => {
		const table = tableId(this, i);
		return { tableId: table, payload: readRowId(this, i) };
	});
	const outcomes = await writeByTable(this, prepared, {
		...rowRejections,
		send: async (table, ids) => {
			const deleted = new Set(await api.deleteRows(this, table, ids));
			return ids.map((id) => deleted.has(id));
		},
	});
	return writeResults(prepared, outcomes, (deleted, write) =>
		deleted
			? { id: write.payload, deleted: true }
			: new ServiceError(`Row ${write.payload} was not found in table ${write.tableId}`, {
					status: 404,
					description: 'Extruct did not list it among the deleted rows: it may have been deleted already.',
				}),
	);
}
