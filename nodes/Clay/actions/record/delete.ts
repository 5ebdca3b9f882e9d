import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import type { TableWrite } from '../../../shared/batch';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { batchOptions, recordIdsParameter, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		placeholder: 'e.g. r_abc123, r_def456',
		description: 'ID of the record to delete, or several separated by commas (or an array). The IDs of all items go to Clay in batches.',
	},
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
	const prepared = prepareEach(this, items, (i) => ({ tableId: tableId(this, i), ids: recordIdsParameter(this, i) }));

	// one write per id, with the item it came from; a batch never mixes tables, and never is empty (an empty DELETE deletes all rows)
	const writes: Array<TableWrite<string>> = [];
	const itemOf: number[] = [];
	prepared.forEach((entry, i) => {
		if (entry instanceof Error) return;
		for (const id of entry.ids) {
			writes.push({ tableId: entry.tableId, payload: id });
			itemOf.push(i);
		}
	});
	const outcomes = await writeByTable(this, writes, {
		send: async (table, ids) => {
			await api.deleteRecords(this, table, ids);
			return ids.map(() => true as const);
		},
		diagnose: () => undefined,
	});
	const failures = new Map<number, Error>();
	outcomes.forEach((outcome, k) => {
		if (outcome && !outcome.ok && !failures.has(itemOf[k])) failures.set(itemOf[k], outcome.error);
	});

	return prepared.map((entry, i) => {
		if (entry instanceof Error) return entry;
		const failure = failures.get(i);
		if (failure) return failure;
		return entry.ids.length === 1 ? { id: entry.ids[0], deleted: true } : { ids: entry.ids, deleted: true };
	});
}
