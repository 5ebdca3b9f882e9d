import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { chunk, mapConcurrent, runBatched } from '../../../shared/batch';
import type { BatchEntry, Outcome } from '../../../shared/batch';
import { ServiceError, toNodeError } from '../../../shared/errors';
import { prepareWithTable } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { itemParameter } from '../../../shared/parameters';
import { stableHash } from '../../../shared/hash';
import { api } from '../../api';
import type { ClayRecord } from '../../api';
import { LOOKUP_CHUNK, Pending, TableCreates, Unknown, unknownError } from '../../creates';
import type { CreateResult, SentRecord } from '../../creates';
import { existingKeys, keyText } from '../../keys';
import { Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { batchOptions, batchSettings, simplifyOption, tableId, tableLocator } from '../common';
import { diagnoseRecords } from './bulk';
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
		typeOptions: { loadOptionsMethod: 'getFields', loadOptionsDependsOn: ['table.value'] },
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

/** `r_` + a stable hash of the table and the key value: where Clay keeps sent ids, a key's record has a known id. */
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

interface Write {
	tableId: string;
	payload: SentRecord;
	/** In a keyed Add: the key column and the key, as compared. */
	key?: { fieldId: string; text: string };
}

/** The key of an item: the key column's value in its cells. */
function keyOf(itemIndex: number, schema: TableSchema, cells: IDataObject, key: string): Write['key'] & { value: unknown } {
	const field = schema.resolve(key);
	if (!field) throw new Error(`Item ${itemIndex}: the key column \`${key}\` is not a column of ${schema.describe()}; its columns are: ${schema.fieldNames()}`);
	const value = cells[field.id];
	const text = keyText(value);
	if (!text) throw new Error(`Item ${itemIndex}: the key column \`${field.name}\` has no value, so the item has no key`);
	return { fieldId: field.id, text, value };
}

/** A record whose cells are as stored, with the cells of an update written over them (the update is enqueued). */
function withCells(record: ClayRecord, cells: IDataObject): ClayRecord {
	const merged: Record<string, unknown> = { ...(record.cells ?? {}) };
	for (const [fieldId, value] of Object.entries(cells)) merged[fieldId] = { value };
	return { ...record, cells: merged };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
	promise.then(
		(value) => ({ ok: true as const, value }),
		(error: Error) => ({ ok: false as const, error }),
	);

const alreadyExists = (error: Error) => error instanceof ServiceError && /already exists/i.test(error.message);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const update = this.getNodeParameter('onExisting', 0, 'skip') === 'update';

	const snapshots = new Map<string, Promise<Settled<{ ids: string[]; complete: boolean }>>>();
	const prepared = await prepareWithTable(this, items, {
		table: (i) => tableId(this, i),
		start: (i) => {
			const ignoreUnknown = itemParameter<boolean>(this, 'options.ignoreUnknown', i, false) === true;
			return { value: { ignoreUnknown, recordId: startRecordId(this, i) }, needsTable: true };
		},
		read: async (table) => {
			const schema = await schemas.get(table);
			// the view's record ids are asked for as soon as the schema names the view, while the items are prepared
			const view = schema.defaultView();
			if (view) snapshots.set(table, settle(api.viewRecordList(this, table, view.id)));
			return schema;
		},
		finish: (i, table, { ignoreUnknown, recordId }, schema): Write => {
			const cells = readCells(this, items[i], i, schema!, ignoreUnknown);
			if ('id' in recordId) return { tableId: table, payload: { id: recordId.id, cells } };
			const { fieldId, text, value } = keyOf(i, schema!, cells, recordId.keyField);
			return { tableId: table, payload: { id: keyedId(schema!.id, value), cells }, key: { fieldId, text } };
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
			const outputs = await addToTable(this, schema, indexes.map((i) => [i, prepared[i] as Write]), { simplify, update, snapshot: snapshots.get(table) });
			for (const [i, output] of outputs) results[i] = output;
		} catch (error) {
			// a read every item of the table needs failed (its record ids, its keys): nothing was written
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, indexes[0]);
			for (const i of indexes) results[i] = error as Error;
		}
	}
	return results;
}

/**
 * Adds the items of one table. Reads the "All rows" view's record ids first (what the table
 * held before: the reference for finding records Clay stored under ids of its own), and in a
 * keyed Add which keys exist; then creates the rest in batches.
 */
async function addToTable(
	ctx: IExecuteFunctions,
	schema: TableSchema,
	writes: Array<[number, Write]>,
	settings: { simplify: boolean; update: boolean; snapshot?: Promise<Settled<{ ids: string[]; complete: boolean }>> },
): Promise<Map<number, ItemResult>> {
	const out = new Map<number, ItemResult>();
	const view = schema.defaultView();
	if (!view || !settings.snapshot) throw new Error(`${schema.describe()} has no views, so the node cannot tell which records it holds`);

	// the items without a key need nothing of the table's records: their creates are made while its record ids travel
	const creates: Array<BatchEntry<SentRecord>> = [];
	for (const [i, write] of writes) if (!write.key) creates.push({ index: i, payload: write.payload });

	const settled = await settings.snapshot;
	if (!settled.ok) throw settled.error;
	const { ids: snapshot, complete } = settled.value;
	const snapshotIds = new Set(snapshot);

	// keyed items: the records already there, by key column
	const existing = new Map<string, ClayRecord>();
	const keysByField = new Map<string, Set<string>>();
	for (const [, write] of writes) if (write.key) keysByField.set(write.key.fieldId, (keysByField.get(write.key.fieldId) ?? new Set()).add(write.key.text));
	for (const [fieldId, keys] of keysByField) {
		const { records } = await existingKeys(ctx, schema.id, fieldId, [...keys], snapshot, complete);
		for (const [key, record] of records) existing.set(`${fieldId}\u0000${key}`, record);
	}

	// each key once: the first item of a key creates (or finds) its record, later ones share it
	const leaders = new Map<string, number>();
	const followers = new Map<number, number>();
	const found = new Map<number, ClayRecord>();
	const updates = new Map<number, IDataObject>();
	const createOf = new Map<number, BatchEntry<SentRecord>>();
	for (const [i, write] of writes) {
		if (!write.key) continue;
		const keyName = `${write.key.fieldId}\u0000${write.key.text}`;
		const leader = leaders.get(keyName);
		if (leader !== undefined) {
			followers.set(i, leader);
			// "Update It": the later items' columns are written too, the last one winning
			if (settings.update) {
				const target = createOf.get(leader)?.payload.cells ?? updates.get(leader);
				if (target) Object.assign(target, write.payload.cells);
			}
			continue;
		}
		leaders.set(keyName, i);
		const record = existing.get(keyName);
		if (record) {
			found.set(i, record);
			if (settings.update) updates.set(i, { ...write.payload.cells });
			continue;
		}
		// a keyed id that names a record of the table with another key (edited since): do not write over it
		const id = snapshotIds.has(write.payload.id) ? generatedId() : write.payload.id;
		const entry = { index: i, payload: { id, cells: { ...write.payload.cells } } };
		creates.push(entry);
		createOf.set(i, entry);
	}

	const writeOf = new Map(writes);
	const keyFields = new Map<string, string>();
	for (const entry of createOf.values()) keyFields.set(entry.payload.id, writeOf.get(entry.index)!.key!.fieldId);
	const outputOf = new WeakMap<ClayRecord, IDataObject>();
	const tableCreates = new TableCreates(ctx, schema, snapshot, view.id, keyFields);
	const { batchSize, concurrency } = batchSettings(ctx);
	const outcomes: Array<Outcome<CreateResult | Unknown>> = creates.length
		? await runBatched<SentRecord, CreateResult | Unknown>(creates, {
				batchSize,
				concurrency,
				send: async (payloads) => {
					const results = await tableCreates.send(payloads);
					// each record's output is made as its batch's answer comes in, while other batches travel
					for (const result of results) if (!(result instanceof Pending) && !(result instanceof Unknown)) outputOf.set(result, schema.output(result, settings.simplify));
					return results;
				},
				diagnose: (error, payloads) => diagnoseRecords(payloads.map((payload) => payload.id))(error),
				rowError: (message, _entry, cause) =>
					new ServiceError(`Clay rejected this record: ${message}`, {
						status: cause instanceof ServiceError ? cause.status : undefined,
						description: 'The other records of its batch were sent again without it.',
					}),
				reconcile: async (payloads) => await tableCreates.reconcile(payloads),
			})
		: [];
	await tableCreates.settlePending();

	// a keyed create Clay refused as a repeated id: that key's record exists (made meanwhile)
	const refused = outcomes.filter((outcome) => !outcome.ok && writeOf.get(outcome.index)!.key !== undefined && alreadyExists((outcome as { error: Error }).error));
	if (refused.length) {
		const ids = refused.map((outcome) => createOf.get(outcome.index)!.payload.id);
		const there = new Map((await api.bulkFetch(ctx, schema.id, ids)).map((record) => [record.id, record]));
		for (const outcome of refused) {
			const record = there.get(createOf.get(outcome.index)!.payload.id);
			if (!record) continue;
			found.set(outcome.index, record);
			if (settings.update) updates.set(outcome.index, createOf.get(outcome.index)!.payload.cells);
			outcomes.splice(outcomes.indexOf(outcome), 1);
		}
	}

	const created = new Map<number, ItemResult>();
	for (const outcome of outcomes) {
		if (!outcome.ok) {
			created.set(outcome.index, outcome.error);
			continue;
		}
		const result = tableCreates.result(outcome.value);
		created.set(outcome.index, result instanceof Unknown ? unknownError(result, schema) : (outputOf.get(result) ?? schema.output(result, settings.simplify)));
	}

	// existing records: read again with their enrichment results for the output, then updated if asked
	const actionFields = schema.actionFieldIds();
	if (found.size && actionFields.length) {
		const ids = [...new Set([...found.values()].map((record) => record.id))];
		const reads = await mapConcurrent(chunk(ids, LOOKUP_CHUNK), concurrency, async (part) => await api.bulkFetch(ctx, schema.id, part, actionFields));
		const fresh = new Map(reads.flat().map((record) => [record.id, record]));
		for (const [i, record] of found) found.set(i, fresh.get(record.id) ?? record);
	}
	const updated = new Map<number, true | Error>();
	const pendingUpdates = [...updates.entries()].map(([i, cells]) => ({ i, id: found.get(i)!.id, cells }));
	await mapConcurrent(chunk(pendingUpdates, batchSize), concurrency, async (part) => {
		let answers: Array<true | Error>;
		try {
			answers = await api.updateRecords(ctx, schema.id, part.map(({ id, cells }) => ({ id, cells })));
		} catch (error) {
			answers = part.map(() => error as Error);
		}
		part.forEach(({ i }, k) => updated.set(i, answers[k]));
	});
	for (const [i, record] of found) {
		const cells = updates.get(i);
		const failure = updated.get(i);
		if (failure instanceof Error) {
			out.set(i, failure);
			continue;
		}
		const json = schema.output(cells ? withCells(record, cells) : record, settings.simplify);
		json._existing = true;
		if (cells) json._update = 'enqueued';
		out.set(i, json);
	}
	for (const [i, result] of created) out.set(i, result);
	for (const [i, leader] of followers) {
		const result = out.get(leader);
		out.set(i, result instanceof Error || result === undefined ? (result ?? new Error(`Item ${i}: its key's record was not stored`)) : (JSON.parse(JSON.stringify(result)) as ItemResult));
	}
	return out;
}
