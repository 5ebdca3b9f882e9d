/**
 * Waiting for the cells of an enrichment run (Enrichment → Run with "Wait for Completion"): a
 * cell has finished when its `metadata.status` is `SUCCESS…` (`SUCCESS_NO_DATA`: it ran and
 * found nothing) or `ERROR_…`.
 */
import { ServiceError } from '../shared/errors';
import type { RequestContext } from '../shared/request';
import { waitUntil } from '../shared/wait';
import type { WaitTiming } from '../shared/wait';
import { api, cellStatus, isFinished, RUNNING_STATUSES } from './api';
import type { ClayRecord } from './api';
import type { TableSchema } from './schema';

/** What a wait read: the last read of each record, and per record the targeted cells Clay did not run. */
export interface RunCells {
	records: Map<string, ClayRecord>;
	notRun: Map<string, string[]>;
}

/** A targeted cell that shows no run status at all for this long, while all others finished, was not run. */
const NO_STATUS_GRACE_MS = 30_000;

const unfinishedOf = (record: ClayRecord, fieldIds: string[]) => fieldIds.filter((fieldId) => !isFinished(cellStatus(record.cells?.[fieldId])));

/** A cell's place in `CellsBefore`. */
const cellKey = (recordId: string, fieldId: string) => `${recordId}\u0000${fieldId}`;

/** The targeted records as read before the run, and the cells Clay may run again as they were then (their JSON, by record and field). */
export interface CellsBefore {
	records: Map<string, ClayRecord>;
	cells: Map<string, string>;
}

/**
 * Reads the targeted cells before a run, and keeps the ones Clay may run again although they
 * show a finished status: all finished ones when the run is forced ("Run Cells That Already Have
 * a Result"), the failed ones (`ERROR_…`) otherwise. Until Clay queues them, such cells still show
 * the previous run's status and value; the wait takes them as finished only once they changed.
 */
export async function readCellsBefore(ctx: RequestContext, schema: TableSchema, recordIds: string[], fieldIds: string[], forceRun: boolean): Promise<CellsBefore> {
	const before: CellsBefore = { records: new Map(), cells: new Map() };
	if (!recordIds.length) return before;
	for (const record of await api.fetchRecords(ctx, schema.id, [...new Set(recordIds)], schema.actionFieldIds())) {
		before.records.set(record.id, record);
		for (const fieldId of fieldIds) {
			const cell = record.cells?.[fieldId];
			const status = cellStatus(cell);
			if (isFinished(status) && (forceRun || status!.startsWith('ERROR_'))) before.cells.set(cellKey(record.id, fieldId), JSON.stringify(cell));
		}
	}
	return before;
}

/**
 * Waits until every targeted cell has finished. Each check re-reads (in bulk) only the records
 * with unfinished cells. A cell that never shows a status while all others finished (Clay did
 * not run it, e.g. a run condition) is reported as not run after a grace period instead of
 * waiting for the timeout. A cell in `before` that still shows exactly what it showed before the
 * run is not finished: Clay has not queued it yet. After the same grace period without a change
 * it is taken as it is (Clay did not run it again, or ran it to the very same cell).
 */
