import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, rowOutput } from '../../api';
import { batchOptions, simplifyOption, tableId, tableLocator } from '../common';
import { writeRowsByTable } from './bulk';
import { ColumnKeys, metadataOption, readMetadata, readRowValues, rowValuesProperty } from './values';

export const description: INodeProperties[] = [
	tableLocator,
	rowValuesProperty,
	{
		displayName: 'Run Enrichment After Adding',
		name: 'run',
		type: 'boolean',
		default: false,
		description: 'Whether Extruct starts enriching the new rows right away (run=true)',
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
		const data = await readRowValues(this, items[i], i, table, keys);
		const metadata = readMetadata(this, i);
		return { tableId: table, payload: metadata ? { data, metadata } : { data } };
	});

	const outcomes = await writeRowsByTable(this, prepared, async (table, rows) => await api.addRows(this, table, rows, run));
	return prepared.map((write, i) => {
		if (write instanceof Error) return write;
		const outcome = outcomes.get(i)!;
		return outcome.ok ? rowOutput(outcome.value, simplify) : outcome.error;
	});
}
