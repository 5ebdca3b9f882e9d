/**
 * Finding out whether a JustPaid create whose answer was lost (a 502/503/504, a time-out, a
 * dropped connection) stored its row. JustPaid has no idempotency key and no client ids, but it
 * lists rows by `position` (rows that have one first), then `createdAt`, and every row carries
 * its `createdAt` and `data`: the rows a run added sit after every row that existed before it.
 *
 * A read-back pass settles every create waiting for one at once. It runs only while no write of
 * the execution is in flight (the session calls it when every write is done or waiting for it),
 * so a row it does not see cannot still arrive from this execution. It reads:
 * - the tail of the list: from the offset where it last found rows that predate the waiting
 *   writes (the table's `rowCount` before the first write, at first), stepping back a page while
 *   the first row read could be one of them (rows deleted meanwhile shift the tail to the left),
 *   then forward to the end, each page overlapping the one before by a row, so that a row
 *   deleted between two page reads cannot make a row slip between them;
 * - the rows with a position, when the list starts with one (JustPaid's app can place rows).
 *
 * It matches rows by the exact data sent, counting: when `c` rows nobody else claimed carry the
 * data that `a` waiting items sent, at most `c` of the items were stored, so `a - c` are surely
 * missing and are sent again, the others get the rows found. When more rows than items carry
 * it (another writer stored the same data since the writes began), nothing can be told: those
 * items keep their "may or may not have been processed" error. With a write id column in the
 * data, every item's data is unique, and the match is exact.
 */
import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Outcome } from '../shared/batch';
import { api, PAGE_SIZE } from './api';
import type { Row } from './api';

/** JSON with sorted keys: two equal JSON values give the same text. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** The key a row is matched on: its data as JSON stores it (dates as text, no undefined keys). */
export function dataKey(data: unknown): string {
	return stableJson(JSON.parse(JSON.stringify(data ?? {})));
}

export interface WaitingCreate {
	itemIndex: number;
	/** `dataKey` of the data sent. */
	key: string;
	/** Local time the request was sent. */
	sentAt: number;
	/** Local time from which a read-back may look for its row (its failure, plus a pause for a write still being processed). */
	readableAt: number;
	/**
	 * What the read-back found, as the batched writer's look-up of lost writes answers it: the
	 * row stored, `undefined` when it was surely not stored (sent again), or an error saying why
	 * it cannot be told.
	 */
	settle(outcome: Outcome<Row | undefined>): void;
}

/**
 * How far below the server's clock, as estimated, a waiting write's row may be stamped. The
 * estimate comes from the stamps JustPaid put on rows (one clock, the database's), so a small
 * margin covers the local clock's jitter.
 */
const MARGIN_MS = 2_000;
/** Read-back passes that may fail (their reads failing after retries) before the items keep their error. */
const PASS_ATTEMPTS = 3;

const positioned = (row: Row) => row.position !== null && row.position !== undefined;
const timeOf = (row: Row) => Date.parse(String(row.createdAt ?? ''));
/** Settles a waiting create as one whose fate cannot be told, saying why. */
const unsure = (entry: WaitingCreate, reason: string) => entry.settle({ index: entry.itemIndex, ok: false, error: new Error(reason) });

/** The read-back of one table, for one execution. */
export class TableReadBack {
	private waiting: WaitingCreate[] = [];
	/** Rows that existed before the execution wrote (Upsert and Merge read them all). */
	private readonly before = new Set<string>();
	/** Rows this execution created, by id: the local time their answer came. */
	private readonly created = new Map<string, number>();
	/** Rows a read-back gave to an item. */
	private readonly claimed = new Set<string>();
	/**
	 * A lower bound of (server clock − local clock): a row's stamps are never later than the
	 * server's clock when the answer that showed them left.
	 */
	private offset?: number;
	/** Where the last pass found its rows, to start the next one there. */
	private lastRegion: Array<{ offset: number; row: Row }> = [];
	private hint: number;
	private failedPasses = 0;

