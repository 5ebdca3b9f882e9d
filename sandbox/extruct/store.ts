/**
 * The state of the Extruct sandbox: the account, tables, columns, rows and their history, and
 * how tables and rows go on the wire. Enrichment (runs, progress, status) is in enrichment.ts.
 */
import { makeRandom, uuidV4 } from '../framework';
import { cellState, isoOf, makeCell } from './cells';
import { notFound } from './http';
import type { RowInput } from './validation';
import type { ExtructCell, ExtructColumn, ExtructRow, ExtructRowEvent, ExtructRun, ExtructTable, ExtructUser } from './types';

/** Columns a table of each kind gets automatically (api-notes). docs silent: the display names. */
export const EXTRUCT_AUTO_COLUMNS: Record<ExtructTable['kind'], Array<ExtructColumn['config']>> = {
	company: [
		{ kind: 'input', name: 'Input', key: 'input' },
		{ kind: 'company_profile', name: 'Company Profile', key: 'company_profile' },
		{ kind: 'company_name', name: 'Company Name', key: 'company_name' },
		{ kind: 'company_website', name: 'Company Website', key: 'company_website' },
	],
	people: [
		{ kind: 'input', name: 'Input', key: 'input' },
		{ kind: 'input', name: 'Full Name', key: 'full_name' },
		{ kind: 'input', name: 'Role', key: 'role' },
		{ kind: 'input', name: 'Profile URL', key: 'profile_url' },
	],
	generic: [],
};

export const isInputColumn = (column: ExtructColumn) => column.config.kind === 'input';

/** A fresh cell for a column: input cells are always `done`; others wait for a run. */
export const emptyCell = (column: ExtructColumn, now: number): ExtructCell =>
	// docs silent: an input cell the row gave no value for; `{value: null, status: done}`.
	isInputColumn(column) ? makeCell(null, 'done', now) : makeCell(null, 'created', null);

export interface TableInput {
	name: string;
	description: string | null;
	tags: string[];
	kind: ExtructTable['kind'];
	configs: Array<Record<string, unknown>>;
}

export const iso = (ms: number) => isoOf(ms)!;

export class ExtructStore {
	readonly tables = new Map<string, ExtructTable>();
	readonly runs: ExtructRun[] = [];
	readonly history: ExtructRowEvent[] = [];
	readonly user: ExtructUser;
	/**
	 * Bumped by every change made through the API (any non-GET request) or the direct helpers, so
	 * that cached table statuses know when to count again.
	 */
	changes = 0;

	private readonly idRandom: () => number;
	/**
	 * Row lookups by id. Rows are only ever appended to `table.rows` in place; every deletion
	 * replaces the array (filter). So an index built on the same array only lacks the rows
	 * pushed since: those are added, instead of rebuilding the index on every write.
	 */
	private readonly rowIndexes = new Map<string, { rows: ExtructRow[]; index: Map<string, ExtructRow> }>();

	constructor(seed: number) {
		// Ids come from their own generator so that fault patterns (server.random) do not depend on them.
		this.idRandom = makeRandom((seed * 2654435761 + 0x5eed) >>> 0);
		this.user = { id: this.uuid(), email: 'sandbox@extruct.test', name: 'Sandbox User', available_credits: 10000 };
	}

	uuid(): string {
		return uuidV4(this.idRandom);
	}

	private recordEvent(type: ExtructRowEvent['type'], tableId: string, rowId: string, at: number): void {
		this.history.push({ type, tableId, rowId, at: iso(at), seq: this.history.length + 1 });
	}

	rowIndex(table: ExtructTable): Map<string, ExtructRow> {
		let entry = this.rowIndexes.get(table.id);
		if (!entry || entry.rows !== table.rows || entry.index.size > table.rows.length) {
			entry = { rows: table.rows, index: new Map(table.rows.map((r) => [r.id, r])) };
			this.rowIndexes.set(table.id, entry);
		}
		for (let i = entry.index.size; i < table.rows.length; i++) entry.index.set(table.rows[i].id, table.rows[i]);
		return entry.index;
	}

