/**
 * Watermark state for polling triggers, written once for every service. A trigger only says
 * how to read its service; this file decides what is new, what the saved state is, and
 * when it may be written.
 *
 * Rules every trigger follows:
 * - The state lives in `getWorkflowStaticData('node')` (n8n saves it with the workflow, so it
 *   survives restarts and is shared by every worker in queue mode). It holds watermarks — a
 *   time plus the few ids at exactly that time — never the table.
 * - The state is written once, at the end of a poll that succeeded. A poll that throws
 *   (auth, 5xx after retries) leaves it untouched, so no row is skipped.
 * - Manual mode ("Fetch Test Event") reads a sample and never touches the state.
 * - A change of what the trigger watches (table, event, columns, view) starts over from now.
 *
 * Lists are read from their end towards their start ("backward"). For lists where new rows
 * are only ever appended at the end (Extruct's created order, JustPaid's rows without a
 * position), a backward read with plain offsets sees every row that exists during the whole
 * read, whatever is added or deleted meanwhile: additions land to the right of the pages
 * still to read and shift nothing; a deletion to the left shifts rows left, into the next
 * page to read (read twice, deduplicated by id) — never past it.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { toNodeError } from './errors';
import { baseUrlOf } from './request';
import type { ServiceDefinition } from './request';

/** Layout version of the saved state; a state of another version starts over from now. */
const STATE_VERSION = 1;
/** The key of the state inside the node's static data. */
const STATE_KEY = 'pollState';
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
 * `ids` (a bulk insert); then `ids` are the last of them in list order. `closed`: every row
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

// ---------------------------------------------------------------------------------------
// Reading offset-paged lists

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
 * Reads a list from its end backwards (see the header comment for why this misses nothing);
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
 * The start, poll and sample of a "row added" trigger over an appended list. Idle: the count
 * and one short page at the end of the list (the rows at the mark, and one more).
 */
export function appendedRows<T>(list: AppendedList<T>, output: (row: T) => IDataObject): Pick<TriggerSpec<AddedState>, 'start' | 'poll' | 'sample'> {
	const { read, id, created, pageSize } = list;
	const ignore = list.ignore ?? (() => false);
	const entries = (rows: T[]) => rows.map((row) => ({ key: created(row), id: id(row) }));
	return {
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

// ---------------------------------------------------------------------------------------
// State and the poll itself

/** The saved state of a trigger, read from the node's static data (a plain copy), if it belongs to `key`. */
export function loadState<S>(ctx: IPollFunctions, key: string): S | undefined {
	const saved = ctx.getWorkflowStaticData('node')[STATE_KEY] as IDataObject | undefined;
	if (!saved || saved.v !== STATE_VERSION || saved.key !== key || saved.state === undefined) return undefined;
	return JSON.parse(JSON.stringify(saved.state)) as S;
}

/** Writes the state, only when it changed (an unchanged state does not make n8n save the workflow). */
export function saveState<S>(ctx: IPollFunctions, key: string, state: S): void {
	const data = ctx.getWorkflowStaticData('node');
	const next = { v: STATE_VERSION, key, state: JSON.parse(JSON.stringify(state)) as IDataObject };
	const current = data[STATE_KEY];
	if (current !== undefined && JSON.stringify(current) === JSON.stringify(next)) return;
	data[STATE_KEY] = next;
}

export interface PollResult<S> {
	/** Rows to emit, in the order they happened. */
	rows: IDataObject[];
	/** The state after this poll. */
	state: S;
}

export interface TriggerSpec<S> {
	service: ServiceDefinition;
	/** What the state belongs to (table, event, columns, view): a change starts over from now. */
	key: string;
	/** Event name put on every output item (`_event`). */
	event: string;
	/** First activation: the state as of now, without emitting anything. */
	start(): Promise<S>;
	/**
	 * A scheduled poll. `state` undefined: first activation with "Include Existing Rows": emit
	 * every row that qualifies now.
	 */
	poll(state: S | undefined): Promise<PollResult<S>>;
	/** Manual mode: the latest qualifying rows, as a sample. */
	sample(): Promise<IDataObject[]>;
	/** Manual mode found nothing: what to tell the user. */
	noSample: string;
	includeExisting: boolean;
}

/** Runs one poll of a trigger: manual sample, first activation, or an incremental poll. */
export async function runTrigger<S>(ctx: IPollFunctions, spec: TriggerSpec<S>): Promise<INodeExecutionData[][] | null> {
	const output = (rows: IDataObject[]) => [ctx.helpers.returnJsonArray(rows.map((row) => ({ ...row, _event: spec.event })))];
	try {
		if (ctx.getMode() === 'manual') {
			const rows = await spec.sample();
			if (!rows.length) throw new NodeOperationError(ctx.getNode(), spec.noSample);
			return output(rows);
		}
		const state = loadState<S>(ctx, spec.key);
		if (state === undefined && !spec.includeExisting) {
			saveState(ctx, spec.key, await spec.start());
			return null;
		}
		const result = await spec.poll(state);
		saveState(ctx, spec.key, result.state);
		return result.rows.length ? output(result.rows) : null;
	} catch (error) {
		const { secrets } = await baseUrlOf(ctx, spec.service).catch(() => ({ secrets: [] as string[] }));
		throw toNodeError(ctx.getNode(), error, undefined, secrets);
	}
}

/** A trigger parameter naming a resource locator's value (`table`, `view`), trimmed. */
export function locatorValue(ctx: IPollFunctions, name: string): string {
	const value = ctx.getNodeParameter(name, '', { extractValue: true }) as unknown;
	if (value !== null && typeof value === 'object') return String((value as { value?: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}

/** "Include Existing Rows" and "Simplify" of the trigger's Options. */
export function triggerOptions(ctx: IPollFunctions): { includeExisting: boolean; simplify: boolean } {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return { includeExisting: options.includeExisting === true, simplify: options.simplify !== false };
}

/** The parameters every trigger offers in its Options. */
export function triggerOptionProperties(rows: string): INodeProperties[] {
	return [
		{
			displayName: 'Include Existing Rows',
			name: 'includeExisting',
			type: 'boolean',
			default: false,
			description: `Whether the first poll after activation emits the ${rows} that are already there. Off: only what happens after activation.`,
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: `Whether to output the ${rows} as Get Many with Simplify does, instead of the raw shape`,
		},
	];
}
