import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError } from '../../../shared/errors';
import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api, rowOutput } from '../../api';
import type { Column, Row } from '../../api';
import { readWriteOptions, rowIdProperty, simplifyOption, tableId, tableLocator, writeOptions } from '../common';
import { PacedRowWriter } from '../../rowWrites';
import type { RowIndex } from '../../tableRows';
import { checkRequired, checkRow, readRowValues, rowValuesProperty, sameJson, skipUnchangedOption, valueOptions } from '../../rowValues';

export const description: INodeProperties[] = [
	tableLocator,
	rowIdProperty,
	{
		displayName: 'Update Mode',
		name: 'updateMode',
		type: 'options',
		default: 'merge',
		options: [
			{
				name: 'Merge',
				value: 'merge',
				description:
					'Change only the given columns and keep the others: the node reads the table once, merges, and writes the whole row',
			},
			{
				name: 'Replace',
				value: 'replace',
				description: "JustPaid's own update: the row's data becomes exactly the given values, other keys are removed",
			},
		],
	},
	rowValuesProperty('map'),
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...valueOptions, { ...skipUnchangedOption, displayOptions: { show: { '/updateMode': ['merge'] } } }, ...writeOptions],
	},
];

interface Prepared {
	tableId: string;
	rowId: string;
	data: IDataObject;
	columns: Column[];
	index?: RowIndex;
}

/**
 * Replace: one PATCH per item (idempotent, so retried on 5xx). Merge: every row of the table
 * is read once per execution (paged at 100, not once per item), each item's values are
 * merged over its row, and the whole row is written back; items for the same row go one
 * after the other, each over the result of the one before.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const writer = new PacedRowWriter(this, readWriteOptions(this));
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const merge = (this.getNodeParameter('updateMode', 0, 'merge') as string) === 'merge';
	const skipUnchanged = (this.getNodeParameter('options.skipUnchanged', 0, true) as boolean) !== false;

	const prepared = await prepareEachAsync(this, items, async (i): Promise<Prepared> => {
		const table = tableId(this, i);
		const rowId = String(this.getNodeParameter('rowId', i, '') ?? '').trim();
		if (!rowId) throw new Error(`Item ${i}: "Row ID" is empty`);
		const columns = await writer.columns(table);
		const data = checkRow(this, columns, readRowValues(this, items[i], i, columns), i, !merge);
		return { tableId: table, rowId, data, columns, index: merge ? await writer.index(table) : undefined };
	});

	return await writer.writeEach(
		prepared,
		async (i, { tableId: table, rowId, data, columns, index }) => {
			if (!index) {
				return rowOutput(await writer.write(async () => bodyWithId<Row>('JustPaid', 'the row', await api.replaceRow(this, table, rowId, data))), simplify);
			}
			const current = index.get(rowId);
			if (!current) {
				throw new ServiceError(`Row ${rowId} was not found in table ${writer.tableLabel(table)}`, {
					description: 'Merge reads the rows of the table at the start of the execution: the row ID is wrong, or the row was deleted. Nothing was sent for this item.',
				});
			}
			const merged = { ...(current.data ?? {}), ...data };
			checkRequired(this, columns, merged, i);
			if (skipUnchanged && sameJson(merged, current.data ?? {})) return rowOutput(current, simplify);
			const row = await writer.write(async () => bodyWithId<Row>('JustPaid', 'the row', await api.replaceRow(this, table, rowId, merged)));
			index.put(row);
			return rowOutput(row, simplify);
		},
		(entry) => `${entry.tableId}\n${entry.rowId}`,
	);
}
