/**
 * Waiting for enrichment: Enrichment → Run, and Row → Add and Row → Update with "Wait for
 * Completion", all wait here until the cells they started are done or failed.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { toNodeError } from '../shared/errors';
import { nextInterval, waitUntil } from '../shared/wait';
import type { CheckResult, WaitTiming } from '../shared/wait';
import { allRows, api, INPUT_KINDS } from './api';
import type { Row, Table, TableStatus } from './api';

export interface WaitTarget {
	tableId: string;
	/** Columns whose cells to wait for; none means every enrichment column. */
	columnIds: string[];
	/** Rows to wait for; undefined means every row of the table. */
	rowIds?: string[];
	/** Names what is awaited in the time-out message, e.g. "The enrichment run r_1". */
	what: string;
	/** Cells the service said it queued, when it said. */
	requestedCells?: number;
}

const PENDING = new Set(['requested', 'in_progress']);

/** Reads the rows a run targets: by id when there are few, else by paging the table. */
async function readRows(ctx: IExecuteFunctions, tableId: string, rowIds: string[] | undefined): Promise<Row[]> {
	if (rowIds && rowIds.length <= 10) {
		const rows: Row[] = [];
		for (const id of rowIds) {
			try {
				rows.push(await api.getRow(ctx, tableId, id));
			} catch (error) {
				if ((error as { status?: number }).status !== 404) throw toNodeError(ctx.getNode(), error);
			}
		}
		return rows;
	}
	const wanted = rowIds ? new Set(rowIds) : undefined;
	const rows: Row[] = [];
	for await (const page of allRows(ctx, tableId)) rows.push(...page.filter((row) => !wanted || wanted.has(row.id)));
	return rows;
}

function targetKeys(table: Table, columnIds: string[]): string[] {
	return table.columns
		.filter((column) => (columnIds.length ? columnIds.includes(column.id) : !INPUT_KINDS.has(column.config.kind)))
		.map((column) => column.config.key);
}

function progress(status: TableStatus | undefined): string {
	if (!status) return 'no progress reported';
	const parts = [
		status.num_cells_completed !== undefined ? `${status.num_cells_completed} cells done` : undefined,
		status.num_cells_in_progress !== undefined ? `${status.num_cells_in_progress} still in progress` : undefined,
	].filter(Boolean);
	return parts.join(', ') || `run status ${status.run_status ?? 'unknown'}`;
}

/** Shortest pause when the progress says the run is about to end. */
const MIN_ETA_PAUSE_MS = 250;

/**
 * How long until the run is likely done, from the cells finished since the last check and the
 * cells still in progress; undefined when the status does not tell.
 */
function estimateMs(status: TableStatus | undefined, previous: { at: number; finished: number } | undefined, now: number): number | undefined {
	// The status counts no failed cells (they show in the cells only): the pace is that of the done ones.
	const finished = status?.num_cells_completed ?? NaN;
	const left = status?.num_cells_in_progress;
	if (!previous || !Number.isFinite(finished) || typeof left !== 'number' || finished <= previous.finished || now <= previous.at) return undefined;
	const perMs = (finished - previous.finished) / (now - previous.at);
	return left / perMs;
}

/**
 * Waits until no targeted cell is requested or in progress. Each check is one request
 * for the table's status; the rows are read only once the table says it is idle. The
 * pauses between checks are `waitUntil`'s; when the status shows how fast cells finish, a
 * pause is cut short to end about when the run should.
 */
export async function waitForCells(ctx: IExecuteFunctions, target: WaitTarget, timing: WaitTiming): Promise<Row[]> {
	// The pause `waitUntil` takes after this check, followed here so that an estimate never makes it longer.
	let interval = timing.firstIntervalMs;
	let idleChecks = 0;
	let sawRunning = false;
	let lastStatus: TableStatus | undefined;
	let previous: { at: number; finished: number } | undefined;
	const check = async (): Promise<CheckResult<Row[]>> => {
		const table = await api.getTable(ctx, target.tableId);
		const checkedAt = Date.now();
		const eta = estimateMs(table.status, previous, checkedAt);
		previous = { at: checkedAt, finished: table.status?.num_cells_completed ?? NaN };
		lastStatus = table.status;
		const idle = lastStatus?.run_status !== 'running' && !((lastStatus?.num_cells_in_progress ?? 0) > 0);
		if (!idle) sawRunning = true;
		if (idle && (sawRunning || idleChecks > 0 || target.requestedCells === 0)) {
			const rows = await readRows(ctx, target.tableId, target.rowIds);
			const keys = targetKeys(table, target.columnIds);
			const pending = rows.some((row) => keys.some((key) => PENDING.has(row.data?.[key]?.status)));
			if (!pending) return { done: true, value: rows };
		}
		if (idle) idleChecks++;
		const pauseMs = eta === undefined || idle ? undefined : Math.min(interval, Math.max(MIN_ETA_PAUSE_MS, eta * 1.05));
		interval = nextInterval(interval);
		return { done: false, pauseMs };
	};
	const timedOut = () =>
		new Error(
			`${target.what} on table ${target.tableId} did not finish within ${Math.round(timing.timeoutMs / 1000)} s: ${progress(lastStatus)}${target.requestedCells !== undefined ? ` (of ${target.requestedCells} requested cells)` : ''}. It goes on in Extruct: raise "Timeout", or read the rows later with Row → Get Many.`,
		);
	return await waitUntil(timing, check, timedOut);
}

/**
 * After Row → Add / Update with "Run Enrichment" and "Wait for Completion": waits for the
 * written rows of each table and returns them enriched. A row that was written but whose
 * enrichment did not finish in time becomes an error that says the row was written, so
 * nobody adds it again.
 */
export async function waitForWrittenRows(
	ctx: IExecuteFunctions,
	written: Array<{ tableId: string; row: Row } | Error>,
	timing: WaitTiming,
): Promise<Array<Row | Error>> {
	const byTable = new Map<string, string[]>();
	for (const entry of written) {
		if (entry instanceof Error) continue;
		byTable.set(entry.tableId, [...(byTable.get(entry.tableId) ?? []), entry.row.id]);
	}
	const enriched = new Map<string, Row | Error>();
	for (const [tableId, rowIds] of byTable) {
		try {
			const rows = await waitForCells(ctx, { tableId, columnIds: [], rowIds, what: `Enrichment of ${rowIds.length} written row(s)` }, timing);
			for (const row of rows) enriched.set(row.id, row);
		} catch (error) {
			const failure = toNodeError(ctx.getNode(), error);
			for (const id of rowIds) {
				enriched.set(id, new Error(`The row was written (id ${id}), but ${failure.message.charAt(0).toLowerCase()}${failure.message.slice(1)}`));
			}
		}
	}
	return written.map((entry) => (entry instanceof Error ? entry : (enriched.get(entry.row.id) ?? entry.row)));
}