	// ---------- tables ----------

	/** Tables the caller sees: its own, and every table shared with the organization. */
	visible(table: ExtructTable): boolean {
		return table.owner.id === this.user.id || table.scope === 'organization';
	}

	/** The table `tableId` as the caller sees it; 404 when it is unknown. */
	getTable(tableId: string): ExtructTable {
		const table = this.tables.get(tableId);
		// docs silent: FastAPI would validate the body before the handler looks the table up; the
		// sandbox answers 404 first for an unknown table. docs silent: another member's personal
		// table is not found either.
		if (!table || !this.visible(table)) throw notFound('Table not found');
		return table;
	}

	newColumn(config: Record<string, unknown>, now: number): ExtructColumn {
		return { id: this.uuid(), created_at: iso(now), config: structuredClone(config) as ExtructColumn['config'] };
	}

	/** A new table of the user's: the kind's automatic columns (unless a config takes their key), then `configs`. */
	buildTable(input: TableInput, now: number): ExtructTable {
		const userKeys = new Set(input.configs.map((c) => c.key as string));
		const configs = [...EXTRUCT_AUTO_COLUMNS[input.kind].filter((c) => !userKeys.has(c.key)), ...input.configs];
		const table: ExtructTable = {
			id: this.uuid(),
			created_at: iso(now),
			name: input.name,
			description: input.description,
			tags: input.tags,
			kind: input.kind,
			columns: configs.map((c) => this.newColumn(c, now)),
			rows: [],
			owner: { id: this.user.id, email: this.user.email },
			scope: 'personal',
		};
		this.tables.set(table.id, table);
		return table;
	}

	/** A copy of the table under a new id: its columns, and with `schemaOnly` false its rows. */
	cloneTable(table: ExtructTable, schemaOnly: boolean, now: number): ExtructTable {
		// docs silent: the clone's name; "<name> (copy)".
		const copy = this.buildTable({ name: `${table.name} (copy)`, description: table.description, tags: [...table.tags], kind: table.kind, configs: [] }, now);
		copy.columns = table.columns.map((c) => this.newColumn(c.config, now));
		if (schemaOnly) return copy;
		for (const source of table.rows) {
			const row: ExtructRow = {
				id: this.uuid(),
				created_at: iso(now),
				parent_row_id: null,
				company_profile_id: source.company_profile_id,
				data: {},
				metadata: source.metadata === null ? null : structuredClone(source.metadata),
			};
			for (const column of table.columns) {
				const key = column.config.key;
				const state = cellState(source, key);
				// docs silent: cells still queued or running in the source start over (`created`) in the copy.
				if (!state || state.status === 'requested' || state.status === 'in_progress') row.data[key] = emptyCell(column, now);
				else row.data[key] = makeCell(structuredClone(state.value), state.status, state.updatedAt);
			}
			copy.rows.push(row);
		}
		return copy;
	}

	deleteTable(table: ExtructTable): void {
		this.tables.delete(table.id);
		this.rowIndexes.delete(table.id);
	}

	// ---------- rows ----------

	/** A new row (not yet in the table): a cell for every column. */
	newRow(table: ExtructTable, data: Record<string, unknown>, metadata: Record<string, unknown> | null, now: number): ExtructRow {
		const row: ExtructRow = {
			id: this.uuid(),
			created_at: iso(now),
			parent_row_id: null,
			company_profile_id: null,
			data: {},
			metadata,
		};
		for (const column of table.columns) {
			const key = column.config.key;
			// docs silent: a value given for a non-input column is stored as that cell's done value,
			// as PATCH does (seed 001 only says data is column_key -> value).
			row.data[key] = key in data ? makeCell(data[key], 'done', now) : emptyCell(column, now);
		}
		return row;
	}

