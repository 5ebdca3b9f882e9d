/**
 * Reading offset-paged lists for polling triggers. Lists are read from their end towards their
 * start ("backward"). For lists where new rows are only ever appended at the end (Extruct's
 * created order, JustPaid's rows without a position), a backward read with plain offsets sees
 * every row that exists during the whole read, whatever is added or deleted meanwhile:
 * additions land to the right of the pages still to read and shift nothing; a deletion to the
 * left shifts rows left, into the next page to read (read twice, deduplicated by id) — never
 * past it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { TriggerBase, TriggerSpec } from './trigger';
import { advanceMark, compareTime, selectNew, startMark } from './watermark';
import type { Mark } from './watermark';

export interface BackwardRead<T> {
	/** Rows in the list when the read starts (the service's row count). */
	total: number;
	read(offset: number, limit: number): Promise<T[]>;
	id(row: T): string;
	/**
	 * True for a row that comes before everything the poll looks for (older than the mark);
	 * the read stops at the first page that starts with such a row. Omit to read everything.
	 */
	isOlder?(row: T): boolean;
	/** Largest page the service serves (100 for all three). */
	pageSize: number;
	/** Size of the first page (the end of the list); small for a cheap idle check. */
	firstPage?: number;
	/** Stop after this many pages (a sample); the rows read so far are returned. */
	maxPages?: number;
}

/**
 * Reads a list from its end backwards (see the file comment for why this misses nothing);
 * returns its rows in list order, each once (the copy read last wins).
 */
export async function readBackward<T>(spec: BackwardRead<T>): Promise<T[]> {
	const pages: T[][] = [];
	let end = Math.max(0, spec.total);
	let size = Math.max(1, Math.min(spec.pageSize, spec.firstPage ?? spec.pageSize));
	while (end > 0 && (spec.maxPages === undefined || pages.length < spec.maxPages)) {
		const start = Math.max(0, end - size);
		const page = await spec.read(start, end - start);
		pages.push(page);
		if (page.length && spec.isOlder?.(page[0])) break;
		end = start;
		size = spec.pageSize;
	}
	const out: T[] = [];
	const seen = new Set<string>();
	for (let p = pages.length - 1; p >= 0; p--) {
		for (const row of pages[p]) {
			const id = spec.id(row);
			if (seen.has(id)) continue;
			seen.add(id);
			out.push(row);
		}
	}
	return out;
}

/** A list whose new rows are appended at its end, with a cheap row count (Row Added of Extruct and JustPaid). */
export interface AppendedList<T> {
	/** The list's row count (one cheap request, e.g. the table's). */
	count(): Promise<number>;
	read(offset: number, limit: number): Promise<T[]>;
	id(row: T): string;
	/** The row's creation time: the watermark's key. */
	created(row: T): string;
	pageSize: number;
	/** Rows listed before every appended row and never emitted (JustPaid rows placed at a position). */
	ignore?(row: T): boolean;
}

export interface AddedState {
	mark: Mark;
}

/**
 * A "row added" trigger over an appended list. Idle: the count and one short page at the end
 * of the list (the rows at the mark, and one more).
 */
export function appendedRows<T>(
	trigger: Pick<TriggerBase, 'service' | 'includeExisting' | 'key'> & { tableId: string },
	list: AppendedList<T>,
	output: (row: T) => IDataObject,
): TriggerSpec<AddedState> {
	const { read, id, created, pageSize } = list;
	const ignore = list.ignore ?? (() => false);
	const entries = (rows: T[]) => rows.map((row) => ({ key: created(row), id: id(row) }));
	const { service, includeExisting, key, tableId } = trigger;
	return {
		service,
		includeExisting,
		key,
		event: 'rowAdded',
		noSample: `The ${service.displayName} table ${tableId} has no rows yet: add a row, then fetch again`,
		async start() {
			const total = await list.count();
			const last = total ? (await read(total - 1, 1)).at(-1) : undefined;
			if (!last || ignore(last)) return { mark: startMark('') };
			// the rows created at the newest row's time (a bulk add shares one timestamp): up to two
			// pages of them; when there are more, the mark keeps the last ones (see `Mark.more`)
			const at = created(last);
			const rows = await readBackward({ total, read, id, pageSize, maxPages: 2, isOlder: (row) => ignore(row) || compareTime(created(row), at) < 0 });
			const atLast = rows.filter((row) => !ignore(row) && compareTime(created(row), at) === 0);
			const mark = advanceMark(undefined, entries(atLast));
			return { mark: atLast.length === rows.length && rows.length < total ? { ...mark, more: true } : mark };
		},
		async poll(state) {
			const total = await list.count();
			const mark = state?.mark;
			const known = new Set(mark?.more ? mark.ids : []);
			const rows = await readBackward({
				total,
				read,
				id,
				pageSize,
				firstPage: mark ? mark.ids.length + 1 : pageSize,
				// rows are appended: everything before a remembered row of a bulk add is known
				isOlder: mark ? (row) => ignore(row) || compareTime(created(row), mark.at) < 0 || known.has(id(row)) : undefined,
			});
			const fresh = selectNew(
				rows.filter((row) => !ignore(row)),
				created,
				id,
				mark,
			);
			return { rows: fresh.map(output), state: { mark: advanceMark(mark, entries(fresh)) } };
		},
		async sample() {
			const total = await list.count();
			return total ? (await read(total - 1, 1)).map(output) : [];
		},
	};
}
