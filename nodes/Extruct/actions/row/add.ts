import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

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

	const row = (i: number, table: string, data: IDataObject) => {
		const metadata = readMetadata(this, i);
		const id = writeId(i);
		return { tableId: table, payload: { data, metadata: metadata ? { ...metadata, [WRITE_ID_KEY]: id } : { [WRITE_ID_KEY]: id } } };
	};
	const prepared = await prepareEachAsync(this, items, (i) => {
		const table = tableId(this, i);
		// no promise (no turn of the event loop) once the table's columns are known
		const data = readRowValues(this, items[i], i, table, keys);
		return data instanceof Promise ? data.then((read) => row(i, table, read)) : row(i, table, data);
	});

	return await writeAndOutput(
		this,
		prepared,
		async (table, rows, run) => await api.addRows(this, table, rows, run),
		async (table, rows) => await findByWriteId(this, table, rows),
	);
}