	/** Appends rows as `POST /rows` does, history included. docs silent: metadata when absent; `{}` as in the seed's example answer. */
	addRows(table: ExtructTable, inputs: Array<Pick<RowInput, 'data' | 'metadata'>>, now: number): ExtructRow[] {
		const created = inputs.map((input) => this.newRow(table, input.data, input.metadata === undefined ? {} : input.metadata, now));
		table.rows.push(...created);
		const index = this.rowIndex(table);
		for (const row of created) index.set(row.id, row);
		for (const row of created) this.recordEvent('added', table.id, row.id, now);
		return created;
	}

	/** Writes cell values (and metadata, when given) into a row as `PATCH /rows` does, history included. */
	updateRow(table: ExtructTable, row: ExtructRow, data: Record<string, unknown>, metadata: RowInput['metadata'], now: number): void {
		for (const [key, value] of Object.entries(data)) this.writeCell(table, row, key, value, now);
		// docs silent: metadata given on update replaces the row's metadata.
		if (metadata !== undefined) row.metadata = metadata;
		this.recordEvent('updated', table.id, row.id, now);
	}

	/** Deletes rows as `DELETE /rows` does, history included. docs silent: unknown ids are skipped; returns the ids deleted. */
	deleteRows(table: ExtructTable, rowIds: string[]): string[] {
		const index = this.rowIndex(table);
		const deleted = [...new Set(rowIds)].filter((id) => index.has(id));
		const gone = new Set(deleted);
		table.rows = table.rows.filter((r) => !gone.has(r.id));
		for (const id of deleted) index.delete(id);
		for (const id of deleted) this.recordEvent('deleted', table.id, id, Date.now());
		return deleted;
	}

	/** Writes a value into a row's cell (cancels any pending enrichment of that cell). */
	private writeCell(table: ExtructTable, row: ExtructRow, key: string, value: unknown, now: number): void {
		const column = table.columns.find((c) => c.config.key === key);
		if (!column) return;
		const state = cellState(row, key);
		if (!state) {
			row.data[key] = makeCell(value, 'done', now);
			return;
		}
		state.job = undefined;
		state.value = value;
		state.status = 'done';
		state.updatedAt = now;
	}

	/** Appends `count` rows of plain cell objects sharing one timestamp, without history (see `ExtructSandbox.seedRows`). */
	seedRows(table: ExtructTable, count: number, data: (index: number) => Record<string, unknown>, when: number): void {
		const at = iso(when);
		const index = this.rowIndex(table);
		for (let i = 0; i < count; i++) {
			const values = data(i);
			const cells: Record<string, ExtructCell> = {};
			for (const column of table.columns) {
				const key = column.config.key;
				if (key in values) cells[key] = { value: values[key], status: 'done', updated_at: at };
				else cells[key] = isInputColumn(column) ? { value: null, status: 'done', updated_at: at } : { value: null, status: 'created', updated_at: null };
			}
			const row: ExtructRow = { id: this.uuid(), created_at: at, parent_row_id: null, company_profile_id: null, data: cells, metadata: {} };
			table.rows.push(row);
			index.set(row.id, row);
		}
	}

	// ---------- the wire ----------

	tableJson(t: ExtructTable) {
		return {
			id: t.id,
			created_at: t.created_at,
			name: t.name,
			kind: t.kind,
			columns: t.columns,
			owner: t.owner,
			scope: t.scope,
			description: t.description,
			tags: t.tags,
			// docs silent: relationships between company and people tables are not simulated.
			child_relationships: [],
			parent_relationships: [],
		};
	}

	rowJson(r: ExtructRow) {
		return {
			id: r.id,
			created_at: r.created_at,
			parent_row_id: r.parent_row_id,
			company_profile_id: r.company_profile_id,
			data: r.data,
			metadata: r.metadata,
			parent_data: null,
		};
	}
}
