/**
 * The state of the Clay sandbox: tables, records, views and the lazy events (enqueued updates,
 * finishing enrichment cells) that are applied whenever state is read — no timers, so nothing
 * keeps the process alive. Also how that state goes on the wire, per the profile's shapes.
 */
import { isPlainObject, uuidV4 } from '../framework';
import { badRequest, notFound } from './http';
import type { ClayProfile } from './profiles';
import type { CellResult, ClayCell, ClayField, ClayFieldType, ClayListing, ClayRecord, ClayRecordEvent, ClaySource, ClayTable, ClayView, SeedField } from './types';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const FIELD_TYPES: ReadonlyArray<ClayFieldType> = ['text', 'number', 'url', 'email', 'action', 'formula', 'date', 'boolean', 'image', 'select', 'users'];

/** A records map that applies due lazy events (enqueued updates, finished runs) before every read. */
class LazyRecordMap extends Map<string, ClayRecord> {
	settle: () => void = () => undefined;
	override get(key: string): ClayRecord | undefined {
		this.settle();
		return super.get(key);
	}
	override values(): MapIterator<ClayRecord> {
		this.settle();
		return super.values();
	}
	override entries(): MapIterator<[string, ClayRecord]> {
		this.settle();
		return super.entries();
	}
	override forEach(cb: (value: ClayRecord, key: string, map: Map<string, ClayRecord>) => void, thisArg?: unknown): void {
		this.settle();
		super.forEach(cb, thisArg);
	}
	override [Symbol.iterator](): MapIterator<[string, ClayRecord]> {
		this.settle();
		return super[Symbol.iterator]();
	}
}

interface PendingUpdate {
	kind: 'update';
	at: number;
	recordId: string;
	cells: Record<string, unknown>;
}
interface PendingRun {
	kind: 'run';
	at: number;
	recordId: string;
	fieldId: string;
	result: CellResult;
}
type LazyEvent = PendingUpdate | PendingRun;

export interface TableState {
	events: LazyEvent[]; // sorted by `at`
	ranFields: Map<string, string>; // fieldId -> last runId
}

export interface RecordInput {
	/** Absent when the client sent none (live clients send none). */
	id?: string;
	cells: Record<string, unknown>;
}

export const iso = (ms = Date.now()) => new Date(ms).toISOString();

export class ClayStore {
	readonly tables = new Map<string, ClayTable>();
	readonly history: ClayRecordEvent[] = [];
	readonly listings: ClayListing[] = [];
	readonly states = new Map<string, TableState>();
	private settling = false;

	constructor(
		readonly profile: ClayProfile,
		readonly workspaceId: number,
		private readonly random: () => number,
		private readonly updateDelayMs: number,
	) {}

	genId(prefix: string, length = 14): string {
		let id = prefix;
		for (let i = 0; i < length; i++) id += ID_ALPHABET[Math.floor(this.random() * ID_ALPHABET.length)];
		return id;
	}

	uuid(): string {
		return uuidV4(this.random);
	}

	recordEvent(type: ClayRecordEvent['type'], tableId: string, recordId: string, at: number, extra: { fieldId?: string; status?: string } = {}): void {
		this.history.push({ type, tableId, recordId, ...extra, at: iso(at), seq: this.history.length + 1 });
	}

	// ---------- lazy state ----------

	cellStatus(cell: ClayCell, now = Date.now()): string | undefined {
		const m = cell.metadata;
		if (!m) return undefined;
		if (cell.pendingResult && m.runStartedAt !== undefined && m.runEndsAt !== undefined) {
			if (now < m.runStartedAt) return 'QUEUED';
			if (now < m.runEndsAt) return 'RUNNING';
			return cell.pendingResult.status;
		}
		return m.status;
	}

	pushEvent(table: ClayTable, event: LazyEvent): void {
		const events = this.states.get(table.id)!.events;
		let i = events.length;
		while (i > 0 && events[i - 1].at > event.at) i--;
		events.splice(i, 0, event);
	}

