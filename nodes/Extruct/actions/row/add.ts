import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import { prepareWithTable } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { writeIds } from '../../../shared/writeIds';
import { api } from '../../api';
import { tableId, tableLocator, writeOptions } from '../common';
import { findByWriteId, rowRejections, rowWriteSettings, writtenRowsOutput, WRITE_ID_KEY } from '../../rowWrites';
import { columnKeys, mapsAutomatically, readMetadata, rowMapper, rowValues, rowValuesProperty } from '../../rowValues';

export const description: INodeProperties[] = [
	tableLocator,
	rowValuesProperty,
	...writeOptions('Run Enrichment After Adding', 'Whether Extruct starts enriching the new rows right away (run=true)'),
];

/**
 * Every row carries a write id in its metadata (`n8n_write_id`, left out of the output): when
 * Extruct's answer to a batch is lost, the node reads the table back, counts the rows it finds
 * by their id as added, and sends only the others again.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const writeId = writeIds();
	const prepared = await prepareWithTable(this, items, {
		table: (i) => tableId(this, i),
		start: (i) => {
			const mapper = rowMapper(this, i);
			const metadata = { ...readMetadata(this, i), [WRITE_ID_KEY]: writeId(i) };
			return { value: { mapper, metadata }, needsTable: mapsAutomatically(mapper) };
		},
		read: async (table) => await columnKeys(this, table),
		finish: (i, table, { mapper, metadata }, keys) => ({ tableId: table, payload: { data: rowValues(this, mapper, items[i], i, keys), metadata } }),
	});

	const settings = rowWriteSettings(this);
	const outcomes = await writeByTable(this, prepared, {
		...rowRejections,
		send: async (table, rows) => await api.addRows(this, table, rows, settings.runEnrichment),
		reconcile: async (table, rows) => await findByWriteId(this, table, rows),
	});
	return await writtenRowsOutput(this, prepared, outcomes, settings);
}
