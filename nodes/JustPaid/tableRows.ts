/**
 * The tables a row operation reads, once each per execution: the table itself (its columns,
 * its row count) and an index of its rows (read once, paged at 100, and kept up to date with
 * the node's own writes). Nothing here outlives the execution: n8n may run the next one on
 * another worker.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { allRows, api, columnsOf } from './api';
import type { Column, Row, Table } from './api';
import { stableJson } from './readBack';

/** The text key two values match on: 42 and "42" match; objects by their JSON. */
export function matchKey(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'object') return `j:${stableJson(value)}`;
	return `v:${String(value)}`;
}

/** The rows of one table in list order, by ID and by the value of any column. */
export class RowIndex {
	private readonly rows = new Map<string, Row>();
	private readonly order = new Map<string, number>();
	private readonly byColumn = new Map<string, Map<string, string[]>>();
	private next = 0;

	constructor(rows: Iterable<Row>) {
		for (const row of rows) this.put(row);
	}

	get(rowId: string): Row | undefined {
		return this.rows.get(rowId);
	}

	/** Rows whose `column` matches `value`, in list order. */
	find(column: string, value: unknown): Row[] {
		const key = matchKey(value);
		if (key === undefined) return [];
		return (this.column(column).get(key) ?? []).map((id) => this.rows.get(id)!);
	}

	/** Adds a row (at the end) or replaces it (keeping its place), updating every column map. */
	put(row: Row): void {
		const old = this.rows.get(row.id);
		if (!this.order.has(row.id)) this.order.set(row.id, this.next++);
		this.rows.set(row.id, row);
		for (const [column, map] of this.byColumn) {
			const before = old ? matchKey(old.data?.[column]) : undefined;
			const after = matchKey(row.data?.[column]);
			if (before === after && old) continue;
			if (before !== undefined) this.remove(map, before, row.id);
			if (after !== undefined) this.insert(map, after, row.id);
		}
	}

	private column(column: string): Map<string, string[]> {
		let map = this.byColumn.get(column);
		if (!map) {
			map = new Map();
			for (const row of this.rows.values()) {
				const key = matchKey(row.data?.[column]);
				if (key === undefined) continue;
				const list = map.get(key) ?? [];
				list.push(row.id);
				map.set(key, list);
			}
			this.byColumn.set(column, map);
		}
		return map;
	}

	private remove(map: Map<string, string[]>, key: string, rowId: string): void {
		const list = (map.get(key) ?? []).filter((id) => id !== rowId);
		if (list.length) map.set(key, list);
		else map.delete(key);
	}

	private insert(map: Map<string, string[]>, key: string, rowId: string): void {
		const list = map.get(key) ?? [];
		const at = this.order.get(rowId)!;
		let i = list.length;
		while (i > 0 && this.order.get(list[i - 1])! > at) i--;
		list.splice(i, 0, rowId);
		map.set(key, list);
	}
}

/** The tables and row indexes of one execution, each read once. */
export class TableRows {
	private readonly tables = new Map<string, Promise<Table>>();
	private readonly known = new Map<string, Table>();
	private readonly indexes = new Map<string, Promise<RowIndex>>();

	constructor(protected readonly ctx: IExecuteFunctions) {}

	/** The table, read once per execution. */
	async table(tableId: string): Promise<Table> {
		let table = this.tables.get(tableId);
		if (!table) {
			table = api.getTable(this.ctx, tableId).then((read) => {
				this.known.set(tableId, read);
				this.tableRead(tableId, read);
				return read;
			});
			this.tables.set(tableId, table);
		}
		return await table;
	}

	async columns(tableId: string): Promise<Column[]> {
		return columnsOf(await this.table(tableId));
	}

	/** Every row of the table, read once per execution (paged at 100). */
	async index(tableId: string): Promise<RowIndex> {
		let index = this.indexes.get(tableId);
		if (!index) {
			index = (async () => {
				const table = await this.table(tableId);
				const rows: Row[] = [];
				for await (const page of allRows(this.ctx, tableId, typeof table.rowCount === 'number' ? table.rowCount : undefined)) {
					rows.push(...page);
				}
				this.rowsRead(tableId, rows);
				return new RowIndex(rows);
			})();
			this.indexes.set(tableId, index);
		}
		return await index;
	}

	/** `"Name" (id)` when the table was read, else its ID. */
	tableLabel(tableId: string): string {
		const name = this.known.get(tableId)?.name;
		return name ? `"${name}" (${tableId})` : tableId;
	}

	/** Called once a table was read, before anyone gets it. */
	protected tableRead(_tableId: string, _table: Table): void {}

	/** Called once every row of a table was read, before its index is built. */
	protected rowsRead(_tableId: string, _rows: Row[]): void {}
}