	settleTable(table: ClayTable, now = Date.now()): void {
		const state = this.states.get(table.id);
		if (!state || this.settling || state.events.length === 0) return;
		if (state.events[0].at > now) return;
		this.settling = true;
		try {
			let n = 0;
			while (n < state.events.length && state.events[n].at <= now) {
				const event = state.events[n++];
				const record = table.records.get(event.recordId);
				// docs silent: an update for a record that does not exist (any more) is silently dropped
				if (!record) continue;
				if (event.kind === 'update') {
					for (const [fid, value] of Object.entries(event.cells)) record.cells[fid] = { value };
					record.updatedAt = iso(event.at);
					this.recordEvent('updated', table.id, record.id, event.at);
				} else {
					const cell = record.cells[event.fieldId];
					// the cell was overwritten (re-create, update, forced re-run) since: this run's result is void
					if (!cell || cell.pendingResult !== event.result) continue;
					cell.value = event.result.value;
					if (event.result.full !== undefined) cell.full = event.result.full;
					cell.metadata = { ...cell.metadata, status: event.result.status };
					delete cell.pendingResult;
					record.updatedAt = iso(event.at);
					this.recordEvent('finished', table.id, record.id, event.at, { fieldId: event.fieldId, status: event.result.status });
				}
			}
			state.events.splice(0, n);
		} finally {
			this.settling = false;
		}
	}

	settleAll(): void {
		for (const table of this.tables.values()) this.settleTable(table);
	}

	// ---------- tables ----------

	newTable(name: string): ClayTable {
		const records = new LazyRecordMap();
		const table: ClayTable = {
			id: this.genId('t_'),
			name,
			workspaceId: this.workspaceId,
			// docs silent: one workbook per table
			workbookId: this.genId('wb_'),
			fields: [],
			views:
				this.profile.views === 'filtered-first'
					? [
							{ id: this.genId('gv_'), name: 'Default view', hidesEverySecond: true },
							{ id: this.genId('gv_'), name: 'Every record' },
						]
					: [
							{ id: this.genId('gv_'), name: 'Default view' },
							{ id: this.genId('gv_'), name: 'All rows' },
						],
			records,
			sources: [],
			createdAt: iso(),
		};
		records.settle = () => this.settleTable(table);
		this.tables.set(table.id, table);
		this.states.set(table.id, { events: [], ranFields: new Map() });
		return table;
	}

	addField(table: ClayTable, spec: SeedField): ClayField {
		const type = spec.type ?? 'text';
		if (!FIELD_TYPES.includes(type)) throw new Error(`unknown Clay field type ${type}`);
		const typeSettings: Record<string, unknown> = { ...(spec.typeSettings ?? {}) };
		if (spec.options) {
			// zapier/connectors apps/clay getTable (live): options under typeSettings.dataTypeSettings.options as {id, text}
			const options = spec.options.map((text) => ({ id: this.uuid(), text, color: 'blue' }));
			typeSettings.dataTypeSettings = { type, ...((typeSettings.dataTypeSettings as object) ?? {}), options };
		}
		const field: ClayField = { id: this.genId('f_'), name: spec.name, type, typeSettings };
		table.fields.push(field);
		return field;
	}

	getTable(id: string): ClayTable {
		const table = this.tables.get(id);
		if (!table) throw notFound('Table not found');
		return table;
	}

	getView(table: ClayTable, viewId: string): ClayView {
		const view = table.views.find((v) => v.id === viewId);
		if (!view) throw notFound('View not found');
		return view;
	}

	fieldByName(table: ClayTable, nameOrId: string): ClayField | undefined {
		return table.fields.find((f) => f.name === nameOrId || f.id === nameOrId);
	}

	optionsOf(field: ClayField): Array<{ id: string; text: string }> {
		const options = (field.typeSettings.dataTypeSettings as { options?: unknown } | undefined)?.options;
		return Array.isArray(options) ? (options as Array<{ id: string; text: string }>) : [];
	}

	// ---------- views ----------

	/** Every record id of a view, in the view's order; without a view, every record of the table. */
	orderedIds(table: ClayTable, viewId?: string): string[] {
		let ids = [...table.records.keys()];
		if (viewId !== undefined && table.views.find((view) => view.id === viewId)?.hidesEverySecond) ids = ids.filter((_, k) => k % 2 === 0);
		return this.profile.viewOrder === 'newest-first' ? ids.reverse() : ids;
	}

