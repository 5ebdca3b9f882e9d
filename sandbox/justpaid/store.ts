/**
 * The state of the JustPaid sandbox: every company's tables and rows, the row history, the list
 * order (as the profile says), and how tables and rows go on the wire.
 */
import { makeRandom } from '../framework';
import { clone, notFound } from './http';
import type { JustPaidProfile } from './profiles';
import { normalizeColumns } from './validation';
import type { JustPaidColumn, JustPaidEvent, JustPaidRow, JustPaidTable } from './types';

/** docs: a table's row cap when none is given. */
const DEFAULT_MAX_ROWS = 10_000;

export interface TableInput {
	name: string;
	description?: string | null;
	columns?: JustPaidColumn[];
	schema?: Record<string, unknown>;
	metadata?: Record<string, unknown>;
	maxRows?: number;
}

export class JustPaidStore {
	readonly tables = new Map<string, JustPaidTable>();
	readonly history: JustPaidEvent[] = [];

	// Ids come from their own generator, so that fault patterns (server.random) do not depend on how many ids were made.
	private readonly idRandom: () => number;
	private readonly usedIds = new Set<string>();
	/** Write order of rows, for the `insertion` tie-break. */
	private readonly insertionOrder = new WeakMap<JustPaidRow, number>();
	private insertions = 0;
	private historySeq = 0;
	/** Creation order of tables, for ties in the table list. */
	private readonly tableOrder = new WeakMap<JustPaidTable, number>();
	private tableSeq = 0;
	/** `cacheOrder`: the sorted list per table, valid while no row was created or deleted. */
	private orderVersion = 0;
	private readonly orderCache = new Map<string, { rows: JustPaidRow[]; length: number; version: number; sorted: JustPaidRow[] }>();

	private readonly nullsFirst: boolean;

	constructor(
		private readonly profile: JustPaidProfile,
		seed: number,
		readonly now: () => number,
	) {
		this.idRandom = makeRandom((seed ^ 0x5eed1d5) >>> 0);
		this.nullsFirst = profile.nullPosition === 'first';
	}

	/** UUID v4 (the documented id format), deterministic for a given seed and never repeated. */
	uuid(): string {
		for (;;) {
			const bytes = Array.from({ length: 16 }, () => Math.floor(this.idRandom() * 256));
			bytes[6] = (bytes[6] & 0x0f) | 0x40;
			bytes[8] = (bytes[8] & 0x3f) | 0x80;
			const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
			const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
			if (!this.usedIds.has(id)) {
				this.usedIds.add(id);
				return id;
			}
		}
	}

	iso(ms = this.now()): string {
		return new Date(ms).toISOString();
	}

	private record(type: JustPaidEvent['type'], tableId: string, rowId: string, at = this.iso()): void {
		this.history.push({ type, tableId, rowId, at, seq: ++this.historySeq });
	}

	// ---------- tables ----------

