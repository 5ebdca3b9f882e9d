/**
 * Creating records and knowing which record Clay stored for each item, whatever Clay does with
 * the ids the node sends: keep them, assign its own, or refuse a repeated one (which one live
 * Clay does is unconfirmed; api-notes). The id of every output record comes from Clay.
 *
 * - From the create's answer: zapier (live) reads the created records under `records`. They are
 *   matched to the records sent by the id sent (echoed back when Clay keeps it), else by their
 *   position when the answer lists one record per record sent and their cells agree.
 * - When the answer gives no usable ids (the seed shows no answer at all) the records are
 *   looked up: by the ids sent (bulk-fetch-records); where Clay assigns its own ids, among the
 *   records that are new in the table's "All rows" view since the run began (its record ids
 *   before the first write against now), by their cells — or by the key column's value in a
 *   keyed Add.
 * - A batch whose answer was lost (a dropped connection, a 502/503/504 after sending) is looked
 *   up the same way before anything is sent again: only what is surely not stored is sent
 *   again. What cannot be told either way ends as an error saying it may or may not be stored.
 */
import type { IDataObject } from 'n8n-workflow';

import { chunk, mapConcurrent } from '../shared/batch';
import type { TableWriter } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { RequestContext } from '../shared/request';
import { api, cellValue } from './api';
import type { ClayRecord } from './api';
import { diagnoseRecords, rejectedRecordError } from './recordWrites';
import type { TableSchema } from './schema';

export interface SentRecord {
	id: string;
	cells: IDataObject;
}

/** Clay acknowledged the record, but its answer did not say under which id. */
export class Pending {
	constructor(readonly sent: SentRecord) {}
}

/** Whether Clay stored the record could not be told. */
export class Unknown {
	constructor(
		readonly sent: SentRecord,
		readonly reason: string,
	) {}
}

export type CreateResult = ClayRecord | Pending | Unknown;

/** Ids per read of records while looking records up (live reference: batches of 500–2,000 worked with 3–4 in flight). */
export const LOOKUP_CHUNK = 500;
const LOOKUP_CONCURRENCY = 3;

/** A cell value as text for comparing: strings trimmed, numbers and booleans as text, objects as JSON. */
export function valueText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return JSON.stringify(value);
}

const isPrimitive = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * What identifies a record by content: the primitive cells sent (select and users cells may
 * read back in another shape, so they are left out), or only the key column in a keyed Add.
 */
function signatureFields(sent: SentRecord, keyFieldId?: string): string[] {
	if (keyFieldId) return [keyFieldId];
	return Object.keys(sent.cells)
		.filter((fieldId) => isPrimitive(sent.cells[fieldId]))
		.sort();
}

function signature(fields: string[], cells: Record<string, unknown>, stored: boolean): string {
	return fields.map((fieldId) => `${fieldId}=${valueText(stored ? cellValue(cells[fieldId]) : cells[fieldId])}`).join('\u0000');
}

/** Whether the cells an answer shows for a record agree with the cells sent (cells it does not show do not count). */
function agrees(sent: SentRecord, record: ClayRecord): boolean {
	const cells = (record.cells ?? {}) as Record<string, unknown>;
	return Object.entries(sent.cells).every(([fieldId, value]) => !(fieldId in cells) || !isPrimitive(value) || valueText(value) === valueText(cellValue(cells[fieldId])));
}

const hasId = (record: unknown): record is ClayRecord =>
	!!record && typeof record === 'object' && typeof (record as ClayRecord).id === 'string' && (record as ClayRecord).id !== '';

/**
 * Matches the records of a create's answer to the records sent: by the id sent, else by
 * position (when the answer has one record per record sent and their cells agree). `undefined`
 * where the answer says nothing usable. `honoured`: whether Clay kept the ids sent, when the
 * answer shows it.
 */
export function matchAnswer(sent: SentRecord[], answer: unknown[]): { records: Array<ClayRecord | undefined>; honoured?: boolean } {
	const listed = answer.filter(hasId);
	const byId = new Map(listed.map((record) => [record.id, record]));
	const sentIds = new Set(sent.map((record) => record.id));
	const echoed = listed.filter((record) => sentIds.has(record.id)).length;
	const honoured = echoed > 0 ? true : listed.length > 0 ? false : undefined;
	if (echoed === sent.length || (honoured && listed.length !== sent.length)) {
		return { records: sent.map((record) => byId.get(record.id)), honoured };
	}
	if (listed.length === sent.length && listed.every((record, k) => agrees(sent[k], record))) {
		return { records: listed.slice(), honoured };
	}
	return { records: sent.map(() => undefined), honoured };
}

/**
 * One run's creates into one table: the snapshot of the table before them, and what each
 * became. It is the batched writer's writer (`writeByTable`): it sends, reads a rejected
 * batch, and finds the records of a batch whose answer was lost.
 */
export class TableCreates implements TableWriter<SentRecord, CreateResult> {
	/** Ids of records this run created or found (never matched to another record sent). */
	readonly known = new Set<string>();
	/** Whether Clay keeps the ids sent, once an answer showed it. */
	honoured?: boolean;
	private readonly before: Set<string>;
	/** Records Clay acknowledged without usable ids, not looked up yet. */
	private unresolved: Pending[] = [];
	private readonly resolved = new Map<Pending, ClayRecord | Unknown>();
	/** The output item of each record stored, made as its batch's answer arrives (while the other batches travel, not all after the last). */
	private readonly outputs = new Map<ClayRecord, IDataObject>();

