/**
 * JustPaid Row → Create and Upsert after a lost answer (a 502/503/504, a dropped connection):
 * the node reads the table back and sends again only what was surely not stored. Each case
 * checks the rows the sandbox holds (none twice), the output (one item per input item, each
 * its own stored row) and, from the sandbox's log, what the read-backs cost.
 */
import type { FaultAction, LoggedRequest, SandboxRequest } from '../../sandbox/framework';
import { autoMap, byId, columnsOf, justPaidFixture, mapped, resetFixture } from './setup';
import type { JustPaidFixture } from './setup';

const ROWS_PATH = '/api/v1/tables/:id/rows';

const create = (tableId: string, options: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'create',
	table: byId(tableId),
	columns: autoMap(),
	options,
});

const upsert = (tableId: string, match: string, options: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'upsert',
	table: byId(tableId),
	columns: autoMap({ matchingColumns: [match] }),
	options,
});

function suite(profile: 'last' | 'first') {
	let fx: JustPaidFixture;
	beforeAll(async () => (fx = await justPaidFixture({ nullPosition: profile })));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => {
		resetFixture(fx);
		fx.sandbox.server.clearInjected();
	});

	const isCreate = (req: SandboxRequest) => req.method === 'POST' && /\/rows$/.test(req.path);
	const posts = () => fx.sandbox.server.requests('POST', ROWS_PATH);
	const listReads = () => fx.sandbox.server.requests('GET', ROWS_PATH);

	/** Scripted behaviour by the number of the create (1-based): a fault, or something done as it arrives. */
	function onCreates(plan: Record<number, FaultAction | ((req: SandboxRequest) => void)>) {
		let n = 0;
		fx.sandbox.server.inject({
			match: (req) => {
				if (!isCreate(req)) return false;
				n++;
				const step = plan[n];
				if (typeof step === 'function') step(req);
				return false;
			},
			action: { kind: 'delay', ms: 0 },
			times: Infinity,
		});
		// One scripted fault per planned create, each matching only its own number.
		for (const [at, step] of Object.entries(plan)) {
			if (typeof step !== 'object') continue;
			fx.sandbox.server.inject({ match: (req) => isCreate(req) && n === Number(at), action: step });
		}
	}

	/** Every read-back read (a list read after the first write) ran while no create was in flight. */
	function readsWhileIdle(log: LoggedRequest[]): boolean {
		const creates = log.filter((entry) => entry.method === 'POST' && entry.route?.endsWith('/rows'));
		const firstWrite = creates[0]?.startedAt ?? Infinity;
		return log
			.filter((entry) => entry.method === 'GET' && entry.route === `GET ${ROWS_PATH}` && entry.startedAt >= firstWrite)
			.every((read) => !creates.some((write) => write.startedAt < read.endedAt && write.endedAt > read.startedAt));
	}

	function storedCounts(tableId: string, field: string): Map<unknown, number> {
		const counts = new Map<unknown, number>();
		for (const row of fx.sandbox.sortedRows(tableId)) counts.set(row.data[field], (counts.get(row.data[field]) ?? 0) + 1);
		return counts;
	}

	test('an answer lost after JustPaid stored the row: found by reading back, not sent again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Lost', rows: [{ n: -2 }, { n: -1 }] });
		onCreates({ 2: { kind: 'drop-after' } });
		const result = await fx.run(create(table.id), [{ n: 1 }, { n: 2 }, { n: 3 }]);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.n)).toEqual([1, 2, 3]);
		const stored = fx.sandbox.sortedRows(table.id);
		expect(stored.map((row) => row.data.n)).toEqual([-2, -1, 1, 2, 3]);
		// the item's output is the row JustPaid stored for it
		expect(result.json[1].id).toBe(stored[3].id);
		expect(posts()).toHaveLength(3);
		// one read-back: the tail from the row count before the writes, and nothing before it
		expect(listReads().map((entry) => entry.query.offset)).toEqual(['2', '0']);
		expect(readsWhileIdle(fx.sandbox.server.log)).toBe(true);
	});

	test.each([
		['a connection closed before JustPaid got it', { kind: 'drop-before' } as FaultAction],
		['a 502', { kind: 'status', status: 502 } as FaultAction],
		['a 503', { kind: 'status', status: 503, retryAfter: 0.05 } as FaultAction],
		['a 504', { kind: 'status', status: 504 } as FaultAction],
	])('%s: the read-back finds no row, so it is sent again, once', async (_what, fault) => {
		const table = fx.sandbox.seedTable({ name: 'Missing' });
		onCreates({ 1: fault });
		const result = await fx.run(create(table.id), [{ n: 1 }, { n: 2 }]);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.n)).toEqual([1, 2]);
		expect([...storedCounts(table.id, 'n').entries()].sort()).toEqual([
			[1, 1],
			[2, 1],
		]);
		expect(posts()).toHaveLength(3);
	});

	test('items with identical data are told apart by counting: of three lost answers, the one stored is kept, the two missing are sent again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Same' });
		fx.sandbox.seedRow(table.id, { status: 'open' }, { createdAt: Date.now() - 60_000 });
		onCreates({ 1: { kind: 'drop-after' }, 2: { kind: 'status', status: 503 }, 4: { kind: 'drop-before' } });
		const result = await fx.run(create(table.id), Array.from({ length: 4 }, () => ({ status: 'open' })));
		expect(result.error).toBeUndefined();
		// the row there before, plus exactly one per item
		expect(fx.sandbox.sortedRows(table.id)).toHaveLength(5);
		const ids = result.json.map((json) => json.id);
		expect(new Set(ids).size).toBe(4);
		expect(ids).not.toContain(fx.sandbox.sortedRows(table.id)[0].id);
		expect(posts()).toHaveLength(6);
	});

	test('another writer stores the same data while the answer is lost: undecidable, the item keeps its error and nothing is sent twice; with Write ID Column it is exact', async () => {
		const table = fx.sandbox.seedTable({ name: 'Rival', columns: [{ name: 'email', type: 'email' }, { name: 'n8n_write_id', type: 'text' }] });
		onCreates({ 1: { kind: 'drop-after' }, 2: () => fx.sandbox.createRow(table.id, { email: 'a@example.com' }) });
		const result = await fx.run(create(table.id), [{ email: 'a@example.com' }, { email: 'b@example.com' }], true);
		expect(result.json[0].error).toMatch(/^Item 0: The connection to JustPaid failed/);
		expect(result.json[0].description).toMatch(/may or may not have been processed\. Reading the table back could not tell: 2 rows with exactly this item's data were added since the write began.*another writer stored the same data.*Write ID Column/);
		expect(result.json[1].email).toBe('b@example.com');
		// the item's row and the other writer's: not a third
		expect(storedCounts(table.id, 'email').get('a@example.com')).toBe(2);
		expect(posts()).toHaveLength(2);

		// Without Continue On Fail the run stops with that error.
		resetFixture(fx);
		fx.sandbox.server.clearInjected();
		onCreates({ 1: { kind: 'drop-after' }, 2: () => fx.sandbox.createRow(table.id, { email: 'c@example.com' }) });
		const strict = await fx.run(create(table.id), [{ email: 'c@example.com' }, { email: 'd@example.com' }]);
		expect(strict.error?.message).toMatch(/^Item 0: The connection to JustPaid failed/);

		resetFixture(fx);
		fx.sandbox.server.clearInjected();
		onCreates({ 1: { kind: 'drop-after' }, 2: () => fx.sandbox.createRow(table.id, { email: 'e@example.com' }) });
		const exact = await fx.run(create(table.id, { writeIdColumn: 'n8n_write_id' }), [{ email: 'e@example.com' }, { email: 'f@example.com' }]);
		expect(exact.error).toBeUndefined();
		const rows = fx.sandbox.sortedRows(table.id).filter((row) => row.data.email === 'e@example.com');
		expect(rows).toHaveLength(2);
		const mine = rows.find((row) => row.data.n8n_write_id !== undefined)!;
		expect(exact.json[0].id).toBe(mine.id);
		expect(exact.json[0].n8n_write_id).toBe(mine.data.n8n_write_id);
		expect(exact.json[1].n8n_write_id).not.toBe(exact.json[0].n8n_write_id);
	});

	test('rows deleted during the run shift the tail to the left: the read-back steps back and still finds the row', async () => {
		const table = fx.sandbox.seedTable({ name: 'Shrinking', rows: Array.from({ length: 250 }, (_v, i) => ({ old: i })) });
		const deleteOld = (count: number) => () => {
			for (const row of fx.sandbox.sortedRows(table.id).filter((r) => r.data.old !== undefined).slice(0, count)) fx.sandbox.deleteRow(table.id, row.id);
		};
		onCreates({ 2: deleteOld(180), 3: { kind: 'drop-after' }, 5: { kind: 'status', status: 502 } });
		const result = await fx.run(create(table.id), Array.from({ length: 6 }, (_v, n) => ({ n })));
		expect(result.error).toBeUndefined();
		const counts = storedCounts(table.id, 'n');
		expect([0, 1, 2, 3, 4, 5].map((n) => counts.get(n))).toEqual([1, 1, 1, 1, 1, 1]);
		expect(posts()).toHaveLength(7);
		expect(readsWhileIdle(fx.sandbox.server.log)).toBe(true);
	});

	test('rows with a position: one placed during the run, and the lost row itself moved to a position, are both handled', async () => {
		const table = fx.sandbox.seedTable({ name: 'Placed', rows: Array.from({ length: 120 }, (_v, i) => ({ old: i })) });
		fx.sandbox.seedRow(table.id, { pinned: 1 }, { position: 1 });
		let lostRowId = '';
		onCreates({
			2: () => fx.sandbox.seedRow(table.id, { pinned: 2 }, { position: 2 }),
			3: { kind: 'drop-after' },
			4: () => {
				// The app moves the row whose answer was lost to a position of its own.
				const lost = fx.sandbox.sortedRows(table.id).find((row) => row.data.n === 2)!;
				lostRowId = lost.id;
				lost.position = 0;
			},
		});
		const result = await fx.run(create(table.id), Array.from({ length: 5 }, (_v, n) => ({ n })));
		expect(result.error).toBeUndefined();
		const counts = storedCounts(table.id, 'n');
		expect([0, 1, 2, 3, 4].map((n) => counts.get(n))).toEqual([1, 1, 1, 1, 1]);
		expect(result.json[2].id).toBe(lostRowId);
		expect(posts()).toHaveLength(5);
	});

	test('many lost answers are settled by few read-backs, batched while the other creates go on', async () => {
		// rows an hour old, as in a table used for a while
		const table = fx.sandbox.seedTable({ name: 'Batched' });
		const hourAgo = Date.now() - 3_600_000;
		for (let i = 0; i < 300; i++) fx.sandbox.seedRow(table.id, { old: i }, { createdAt: hourAgo + i });
		const plan: Record<number, FaultAction> = {};
		for (let k = 3; k <= 200; k += 7) plan[k] = k % 2 ? { kind: 'drop-after' } : { kind: 'status', status: 503 };
		onCreates(plan);
		const result = await fx.run(create(table.id, { concurrency: 4 }), Array.from({ length: 200 }, (_v, n) => ({ n })));
		expect(result.error).toBeUndefined();
		const counts = storedCounts(table.id, 'n');
		expect(Array.from({ length: 200 }, (_v, n) => counts.get(n))).toEqual(Array(200).fill(1));
		const lost = Object.keys(plan).length;
		const resent = Object.values(plan).filter((fault) => fault.kind === 'status').length;
		expect(posts()).toHaveLength(200 + resent);
		// two passes (the second for the rows sent again), a few pages each: not a read per lost answer
		expect(lost).toBe(29);
		expect(listReads().length).toBeLessThanOrEqual(10);
		expect(readsWhileIdle(fx.sandbox.server.log)).toBe(true);
	});

	test('a row sent again whose answer is lost again is read back again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Twice' });
		onCreates({ 1: { kind: 'status', status: 503 }, 2: { kind: 'status', status: 502 }, 3: { kind: 'drop-after' } });
		const result = await fx.run(create(table.id), [{ n: 1 }]);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.n)).toEqual([1]);
		expect(posts()).toHaveLength(3);
	});

	test('when reading back fails too, the item keeps its error, saying so', async () => {
		const table = fx.sandbox.seedTable({ name: 'Unreadable' });
		onCreates({ 1: { kind: 'drop-after' } });
		fx.sandbox.server.inject({ match: (req) => req.method === 'GET' && /\/rows$/.test(req.path), action: { kind: 'status', status: 500 }, times: Infinity });
		const result = await fx.run(create(table.id), [{ n: 1 }, { n: 2 }], true);
		expect(result.json[0].error).toMatch(/^Item 0: The connection to JustPaid failed/);
		expect(result.json[0].description).toMatch(/may or may not have been processed\. Reading the table back could not tell: reading the table back failed too: JustPaid had a server error \(500/);
		expect(result.json[1].n).toBe(2);
		expect(fx.sandbox.sortedRows(table.id)).toHaveLength(2);
	});

	test('a table that fills up meanwhile: the missing row is not sent again, and says it was not stored', async () => {
		const table = fx.sandbox.seedTable({ name: 'Filling', maxRows: 2 });
		onCreates({ 1: { kind: 'status', status: 503 } });
		const result = await fx.run(create(table.id), [{ n: 1 }, { n: 2 }, { n: 3 }], true);
		expect(result.json[1].n).toBe(2);
		expect(result.json[2].n).toBe(3);
		expect(result.json[0].error).toBe(`Item 0: Table "Filling" (${table.id}) is full: it has reached its maximum row limit of 2`);
		expect(fx.sandbox.sortedRows(table.id)).toHaveLength(2);
	});

	test('the server clock far from the local one: the read-back goes by the clock JustPaid stamps rows with', async () => {
		for (const skew of [-3_600_000, 3_600_000]) {
			const skewed = await justPaidFixture({ nullPosition: profile, now: () => Date.now() + skew });
			try {
				const table = skewed.sandbox.seedTable({ name: 'Skewed', rows: Array.from({ length: 150 }, (_v, i) => ({ old: i })) });
				let n = 0;
				skewed.sandbox.server.inject({ match: (req) => req.method === 'POST' && ++n === 3, action: { kind: 'drop-after' } });
				skewed.sandbox.server.inject({ match: (req) => req.method === 'POST' && n === 5, action: { kind: 'status', status: 503 } });
				const result = await skewed.run(create(table.id), Array.from({ length: 6 }, (_v, k) => ({ k })));
				expect(result.error).toBeUndefined();
				const stored = skewed.sandbox.sortedRows(table.id).filter((row) => row.data.k !== undefined);
				expect(stored.map((row) => row.data.k).sort()).toEqual([0, 1, 2, 3, 4, 5]);
			} finally {
				await skewed.sandbox.close();
			}
		}
	});

	describe('Upsert', () => {
		test('a lost create is read back; the later items of its key merge into the row found', async () => {
			const table = fx.sandbox.seedTable({
				name: 'Upserts',
				columns: columnsOf([{ name: 'key', type: 'text', required: true }, { name: 'v', type: 'number' }]),
				rows: [{ key: 'a', v: 0 }],
			});
			onCreates({ 1: { kind: 'drop-after' }, 2: { kind: 'status', status: 503 } });
			const result = await fx.run(upsert(table.id, 'key'), [
				{ key: 'b', v: 1 },
				{ key: 'c', v: 1 },
				{ key: 'a', v: 1 },
				{ key: 'b', v: 2 },
			]);
			expect(result.error).toBeUndefined();
			expect(result.json.map((json) => [json.key, json.v, json._action])).toEqual([
				['b', 1, 'created'],
				['c', 1, 'created'],
				['a', 1, 'updated'],
				['b', 2, 'updated'],
			]);
			expect(fx.sandbox.sortedRows(table.id).map((row) => row.data)).toEqual([
				{ key: 'a', v: 1 },
				{ key: 'b', v: 2 },
				{ key: 'c', v: 1 },
			]);
			expect(posts()).toHaveLength(3);
			expect(readsWhileIdle(fx.sandbox.server.log)).toBe(true);
		});

		test('Write ID Column: created rows carry their write id, updated rows keep theirs; it must be a text column', async () => {
			const table = fx.sandbox.seedTable({
				name: 'Upsert ids',
				columns: columnsOf([{ name: 'key', type: 'text' }, { name: 'v', type: 'number' }, { name: 'wid', type: 'text' }]),
				rows: [{ key: 'a', v: 0, wid: 'earlier-0' }],
			});
			onCreates({ 1: { kind: 'drop-after' } });
			const result = await fx.run(upsert(table.id, 'key', { writeIdColumn: 'wid' }), [
				{ key: 'a', v: 1, wid: 'ignored' },
				{ key: 'b', v: 1 },
			]);
			expect(result.error).toBeUndefined();
			const [a, b] = fx.sandbox.sortedRows(table.id);
			expect(a.data).toEqual({ key: 'a', v: 1, wid: 'earlier-0' });
			expect(b.data.wid).toMatch(/^[0-9a-z]{12}-1$/);
			expect(result.json[1]).toMatchObject({ id: b.id, wid: b.data.wid, _action: 'created' });

			const numeric = fx.sandbox.seedTable({ name: 'Numeric id', columns: columnsOf([{ name: 'key', type: 'text' }, { name: 'wid', type: 'number' }]) });
			const refused = await fx.run(upsert(numeric.id, 'key', { writeIdColumn: 'wid' }), [{ key: 'x' }], true);
			expect(refused.json[0].error).toBe('Item 0: the Write ID Column `wid` is a number column; it must be a text column');
			const same = await fx.run(upsert(numeric.id, 'key', { writeIdColumn: 'key' }), [{ key: 'x' }], true);
			expect(same.json[0].error).toBe('Item 0: the column to match on must not be the Write ID Column (`key`)');
		});
	});

	test('Create with Write ID Column: every row gets its own id, also with values set by Map Each Column', async () => {
		const table = fx.sandbox.seedTable({ name: 'Ids', columns: columnsOf([{ name: 'title', type: 'text' }]) });
		const result = await fx.run(
			{ ...create(table.id, { writeIdColumn: 'n8n_write_id' }), columns: mapped({ title: '={{ $json.t }}' }) },
			[{ t: 'x' }, { t: 'x' }, { t: 'y' }],
		);
		expect(result.error).toBeUndefined();
		const ids = fx.sandbox.sortedRows(table.id).map((row) => row.data.n8n_write_id as string);
		expect(new Set(ids).size).toBe(3);
		expect(ids[0].replace(/-0$/, '')).toBe(ids[2].replace(/-2$/, ''));
		expect(result.json.map((json) => json.n8n_write_id)).toEqual(ids);
	});
}

describe('JustPaid read-back of lost creates (rows without a position listed last)', () => suite('last'));
describe('JustPaid read-back of lost creates (profile: rows without a position listed first)', () => suite('first'));
