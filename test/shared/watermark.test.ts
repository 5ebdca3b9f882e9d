/** Watermarks on their own: time order, what is new since a mark, and the mark after emitting. */
import { advanceMark, compareTime, dueEvents, fullReadPoll, fullReadStart, MAX_MARK_IDS, safeTime, selectNew, sortByTime, startMark } from '../../nodes/shared/watermark';
import type { Mark } from '../../nodes/shared/watermark';

interface Row {
	id: string;
	at?: string;
}
const key = (row: Row) => row.at;
const id = (row: Row) => row.id;
const ids = (rows: Row[]) => rows.map(id);

describe('compareTime', () => {
	it('orders by instant, then by digits past the millisecond, with "" first', () => {
		expect(compareTime('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(0);
		expect(compareTime('2026-01-01T00:00:01Z', '2026-01-01T00:00:00.999Z')).toBe(1);
		expect(compareTime('2026-01-01T00:00:00.123456Z', '2026-01-01T00:00:00.123457Z')).toBe(-1);
		expect(compareTime('', '1970-01-01T00:00:00Z')).toBe(-1);
		// offsets are instants, not text
		expect(compareTime('2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00Z')).toBe(0);
	});

	it('sortByTime keeps rows of the same time in their order', () => {
		const rows = [
			{ id: 'b', at: '2026-01-02' },
			{ id: 'a1', at: '2026-01-01' },
			{ id: 'a2', at: '2026-01-01' },
		];
		expect(ids(sortByTime(rows, (row) => row.at))).toEqual(['a1', 'a2', 'b']);
	});

	it('safeTime stays a margin under the server clock, never below what the data showed', () => {
		expect(safeTime('Thu, 01 Jan 2026 00:00:10 GMT', '')).toBe('2026-01-01T00:00:09.000Z');
		expect(safeTime('Thu, 01 Jan 2026 00:00:10 GMT', '2026-01-01T00:00:09.500Z')).toBe('2026-01-01T00:00:09.500Z');
		expect(safeTime(undefined, '2026-01-01T00:00:05Z')).toBe('2026-01-01T00:00:05Z');
	});
});

describe('selectNew', () => {
	const rows: Row[] = [
		{ id: 'old', at: '2026-01-01T00:00:00Z' },
		{ id: 'same-known', at: '2026-01-01T00:00:01Z' },
		{ id: 'same-new', at: '2026-01-01T00:00:01Z' },
		{ id: 'later', at: '2026-01-01T00:00:02Z' },
		{ id: 'not-qualifying' },
	];

	it('without a mark: every qualifying row', () => {
		expect(ids(selectNew(rows, key, id, undefined))).toEqual(['old', 'same-known', 'same-new', 'later']);
	});

	it('after the mark, or at its time with an id not emitted', () => {
		const mark: Mark = { at: '2026-01-01T00:00:01Z', ids: ['same-known'] };
		expect(ids(selectNew(rows, key, id, mark))).toEqual(['same-new', 'later']);
	});

	it('a closed mark knows every row at its time', () => {
		expect(ids(selectNew(rows, key, id, { at: '2026-01-01T00:00:01Z', ids: [], closed: true }))).toEqual(['later']);
	});

	it('with more rows at the time than the mark holds, only rows after its last remembered id are new', () => {
		const bulk: Row[] = ['r1', 'r2', 'r3', 'r4'].map((rowId) => ({ id: rowId, at: '2026-01-01T00:00:01Z' }));
		expect(ids(selectNew(bulk, key, id, { at: '2026-01-01T00:00:01Z', ids: ['r2'], more: true }))).toEqual(['r3', 'r4']);
	});

	it('rows known from activation (above the mark) are new again only at a later time', () => {
		const mark = startMark('2026-01-01T00:00:00Z', [{ id: 'later', key: '2026-01-01T00:00:02Z' }]);
		expect(ids(selectNew(rows, key, id, mark))).toEqual(['same-known', 'same-new']);
		expect(ids(selectNew([{ id: 'later', at: '2026-01-01T00:00:03Z' }], key, id, mark))).toEqual(['later']);
	});
});

describe('advanceMark', () => {
	it('moves to the latest emitted time, keeping the ids at exactly that time', () => {
		const mark = advanceMark({ at: '2026-01-01T00:00:01Z', ids: ['a'] }, [
			{ id: 'b', key: '2026-01-01T00:00:01Z' },
			{ id: 'c', key: '2026-01-01T00:00:02Z' },
			{ id: 'd', key: '2026-01-01T00:00:02Z' },
		]);
		expect(mark).toEqual({ at: '2026-01-01T00:00:02Z', ids: ['c', 'd'] });
	});

	it('adds to the ids when the time stays, and keeps only the last ones past the limit', () => {
		const emitted = Array.from({ length: MAX_MARK_IDS + 5 }, (_v, i) => ({ id: `r${i}`, key: '2026-01-01T00:00:01Z' }));
		const mark = advanceMark(undefined, emitted);
		expect(mark.ids).toHaveLength(MAX_MARK_IDS);
		expect(mark.ids[0]).toBe('r5');
		expect(mark.more).toBe(true);
	});

	it('a floor past every emitted time closes nothing it did not see: the mark moves to the floor with no ids', () => {
		expect(advanceMark({ at: '2026-01-01T00:00:01Z', ids: ['a'] }, [], '2026-01-01T00:00:05Z')).toEqual({ at: '2026-01-01T00:00:05Z', ids: [] });
	});
});

describe('dueEvents', () => {
	it('emits new events up to the floor in time order and defers the later ones', () => {
		const rows: Row[] = [
			{ id: 'late', at: '2026-01-01T00:00:09Z' },
			{ id: 'b', at: '2026-01-01T00:00:03Z' },
			{ id: 'a', at: '2026-01-01T00:00:02Z' },
		];
		const { due, mark, deferred } = dueEvents(rows, key, id, { at: '2026-01-01T00:00:01Z', ids: [] }, '2026-01-01T00:00:05Z');
		expect(ids(due)).toEqual(['a', 'b']);
		expect(deferred).toBe(true);
		expect(mark.at).toBe('2026-01-01T00:00:05Z');
		// the deferred row comes with the next poll
		expect(ids(dueEvents(rows, key, id, mark, '2026-01-01T00:00:10Z').due)).toEqual(['late']);
	});
});

describe('fullReadStart and fullReadPoll', () => {
	const latestIn = (row: Row) => row.at ?? '';
	const read = (rows: Row[]) => ({ rows, event: key, id, latestIn });
	const date = (iso: string) => new Date(iso).toUTCString();

	it('activation counts what the read found; a later poll emits only events after it, once, when the server clock has passed them', () => {
		const first = fullReadStart(read([{ id: 'old', at: '2026-01-01T00:00:02Z' }, { id: 'running' }]), date('2026-01-01T00:00:05Z'));
		expect(first.mark.at).toBe('2026-01-01T00:00:04.000Z');
		expect(first.seen).toBe('2026-01-01T00:00:02Z');

		const rows: Row[] = [
			{ id: 'old', at: '2026-01-01T00:00:02Z' },
			{ id: 'running', at: '2026-01-01T00:00:06Z' },
		];
		// the server's clock (less the margin) has not passed the new event yet: deferred
		const early = fullReadPoll(read(rows), date('2026-01-01T00:00:06Z'), first);
		expect(ids(early.due)).toEqual([]);
		expect(early.deferred).toBe(true);
		expect(early.state.seen).toBe('2026-01-01T00:00:06Z');
		// the event the data showed counts as seen: the next poll emits it even with a lagging clock
		const next = fullReadPoll(read(rows), date('2026-01-01T00:00:05Z'), early.state);
		expect(ids(next.due)).toEqual(['running']);
		expect(ids(fullReadPoll(read(rows), date('2026-01-01T00:00:30Z'), next.state).due)).toEqual([]);
	});
});
