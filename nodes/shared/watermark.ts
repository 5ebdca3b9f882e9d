/**
 * Watermarks of polling triggers: what has been emitted, as a time plus the few ids at exactly
 * that time (never the table), and which rows of a read are new since then.
 */

/** Ids kept at the watermark's exact time; a batch sharing one timestamp keeps its last ones. */
export const MAX_MARK_IDS = 100;
/** Rows already there at activation but stamped after its watermark (see `startMark`). */
export const MAX_ABOVE = 150;
/**
 * Margin under the server's clock (its `Date` header, to the second) for time watermarks: an
 * event stamped within this margin before the poll is left to the next poll, so a clock
 * difference between the API server and the database of up to this much loses nothing.
 */
export const CLOCK_MARGIN_MS = 1000;

// ---------------------------------------------------------------------------------------
// Time

function timeParts(text: string): { ms: number; micro: string } {
	return { ms: Date.parse(text), micro: (/\.\d{3}(\d*)/.exec(text)?.[1] ?? '').padEnd(6, '0') };
}

/**
 * Orders two ISO timestamps: by instant, then by digits past the millisecond (services that
 * store microseconds). `''` is the beginning of time.
 */
export function compareTime(a: string, b: string): number {
	if (a === b) return 0;
	if (!a) return -1;
	if (!b) return 1;
	const x = timeParts(a);
	const y = timeParts(b);
	if (Number.isFinite(x.ms) && Number.isFinite(y.ms)) {
		if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
		return x.micro < y.micro ? -1 : x.micro > y.micro ? 1 : 0;
	}
	return a < b ? -1 : 1;
}

/** Rows in time order; rows with the same time keep their order. */
export function sortByTime<T>(rows: T[], time: (row: T) => string): T[] {
	return rows
		.map((row, index) => ({ row, index }))
		.sort((a, b) => compareTime(time(a.row), time(b.row)) || a.index - b.index)
		.map((entry) => entry.row);
}

export function maxTime(...times: Array<string | null | undefined>): string {
	let best = '';
	for (const time of times) if (time && compareTime(time, best) > 0) best = time;
	return best;
}

/** The latest of `since` and the rows' times (a loop: a read can hold more rows than a call takes arguments). */
export function latestTime<T>(rows: T[], time: (row: T) => string | null | undefined, since = ''): string {
	let latest = since;
	for (const row of rows) latest = maxTime(latest, time(row));
	return latest;
}

/**
 * The latest time up to which every event of the service has surely been seen by a read that
 * starts now: the server's clock (its `Date` header) less a margin, and never below a time the
 * service's own data already showed (`seen`: those were written before this poll began).
 */
export function safeTime(dateHeader: string | undefined, seen: string | undefined): string {
	const ms = dateHeader ? Date.parse(dateHeader) : NaN;
	const fromClock = Number.isFinite(ms) ? new Date(ms - CLOCK_MARGIN_MS).toISOString() : '';
	return maxTime(fromClock, seen);
}

// ---------------------------------------------------------------------------------------
// Watermarks

/**
 * Everything up to `at` has been emitted (or was there before the trigger started); of the
 * rows stamped exactly `at`, those in `ids` have. `more`: more rows shared `at` than fit in
 * `ids` (a bulk insert), so `ids` are only the last of them in list order. The field names are
 * saved with the workflow (a renamed field would read old states wrongly). `closed`: every row
 * stamped exactly `at` is known (a mark set at a time up to which everything was seen).
 * `above`: rows stamped after `at` that are known too, as [id, time] (the few a first read
 * found already there; a later time of the same row is new again).
 */
export interface Mark {
	at: string;
	ids: string[];
	more?: boolean;
	closed?: boolean;
	above?: Array<[string, string]>;
}

/**
 * The mark of a first activation: everything stamped up to `at` (a time up to which every
 * event was surely visible) counts as already there, and so do the `present` rows that a
 * read at activation found stamped after it — a time watermark lags the server's clock, so
 * without them the rows that changed in the last second before activation would be replayed.
 */
export function startMark(at: string, present: Array<{ key: string; id: string }> = []): Mark {
	const above = present
		.filter((entry) => compareTime(entry.key, at) > 0)
		.sort((a, b) => compareTime(b.key, a.key))
		.slice(0, MAX_ABOVE)
		.map((entry): [string, string] => [entry.id, entry.key]);
	return above.length ? { at, ids: [], closed: true, above } : { at, ids: [], closed: true };
}

/**
 * The rows of `rows` (in list order) that are new since `mark`: stamped after it, or stamped
 * exactly at it with an id not yet emitted. A row whose key is `undefined` (not qualifying,
 * e.g. not enriched yet) is never new. Without a mark, every qualifying row is new.
 *
 * When `mark.more` is set (a bulk insert of more rows than `ids` holds), a row at the mark's
 * time is new only when it comes after the last remembered id in the list: new rows are
 * appended after the ones already emitted.
 */
