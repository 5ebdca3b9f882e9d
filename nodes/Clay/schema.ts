/**
 * A table's schema as the node uses it: field names ↔ field ids (cells are keyed by id),
 * the view that lists every record, and records turned into `{field name: value}`.
 */
import type { IDataObject } from 'n8n-workflow';

import { api, cellStatus, cellValue, fullValueOf, isFinished } from './api';
import type { ClayField, ClayRecord, ClayTable, ClayView } from './api';
import type { RequestContext } from '../shared/request';
import { selectValueForRead } from './values';

/** Keys of a simplified record that are not fields. */
export const RECORD_KEYS = ['id', 'createdAt', 'updatedAt'] as const;
const RESERVED = new Set<string>([...RECORD_KEYS, '_status', '_errors', '_noData', '_preview', '_existing', '_update', '_notVisible']);

/** Field types whose cells Clay computes (enrichments, formulas): not offered for writing. */
export const COMPUTED_TYPES = new Set(['action', 'formula']);
export const ENRICHMENT_TYPES = new Set(['action']);

const fold = (text: string) => text.trim().toLowerCase();

export class TableSchema {
	private readonly byId = new Map<string, ClayField>();
	private readonly byName = new Map<string, ClayField>();
	private readonly byFoldedName = new Map<string, ClayField | null>();
	/** Output key of each field id: its name, or `name (id)` when the name is taken. */
	private readonly keys = new Map<string, string>();

	constructor(readonly table: ClayTable) {
		const used = new Set<string>(RESERVED);
		for (const field of table.fields) {
			this.byId.set(field.id, field);
			if (!this.byName.has(field.name)) this.byName.set(field.name, field);
			const folded = fold(field.name);
			// a folded name shared by two fields is ambiguous: only an exact name or the id finds them
			this.byFoldedName.set(folded, this.byFoldedName.has(folded) ? null : field);
			const key = used.has(field.name) ? `${field.name} (${field.id})` : field.name;
			used.add(key);
			this.keys.set(field.id, key);
		}
	}

	get id(): string {
		return this.table.id;
	}

	/** A field by id, exact name, or name ignoring case and surrounding spaces. */
	resolve(nameOrId: string): ClayField | undefined {
		return this.byId.get(nameOrId) ?? this.byName.get(nameOrId) ?? this.byFoldedName.get(fold(nameOrId)) ?? undefined;
	}

	/** The field names, for messages: "Name, Domain, Score". */
	fieldNames(filter: (field: ClayField) => boolean = () => true): string {
		const names = this.table.fields.filter(filter).map((field) => field.name);
		if (!names.length) return '(none)';
		return names.length > 40 ? `${names.slice(0, 40).join(', ')}, … (${names.length} in all)` : names.join(', ');
	}

	describe(): string {
		return this.table.name ? `table "${this.table.name}" (${this.table.id})` : `table ${this.table.id}`;
	}

	/** The key a field's value has in simplified output. */
	keyOf(fieldId: string): string {
		return this.keys.get(fieldId) ?? fieldId;
	}

	nameOf(fieldId: string): string {
		return this.byId.get(fieldId)?.name ?? fieldId;
	}

	/** The view named "All rows", which Clay makes with every table and which lists every record. */
	allRowsView(): ClayView | undefined {
		return this.table.views.find((view) => fold(view.name) === 'all rows');
	}

	/** The views, the table's first view (live reference: `table.firstViewId`) first. */
	viewsInOrder(): ClayView[] {
		const views = this.table.views;
		const first = views.find((view) => view.id === this.table.firstViewId);
		return first ? [first, ...views.filter((view) => view !== first)] : [...views];
	}

	/** The ids of the enrichment (action) fields: their structured results are asked for when reading records. */
	actionFieldIds(): string[] {
		return this.table.fields.filter((field) => ENRICHMENT_TYPES.has(String(field.type))).map((field) => field.id);
	}

	field(fieldId: string): ClayField | undefined {
		return this.byId.get(fieldId);
	}

