import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';
import { findByWriteId, writeAndOutput, writeIds, writeOptions, WRITE_ID_KEY } from './bulk';
import { ColumnKeys, readMetadata, readRowValues, rowValuesProperty } from './values';

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
	const keys = new ColumnKeys(this);
	const writeId = writeIds();

	const prepared = await prepareEachAsync(this, items, async (i) => {
		const table = tableId(this, i);
		const data = await readRowValues(this, items[i], i, table, keys);
		const metadata = { ...(readMetadata(this, i) ?? {}), [WRITE_ID_KEY]: writeId(i) };
		return { tableId: table, payload: { data, metadata } };
	});

	return await writeAndOutput(
		this,
		prepared,
		async (table, rows, run) => await api.addRows(this, table, rows, run),
		async (table, rows) => await findByWriteId(this, table, rows),
	);
}