	/** What a view's record-id list answers: its order, cut at the page limit unless `limit` lifts it. */
	listIds(table: ClayTable, viewId: string, limit?: number): string[] {
		let ids = this.orderedIds(table, viewId);
		const { viewPageLimit, viewLimitParam } = this.profile;
		const cap = limit !== undefined && (viewLimitParam || viewPageLimit === undefined) ? limit : viewPageLimit;
		if (cap !== undefined) ids = ids.slice(0, cap);
		return ids;
	}

	// ---------- records ----------

	/** Checks a record's cells (field ids, no `{value}` wrappers; live: select and users shapes). */
	validateCells(table: ClayTable, recordId: string, cells: unknown): Record<string, unknown> {
		if (cells === undefined || cells === null) return {};
		if (!isPlainObject(cells)) throw badRequest(`Record ${recordId}: cells must be an object keyed by field id`, 'INVALID_CELLS', { recordId });
		for (const [fid, value] of Object.entries(cells)) {
			const field = table.fields.find((f) => f.id === fid);
			if (!field) {
				throw badRequest(`Field ${fid} does not exist in table ${table.id} (record ${recordId})`, 'UNKNOWN_FIELD', { recordId, fieldId: fid });
			}
			const invalid = (why: string) =>
				badRequest(`Invalid value for field ${fid} (record ${recordId}): ${why}`, 'INVALID_VALUE', { recordId, fieldId: fid });
			if (isPlainObject(value) && 'value' in value) throw invalid('cell values are plain values keyed by field id, not {value: ...} objects');
			if (this.profile.shapes !== 'live' || value === null) continue;
			// zapier/connectors apps/clay createRecord (live): select takes {optionIds: [id]}, users {userIds: [id]}
			if (field.type === 'select') {
				const ids = isPlainObject(value) ? value.optionIds : undefined;
				if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw invalid('a select cell takes {optionIds: [option id, …]}');
				const known = new Set(this.optionsOf(field).map((option) => option.id));
				const unknown = ids.find((id) => !known.has(id));
				if (unknown !== undefined) throw invalid(`${unknown} is not an option of this field`);
			} else if (field.type === 'users') {
				const ids = isPlainObject(value) ? value.userIds : undefined;
				if (!Array.isArray(ids)) throw invalid('a users cell takes {userIds: [user id, …]}');
			}
		}
		return cells;
	}

	/** The records of a create or bulk-update body, each checked; one bad record rejects the batch. */
	parseRecordInputs(table: ClayTable, body: unknown, requireId: boolean): RecordInput[] {
		if (!isPlainObject(body) || !Array.isArray(body.records)) throw badRequest('Body must be {records: [{id, cells}]}', 'INVALID_BODY');
		return body.records.map((input: unknown, index: number) => {
			if (!isPlainObject(input)) throw badRequest(`records[${index}] must be an object {id, cells}`, 'INVALID_RECORD');
			const id = input.id;
			if (id !== undefined || requireId) {
				if (typeof id !== 'string' || id === '') {
					throw badRequest(`records[${index}].id is required and must be a non-empty string`, 'INVALID_RECORD_ID');
				}
			}
			return { id: id as string | undefined, cells: this.validateCells(table, (id as string | undefined) ?? `records[${index}]`, input.cells) };
		});
	}

	/** Creates records as the profile's id behaviour says; the whole batch is checked first. */
	createRecords(table: ClayTable, inputs: RecordInput[], at = Date.now()): ClayRecord[] {
		const behaviour = this.profile.ids;
		if (behaviour === 'refuse') {
			const seen = new Set<string>();
			for (const input of inputs) {
				if (input.id === undefined) continue;
				// unconfirmed live: a repeated id is refused, and the whole batch with it
				if (table.records.has(input.id) || seen.has(input.id)) {
					throw badRequest(`Record id ${input.id} already exists`, 'RECORD_ALREADY_EXISTS', { recordId: input.id });
				}
				seen.add(input.id);
			}
		}
		return inputs.map(({ id: sent, cells }) => {
			const newCells: Record<string, ClayCell> = {};
			for (const [fid, value] of Object.entries(cells)) newCells[fid] = { value };
			// unconfirmed live: Clay may ignore a sent id and assign its own
			const id = behaviour === 'assign' || sent === undefined ? this.genId('r_') : sent;
			const existing = table.records.get(id);
			if (existing) {
				// seed: ids must be unique, what a repeat does is not said. `honour`: the existing record
				// keeps its place and createdAt and its cells are replaced (a retried create is idempotent).
				existing.cells = newCells;
				existing.updatedAt = iso(at);
				this.recordEvent('updated', table.id, id, at);
				return existing;
			}
			const record: ClayRecord = { id, tableId: table.id, cells: newCells, recordMetadata: {}, createdAt: iso(at), updatedAt: iso(at) };
			table.records.set(id, record);
			this.recordEvent('created', table.id, id, at);
			return record;
		});
	}

