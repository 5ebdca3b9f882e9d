import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatched } from '../../../shared/batch';
import type { BatchEntry, Outcome } from '../../../shared/batch';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { batchOptions, batchSettings, recordIdsParameter, tableId, tableLocator } from '../common';

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
	const { batchSize, concurrency } = batchSettings(this);

	// one entry per id; a batch never mixes tables, and never is empty (an empty DELETE deletes all rows)
	const byTable = new Map<string, Array<BatchEntry<string>>>();
	prepared.forEach((entry, index) => {
		if (entry instanceof Error) return;
		const list = byTable.get(entry.tableId) ?? [];
		for (const id of entry.ids) list.push({ index, payload: id });
		byTable.set(entry.tableId, list);
	});
	const failures = new Map<number, Error>();
	for (const [table, entries] of byTable) {
		const outcomes: Array<Outcome<true>> = await runBatched(entries, {
			batchSize,
			concurrency,
			send: async (ids) => {
				await api.deleteRecords(this, table, ids);
				return ids.map(() => true as const);
			},
			diagnose: () => undefined,
		});
		for (const outcome of outcomes) if (!outcome.ok && !failures.has(outcome.index)) failures.set(outcome.index, outcome.error);
	}

	return prepared.map((entry, i) => {
		if (entry instanceof Error) return entry;
		const failure = failures.get(i);
		if (failure) return failure;
		return entry.ids.length === 1 ? { id: entry.ids[0], deleted: true } : { ids: entry.ids, deleted: true };
	});
}
