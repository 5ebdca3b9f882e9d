/**
 * How the JustPaid trigger reads JustPaid; the state logic is nodes/shared/trigger.ts (runner), watermark.ts and paging.ts.
 *
 * JustPaid lists rows by `position` (rows that have one come first), then `createdAt`, with
 * offset paging and no filter. Rows created through the API have no position, so new rows are
 * appended at the end of the list.
 *
 * Row Added: the watermark is the newest emitted `createdAt` plus the ids at exactly that
 * time. A poll reads the row count (`GET /tables/{id}`) and the list backwards from its end
 * until a row older than the watermark (or one with a position): idle, 2 requests.
 *
 * Row Updated: a row qualifies once its `updatedAt` is later than its `createdAt`; each
 * `updatedAt` is emitted once. An update moves no row and changes neither the row count nor
 * the table, and the API has no filter: finding updates means reading every row, so every
 * poll costs 1 + rows/100 requests, also when nothing changed. The time watermark stays under
 * the server's clock (see `safeTime`), so a row updated after its page was read is caught by
 * the next poll.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { ServiceError } from '../shared/errors';
import { appendedRows, readBackward } from '../shared/paging';
import type { AddedState } from '../shared/paging';
import { runTrigger } from '../shared/trigger';
import type { PollResult, TriggerSpec } from '../shared/trigger';
import { compareTime, fullReadPoll, fullReadStart, maxTime, sortByTime } from '../shared/watermark';
import type { FullReadState } from '../shared/watermark';
import { api, justPaid, PAGE_SIZE, pollApi, rowOutput } from './api';
import type { Row, Table } from './api';

/** Pages read (newest first) for a sample of Row Updated. */
const SAMPLE_PAGES = 10;

export interface JustPaidTriggerSettings {
	tableId: string;
	event: 'rowAdded' | 'rowUpdated';
	includeExisting: boolean;
	simplify: boolean;
}

const created = (row: Row): string => String(row.createdAt ?? '');
const positioned = (row: Row): boolean => row.position !== null && row.position !== undefined;
const id = (row: Row): string => row.id;
const reader = (ctx: IPollFunctions, tableId: string) => async (offset: number, limit: number) => await api.listRows(ctx, tableId, offset, limit);
/** The latest time a row shows. */
const latestIn = (row: Row): string => maxTime(row.createdAt, row.updatedAt);

/** When a row was last updated, or undefined for a row never updated since its creation. */
export function updatedAt(row: Row): string | undefined {
	const updated = String(row.updatedAt ?? '');
	return updated && compareTime(updated, created(row)) > 0 ? updated : undefined;
}

function rowCount(table: Table): number {
	const count = Number(table.rowCount);
	if (!Number.isInteger(count) || count < 0) {
		throw new ServiceError('JustPaid did not say how many rows the table has (rowCount)', {
			description: 'The trigger reads the row count of the table to find new rows cheaply; the answer of GET /tables/{id} had none.',
		});
	}
	return count;
}

/** One poll of the JustPaid trigger. */
export async function pollJustPaid(ctx: IPollFunctions, settings: JustPaidTriggerSettings): Promise<INodeExecutionData[][] | null> {
	return settings.event === 'rowAdded' ? await runTrigger(ctx, rowAdded(ctx, settings)) : await runTrigger(ctx, rowUpdated(ctx, settings));
}

function rowAdded(ctx: IPollFunctions, { tableId, includeExisting, simplify }: JustPaidTriggerSettings): TriggerSpec<AddedState> {
	const count = async () => rowCount((await pollApi.getTable(ctx, tableId)).table);
	// rows with a position are listed before every row the API creates
	const list = { count, read: reader(ctx, tableId), id, created, pageSize: PAGE_SIZE, ignore: positioned };
	return appendedRows({ service: justPaid, includeExisting, key: `justpaid|rowAdded|${tableId}`, tableId }, list, (row) => rowOutput(row, simplify));
}

function rowUpdated(ctx: IPollFunctions, settings: JustPaidTriggerSettings): TriggerSpec<FullReadState> {
	const { tableId } = settings;
	const read = reader(ctx, tableId);
	const output = (row: Row): IDataObject => rowOutput(row, settings.simplify);
	return {
		service: justPaid,
		includeExisting: settings.includeExisting,
		key: `justpaid|rowUpdated|${tableId}`,
		event: 'rowUpdated',
		noSample: `No row among the newest ${PAGE_SIZE * SAMPLE_PAGES} rows of the JustPaid table ${tableId} was updated after it was created: update a row, then fetch again`,
		async start() {
			const { table, serverTime } = await pollApi.getTable(ctx, tableId);
			// the rows updated by now are not replayed, also those stamped after the (lagging) watermark
			const rows = await readBackward({ total: rowCount(table), read, id, pageSize: PAGE_SIZE });
			return fullReadStart({ rows, event: updatedAt, id, latestIn }, serverTime);
		},
		async poll(state): Promise<PollResult<FullReadState>> {
			const { table, serverTime } = await pollApi.getTable(ctx, tableId);
			const rows = await readBackward({ total: rowCount(table), read, id, pageSize: PAGE_SIZE });
			const next = fullReadPoll({ rows, event: updatedAt, id, latestIn }, serverTime, state);
			return { rows: next.due.map(output), state: next.state };
		},
		async sample() {
			const total = rowCount((await pollApi.getTable(ctx, tableId)).table);
			const rows = await readBackward({ total, read, id, pageSize: PAGE_SIZE, maxPages: SAMPLE_PAGES });
			const updated = sortByTime(
				rows.filter((row) => updatedAt(row) !== undefined),
				(row) => updatedAt(row)!,
			);
			return updated.slice(-1).map(output);
		},
	};
}
