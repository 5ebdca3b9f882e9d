import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, rowOutput } from '../../api';
import { batchOptions, simplifyOption, tableId, tableLocator } from '../common';
import { writeRowsByTable } from './bulk';
import { ColumnKeys, metadataOption, readMetadata, readRowValues, rowValuesProperty } from './values';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Row ID',
		name: 'rowId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'ID of the row to update',
	},
	rowValuesProperty,
	{
		displayName: 'Run Enrichment After Updating',
		name: 'run',
		type: 'boolean',
		default: false,
		description: 'Whether Extruct re-runs enrichment on the updated rows (run=true)',
	},
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...batchOptions, metadataOption],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const keys = new ColumnKeys(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const run = this.getNodeParameter('run', 0, false) as boolean;

	const prepared = await prepareEachAsync(this, items, async (i) => {
		const table = tableId(this, i);
		const id = String(this.getNodeParameter('rowId', i, '') ?? '').trim();
		if (!id) throw new Error(`Item ${i}: "Row ID" is empty`);
		const data = await readRowValues(this, items[i], i, table, keys, ['id']);
		const metadata = readMetadata(this, i);
		return { tableId: table, payload: metadata ? { id, data, metadata } : { id, data } };
	});

	const outcomes = await writeRowsByTable(this, prepared, async (table, rows) => await api.updateRows(this, table, rows, run));
	return prepared.map((write, i) => {
		if (write instanceof Error) return write;
		const outcome = outcomes.get(i)!;
		return outcome.ok ? rowOutput(outcome.value, simplify) : outcome.error;
	});
}
