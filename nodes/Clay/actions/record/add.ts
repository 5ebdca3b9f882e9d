import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
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

/** `r_` + 20 random characters: unique enough for client-chosen ids (about 119 bits). */
function generatedId(): string {
	let id = 'r_';
	for (let i = 0; i < 20; i++) id += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
	return id;
}

/** `r_` + a stable hash of the table and the key value: the same key gives the same record. */
export function keyedId(table: string, key: unknown): string {
	const text = typeof key === 'string' ? key.trim() : JSON.stringify(key);
	return `r_${stableHash(`${table}\u0000${text}`)}`;
}

function recordIdFor(ctx: IExecuteFunctions, itemIndex: number, schema: TableSchema, cells: IDataObject): string {
	const mode = itemParameter<string>(ctx, 'recordIdMode', itemIndex, 'generate');
	if (mode === 'custom') {
		const id = String(itemParameter(ctx, 'recordId', itemIndex, '') ?? '').trim();
		if (!id) throw new Error(`Item ${itemIndex}: "Custom Record ID" is empty`);
		return id;
	}
	if (mode === 'key') {
		const key = String(itemParameter(ctx, 'keyField', itemIndex, '') ?? '').trim();
		if (!key) throw new Error(`Item ${itemIndex}: choose a "Key Column"`);
		const field = schema.resolve(key);
		if (!field) throw new Error(`Item ${itemIndex}: the key column \`${key}\` is not a column of ${schema.describe()}; its columns are: ${schema.fieldNames()}`);
		const value = cells[field.id];
		if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
			throw new Error(`Item ${itemIndex}: the key column \`${field.name}\` has no value, so no record ID can be derived from it`);
		}
		return keyedId(schema.id, value);
	}
	return generatedId();
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;

	const record = (i: number, table: string, schema: TableSchema) => {
		const ignoreUnknown = itemParameter<boolean>(this, 'options.ignoreUnknown', i, false) === true;
		const cells = readCells(this, items[i], i, schema, ignoreUnknown);
		return { tableId: table, payload: { id: recordIdFor(this, i, schema, cells), cells } };
	};
	const prepared = await prepareEachAsync(this, items, (i) => {
		const table = tableId(this, i);
		// no promise (no turn of the event loop) once the table's schema is known
		const schema = schemas.loaded(table);
		return schema ? record(i, table, schema) : schemas.get(table).then((read) => record(i, table, read));
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