export async function waitForCells(
	ctx: RequestContext,
	schema: TableSchema,
	recordIds: string[],
	fieldIds: string[],
	timing: WaitTiming,
	before: CellsBefore['cells'] = new Map(),
): Promise<RunCells> {
	const records = new Map<string, ClayRecord>();
	let pending = [...new Set(recordIds)];
	let onlyStatuslessSince: number | undefined;
	if (!pending.length) return { records, notRun: new Map() };
	const grace = Math.min(NO_STATUS_GRACE_MS, timing.timeoutMs / 2);
	const startedAt = Date.now();
	const open = (record: ClayRecord) =>
		fieldIds.filter((fieldId) => {
			const cell = record.cells?.[fieldId];
			if (!isFinished(cellStatus(cell))) return true;
			const key = cellKey(record.id, fieldId);
			const earlier = before.get(key);
			if (earlier === undefined) return false;
			// once a cell changed it is judged by its status alone
			if (earlier !== JSON.stringify(cell)) {
				before.delete(key);
				return false;
			}
			return Date.now() - startedAt < grace;
		});

	return await waitUntil<RunCells>(
		timing,
		async () => {
			const seen = new Set<string>();
			for (const record of await api.fetchRecords(ctx, schema.id, pending, schema.actionFieldIds())) {
				records.set(record.id, record);
				seen.add(record.id);
			}
			// a record that is gone (deleted meanwhile, or a wrong id) is not waited for
			pending = pending.filter((id) => seen.has(id) && open(records.get(id)!).length > 0);
			if (!pending.length) return { done: true, value: { records, notRun: new Map() } };

			const allStatusless = pending.every((id) => {
				const record = records.get(id)!;
				return open(record).every((fieldId) => cellStatus(record.cells?.[fieldId]) === undefined);
			});
			onlyStatuslessSince = allStatusless ? (onlyStatuslessSince ?? Date.now()) : undefined;
			if (onlyStatuslessSince !== undefined && Date.now() - onlyStatuslessSince >= grace) {
				return { done: true, value: { records, notRun: new Map(pending.map((id) => [id, open(records.get(id)!)])) } };
			}
			return { done: false };
		},
		() => timeoutError(schema, recordIds, fieldIds, records, timing.timeoutMs),
		{ pauseFirst: true },
	);
}

/**
 * The records of a run Clay did not start, as read just before it (`known`: every targeted record
 * the table holds) or else read once: their targeted cells without a finished run are not run.
 */
export async function readNotStarted(ctx: RequestContext, schema: TableSchema, recordIds: string[], fieldIds: string[], known?: Map<string, ClayRecord>): Promise<RunCells> {
	const records = new Map<string, ClayRecord>();
	const notRun = new Map<string, string[]>();
	const ids = [...new Set(recordIds)];
	const list = known ? ids.flatMap((id) => known.get(id) ?? []) : ids.length ? await api.fetchRecords(ctx, schema.id, ids, schema.actionFieldIds()) : [];
	for (const record of list) {
		records.set(record.id, record);
		const open = unfinishedOf(record, fieldIds);
		if (open.length) notRun.set(record.id, open);
	}
	return { records, notRun };
}

function timeoutError(schema: TableSchema, recordIds: string[], fieldIds: string[], records: Map<string, ClayRecord>, timeoutMs: number): ServiceError {
	let success = 0;
	let noData = 0;
	let failed = 0;
	let open = 0;
	const unknown = new Map<string, number>();
	for (const id of new Set(recordIds)) {
		const record = records.get(id);
		if (!record) continue;
		for (const fieldId of fieldIds) {
			const status = cellStatus(record.cells?.[fieldId]);
			if (status === 'SUCCESS_NO_DATA') noData++;
			else if (status?.startsWith('SUCCESS')) success++;
			else if (status?.startsWith('ERROR_')) failed++;
			else {
				open++;
				if (status !== undefined && !RUNNING_STATUSES.has(status)) unknown.set(status, (unknown.get(status) ?? 0) + 1);
			}
		}
	}
	const total = success + noData + failed + open;
	// the list of statuses is open (live reference): a status this node does not know is named, as it may mean "finished"
	const strange = [...unknown].map(([status, n]) => `${status} (${n})`).join(', ');
	return new ServiceError(
		`The enrichment run on ${schema.describe()} did not finish within ${Math.round(timeoutMs / 1000)} s: ${success + noData + failed} of ${total} cells finished (${success} succeeded, ${noData} found no data, ${failed} failed), ${open} still queued or running${strange ? `; run statuses this node does not know: ${strange}` : ''}`,
		{
			description:
				'The run goes on in Clay. Raise "Timeout" under Options, or read the records later with Record → Get or Get Many.' +
				(strange ? ' If Clay reports a finished run with a status named above, please report it: this node waits only for SUCCESS… and ERROR_… statuses.' : ''),
		},
	);
}