	/** The company's tables, newest first (docs: createdAt descending; docs silent on ties: the most recently created first). */
	tablesOf(companyId: string): JustPaidTable[] {
		const order = (table: JustPaidTable) => this.tableOrder.get(table) ?? 0;
		return [...this.tables.values()]
			.filter((t) => t.companyId === companyId)
			.sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : order(b) - order(a)));
	}

	/** The company's table `tableId`; 404 when it does not exist or belongs to another company. */
	getTable(tableId: string, companyId: string): JustPaidTable {
		const table = this.tables.get(tableId);
		if (!table || table.companyId !== companyId) throw notFound('Table not found');
		return table;
	}

	/** The table's columns ARE its schema's columns: sets both from `columns`, else from `schema.columns`. */
	applySchema(schema: Record<string, unknown>, columns: JustPaidColumn[] | undefined): { schema: Record<string, unknown>; columns: JustPaidColumn[] } {
		if (columns !== undefined) return { schema: { ...schema, columns }, columns };
		// docs silent: columns sent inside `schema` are the table's columns too, so they get the same checks.
		if (schema.columns !== undefined) {
			const normalized = normalizeColumns(schema.columns, 'schema.columns');
			return { schema: { ...schema, columns: normalized }, columns: normalized };
		}
		return { schema, columns: [] };
	}

	createTable(companyId: string, input: TableInput): JustPaidTable {
		const at = this.iso();
		const { schema, columns } = this.applySchema(input.schema ?? {}, input.columns);
		const table: JustPaidTable = {
			id: this.uuid(),
			companyId,
			name: input.name,
			description: input.description ?? null,
			columns,
			schema,
			metadata: input.metadata ?? {},
			maxRows: input.maxRows ?? DEFAULT_MAX_ROWS,
			rows: [],
			createdAt: at,
			updatedAt: at,
		};
		this.tableOrder.set(table, ++this.tableSeq);
		this.tables.set(table.id, table);
		return table;
	}

	// ---------- rows ----------

	private readonly compareRows = (a: JustPaidRow, b: JustPaidRow): number => {
		// Position first (ascending); rows without a position after them — like Postgres' ASC NULLS
		// LAST — or, with `nullPosition: 'first'`, before them.
		if (a.position !== null || b.position !== null) {
			if (a.position === null) return this.nullsFirst ? -1 : 1;
			if (b.position === null) return this.nullsFirst ? 1 : -1;
			if (a.position !== b.position) return a.position - b.position;
		}
		if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
		// docs silent on ties: by id ascending (default), or write order (option `tieBreak: 'insertion'`).
		if (this.profile.tieBreak === 'insertion') return (this.insertionOrder.get(a) ?? 0) - (this.insertionOrder.get(b) ?? 0);
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	};

	/** A table's rows in the list order; with `cacheOrder` the same array until a row is created or deleted. */
	listOrder(tableId: string): JustPaidRow[] {
		const rows = this.tables.get(tableId)?.rows ?? [];
		if (!this.profile.cacheOrder) return [...rows].sort(this.compareRows);
		const cached = this.orderCache.get(tableId);
		if (cached && cached.rows === rows && cached.length === rows.length && cached.version === this.orderVersion) return cached.sorted;
		const sorted = [...rows].sort(this.compareRows);
		this.orderCache.set(tableId, { rows, length: rows.length, version: this.orderVersion, sorted });
		return sorted;
	}

	/** A new row at `at`, appended to the table, without history (seeding) — see `createRow`. */
	newRow(table: JustPaidTable, data: Record<string, unknown>, at = this.now()): JustPaidRow {
		const row: JustPaidRow = {
			id: this.uuid(),
			tableId: table.id,
			data: clone(data),
			position: null,
			createdAt: this.iso(at),
			updatedAt: this.iso(at),
		};
		this.insertionOrder.set(row, ++this.insertions);
		table.rows.push(row);
		this.orderVersion++;
		return row;
	}

	/** Adds a row as `POST /rows` does, history included. */
	createRow(table: JustPaidTable, data: Record<string, unknown>): JustPaidRow {
		const row = this.newRow(table, data);
		this.record('created', table.id, row.id, row.createdAt);
		return row;
	}

	/** Replaces a row's data as `PATCH /rows/{rowId}` does (no merge; position and createdAt stay), history included. */
	updateRow(table: JustPaidTable, row: JustPaidRow, data: Record<string, unknown>): JustPaidRow {
		row.data = clone(data);
		row.updatedAt = this.iso();
		this.record('updated', table.id, row.id, row.updatedAt);
		return row;
	}

	/** Deletes a row as `DELETE /rows/{rowId}` does, history included; false for an unknown row. */
	deleteRow(table: JustPaidTable, rowId: string): boolean {
		const index = table.rows.findIndex((r) => r.id === rowId);
		if (index === -1) return false;
		table.rows.splice(index, 1);
		this.orderVersion++;
		this.record('deleted', table.id, rowId);
		return true;
	}

	/** Adds a row without history, with the position, createdAt or id a test asks for. */
	seedRow(table: JustPaidTable, data: Record<string, unknown>, extra: { position?: number | null; createdAt?: number | string; id?: string } = {}): JustPaidRow {
		const at = extra.createdAt === undefined ? this.now() : new Date(extra.createdAt).getTime();
		const row = this.newRow(table, data, at);
		if (extra.id !== undefined) {
			this.usedIds.add(extra.id);
			row.id = extra.id;
		}
		if (extra.position !== undefined) row.position = extra.position;
		this.orderVersion++;
		return row;
	}

	// ---------- the wire ----------

	tableJson(table: JustPaidTable): Record<string, unknown> {
		return {
			id: table.id,
			name: table.name,
			description: table.description,
			columns: clone(table.columns),
			schema: clone(table.schema),
			metadata: clone(table.metadata),
			maxRows: table.maxRows,
			rowCount: table.rows.length,
			createdAt: table.createdAt,
			updatedAt: table.updatedAt,
		};
	}

	rowJson(row: JustPaidRow): Record<string, unknown> {
		return {
			id: row.id,
			tableId: row.tableId,
			data: clone(row.data),
			position: row.position,
			createdAt: row.createdAt,
			updatedAt: row.updatedAt,
		};
	}
}
