/**
 * Enrichment in the Extruct sandbox, simulated without timers: a run gives every targeted cell
 * a scheduled start and end on the table's worker pool (`cellParallelism` slots, shared by every
 * run of the table), and a cell's status (`requested` → `in_progress` → `done` | `failed`) is
 * computed from the clock whenever it is read (cells.ts).
 *
 * A cell fails when the row's input contains "fail", or by chance with `failRate`; a done cell
 * holds the value cellValues.ts derives from the row's input.
 */
import { cellEditCount, cellState, settle } from './cells';
import { extructCellValue, extructInputText } from './cellValues';
import type { ExtructProfile } from './profiles';
import { isInputColumn } from './store';
import type { ExtructStore } from './store';
import type { CellStatus, ExtructColumn, ExtructRow, ExtructRun, ExtructRunMode, ExtructTable, ExtructTableStatus } from './types';

export interface EnrichmentOptions {
	/** Delay from run start until a cell's processing may begin. */
	cellStartMs: number;
	/** Processing time per cell. */
	cellDurationMs: number;
	/** Cells processed at once per table. */
	cellParallelism: number;
	/** Failure probability per enriched cell, drawn from `random`. */
	failRate: number;
}

interface CachedStatus {
	changes: number;
	edits: number;
	rows: ExtructRow[];
	columns: ExtructColumn[];
	size: string;
	validUntil: number;
	result: ExtructTableStatus;
}

const enrichmentColumns = (table: ExtructTable) => table.columns.filter((c) => !isInputColumn(c));

export class Enrichment {
	/** Per table: when each of the `cellParallelism` workers is free again (ms). */
	private readonly pools = new Map<string, number[]>();
	/**
	 * Table statuses served over HTTP are cached until the next change (any non-GET request, a
	 * seed, a cell setter) or the next cell transition, so polling a big idle table stays cheap.
	 * A cell object replaced by hand in `row.data` is not noticed by that cache until the next
	 * change; `tableStatus()` never uses it.
	 */
	private readonly statusCache = new Map<string, CachedStatus>();

	constructor(
		private readonly store: ExtructStore,
		private readonly profile: ExtructProfile,
		private readonly options: EnrichmentOptions,
		private readonly random: () => number,
	) {}

	/** Forgets a deleted table's worker pool. */
	forget(tableId: string): void {
		this.pools.delete(tableId);
	}

	/** Queues the targeted cells that `mode` selects on the table's worker pool; returns the run. */
	start(table: ExtructTable, mode: ExtructRunMode, targetRows: ExtructRow[], targetColumns: ExtructColumn[], now = Date.now()): ExtructRun {
		const { cellStartMs, cellDurationMs, failRate } = this.options;
		let pool = this.pools.get(table.id);
		if (!pool) {
			pool = new Array<number>(this.options.cellParallelism).fill(0);
			this.pools.set(table.id, pool);
		}
		const earliest = now + cellStartMs;
		let requested = 0;
		let completesAt = now;
		const columns = targetColumns.filter((c) => !isInputColumn(c));
		for (const row of targetRows) {
			let input: unknown;
			for (const column of columns) {
				const state = cellState(row, column.config.key);
				if (!state) continue;
				const s = state.status;
				const take =
					mode === 'all' ||
					(mode === 'new' && s === 'created') ||
					(mode === 'failed' && s === 'failed') ||
					(mode === 'stuck_failed_new' && s !== 'done');
				if (!take) continue;
				if (input === undefined) input = this.rowInput(table, row);
				let worker = 0;
				for (let w = 1; w < pool.length; w++) if (pool[w] < pool[worker]) worker = w;
				const startAt = Math.max(earliest, pool[worker]);
				const endAt = startAt + cellDurationMs;
				pool[worker] = endAt;
				const failsByInput = /fail/i.test(extructInputText(input));
				const failsByChance = failRate > 0 && this.random() < failRate;
				const emailKey = column.config.email_column_key;
				const emailValue = typeof emailKey === 'string' ? row.data[emailKey]?.value : undefined;
				state.job = {
					requestedAt: now,
					startAt,
					endAt,
					outcome: failsByInput || failsByChance ? 'failed' : 'done',
					value: extructCellValue(column.config, input, emailValue),
				};
				settle(state, now);
				requested++;
				completesAt = Math.max(completesAt, endAt);
			}
		}
		const run: ExtructRun = {
			id: this.store.uuid(),
			tableId: table.id,
			mode,
			startedAt: now,
			completesAt,
			num_requested_cells: requested,
			rows: targetRows.map((r) => r.id),
			columns: columns.map((c) => c.id),
		};
		this.store.runs.push(run);
		return run;
	}