	/**
	 * `{id, <field name>: value, …, createdAt, updatedAt}`; cells whose run has not finished
	 * are listed in `_status`, cells that ended in `ERROR_…` in `_errors`, cells that ran and
	 * found nothing (`SUCCESS_NO_DATA`) in `_noData` (by field name). An enrichment cell's value
	 * is its structured result where Clay sent one (`externalContent.fullValue`), its display
	 * value kept in `_preview`; a select cell's option ids read as option names.
	 */
	simplify(record: ClayRecord, extraStatus?: Record<string, string>): IDataObject {
		const out: IDataObject = { id: record.id };
		let pending: IDataObject | undefined;
		let errors: IDataObject | undefined;
		let noData: string[] | undefined;
		let previews: IDataObject | undefined;
		const cells = (record.cells ?? {}) as Record<string, unknown>;
		for (const fieldId in cells) {
			if (!Object.prototype.hasOwnProperty.call(cells, fieldId)) continue;
			const cell = cells[fieldId];
			const key = this.keyOf(fieldId);
			const value = cellValue(cell);
			const full = fullValueOf(cell);
			const status = cellStatus(cell);
			if (full) {
				out[key] = full.value as IDataObject[string];
				if (value !== null && value !== undefined) (previews ??= {})[key] = value as IDataObject[string];
			} else if (status === 'SUCCESS_NO_DATA') {
				// the display value of a run that found nothing ("No data found") is no result
				out[key] = null;
				if (value !== null && value !== undefined) (previews ??= {})[key] = value as IDataObject[string];
			} else {
				out[key] = selectValueForRead(this.byId.get(fieldId), value) as IDataObject[string];
			}
			if (status?.startsWith('ERROR_')) (errors ??= {})[key] = status;
			else if (status === 'SUCCESS_NO_DATA') (noData ??= []).push(key);
			else if (status !== undefined && !isFinished(status)) (pending ??= {})[key] = status;
		}
		for (const [fieldId, status] of Object.entries(extraStatus ?? {})) (pending ??= {})[this.keyOf(fieldId)] = status;
		if (record.createdAt) out.createdAt = record.createdAt;
		if (record.updatedAt) out.updatedAt = record.updatedAt;
		if (pending) out._status = pending;
		if (errors) out._errors = errors;
		if (noData) out._noData = noData;
		if (previews) out._preview = previews;
		return out;
	}

	output(record: ClayRecord, simplify: boolean): IDataObject {
		return simplify ? this.simplify(record) : (record as unknown as IDataObject);
	}
}

/** A view's record ids, and whether that is all of them (`api.viewRecordList`). */
export type ViewList = Awaited<ReturnType<typeof api.viewRecordList>>;

/** The view that lists every record (`Schemas.everyRecordView`): named "All rows", or found by its count. */
export interface EveryRecordView {
	view: ClayView;
	/** Its record ids, when they were read to find it. */
	list?: ViewList;
	named: boolean;
}

/** Schemas read once per execution per table (a new instance per execution: no module state). */
export class Schemas {
	private readonly cache = new Map<string, Promise<TableSchema>>();
	private readonly read = new Map<string, TableSchema>();
	private readonly everyRecordViews = new Map<string, Promise<EveryRecordView>>();

	constructor(private readonly ctx: RequestContext) {}

	async get(tableId: string): Promise<TableSchema> {
		let schema = this.cache.get(tableId);
		if (!schema) {
			schema = api.getTable(this.ctx, tableId).then((table) => {
				const read = new TableSchema(table);
				this.read.set(tableId, read);
				return read;
			});
			// a failed read is kept too: the same failure (expired session, unknown table) would repeat for every item
			this.cache.set(tableId, schema);
		}
		return await schema;
	}

	/**
	 * The view that lists every record of the table (found once per execution): the one named
	 * "All rows". A table without it (renamed, or never there) may have a filtered view first, so
	 * the views are read in turn, the first view first, until one lists as many records as the
	 * table's count (`list`: its record ids, read on the way); when none does, the one that lists
	 * most, its list marked incomplete. Only "All rows" is `named`: a view found by its count lists
	 * every record now (of an empty table, any view does), not surely later.
	 */
	async everyRecordView(tableId: string): Promise<EveryRecordView> {
		let found = this.everyRecordViews.get(tableId);
		if (!found) {
			found = this.get(tableId).then(async (schema) => {
				const named = schema.allRowsView();
				if (named) return { view: named, named: true };
				const views = schema.viewsInOrder();
				if (!views.length) throw new Error(`${schema.describe()} has no views to read records from`);
				const total = await api.count(this.ctx, tableId);
				let best: { view: ClayView; list: ViewList } | undefined;
				for (const view of views) {
					const list = await api.viewRecordList(this.ctx, tableId, view.id);
					if (list.complete && list.ids.length >= total) return { view, list, named: false };
					if (!best || list.ids.length > best.list.ids.length) best = { view, list };
				}
				return { view: best!.view, list: { ids: best!.list.ids, complete: false }, named: false };
			});
			this.everyRecordViews.set(tableId, found);
		}
		return await found;
	}

	/** The record ids of the view that lists every record (`everyRecordView`), and whether that is all of them. */
	async everyRecord(tableId: string): Promise<{ viewId: string } & ViewList> {
		const { view, list } = await this.everyRecordView(tableId);
		return { viewId: view.id, ...(list ?? (await api.viewRecordList(this.ctx, tableId, view.id))) };
	}

	/** The schema, when it was read already (no promise to wait for). */
	loaded(tableId: string): TableSchema | undefined {
		return this.read.get(tableId);
	}
}
