import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import { toNodeError } from '../../../shared/errors';
import { prepareWithTable } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { itemParameter } from '../../../shared/parameters';
import { keyTextOf } from '../../keys';
import { finishAdds, planAdds, readSnapshot } from '../../recordAdds';
import type { RecordAdd, TableSnapshot } from '../../recordAdds';
import { cellsProperty, otherFieldsOfClay, otherFieldsOption, readCells } from '../../recordCells';
import { generatedId, keyedId } from '../../recordIds';
import { Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { batchOptions, simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	cellsProperty,
	{
		displayName: 'Record ID',
		name: 'recordIdMode',
		type: 'options',
		default: 'generate',
		options: [
			{
				name: 'Generate',
				value: 'generate',
				description: 'A new record for every item: running the same items again adds them again',
			},
			{
				name: 'From a Key Column',
				value: 'key',
				description:
					'A column whose value identifies a record (e.g. Email): each key is stored once, however often the workflow runs; an item whose key is there already outputs that record',
			},
			{ name: 'Custom', value: 'custom', description: 'An ID you give, e.g. from an expression' },
		],
		description: 'The output always carries the ID Clay stored the record under, for the next node\'s Get, Update or Run',
	},
	{
		displayName: 'Key Column Name or ID',
		name: 'keyField',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getInputFields', loadOptionsDependsOn: ['table.value'] },
		default: '',
		required: true,
		displayOptions: { show: { recordIdMode: ['key'] } },
		description:
			'The column whose value identifies a record, e.g. Email or Domain. An expression may give a column name as well. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'If the Key Exists',
		name: 'onExisting',
		type: 'options',
		noDataExpression: true,
		default: 'skip',
		displayOptions: { show: { recordIdMode: ['key'] } },
		options: [
			{ name: 'Output the Existing Record', value: 'skip', description: 'Leave the record as it is and output it' },
			{ name: 'Update It', value: 'update', description: "Write the item's columns into the existing record (Clay applies updates asynchronously)" },
		],
		description: 'What an item does whose key a record of the table already holds',
	},
	{
		displayName: 'Custom Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { recordIdMode: ['custom'] } },
		placeholder: 'e.g. r_crm_4711',
		description: 'Sent as the record\'s ID. Clay may keep it (a record with this ID already there is then replaced, or the item fails if Clay refuses repeated IDs) or assign its own; the output carries the ID Clay stored.',
	},
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...batchOptions, otherFieldsOption],
	},
];

/** The record ID when it needs nothing of the table; for "From a Key Column", the column it comes from. */
function startRecordId(ctx: IExecuteFunctions, itemIndex: number): { id: string } | { keyField: string } {
	const mode = itemParameter<string>(ctx, 'recordIdMode', itemIndex, 'generate');
	if (mode === 'custom') {
		const id = String(itemParameter(ctx, 'recordId', itemIndex, '') ?? '').trim();
		if (!id) throw new Error(`Item ${itemIndex}: "Custom Record ID" is empty`);
		return { id };
	}
	if (mode === 'key') {
		const keyField = String(itemParameter(ctx, 'keyField', itemIndex, '') ?? '').trim();
		if (!keyField) throw new Error(`Item ${itemIndex}: choose a "Key Column"`);
		return { keyField };
	}
	return { id: generatedId() };
}

/** The key of an item: the key column's value in its cells. */
function keyOf(itemIndex: number, schema: TableSchema, cells: IDataObject, key: string): RecordAdd['key'] & { value: unknown } {
	const field = schema.resolve(key);
	if (!field) throw new Error(`Item ${itemIndex}: the key column \`${key}\` is not a column of ${schema.describe()}; its columns are: ${schema.fieldNames()}`);
	const value = cells[field.id];
	const text = keyTextOf(field, value);
	if (!text) throw new Error(`Item ${itemIndex}: the key column \`${field.name}\` has no value, so the item has no key`);
	return { fieldId: field.id, text, value };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const update = this.getNodeParameter('onExisting', 0, 'skip') === 'update';

	const snapshots = new Map<string, TableSnapshot>();
	const prepared = await prepareWithTable(this, items, {
		table: (i) => tableId(this, i),
		start: (i) => {
			return { value: { otherFields: otherFieldsOfClay(this, i), recordId: startRecordId(this, i) }, needsTable: true };
		},
		read: async (table) => {
			const schema = await schemas.get(table);
			// the record ids of the table are asked for as soon as the schema names its views, while the items are prepared
			if (schema.table.views.length) snapshots.set(table, readSnapshot(schemas, table));
			return schema;
		},
		finish: (i, table, { otherFields, recordId }, schema): RecordAdd => {
			const cells = readCells(this, items[i], i, schema!, otherFields);
			if ('id' in recordId) return { tableId: table, payload: { id: recordId.id, cells } };
			const { fieldId, text, value } = keyOf(i, schema!, cells, recordId.keyField);
			return { tableId: table, payload: { id: keyedId(schema!.id, value), cells }, key: { fieldId, text, value } };
		},
	});

	const results: ItemResult[] = prepared.map((write) => (write instanceof Error ? write : {}));
	const byTable = new Map<string, number[]>();
	prepared.forEach((write, i) => {
		if (write instanceof Error) return;
		const list = byTable.get(write.tableId);
		if (list) list.push(i);
		else byTable.set(write.tableId, [i]);
	});
	for (const [table, indexes] of byTable) {
		const schema = await schemas.get(table);
		try {
			const adds = await planAdds(this, schema, prepared, indexes, { update, simplify, snapshot: snapshots.get(table) });
			const written = await writeByTable(this, adds.creates, adds.writer);
			for (const [i, output] of await finishAdds(this, adds, written)) results[i] = output;
		} catch (error) {
			// a read all the table's items need failed: before the writes (its record ids, its keys),
			// or after them (the records Clay stored, read back): every item of the table fails with it
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, indexes[0]);
			for (const i of indexes) results[i] = error as Error;
		}
	}
	return results;
}
