import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { writeIds } from '../../../shared/writeIds';
import { api, rowOutput } from '../../api';
import type { Column, Row } from '../../api';
import { readWriteOptions, simplifyOption, tableId, tableLocator, writeOptions } from '../common';
import { PacedRowWriter } from '../../rowWrites';
import { matchKey } from '../../tableRows';
import type { RowIndex } from '../../tableRows';
import { checkRequired, checkRow, readRowValues, readWriteIdColumn, rowValuesProperty, sameJson, skipUnchangedOption, valueOptions, writeIdOption } from '../../rowValues';

export const description: INodeProperties[] = [
	tableLocator,
	rowValuesProperty('upsert'),
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...valueOptions, skipUnchangedOption, writeIdOption, ...writeOptions],
	},
];

interface Prepared {
	tableId: string;
	column: string;
	key: string;
	data: IDataObject;
	/** The Write ID Column and this item's write id, set only when a row is created. */
	writeId?: { column: string; value: string };
	columns: Column[];
	index: RowIndex;
}

/**
 * JustPaid has no upsert: the node reads every row of the table once per execution (paged at
 * 100) into an index by the match column, then per item merges into the first matching row
 * or creates one. The index follows the node's own writes, and items with the same match
 * value go one after the other, so two items with one key never create two rows.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const writer = new PacedRowWriter(this, readWriteOptions(this));
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const skipUnchanged = (this.getNodeParameter('options.skipUnchanged', 0, true) as boolean) !== false;
	const writeId = writeIds();

	const prepared = await prepareEachAsync(this, items, async (i): Promise<Prepared> => {
		const table = tableId(this, i);
		const mapper = this.getNodeParameter('columns', i) as ResourceMapperValue;
		const column = String(mapper?.matchingColumns?.[0] ?? '').trim();
		if (!column) throw new Error(`Item ${i}: choose the column to match on (under "Columns")`);
		const columns = await writer.columns(table);
		const data = checkRow(this, columns, readRowValues(this, items[i], i, columns), i, false);
		const writeIdColumn = readWriteIdColumn(this, i, columns);
		if (writeIdColumn === column) throw new Error(`Item ${i}: the column to match on must not be the Write ID Column (\`${column}\`)`);
		// A matched row keeps the write id it was created with.
		if (writeIdColumn) delete data[writeIdColumn];
		const key = matchKey(data[column]);
		if (key === undefined) throw new Error(`Item ${i}: \`${column}\`, the column to match on, has no value`);
		return {
			tableId: table,
			column,
			key,
			data,
			writeId: writeIdColumn ? { column: writeIdColumn, value: writeId(i) } : undefined,
			columns,
			index: await writer.index(table),
		};
	});

	const output = (row: Row, action: 'created' | 'updated' | 'unchanged') => ({ ...rowOutput(row, simplify), _action: action });

	return await writer.writeEach(
		prepared,
		async (i, { tableId: table, column, data, writeId: id, columns, index }) => {
			const [current] = index.find(column, data[column]);
			if (current) {
				const merged = { ...(current.data ?? {}), ...data };
				checkRequired(this, columns, merged, i);
				if (skipUnchanged && sameJson(merged, current.data ?? {})) return output(current, 'unchanged');
				const row = await writer.write(async () => bodyWithId<Row>('JustPaid', 'the row', await api.replaceRow(this, table, current.id, merged)));
				index.put(row);
				return output(row, 'updated');
			}
			checkRequired(this, columns, data, i);
			const row = await writer.create(i, table, id ? { ...data, [id.column]: id.value } : data);
			index.put(row);
			return output(row, 'created');
		},
		(entry) => `${entry.tableId}\n${entry.column}\n${entry.key}`,
	);
}
