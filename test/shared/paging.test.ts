/** Backward reads of offset-paged lists, and Row Added over an appended list, against an in-memory list. */
import type { IDataObject } from 'n8n-workflow';

import { appendedRows, readBackward } from '../../nodes/shared/paging';
import type { ServiceDefinition } from '../../nodes/shared/request';

interface Row {
	id: string;
	created: string;
}

const service = { displayName: 'Service' } as ServiceDefinition;
const rowsOf = (n: number, at = (i: number) => `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`): Row[] =>
	Array.from({ length: n }, (_v, i) => ({ id: `r${i}`, created: at(i) }));

/** A list with a request log; `during` runs after each page read (a concurrent change). */
function list(rows: Row[], during?: (reads: number) => void) {
	const reads: Array<[number, number]> = [];
	return {
		reads,
		read: async (offset: number, limit: number) => {
			reads.push([offset, limit]);
			const page = rows.slice(offset, offset + limit);
			during?.(reads.length);
			return page;
		},
	};
}

describe('readBackward', () => {
	it('reads from the end in pages and returns the rows in list order', async () => {
		const rows = rowsOf(25);
		const { read, reads } = list(rows);
		const out = await readBackward({ total: rows.length, read, id: (row) => row.id, pageSize: 10 });
		expect(reads).toEqual([[15, 10], [5, 10], [0, 5]]);
		expect(out.map((row) => row.id)).toEqual(rows.map((row) => row.id));
	});

	it('misses no row when rows are deleted before the pages still to read, and returns each once', async () => {
		const rows = rowsOf(25);
		const { read } = list(rows, (n) => n === 1 && rows.splice(2, 3));
		const out = await readBackward({ total: 25, read, id: (row) => row.id, pageSize: 10 });
		const expected = rowsOf(25).filter((_row, i) => i < 2 || i > 4);
		for (const row of expected) expect(out.map((r) => r.id)).toContain(row.id);
		expect(new Set(out.map((row) => row.id)).size).toBe(out.length);
	});

	it('stops at the first page that starts with an older row, and after maxPages', async () => {
		const rows = rowsOf(40);
		const older = list(rows);
		await readBackward({ total: 40, read: older.read, id: (row) => row.id, pageSize: 10, isOlder: (row) => row.created < '2026-01-01T00:00:25Z' });
		expect(older.reads).toEqual([[30, 10], [20, 10]]);
		const sample = list(rows);
		await readBackward({ total: 40, read: sample.read, id: (row) => row.id, pageSize: 10, firstPage: 2, maxPages: 2 });
		expect(sample.reads).toEqual([[38, 2], [28, 10]]);
	});
});

describe('appendedRows', () => {
	function trigger(rows: Row[]) {
		const { read, reads } = list(rows);
		const spec = appendedRows(
			{ service, includeExisting: false, key: 'k', tableId: 't' },
			{ count: async () => rows.length, read, id: (row) => row.id, created: (row) => row.created, pageSize: 10 },
			(row): IDataObject => ({ id: row.id }),
		);
		return { spec, reads };
	}

	it('emits nothing at start, then exactly the rows appended since, also when they share a timestamp', async () => {
		const rows = rowsOf(30);
		const { spec } = trigger(rows);
		const state = await spec.start();
		rows.push({ id: 'n1', created: '2026-01-01T00:01:00Z' }, { id: 'n2', created: '2026-01-01T00:01:00Z' });
		const first = await spec.poll(state);
		expect(first.rows).toEqual([{ id: 'n1' }, { id: 'n2' }]);
		rows.push({ id: 'n3', created: '2026-01-01T00:01:00Z' });
		const second = await spec.poll(first.state);
		expect(second.rows).toEqual([{ id: 'n3' }]);
		expect((await spec.poll(second.state)).rows).toEqual([]);
	});

	it('an idle poll reads one short page at the end', async () => {
		const rows = rowsOf(30);
		const { spec, reads } = trigger(rows);
		const state = await spec.start();
		reads.length = 0;
		await spec.poll(state);
		expect(reads).toEqual([[28, 2]]);
	});

	it('after a bulk add larger than the mark holds, only rows appended after it are new', async () => {
		const rows = rowsOf(250, () => '2026-01-01T00:00:00Z');
		const { spec } = trigger(rows);
		const state = await spec.start();
		expect(state.mark.more).toBe(true);
		rows.push({ id: 'next', created: '2026-01-01T00:00:00Z' });
		expect((await spec.poll(state)).rows).toEqual([{ id: 'next' }]);
	});

	it('names the service and table when a sample finds no row', async () => {
		const { spec } = trigger([]);
		expect(await spec.sample()).toEqual([]);
		expect(spec.noSample).toBe('The Service table t has no rows yet: add a row, then fetch again');
		expect(spec.event).toBe('rowAdded');
	});
});
