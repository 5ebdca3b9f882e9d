import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';
import { writeAndOutput, writeOptions } from './bulk';
import { ColumnKeys, readMetadata, readRowValues, rowValuesProperty } from './values';

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
	...writeOptions('Run Enrichment After Updating', 'Whether Extruct re-runs enrichment on the updated rows (run=true)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const keys = new ColumnKeys(this);

	const prepared = await prepareEachAsync(this, items, async (i) => {
		const table = tableId(this, i);
		const id = String(this.getNodeParameter('rowId', i, '') ?? '').trim();
		if (!id) throw new Error(`Item ${i}: "Row ID" is empty`);
		const data = await readRowValues(this, items[i], i, table, keys, ['id']);
		const metadata = readMetadata(this, i);
		return { tableId: table, payload: metadata ? { id, data, metadata } : { id, data } };
	});

	return await writeAndOutput(this, prepared, async (table, rows, run) => await api.updateRows(this, table, rows, run));
}
