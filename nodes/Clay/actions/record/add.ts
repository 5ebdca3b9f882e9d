import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareWithTable } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { itemParameter } from '../../../shared/parameters';
import { stableHash } from '../../../shared/hash';
import { api } from '../../api';
import type { ClayRecord } from '../../api';
import { Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { batchOptions, simplifyOption, tableId, tableLocator } from '../common';
import { writeRecordsByTable } from './bulk';
import { cellsProperty, ignoreUnknownOption, readCells } from './cells';

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
				description: 'A new ID for every item: running the same items again adds them again',
			},
			{
				name: 'From a Key Column',
				value: 'key',
				description:
					'Derived from the value of a column (e.g. Email): running the same items again replaces those records instead of adding duplicates',
			},
			{ name: 'Custom', value: 'custom', description: 'An ID you give, e.g. from an expression' },
		],
		description: 'Clay records carry an ID chosen by the client; a record added again with the same ID replaces the earlier one',
	},
	{
		displayName: 'Key Column Name or ID',
		name: 'keyField',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getFields', loadOptionsDependsOn: ['table.value'] },
		default: '',
		required: true,
		displayOptions: { show: { recordIdMode: ['key'] } },
		description:
			'The column whose value identifies a record, e.g. Email or Domain. An expression may give a column name as well. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Custom Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { recordIdMode: ['custom'] } },
		placeholder: 'e.g. r_crm_4711',
		description: 'Unique within the table; a record with this ID already there is replaced',
	},
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...batchOptions, ignoreUnknownOption],
	},
];

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const ID_CODES = Array.from(ID_ALPHABET, (character) => character.charCodeAt(0));
const FIVE_CHARACTERS = ID_CODES.length ** 5;

/**
 * `r_` + 20 random characters: unique enough for client-chosen ids (about 119 bits). Five come
 * from each draw, and the string is made once (not a new string per character, 10,000 times over).
 */
function generatedId(): string {
	const codes = new Array<number>(22);
	codes[0] = 114; // r
	codes[1] = 95; // _
	for (let draw = 0; draw < 4; draw++) {
		let n = Math.floor(Math.random() * FIVE_CHARACTERS);
		for (let k = 0; k < 5; k++) {
			codes[2 + draw * 5 + k] = ID_CODES[n % ID_CODES.length];
			n = Math.floor(n / ID_CODES.length);
		}
	}
	return String.fromCharCode(...codes);
}

/** `r_` + a stable hash of the table and the key value: the same key gives the same record. */
export function keyedId(table: string, key: unknown): string {
	const text = typeof key === 'string' ? key.trim() : JSON.stringify(key);
	return `r_${stableHash(`${table}\u0000${text}`)}`;
}

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

/** The record ID derived from the value of the key column in the record's cells. */
function keyedRecordId(itemIndex: number, schema: TableSchema, cells: IDataObject, key: string): string {
	const field = schema.resolve(key);
	if (!field) throw new Error(`Item ${itemIndex}: the key column \`${key}\` is not a column of ${schema.describe()}; its columns are: ${schema.fieldNames()}`);
	const value = cells[field.id];
	if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
		throw new Error(`Item ${itemIndex}: the key column \`${field.name}\` has no value, so no record ID can be derived from it`);
	}
	return keyedId(schema.id, value);
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;

	const prepared = await prepareWithTable(this, items, {
		table: (i) => tableId(this, i),
		start: (i) => {
			const ignoreUnknown = itemParameter<boolean>(this, 'options.ignoreUnknown', i, false) === true;
			return { value: { ignoreUnknown, recordId: startRecordId(this, i) }, needsTable: true };
		},
		read: async (table) => await schemas.get(table),
		finish: (i, table, { ignoreUnknown, recordId }, schema) => {
			const cells = readCells(this, items[i], i, schema!, ignoreUnknown);
			const id = 'id' in recordId ? recordId.id : keyedRecordId(i, schema!, cells, recordId.keyField);
			return { tableId: table, payload: { id, cells } };
		},
	});

	// A batch's records are turned into output as soon as its answer is in, while the other
	// batches are still on their way (instead of all of them after the last answer), and the
	// answer's records are not kept.
	const outcomes = await writeRecordsByTable(this, prepared, async (table, records): Promise<Array<ClayRecord | Output>> => {
		const created = await api.createRecords(this, table, records);
		const byId = new Map(created.filter((record) => record && typeof record.id === 'string').map((record) => [record.id, record]));
		const schema = schemas.loaded(table);
		return records.map((sent) => {
			// Clay's answer is not documented: what was sent stands in for a record it does not return
			const record = byId.get(sent.id) ?? ({ id: sent.id, tableId: table, cells: sent.cells } as ClayRecord);
			try {
				if (schema) return new Output(schema.output(record, simplify));
			} catch {
				// computed again at the end, and fails there as it always did
			}
			return record;
		});
	});

	const results: ItemResult[] = [];
	for (let i = 0; i < prepared.length; i++) {
		const write = prepared[i];
		if (write instanceof Error) {
			results.push(write);
			continue;
		}
		const outcome = outcomes[i]!;
		if (!outcome.ok) results.push(outcome.error);
		else if (outcome.value instanceof Output) results.push(outcome.value.json);
		else results.push((await schemas.get(write.tableId)).output(outcome.value, simplify));
	}
	return results;
}

/** A record's output, computed as its batch's answer came in. */
class Output {
	constructor(readonly json: IDataObject) {}
}
