/**
 * Adding the records of one table (Record → Add), around the batched creates that the operation
 * runs itself: before them (`planAdds`) the table's record ids and, in a keyed Add, the keys it
 * holds already; after them (`finishAdds`) the existing records read back (and updated, with
 * "Update It") and every item's output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { chunk, mapConcurrent } from '../shared/batch';
import type { Outcome, TableWrite } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { ItemResult } from '../shared/execute';
import { batchSettings } from '../shared/properties';
import { api } from './api';
import type { ClayRecord } from './api';
import { LOOKUP_CHUNK, TableCreates, Unknown, unknownError } from './creates';
import type { CreateResult, SentRecord } from './creates';
import { existingKeys } from './keys';
import { generatedId } from './recordIds';
import type { Schemas, TableSchema } from './schema';

export interface RecordAdd {
	tableId: string;
	payload: SentRecord;
	/** In a keyed Add: the key column, the key as compared (keys.ts `keyTextOf`) and as written. */
	key?: { fieldId: string; text: string; value: unknown };
}

/** A record whose cells are as stored, with the cells of an update written over them (the update is enqueued). */
function withCells(record: ClayRecord, cells: IDataObject): ClayRecord {
	const merged: Record<string, unknown> = { ...(record.cells ?? {}) };
	for (const [fieldId, value] of Object.entries(cells)) merged[fieldId] = { value };
	return { ...record, cells: merged };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * The record ids of the table's view that lists every record (`Schemas.everyRecord`), being read:
 * its failure is kept for when it is awaited, not left unhandled meanwhile.
 */
export type TableSnapshot = Promise<Settled<{ viewId: string; ids: string[]; complete: boolean }>>;

export function readSnapshot(schemas: Schemas, tableId: string): TableSnapshot {
	return schemas.everyRecord(tableId).then(
		(value) => ({ ok: true as const, value }),
		(error: Error) => ({ ok: false as const, error }),
	);
}

const alreadyExists = (error: Error) => error instanceof ServiceError && /already exists/i.test(error.message);

/** What a table's Add is to do, planned before its first write (`planAdds`) and finished after its last (`finishAdds`). */
export interface TableAdds {
	schema: TableSchema;
	/** The records to create, for `writeByTable`, and the item of each (by position). */
	creates: Array<TableWrite<SentRecord>>;
	createItems: number[];
	/** The writer of the creates, which knows what each became. */
	writer: TableCreates;
	/** The items' writes, by item index. */
	writes: ReadonlyArray<RecordAdd | Error>;
	/** Keyed items whose record exists, and (with "Update It") the cells to write over it. */
	found: Map<number, ClayRecord>;
	updates: Map<number, IDataObject>;
	/** Later items of a key: the item whose record they share. */
	followers: Map<number, number>;
	/** "If the Key Exists": Update It. */
	update: boolean;
	/** The node's Simplify. */
	simplify: boolean;
}

/**
 * Plans the Add of one table's items (`indexes` into `writes`). Reads the record ids of the view
 * that lists every record first (what the table held before: the reference for finding records Clay stored
 * under ids of its own), and in a keyed Add which keys exist; the items whose record is to be
 * created become `creates`.
 */
export async function planAdds(
	ctx: IExecuteFunctions,
	schema: TableSchema,
	writes: ReadonlyArray<RecordAdd | Error>,
	indexes: number[],
	settings: { update: boolean; simplify: boolean; snapshot?: TableSnapshot },
): Promise<TableAdds> {
	if (!settings.snapshot) throw new Error(`${schema.describe()} has no views, so the node cannot tell which records it holds`);

	// the creates of items without a key need nothing of the table's records: their writes are sent as they are
	const creates: Array<TableWrite<SentRecord>> = [];
	const createItems: number[] = [];
	const keyed: Array<[number, Required<RecordAdd>]> = [];
	for (const i of indexes) {
		const write = writes[i] as RecordAdd;
		if (write.key) keyed.push([i, write as Required<RecordAdd>]);
		else {
			creates.push(write);
			createItems.push(i);
		}
	}

	const settled = await settings.snapshot;
	if (!settled.ok) throw settled.error;
	const { viewId, ids: snapshot, complete } = settled.value;

	// keyed items: the records already there, by key column
	const existing = new Map<string, ClayRecord>();
	const keysByField = new Map<string, Map<string, unknown>>();
	for (const [, { key }] of keyed) {
		const keys = keysByField.get(key.fieldId) ?? keysByField.set(key.fieldId, new Map()).get(key.fieldId)!;
		if (!keys.has(key.text)) keys.set(key.text, key.value);
	}
	for (const [fieldId, keys] of keysByField) {
		const { records } = await existingKeys(ctx, schema.id, schema.field(fieldId)!, keys, snapshot, complete);
		for (const [key, record] of records) existing.set(`${fieldId}\u0000${key}`, record);
	}

	// each key once: the first item of a key creates (or finds) its record, later ones share it
	const snapshotIds = keyed.length ? new Set(snapshot) : undefined;
	const leaders = new Map<string, number>();
	const followers = new Map<number, number>();
	const found = new Map<number, ClayRecord>();
	const updates = new Map<number, IDataObject>();
	const createOf = new Map<number, SentRecord>();
	const keyFields = new Map<string, string>();
	for (const [i, write] of keyed) {
		const keyName = `${write.key.fieldId}\u0000${write.key.text}`;
		const leader = leaders.get(keyName);
		if (leader !== undefined) {
			followers.set(i, leader);
			// "Update It": the later items' columns are written too, the last one winning
			if (settings.update) {
				const target = createOf.get(leader)?.cells ?? updates.get(leader);
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
		const sent = { id: snapshotIds!.has(write.payload.id) ? generatedId() : write.payload.id, cells: { ...write.payload.cells } };
		creates.push({ tableId: schema.id, payload: sent });
		createItems.push(i);
		createOf.set(i, sent);
		keyFields.set(sent.id, write.key.fieldId);
	}

	return {
		schema,
		creates,
		createItems,
		writer: new TableCreates(ctx, schema, snapshot, viewId, keyFields, settings.simplify),
		writes,
		found,
		updates,
		followers,
		update: settings.update,
		simplify: settings.simplify,
	};
}

/**
 * Finishes a table's Add once `writeByTable` wrote its creates (`written`, by position in
 * `adds.creates`): looks up the records Clay acknowledged without ids, takes a keyed create
 * refused as a repeated id for its existing record, reads the existing records again with their
 * enrichment results, updates them ("Update It"), and gives every item its output or error.
 */
export async function finishAdds(
	ctx: IExecuteFunctions,
	adds: TableAdds,
	written: Array<Outcome<CreateResult> | undefined>,
): Promise<Map<number, ItemResult>> {
	const { schema, creates, createItems, writer, writes, found, updates, followers, simplify } = adds;
	const out = new Map<number, ItemResult>();
	await writer.settlePending();

	// a keyed create Clay refused as a repeated id: that key's record exists (made meanwhile)
	const refused: number[] = [];
	written.forEach((outcome, k) => {
		if (outcome && !outcome.ok && (writes[createItems[k]] as RecordAdd).key !== undefined && alreadyExists(outcome.error)) refused.push(k);
	});
	const existed = new Set<number>();
	if (refused.length) {
		const there = new Map((await api.bulkFetch(ctx, schema.id, refused.map((k) => creates[k].payload.id))).map((record) => [record.id, record]));
		for (const k of refused) {
			const record = there.get(creates[k].payload.id);
			if (!record) continue;
			found.set(createItems[k], record);
			if (adds.update) updates.set(createItems[k], creates[k].payload.cells);
			existed.add(k);
		}
	}

	// every create writes one record and one outcome (the writer's outcomes are by position)
	written.forEach((outcome, k) => {
		if (!outcome || existed.has(k)) return;
		if (!outcome.ok) {
			out.set(createItems[k], outcome.error);
			return;
		}
		const result = writer.result(outcome.value);
		out.set(createItems[k], result instanceof Unknown ? unknownError(result, schema) : writer.output(result));
	});

	// existing records: read again with their enrichment results for the output, then updated if asked
	const { batchSize, concurrency } = batchSettings(ctx);
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
		const json = schema.output(cells ? withCells(record, cells) : record, simplify);
		json._existing = true;
		if (cells) json._update = 'enqueued';
		out.set(i, json);
	}
	for (const [i, leader] of followers) {
		const result = out.get(leader);
		out.set(i, result instanceof Error || result === undefined ? (result ?? new Error(`Item ${i}: its key's record was not stored`)) : (JSON.parse(JSON.stringify(result)) as ItemResult));
	}
	return out;
}
