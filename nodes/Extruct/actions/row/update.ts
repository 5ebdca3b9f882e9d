import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import { prepareWithTable } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { readRowId, rowIdField, tableId, tableLocator, writeOptions } from '../common';
import { rowRejections, rowWriteSettings, writtenRowsOutput } from '../../rowWrites';
import { columnKeys, mapsAutomatically, readMetadata, rowMapper, rowValues, rowValuesProperty } from '../../rowValues';

export const description: INodeProperties[] = [
	tableLocator,
	rowIdField('ID of the row to update'),
	rowValuesProperty,
	...writeOptions('Run Enrichment After Updating', 'Whether Extruct re-runs enrichment on the updated rows (run=true)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const prepared = await prepareWithTable(this, items, {
		table: (i) => tableId(this, i),
		start: (i) => {
			const id = readRowId(this, i);
			const mapper = rowMapper(this, i);
			return { value: { id, mapper, metadata: readMetadata(this, i) }, needsTable: mapsAutomatically(mapper) };
		},
		read: async (table) => await columnKeys(this, table),
		finish: (i, table, { id, mapper, metadata }, keys) => {
			const data = rowValues(this, mapper, items[i], i, keys, ['id']);
			return { tableId: table, payload: metadata ? { id, data, metadata } : { id, data } };
		},
	});

	const settings = rowWriteSettings(this);
	const outcomes = await writeByTable(this, prepared, {
		...rowRejections,
		send: async (table, rows) => await api.updateRows(this, table, rows, settings.runEnrichment),
	});
	return await writtenRowsOutput(this, prepared, outcomes, settings);
}