	/** The row's input: its `input` cell. docs silent: tables without one; the first non-empty input-kind cell stands in. */
	private rowInput(table: ExtructTable, row: ExtructRow): unknown {
		const direct = table.columns.find((c) => c.config.key === 'input' && isInputColumn(c));
		if (direct && row.data.input?.value !== null && row.data.input?.value !== undefined) return row.data.input.value;
		for (const column of table.columns) {
			if (!isInputColumn(column)) continue;
			const v = row.data[column.config.key]?.value;
			if (v !== null && v !== undefined && v !== '') return v;
		}
		return '';
	}

	/** The table's `status` as of now; `useCache` false counts every cell again (sees any hand edit). */
	tableStatus(table: ExtructTable, useCache = true): ExtructTableStatus {
		const now = Date.now();
		const size = `${table.rows.length}/${table.columns.length}`;
		const cached = this.statusCache.get(table.id);
		if (
			useCache &&
			cached &&
			cached.changes === this.store.changes &&
			cached.edits === cellEditCount() &&
			cached.rows === table.rows &&
			cached.columns === table.columns &&
			cached.size === size &&
			now < cached.validUntil
		) {
			return { ...cached.result };
		}
		let completed = 0;
		let inProgress = 0;
		let failed = 0;
		let validUntil = Infinity;
		const keys = enrichmentColumns(table).map((c) => c.config.key);
		// docs silent: which cells the counters count; the sandbox counts enrichment (non-input) cells only.
		for (const row of table.rows) {
			for (const key of keys) {
				const state = cellState(row, key);
				if (!state) continue;
				if (state.status === 'done') completed++;
				else if (state.status === 'failed') failed++;
				else if (state.status === 'requested' || state.status === 'in_progress') {
					inProgress++;
					if (state.job) validUntil = Math.min(validUntil, state.status === 'requested' ? state.job.startAt : state.job.endAt);
				}
			}
		}
		const result: ExtructTableStatus = {
			run_status: inProgress > 0 ? 'running' : 'idle',
			num_rows: table.rows.length,
			num_cells_completed: completed,
			num_cells_in_progress: inProgress,
			...(this.profile.statusFailedCount ? { num_cells_failed: failed } : {}),
		};
		this.statusCache.set(table.id, { changes: this.store.changes, edits: cellEditCount(), rows: table.rows, columns: table.columns, size, validUntil, result });
		return { ...result };
	}

	/** docs silent: how a row's aggregate status is formed from its enrichment cells. */
	rowStatus(table: ExtructTable, row: ExtructRow): CellStatus {
		const statuses = new Set<CellStatus>();
		for (const column of enrichmentColumns(table)) {
			const state = cellState(row, column.config.key);
			if (state) statuses.add(state.status);
		}
		const running = statuses.has('requested') || statuses.has('in_progress');
		if (statuses.has('in_progress') || (running && (statuses.has('done') || statuses.has('failed')))) return 'in_progress';
		if (running) return 'requested';
		if (statuses.has('failed')) return 'failed';
		if (statuses.has('created')) return 'created';
		return 'done';
	}
}
