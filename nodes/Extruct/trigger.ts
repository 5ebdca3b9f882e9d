/**
 * How the Extruct trigger reads Extruct; the state logic is nodes/shared/trigger.ts (runner), watermark.ts and paging.ts.
 *
 * Row Added: `/data` lists rows in created order, so new rows are at the end. The watermark is
 * the newest emitted `created_at` plus the ids at exactly that time. A poll reads the row
 * count (`GET /tables/{id}`) and then the list backwards from its end until a row older than
 * the watermark: idle, that is one page holding the rows at the watermark and the row before.
 *
 * Row Enriched: a row qualifies when every chosen cell is `done` or `failed`; its event time is
 * the latest `updated_at` of those cells, and each such time is emitted once (a re-run that
 * finishes again is a new event). Extruct has no filter on cell status or time, so finding
 * them means reading the whole table — which the trigger does only when the table's status
 * (row count and cell counters) or its newest row changed since the last poll, while cells
 * are running, or when the last poll left rows for the next one. Idle: those 2 requests.
 * The time watermark stays under the server's clock (see `safeTime`), so a row still running
 * when its page was read is caught by the next poll.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { ServiceError } from '../shared/errors';
import { appendedRows, readBackward } from '../shared/paging';
import type { AddedState } from '../shared/paging';
import { runTrigger } from '../shared/trigger';
import type { PollResult, TriggerSpec } from '../shared/trigger';
import { fullReadPoll, fullReadStart, maxTime, sortByTime } from '../shared/watermark';
import type { SummaryReadState } from '../shared/watermark';
import { api, extruct, INPUT_KINDS, pollApi, rowOutput, TERMINAL } from './api';
import type { Row, Table } from './api';

const PAGE = 100;
/** Pages read (newest first) for a sample of Row Enriched. */
const SAMPLE_PAGES = 10;

export interface ExtructTriggerSettings {
	tableId: string;
	event: 'rowAdded' | 'rowEnriched';
	/** Column ids (or keys) whose cells must be finished; empty: every enrichment column. */
	columns: string[];
	includeExisting: boolean;
	simplify: boolean;
	/** Row Enriched: read the table at least this often even when its status looks unchanged (0: never). */
	recheckMs: number;
	/** The clock used for `recheckMs` only. */
	now(): number;
}

/** `signature`: the table's status and newest row at the last read of the table. */
interface EnrichedState extends SummaryReadState {
	/** When the table was last read in full (the trigger's clock, ms). */
	checkedAt: number;
}

const created = (row: Row): string => String(row.created_at ?? '');
const id = (row: Row): string => row.id;
const reader = (ctx: IPollFunctions, tableId: string) => async (offset: number, limit: number) => (await api.getRowsPage(ctx, tableId, offset, limit)).rows;

function rowCount(table: Table): number {
	const count = Number(table.status?.num_rows);
	if (!Number.isInteger(count) || count < 0) {
		throw new ServiceError('Extruct did not say how many rows the table has (status.num_rows)', {
			description: 'The trigger reads the row count from the table status to find new rows cheaply; the answer of GET /tables/{id} had none.',
		});
	}
	return count;
}

/** The keys of the cells that must be finished. */
function enrichmentKeys(table: Table, chosen: string[]): string[] {
	const columns = Array.isArray(table.columns) ? table.columns : [];
	if (!chosen.length) {
		const keys = columns.filter((column) => !INPUT_KINDS.has(column.config.kind)).map((column) => column.config.key);
		if (!keys.length) {
			throw new Error(
				`Table "${table.name ?? table.id}" has no enrichment columns, so no row can be enriched: add one, or use the event Row Added`,
			);
		}
		return keys;
	}
	return chosen.map((wanted) => {
		const column = columns.find((c) => c.id === wanted || c.config.key === wanted);
		if (!column) {
			throw new Error(
				`"Columns": the column ${wanted} is not in table "${table.name ?? table.id}" (any more); its columns are: ${columns.map((c) => c.config.key).join(', ') || '(none)'}`,
			);
		}
		return column.config.key;
	});
}

/** When a row's chosen cells all finished (the latest of their `updated_at`), or undefined while one is not. */
export function enrichedAt(row: Row, keys: string[]): string | undefined {
	let latest = '';
	for (const key of keys) {
		const cell = row.data?.[key];
		if (!cell || typeof cell !== 'object' || !TERMINAL.has(String(cell.status))) return undefined;
		latest = maxTime(latest, cell.updated_at ?? created(row));
	}
	return latest || created(row);
}