export function selectNew<T>(rows: T[], key: (row: T) => string | undefined, id: (row: T) => string, mark: Mark | undefined): T[] {
	if (!mark) return rows.filter((row) => key(row) !== undefined);
	const known = new Set(mark.ids);
	const above = new Set((mark.above ?? []).map(([rowId, at]) => `${rowId} ${at}`));
	let lastKnown = -1;
	if (mark.more) rows.forEach((row, i) => known.has(id(row)) && (lastKnown = i));
	return rows.filter((row, i) => {
		const k = key(row);
		if (k === undefined) return false;
		const order = compareTime(k, mark.at);
		if (order !== 0) return order > 0 && !above.has(`${id(row)} ${k}`);
		if (mark.closed || known.has(id(row))) return false;
		return !mark.more || (lastKnown >= 0 && i > lastKnown);
	});
}

/**
 * The mark after emitting `emitted` (in list order): the latest of the old mark, the emitted
 * keys and `floor` (a time up to which everything has been seen), with the ids emitted at
 * exactly that time.
 */
export function advanceMark(mark: Mark | undefined, emitted: Array<{ key: string; id: string }>, floor = ''): Mark {
	const at = maxTime(mark?.at, floor, ...emitted.map((entry) => entry.key));
	const same = mark !== undefined && compareTime(mark.at, at) === 0;
	const above = (mark?.above ?? []).filter(([, time]) => compareTime(time, at) > 0);
	const next: Mark = { at, ids: same ? [...mark.ids] : [] };
	if (same && mark.closed) next.closed = true;
	if (same && mark.more) next.more = true;
	if (!next.closed) {
		// known at exactly the new time: the rows emitted now, and rows known from activation
		const atTime = [...emitted, ...(mark?.above ?? []).map(([id, key]) => ({ id, key }))].filter((entry) => compareTime(entry.key, at) === 0);
		for (const entry of atTime) if (!next.ids.includes(entry.id)) next.ids.push(entry.id);
		if (next.ids.length > MAX_MARK_IDS) {
			next.ids.splice(0, next.ids.length - MAX_MARK_IDS);
			next.more = true;
		}
	}
	if (above.length) next.above = above;
	return next;
}

/** The state of a trigger that reads the whole table to find its events. */
export interface FullReadState {
	mark: Mark;
	/** The latest time the table's data showed (a lower bound of the server's clock). */
	seen: string;
}

/** The state of a trigger that reads the whole table only when a cheap summary of it changed. */
export interface SummaryReadState extends FullReadState {
	/** The summary at the last full read. */
	signature: string;
	/** The last read left events too recent for the watermark: read again next time. */
	deferred: boolean;
}

/** The rows' events as watermark entries, for `startMark` and `advanceMark`; a row without an event (`undefined`) is left out. */
export function eventsOf<T>(rows: T[], time: (row: T) => string | undefined, id: (row: T) => string): Array<{ key: string; id: string }> {
	return rows.flatMap((row) => {
		const key = time(row);
		return key === undefined ? [] : [{ key, id: id(row) }];
	});
}

/**
 * The events of a full read that are new since `mark` and due: stamped up to `floor` (a time up
 * to which every event was visible to the read), in time order, with the mark after emitting
 * them. `deferred`: some new events are more recent than `floor`, left for the next poll.
 */
export function dueEvents<T>(
	rows: T[],
	time: (row: T) => string | undefined,
	id: (row: T) => string,
	mark: Mark | undefined,
	floor: string,
): { due: T[]; mark: Mark; deferred: boolean } {
	const candidates = selectNew(rows, time, id, mark);
	const due = sortByTime(
		candidates.filter((row) => compareTime(time(row)!, floor) <= 0),
		(row) => time(row)!,
	);
	return { due, mark: advanceMark(mark, eventsOf(due, time, id), floor), deferred: due.length < candidates.length };
}

/** One full read of a table, as the trigger sees it: its rows, and when each row's event happened. */
export interface FullRead<T> {
	rows: T[];
	/** The time of the row's event, or undefined for a row without one (not enriched, never updated). */
	event(row: T): string | undefined;
	id(row: T): string;
	/** The latest time the row shows (created, updated, a cell's change): what `seen` is made of. */
	latestIn(row: T): string;
}

/**
 * The state of a full-read trigger at activation: every event the read found counts as already
 * there. `serverTime` is the service's Date header on a request sent before the read.
 */
export function fullReadStart<T>(read: FullRead<T>, serverTime: string | undefined): FullReadState {
	return { mark: startMark(safeTime(serverTime, ''), eventsOf(read.rows, read.event, read.id)), seen: latestTime(read.rows, read.latestIn) };
}

/**
 * A full read after `state`: the events now due, in time order, and the state after emitting them.
 * `serverTime` is the service's Date header on a request sent before the read, so every event up
 * to it (less the clock margin) was visible to the read.
 */
export function fullReadPoll<T>(
	read: FullRead<T>,
	serverTime: string | undefined,
	state: FullReadState | undefined,
): { due: T[]; deferred: boolean; state: FullReadState } {
	const floor = maxTime(safeTime(serverTime, state?.seen), state?.mark.at);
	const { due, mark, deferred } = dueEvents(read.rows, read.event, read.id, state?.mark, floor);
	return { due, deferred, state: { mark, seen: latestTime(read.rows, read.latestIn, state?.seen) } };
}
