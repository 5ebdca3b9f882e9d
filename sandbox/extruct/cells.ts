/**
 * Cells of the Extruct sandbox, whose status is computed from the clock whenever it is read.
 *
 * A cell is an object whose `value`, `status` and `updated_at` are enumerable getters over a
 * hidden state (the cell's value and its pending enrichment job), so `JSON.stringify`,
 * `toEqual` and direct reads of `sandbox.tables` always see the state as of now, and nothing
 * needs a timer.
 */
import type { CellStatus, ExtructCell, ExtructRow } from './types';

export interface CellJob {
	requestedAt: number;
	startAt: number;
	endAt: number;
	outcome: 'done' | 'failed';
	value: unknown;
}

export interface CellState {
	value: unknown;
	status: CellStatus;
	updatedAt: number | null;
	job?: CellJob;
}

/** The state behind a cell made here (a non-enumerable property: faster than a WeakMap). */
const STATE = Symbol('extructCellState');
export const stateOf = (cell: ExtructCell): CellState | undefined => (cell as unknown as { [STATE]?: CellState })[STATE];

/** Bumped on every change made through a cell setter, so cached table statuses notice hand-made edits. */
let cellEdits = 0;
export const cellEditCount = (): number => cellEdits;

/** Brings a cell's state up to `now`: its job's start and end decide its status. */
export function settle(state: CellState, now = Date.now()): void {
	const job = state.job;
	if (!job) return;
	if (now >= job.endAt) {
		state.status = job.outcome;
		// docs silent: a failed cell's value; null.
		state.value = job.outcome === 'done' ? job.value : null;
		state.updatedAt = job.endAt;
		state.job = undefined;
	} else if (now >= job.startAt) {
		state.status = 'in_progress';
		state.updatedAt = job.startAt;
	} else {
		state.status = 'requested';
		state.updatedAt = job.requestedAt;
	}
}

/** `updated_at` on the wire: cells written together share an instant, so the last one is kept. */
let lastIso = { ms: Number.NaN, text: '' };
export function isoOf(ms: number | null): string | null {
	if (ms === null) return null;
	if (ms !== lastIso.ms) lastIso = { ms, text: new Date(ms).toISOString() };
	return lastIso.text;
}

/**
 * The accessors of every cell, shared: each reads the cell's state through `this`. A bulk add
 * makes thousands of cells; closures per cell would make the sandbox, not the node, the slow
 * side of the benchmark.
 */
function cellAccessor<T>(read: (state: CellState) => T, write: (state: CellState, v: T) => void): PropertyDescriptor {
	return {
		enumerable: true,
		get(this: ExtructCell) {
			const state = stateOf(this)!;
			settle(state);
			return read(state);
		},
		set(this: ExtructCell, v: T) {
			const state = stateOf(this)!;
			settle(state);
			cellEdits++;
			write(state, v);
		},
	};
}
const CELL_VALUE = cellAccessor<unknown>(
	(state) => state.value,
	(state, v) => (state.value = v),
);
const CELL_STATUS = cellAccessor<CellStatus>(
	(state) => state.status,
	(state, v) => {
		state.job = undefined;
		state.status = v;
	},
);
const CELL_UPDATED_AT = cellAccessor<string | null>(
	(state) => isoOf(state.updatedAt),
	(state, v) => (state.updatedAt = v === null ? null : Date.parse(v)),
);
// One instant for the whole cell when it is serialized, so its value, status and
// updated_at always agree on the wire (each getter alone reads the clock again).
const CELL_TO_JSON: PropertyDescriptor = {
	enumerable: false,
	value(this: ExtructCell) {
		const state = stateOf(this)!;
		settle(state);
		return { value: state.value, status: state.status, updated_at: isoOf(state.updatedAt) };
	},
};

/** A new cell with its state behind the shared accessors. */
export function makeCell(value: unknown, status: CellStatus, updatedAt: number | null): ExtructCell {
	const state: CellState = { value, status, updatedAt };
	const cell = {} as ExtructCell;
	Object.defineProperty(cell, 'value', CELL_VALUE);
	Object.defineProperty(cell, 'status', CELL_STATUS);
	Object.defineProperty(cell, 'updated_at', CELL_UPDATED_AT);
	Object.defineProperty(cell, STATE, { value: state, enumerable: false });
	Object.defineProperty(cell, 'toJSON', CELL_TO_JSON);
	return cell;
}

/** The state behind a row's cell; a plain cell object put there by hand is adopted first. */
export function cellState(row: ExtructRow, key: string): CellState | undefined {
	const cell = row.data[key];
	if (!cell) return undefined;
	let state = stateOf(cell);
	if (!state) {
		const adopted = makeCell(cell.value, cell.status, cell.updated_at ? Date.parse(cell.updated_at) : null);
		row.data[key] = adopted;
		cellEdits++;
		state = stateOf(adopted)!;
	}
	settle(state);
	return state;
}

/** The status of a cell as of now; a plain cell object (not made here) says its own. */
export function cellStatusOf(cell: ExtructCell): CellStatus {
	const state = stateOf(cell);
	if (!state) return cell.status;
	settle(state);
	return state.status;
}