/** The latest time a row shows: its creation or any cell's last change. */
function latestIn(row: Row): string {
	let latest = created(row);
	for (const cell of Object.values(row.data ?? {})) {
		if (cell && typeof cell === 'object') latest = maxTime(latest, (cell as { updated_at?: string | null }).updated_at);
	}
	return latest;
}

/** One poll of the Extruct trigger. */
export async function pollExtruct(ctx: IPollFunctions, settings: ExtructTriggerSettings): Promise<INodeExecutionData[][] | null> {
	return settings.event === 'rowAdded' ? await runTrigger(ctx, rowAdded(ctx, settings)) : await runTrigger(ctx, rowEnriched(ctx, settings));
}

function rowAdded(ctx: IPollFunctions, { tableId, includeExisting, simplify }: ExtructTriggerSettings): TriggerSpec<AddedState> {
	const count = async () => rowCount((await pollApi.getTable(ctx, tableId)).table);
	const list = { count, read: reader(ctx, tableId), id, created, pageSize: PAGE };
	return appendedRows({ service: extruct, includeExisting, key: `extruct|rowAdded|${tableId}`, tableId }, list, (row) => rowOutput(row, simplify));
}

function rowEnriched(ctx: IPollFunctions, settings: ExtructTriggerSettings): TriggerSpec<EnrichedState> {
	const { tableId } = settings;
	const read = reader(ctx, tableId);
	const output = (row: Row): IDataObject => rowOutput(row, settings.simplify);

	/** The table, the keys of the chosen cells, the newest row and the signature of them. */
	const readTableStatus = async () => {
		const { table, serverTime } = await pollApi.getTable(ctx, tableId);
		const total = rowCount(table);
		const keys = enrichmentKeys(table, settings.columns);
		const newest = total ? (await read(total - 1, 1)).at(-1) : undefined;
		const status = table.status ?? {};
		const signature = JSON.stringify([
			total,
			status.num_cells_completed ?? null,
			status.num_cells_in_progress ?? null,
			status.run_status ?? null,
			newest?.id ?? null,
			keys,
		]);
		const busy = Number(status.num_cells_in_progress ?? 0) > 0 || status.run_status === 'running';
		return { total, keys, newest, signature, busy, serverTime };
	};

	return {
		service: extruct,
		includeExisting: settings.includeExisting,
		key: `extruct|rowEnriched|${tableId}|${[...settings.columns].sort().join(',')}`,
		event: 'rowEnriched',
		noSample: `No row of the Extruct table ${tableId} has finished enriching among its newest ${PAGE * SAMPLE_PAGES} rows: run enrichment, then fetch again`,
		async start() {
			const { total, keys, signature, busy, serverTime } = await readTableStatus();
			// the rows enriched by now are not replayed, also those stamped after the (lagging) watermark
			const rows = await readBackward({ total, read, id, pageSize: PAGE });
			const start = fullReadStart({ rows, event: (row) => enrichedAt(row, keys), id, latestIn }, serverTime);
			return { ...start, signature, deferred: busy, checkedAt: settings.now() };
		},
		async poll(state): Promise<PollResult<EnrichedState>> {
			const { total, keys, signature, busy, serverTime } = await readTableStatus();
			const recheckDue = settings.recheckMs > 0 && settings.now() - (state?.checkedAt ?? 0) >= settings.recheckMs;
			if (state && !busy && !state.deferred && !recheckDue && state.signature === signature) {
				return { rows: [], state };
			}
			const rows = await readBackward({ total, read, id, pageSize: PAGE });
			const next = fullReadPoll({ rows, event: (row) => enrichedAt(row, keys), id, latestIn }, serverTime, state);
			return {
				rows: next.due.map(output),
				state: { ...next.state, signature, deferred: busy || next.deferred, checkedAt: settings.now() },
			};
		},
		async sample() {
			const { total, keys } = await readTableStatus();
			const rows = await readBackward({ total, read, id, pageSize: PAGE, maxPages: SAMPLE_PAGES });
			const enriched = sortByTime(
				rows.filter((row) => enrichedAt(row, keys) !== undefined),
				(row) => enrichedAt(row, keys)!,
			);
			return enriched.slice(-1).map(output);
		},
	};
}