	/** `rowCount`: the table's row count before the execution wrote (the read-back starts there). */
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly tableId: string,
		rowCount?: number,
	) {
		this.hint = Number.isInteger(rowCount) && rowCount! > 0 ? rowCount! : 0;
	}

	get pending(): number {
		return this.waiting.length;
	}

	/** When every waiting create may be looked for (local time). */
	get readableAt(): number {
		return this.waiting.reduce((latest, entry) => Math.max(latest, entry.readableAt), 0);
	}

	/** Rows known to predate the execution's writes. */
	existing(rows: Iterable<Row>): void {
		for (const row of rows) this.before.add(row.id);
	}

	/** A create that was answered: its row is known, and its stamp tells the server's clock. */
	answered(row: Row, answeredAt: number): void {
		this.created.set(row.id, answeredAt);
		this.clock([row], answeredAt);
	}

	/** Raises the clock bound from rows an answer that came at `at` (local time) showed. */
	private clock(rows: Row[], at: number): void {
		for (const row of rows) {
			const stamp = Math.max(timeOf(row), Date.parse(String(row.updatedAt ?? '')));
			if (Number.isFinite(stamp)) this.offset = Math.max(this.offset ?? -Infinity, stamp - at);
		}
	}

	wait(entry: WaitingCreate): void {
		this.waiting.push(entry);
	}

	/**
	 * The earliest stamp a row of the waiting writes can carry (server time), when the server's
	 * clock is known: a bound that only rises as more rows are seen.
	 */
	private floor(firstSent: number): number | undefined {
		return this.offset === undefined ? undefined : firstSent + this.offset - MARGIN_MS;
	}

	private known(row: Row): boolean {
		return this.before.has(row.id) || this.created.has(row.id) || this.claimed.has(row.id);
	}

	/**
	 * Settles every waiting create: the found ones get their row, the surely missing ones are
	 * told to send again, the others stay unsure. A pass whose reads fail leaves them waiting
	 * (the session calls it again); after a few such passes they stay unsure.
	 */
	async pass(): Promise<void> {
		const entries = this.waiting;
		if (!entries.length) return;
		let candidates: Row[];
		try {
			candidates = await this.readCandidates(entries);
		} catch (error) {
			this.failedPasses++;
			if (this.failedPasses < PASS_ATTEMPTS) {
				await sleep(1000 * this.failedPasses);
				return;
			}
			this.waiting = [];
			for (const entry of entries) unsure(entry, `reading the table back failed too: ${(error as Error).message}`);
			return;
		}
		this.failedPasses = 0;
		this.waiting = [];
		const byKey = new Map<string, Row[]>();
		for (const row of candidates) {
			const key = dataKey(row.data);
			const list = byKey.get(key);
			if (list) list.push(row);
			else byKey.set(key, [row]);
		}
		const entriesByKey = new Map<string, WaitingCreate[]>();
		for (const entry of [...entries].sort((a, b) => a.itemIndex - b.itemIndex)) {
			const list = entriesByKey.get(entry.key);
			if (list) list.push(entry);
			else entriesByKey.set(entry.key, [entry]);
		}
		for (const [key, group] of entriesByKey) {
			// Only rows stamped after the first of these items was sent can be theirs.
			const floor = this.floor(Math.min(...group.map((entry) => entry.sentAt)));
			const rows = (byKey.get(key) ?? []).filter((row) => floor === undefined || !(timeOf(row) < floor));
			if (rows.length > group.length) {
				const reason = `${rows.length} rows with exactly this item's data were added since the write began, more than this execution could have added (${group.length}): another writer stored the same data, so it cannot be told whether this item's row is among them`;
				for (const entry of group) unsure(entry, reason);
				continue;
			}
			group.forEach((entry, k) => {
				if (k < rows.length) {
					this.claimed.add(rows[k].id);
					entry.settle({ index: entry.itemIndex, ok: true, value: rows[k] });
				} else {
					entry.settle({ index: entry.itemIndex, ok: true, value: undefined });
				}
			});
		}
	}

	/** Rows added since the earliest waiting write began that no item has, in list order. */
	private async readCandidates(entries: WaitingCreate[]): Promise<Row[]> {
		const firstSent = Math.min(...entries.map((entry) => entry.sentAt));
		// A row no waiting write can have made, and after which every row they made is listed.
		const predates = (row: Row): boolean => {
			if (positioned(row)) return false;
			if (this.before.has(row.id)) return true;
			const answered = this.created.get(row.id);
			if (answered !== undefined && answered < firstSent) return true;
			const floor = this.floor(firstSent);
			const stamp = timeOf(row);
			return floor !== undefined && Number.isFinite(stamp) && stamp < floor;
		};
		const candidate = (row: Row): boolean => {
			if (this.known(row)) return false;
			const floor = this.floor(firstSent);
			const stamp = timeOf(row);
			return floor === undefined || !Number.isFinite(stamp) || stamp >= floor;
		};

		// Start where a row that predates them stands: the last one the previous pass saw, else the
		// row count before the writes; step back while the first row read could be theirs.
		let start = this.hint;
		for (let k = this.lastRegion.length - 1; k >= 0; k--) {
			if (predates(this.lastRegion[k].row)) {
				start = this.lastRegion[k].offset;
				break;
			}
		}
		let first: Row[];
		for (;;) {
			first = await this.page(start);
			if (start === 0 || (first.length && predates(first[0]))) break;
			start = Math.max(0, start - PAGE_SIZE);
		}
		const region = await this.readForward(start, first);
		this.lastRegion = region;
		this.hint = start;

		const found = new Map<string, Row>();
		for (const { row } of region) if (candidate(row)) found.set(row.id, row);
		if (start > 0) {
			// Rows with a position come first in the list: one of them can be a row added since.
			for (const { row } of await this.readForward(0, undefined, (rows) => rows.every(positioned))) {
				if (positioned(row) && candidate(row)) found.set(row.id, row);
			}
		}
		return [...found.values()];
	}

	private async page(offset: number): Promise<Row[]> {
		const rows = await api.listRows(this.ctx, this.tableId, offset, PAGE_SIZE);
		this.clock(rows, Date.now());
		return rows;
	}

	/**
	 * The rows from `offset` to the end of the list (or while `more` says so), one request per 99
	 * rows: each page starts with the last row of the page before. When the next page holds no
	 * row already read (rows before it were deleted meanwhile, shifting the list to the left),
	 * it is read again a page earlier, so no row is skipped; a shift that does not settle fails
	 * the pass.
	 */
	private async readForward(
		offset: number,
		firstPage?: Row[],
		more: (rows: Row[]) => boolean = () => true,
	): Promise<Array<{ offset: number; row: Row }>> {
		const out: Array<{ offset: number; row: Row }> = [];
		const seen = new Set<string>();
		let rows = firstPage ?? (await this.page(offset));
		let at = offset;
		let shifts = 0;
		for (;;) {
			rows.forEach((row, k) => {
				if (seen.has(row.id)) return;
				seen.add(row.id);
				out.push({ offset: at + k, row });
			});
			if (rows.length < PAGE_SIZE || !more(rows)) return out;
			let next = at + PAGE_SIZE - 1;
			let page = await this.page(next);
			// The page must start at or before a row already read; else rows were deleted before it.
			while (next > 0 && !page.some((row) => seen.has(row.id))) {
				if (++shifts > 5) throw new Error('rows were deleted from the table while it was read back');
				next = Math.max(0, next - (PAGE_SIZE - 1));
				page = await this.page(next);
			}
			at = next;
			rows = page;
		}
	}
}