	/** Enqueues cell updates, applied `updateDelayMs` later (client knowledge: asynchronous, last write wins). */
	enqueueUpdates(table: ClayTable, updates: Array<{ id: string; cells: Record<string, unknown> }>): void {
		const at = Date.now() + this.updateDelayMs;
		for (const { id, cells } of updates) this.pushEvent(table, { kind: 'update', at, recordId: id, cells: { ...cells } });
	}

	deleteIds(table: ClayTable, ids: string[]): number {
		let deleted = 0;
		for (const id of ids) {
			if (table.records.delete(id)) {
				deleted++;
				this.recordEvent('deleted', table.id, id, Date.now());
			}
		}
		return deleted;
	}

	/** Values by field name (or id) → cells by field id, for the direct helpers. */
	cellsByName(table: ClayTable, values: Record<string, unknown>): Record<string, unknown> {
		const cells: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(values)) {
			const field = this.fieldByName(table, name);
			if (!field) throw new Error(`Clay table ${table.id} has no field named "${name}"`);
			cells[field.id] = value;
		}
		return cells;
	}

	// ---------- the wire ----------

	tableSummary(t: ClayTable): Record<string, unknown> {
		return { id: t.id, name: t.name, type: 'spreadsheet', workbookId: t.workbookId, workspaceId: t.workspaceId };
	}

	tableJson(t: ClayTable): Record<string, unknown> {
		const out: Record<string, unknown> = {
			id: t.id,
			name: t.name,
			type: 'spreadsheet',
			workspaceId: t.workspaceId,
			workbookId: t.workbookId,
			fields: t.fields.map((f) => ({ id: f.id, name: f.name, type: f.type, typeSettings: f.typeSettings })),
			views: t.views.map((v) => ({ id: v.id, name: v.name })),
			createdAt: t.createdAt,
		};
		// a public client's "v3 API reference, validated live 2026-08-04": `table.firstViewId`
		if (this.profile.shapes === 'live') out.firstViewId = t.views[0]?.id;
		return out;
	}

	/**
	 * A record on the wire, at one instant: what is due by then is applied first, so a cell's
	 * status, its value and the record's updatedAt always agree. Live: an action cell's structured
	 * result comes as `externalContent.fullValue` for the fields in `external` (bulk-fetch sends it
	 * only for `includeExternalContentFieldIds`; a single read always).
	 */
	recordJson(r: ClayRecord, external: 'all' | ReadonlySet<string> = new Set()): Record<string, unknown> {
		const now = Date.now();
		const table = this.tables.get(r.tableId);
		if (table) this.settleTable(table, now);
		const live = this.profile.shapes === 'live';
		const cells: Record<string, unknown> = {};
		for (const [fid, cell] of Object.entries(r.cells)) {
			const status = this.cellStatus(cell, now);
			const out: Record<string, unknown> = { value: cell.value };
			if (status !== undefined) out.metadata = { status };
			if (live && cell.full !== undefined && !cell.pendingResult && (external === 'all' || external.has(fid))) out.externalContent = { fullValue: cell.full };
			cells[fid] = out;
		}
		return { id: r.id, tableId: r.tableId, cells, recordMetadata: r.recordMetadata, createdAt: r.createdAt, updatedAt: r.updatedAt };
	}

	sourceJson(s: ClaySource, t: ClayTable): Record<string, unknown> {
		const out: Record<string, unknown> = {
			id: s.id,
			name: s.name,
			type: s.type,
			typeSettings: s.typeSettings,
			numSubmissions: s.submissions,
			tableId: t.id,
			workspaceId: t.workspaceId,
			createdAt: s.createdAt,
		};
		if (s.webhookUrl) {
			// seed: the webhook URL (docs silent where); api-notes (live): in `state.url`
			if (this.profile.shapes === 'live') out.state = { url: s.webhookUrl };
			else out.webhookUrl = s.webhookUrl;
		}
		return out;
	}
}