	constructor(
		private readonly ctx: RequestContext,
		private readonly schema: TableSchema,
		/** The record ids of the table's "All rows" view before the first write. */
		snapshot: string[],
		private readonly viewId: string,
		/** In a keyed Add: the key column of each record sent (by the id sent), which identifies it by content. */
		private readonly keyFields: ReadonlyMap<string, string>,
		/** The node's Simplify: the shape of the output items. */
		private readonly simplify: boolean,
	) {
		this.before = new Set(snapshot);
	}

	readonly diagnose = diagnoseRecords;
	readonly rowError = rejectedRecordError;

	/** Sends one batch (to this table); every record sent gets its stored record, or `Pending` when the answer did not say. */
	async send(_tableId: string, batch: SentRecord[]): Promise<CreateResult[]> {
		const answer = await api.createRecords(this.ctx, this.schema.id, batch);
		const { records, honoured } = matchAnswer(batch, answer);
		if (honoured !== undefined) this.honoured ??= honoured;
		return records.map((record, k) => {
			if (!record) {
				const pending = new Pending(batch[k]);
				this.unresolved.push(pending);
				return pending;
			}
			this.known.add(record.id);
			this.output(record);
			return record;
		});
	}

	/** A stored record's output item (made once). */
	output(record: ClayRecord): IDataObject {
		let json = this.outputs.get(record);
		if (!json) this.outputs.set(record, (json = this.schema.output(record, this.simplify)));
		return json;
	}

	/**
	 * For the batch engine: the records whose batch's answer was lost — each stored record found,
	 * `undefined` for one surely not stored (sent again), `Unknown` otherwise. Records Clay
	 * acknowledged without usable ids are looked up first, so the two are never mixed up.
	 */
	async reconcile(_tableId: string, lost: SentRecord[]): Promise<Array<ClayRecord | Unknown | undefined>> {
		await this.settlePending();
		const found = await this.locate(lost);
		return found.map((result, k) => {
			if (result === 'absent') return undefined;
			if (result === 'unknown') return new Unknown(lost[k], 'The request was sent but no answer came back, and reading the table back could not tell whether it was stored.');
			return result;
		});
	}

	/** Looks up the records Clay acknowledged without usable ids (`Pending`). */
	async settlePending(): Promise<void> {
		const pending = this.unresolved;
		this.unresolved = [];
		if (!pending.length) return;
		const found = await this.locate(pending.map((entry) => entry.sent));
		found.forEach((result, k) => {
			this.resolved.set(
				pending[k],
				typeof result === 'string' ? new Unknown(pending[k].sent, 'Clay accepted it, but its answer named no record and reading the table back did not find it.') : result,
			);
		});
	}

	/** What a create ended as, once `settlePending` ran. */
	result(value: CreateResult): ClayRecord | Unknown {
		if (!(value instanceof Pending)) return value;
		return this.resolved.get(value) ?? new Unknown(value.sent, 'Clay accepted it, but its answer named no record.');
	}

	/**
	 * Finds what Clay stored for each record: by its id, else (where Clay may assign its own ids)
	 * among the records new since the snapshot, by content. `absent`: surely not stored (the
	 * view's list is complete and holds no such new record); `unknown`: cannot tell.
	 */
	private async locate(sent: SentRecord[]): Promise<Array<ClayRecord | 'absent' | 'unknown'>> {
		const results = new Array<ClayRecord | 'absent' | 'unknown'>(sent.length);
		const actionFields = this.schema.actionFieldIds();
		const byId = new Map<string, ClayRecord>();
		const reads = await mapConcurrent(chunk(sent.map((record) => record.id), LOOKUP_CHUNK), LOOKUP_CONCURRENCY, async (ids) => await api.bulkFetch(this.ctx, this.schema.id, ids, actionFields));
		for (const record of reads.flat()) byId.set(record.id, record);
		const rest: number[] = [];
		sent.forEach((record, k) => {
			const stored = byId.get(record.id);
			if (stored && !this.known.has(stored.id)) {
				this.known.add(stored.id);
				results[k] = stored;
			} else rest.push(k);
		});
		if (!rest.length) return results;
		if (this.honoured === true) {
			// Clay keeps the ids sent: a record not found under its id was not stored
			for (const k of rest) results[k] = 'absent';
			return results;
		}
		const now = await api.viewRecordIds(this.ctx, this.schema.id, this.viewId);
		const complete = now.length >= (await api.count(this.ctx, this.schema.id));
		const fresh = now.filter((id) => !this.before.has(id) && !this.known.has(id));
		const candidates = (
			await mapConcurrent(chunk(fresh, LOOKUP_CHUNK), LOOKUP_CONCURRENCY, async (ids) => await api.bulkFetch(this.ctx, this.schema.id, ids, actionFields))
		).flat();
		const taken = new Set<string>();
		const bySignature = new Map<string, Map<string, ClayRecord[]>>();
		for (const k of rest) {
			const fields = signatureFields(sent[k], this.keyFields.get(sent[k].id));
			const fieldKey = fields.join(',');
			let index = bySignature.get(fieldKey);
			if (!index) {
				index = new Map();
				for (const record of candidates) {
					const key = signature(fields, (record.cells ?? {}) as Record<string, unknown>, true);
					const same = index.get(key);
					if (same) same.push(record);
					else index.set(key, [record]);
				}
				bySignature.set(fieldKey, index);
			}
			const match = (index.get(signature(fields, sent[k].cells, false)) ?? []).find((record) => !taken.has(record.id));
			if (match) {
				taken.add(match.id);
				this.known.add(match.id);
				results[k] = match;
			} else results[k] = complete ? 'absent' : 'unknown';
		}
		return results;
	}
}

/** The item error of a record whose storing could not be told. */
export function unknownError(unknown: Unknown, schema: TableSchema): ServiceError {
	return new ServiceError(`The record may or may not have been stored in ${schema.describe()}`, {
		ambiguous: true,
		description: `${unknown.reason} Check the table before running this item again.`,
	});
}
