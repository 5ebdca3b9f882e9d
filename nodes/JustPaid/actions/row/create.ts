import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { writeIds } from '../../../shared/writeIds';
import { rowOutput } from '../../api';
import { readWriteOptions, simplifyOption, tableId, tableLocator, writeOptions } from '../common';
import { PacedRowWriter } from '../../rowWrites';
import { checkRow, readRowValues, readWriteIdColumn, rowValuesProperty, valueOptions, writeIdOption } from '../../rowValues';

export const description: INodeProperties[] = [
	tableLocator,
	rowValuesProperty('add'),
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...valueOptions, writeIdOption, ...writeOptions],
	},
];

/**
 * One row per item. JustPaid has no bulk create, so the creates are paced to the write rate.
 * A create is not idempotent: after a lost answer the node reads the table back and sends
 * again only what it surely did not store (PacedRowWriter.create, rowWrites.ts).
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const writer = new PacedRowWriter(this, readWriteOptions(this));
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const writeId = writeIds();

	const prepared = await prepareEachAsync(this, items, async (i): Promise<{ tableId: string; data: IDataObject }> => {
		const table = tableId(this, i);
		const columns = await writer.columns(table);
		const data = checkRow(this, columns, readRowValues(this, items[i], i, columns), i, true);
		const writeIdColumn = readWriteIdColumn(this, i, columns);
		if (writeIdColumn) data[writeIdColumn] = writeId(i);
		return { tableId: table, data };
	});

	return await writer.writeEach(prepared, async (i, { tableId: table, data }) => rowOutput(await writer.create(i, table, data), simplify));
}
