/**
 * Extruct Trigger through n8n-core's PollContext against the Extruct sandbox: Row Added and
 * Row Enriched, exactly once, cheap when idle, manual samples, failures.
 */
import { makeRandom } from '../../sandbox/framework';
import type { ExtructRow, ExtructSandbox, ExtructTable } from '../../sandbox/extruct';
import { byId, counts, duringRequests, extructTriggerFixture, savedState, sleep } from './setup';
import type { TriggerFixture } from './setup';

let fx: TriggerFixture<ExtructSandbox>;
beforeAll(async () => (fx = await extructTriggerFixture({ seed: 3 })));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

const agent = (name: string, key: string) => ({ kind: 'agent', name, key, value: { agent_type: 'llm', prompt: `${name} of {input}`, output_format: 'text' } });

function leadsTable(rows: Array<Record<string, unknown>> = []): ExtructTable {
	return fx.sandbox.seedTable({ name: 'Leads', kind: 'generic', columns: [{ name: 'Input', key: 'input' }, agent('Stage', 'stage'), agent('Size', 'size')], rows });
}

const requests = () => fx.sandbox.server.log.map((entry) => `${entry.method} ${entry.route?.replace(/^\S+ \/v1/, '') ?? entry.path}`);

/** When a row's enrichment cells all finished (the latest `updated_at`), from the sandbox's own state. */
function finishedAt(row: ExtructRow, keys = ['stage', 'size']): string | undefined {
	let latest = '';
	for (const key of keys) {
		const cell = row.data[key];
		const status = fx.sandbox.cellStatus(cell);
		if (status !== 'done' && status !== 'failed') return undefined;
		if (cell.updated_at! > latest) latest = cell.updated_at!;
	}
	return latest;
}

async function untilIdle(table: ExtructTable): Promise<void> {
	while (fx.sandbox.tableStatus(table.id).num_cells_in_progress > 0) await sleep(10);
}

describe('Extruct Trigger: Row Added', () => {
	test('starts from now, emits each new row once as Get Many with Simplify plus the event; an idle poll is 2 requests', async () => {
		const table = leadsTable([{ input: 'old-1.example' }, { input: 'old-2.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		const first = await runner.poll();
		expect(first.error).toBeUndefined();
		expect(first.empty).toBe(true);

		const [a, b] = fx.sandbox.addRows(table.id, [{ input: 'new-a.example' }, { input: 'new-b.example' }]);
		const second = await runner.poll();
		expect(second.error).toBeUndefined();
		expect(second.json).toEqual([
			{ id: a.id, created_at: a.created_at, input: 'new-a.example', stage: null, size: null, _status: { stage: 'created', size: 'created' }, _event: 'rowAdded' },
			{ id: b.id, created_at: b.created_at, input: 'new-b.example', stage: null, size: null, _status: { stage: 'created', size: 'created' }, _event: 'rowAdded' },
		]);

		fx.sandbox.server.clearLog();
		const idle = await runner.poll();
		expect(idle.empty).toBe(true);
		expect(requests()).toEqual(['GET /tables/:id', 'GET /tables/:id/data']);
	});

	test('a bulk add of 250 rows sharing one timestamp is emitted once, in order, over several pages', async () => {
		const table = leadsTable([{ input: 'old.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		await runner.poll();
		const rows = fx.sandbox.addRows(table.id, Array.from({ length: 250 }, (_, i) => ({ input: `bulk-${i}.example` })));
		expect(new Set(rows.map((row) => row.created_at)).size).toBe(1);
		const poll = await runner.poll();
		expect(poll.json.map((row) => row.id)).toEqual(rows.map((row) => row.id));
		// the state holds the last 100 ids at that timestamp, not the 250
		expect((savedState(runner)!.mark as { ids: string[] }).ids).toHaveLength(100);
		const more = fx.sandbox.addRows(table.id, [{ input: 'after.example' }]);
		// a row deleted from the bulk does not make any of it new again
		fx.sandbox.deleteRows(table.id, [rows[249].id, rows[10].id]);
		expect((await runner.poll()).json.map((row) => row.id)).toEqual([more[0].id]);
		expect((await runner.poll()).empty).toBe(true);
	});

	test('Include Existing Rows: the first poll emits the rows already there', async () => {
		const table = leadsTable([{ input: 'one.example' }, { input: 'two.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded', options: { includeExisting: true } });
		expect((await runner.poll()).json.map((row) => row.input)).toEqual(['one.example', 'two.example']);
		expect((await runner.poll()).empty).toBe(true);
	});

	test('Fetch Test Event returns the newest row and does not move the saved state', async () => {
		const table = leadsTable([{ input: 'one.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		await runner.poll();
		const [added] = fx.sandbox.addRows(table.id, [{ input: 'two.example' }]);
		const before = JSON.stringify(runner.staticData);
		const sample = await runner.poll('manual');
		expect(sample.error).toBeUndefined();
		expect(sample.json).toEqual([expect.objectContaining({ id: added.id, input: 'two.example', _event: 'rowAdded' })]);
		expect(JSON.stringify(runner.staticData)).toBe(before);
		// the scheduled poll still emits it
		expect((await runner.poll()).json.map((row) => row.id)).toEqual([added.id]);
	});

	test('the table may be given by URL', async () => {
		const table = leadsTable([{ input: 'one.example' }]);
		const runner = fx.runner({ table: { __rl: true, mode: 'url', value: `https://app.extruct.ai/tables/${table.id}` }, event: 'rowAdded' });
		expect((await runner.poll()).error).toBeUndefined();
		const [row] = fx.sandbox.addRows(table.id, [{ input: 'two.example' }]);
		expect((await runner.poll()).json.map((out) => out.id)).toEqual([row.id]);
	});

	test('Fetch Test Event on an empty table says what to do', async () => {
		const table = leadsTable();
		const sample = await fx.runner({ table: byId(table.id), event: 'rowAdded' }).poll('manual');
		expect(sample.error?.message).toMatch(/has no rows yet: add a row, then fetch again/);
	});

	test('a failing poll (a server error, then a bad token) throws a clear error and does not move the state', async () => {
		const table = leadsTable([{ input: 'one.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		await runner.poll();
		const [added] = fx.sandbox.addRows(table.id, [{ input: 'two.example' }]);
		const saved = JSON.stringify(runner.staticData);

		// the row count was read, the list page fails (a 500 is not retried: it is no gateway error)
		fx.sandbox.server.inject({ match: (req) => req.path.endsWith('/data'), action: { kind: 'status', status: 500 } });
		const failed = await runner.poll();
		expect(failed.error?.message).toMatch(/^Extruct had a server error \(500/);
		expect(JSON.stringify(runner.staticData)).toBe(saved);

		const credential = { ...fx.harness.credentials.extructApi };
		fx.harness.credentials.extructApi = { ...credential, apiToken: 'ext_wrong_secret_token' };
		const denied = await runner.poll();
		fx.harness.credentials.extructApi = credential;
		expect(denied.error?.message).toMatch(/^Extruct rejected the API token \(401/);
		expect(JSON.stringify(denied.error)).not.toContain('ext_wrong_secret_token');
		expect(String(denied.error?.description)).toMatch(/API Token/);
		expect(JSON.stringify(runner.staticData)).toBe(saved);

		expect((await runner.poll()).json.map((row) => row.id)).toEqual([added.id]);
	});
});

describe('Extruct Trigger: Row Enriched', () => {
	test('emits a row once, when all its enrichment cells are done or failed, with its values', async () => {
		const table = leadsTable([{ input: 'before.example' }]);
		fx.sandbox.runRows(table.id);
		await untilIdle(table);
		const runner = fx.runner({ table: byId(table.id), event: 'rowEnriched' });
		expect((await runner.poll()).empty).toBe(true);

		const [ok, failing, pending] = fx.sandbox.addRows(table.id, [{ input: 'ok.example' }, { input: 'will-fail.example' }, { input: 'later.example' }]);
		fx.sandbox.runRows(table.id, { rowIds: [ok.id, failing.id] });
		await untilIdle(table);
		await sleep(2100); // the time watermark stays 1-2 s under the server's clock (its Date header, to the second, less 1 s)
		const first = await runner.poll();
		expect(first.error).toBeUndefined();
		expect(first.json.map((row) => row.id).sort()).toEqual([ok.id, failing.id].sort());
		const okOut = first.json.find((row) => row.id === ok.id)!;
		expect(okOut).toEqual({
			id: ok.id,
			created_at: ok.created_at,
			input: 'ok.example',
			stage: expect.objectContaining({ answer: 'Stage for Ok' }),
			size: expect.objectContaining({ answer: 'Size for Ok' }),
			_event: 'rowEnriched',
		});
		expect(first.json.find((row) => row.id === failing.id)!._status).toEqual({ stage: 'failed', size: 'failed' });

		fx.sandbox.server.clearLog();
		expect((await runner.poll()).empty).toBe(true);
		expect(requests()).toEqual(['GET /tables/:id', 'GET /tables/:id/data']);

		fx.sandbox.runRows(table.id, { rowIds: [pending.id] });
		await untilIdle(table);
		await sleep(2100);
		expect((await runner.poll()).json.map((row) => row.id)).toEqual([pending.id]);
		expect((await runner.poll()).empty).toBe(true);
	});

	test('chosen columns: a row qualifies when those cells finished, whatever the others do', async () => {
		const table = leadsTable([]);
		const stage = table.columns.find((column) => column.config.key === 'stage')!;
		const runner = fx.runner({ table: byId(table.id), event: 'rowEnriched', columns: [stage.id] });
		await runner.poll();
		const [row] = fx.sandbox.addRows(table.id, [{ input: 'one.example' }]);
		fx.sandbox.runRows(table.id, { rowIds: [row.id], columnKeys: ['stage'] });
		await untilIdle(table);
		await sleep(2100);
		const poll = await runner.poll();
		expect(poll.json).toEqual([expect.objectContaining({ id: row.id, _status: { size: 'created' } })]);
	});

	test('a table without enrichment columns fails with a clear message', async () => {
		const table = fx.sandbox.seedTable({ name: 'Plain', kind: 'generic', columns: [{ name: 'Input', key: 'input' }] });
		const poll = await fx.runner({ table: byId(table.id), event: 'rowEnriched' }).poll();
		expect(poll.error?.message).toMatch(/has no enrichment columns, so no row can be enriched/);
	});

	test('Fetch Test Event returns the most recently enriched row without touching the state', async () => {
		const table = leadsTable([{ input: 'a.example' }, { input: 'b.example' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowEnriched' });
		expect((await runner.poll('manual')).error?.message).toMatch(/has finished enriching/);
		fx.sandbox.runRows(table.id, { rowIds: [table.rows[1].id] });
		await untilIdle(table);
		const sample = await runner.poll('manual');
		expect(sample.json).toEqual([expect.objectContaining({ id: table.rows[1].id, _event: 'rowEnriched' })]);
		expect(runner.staticData).toEqual({});
	});

	test('a value written over a finished cell (same counters) is caught by Recheck Every', async () => {
		const table = leadsTable([{ input: 'a.example' }]);
		fx.sandbox.runRows(table.id);
		await untilIdle(table);
		const runner = fx.runner({ table: byId(table.id), event: 'rowEnriched', options: { recheckMinutes: 0.01 } });
		await runner.poll();
		await sleep(700);
		fx.sandbox.updateRows(table.id, [{ id: table.rows[0].id, data: { stage: 'Series B', size: '50' } }]);
		await sleep(2100);
		const poll = await runner.poll();
		expect(poll.json).toEqual([expect.objectContaining({ id: table.rows[0].id, stage: 'Series B' })]);
	});
});

describe('Extruct Trigger: 300 polls against a changing table', () => {
	test('rows added, updated, deleted and enriched between and during polls (also between pages): 0 missed, 0 duplicated', async () => {
		const random = makeRandom(11);
		const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
		const table = leadsTable(Array.from({ length: 150 }, (_, i) => ({ input: `seed-${i}.example` })));
		fx.sandbox.runRows(table.id, { rowIds: table.rows.slice(0, 100).map((row) => row.id) });
		await untilIdle(table);

		const added = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		const enriched = fx.runner({ table: byId(table.id), event: 'rowEnriched' });
		expect((await added.poll()).empty).toBe(true);
		expect((await enriched.poll()).empty).toBe(true);
		const activatedAt = fx.sandbox.history.length;
		// the watermark at activation, and the rows it found enriched after it (already there: not replayed)
		const startMark = savedState(enriched)!.mark as { at: string; above?: Array<[string, string]> };
		const enrichedFrom = startMark.at;
		const existingAtStart = new Set((startMark.above ?? []).map(([id, at]) => `${id} ${at}`));

		let serial = 0;
		const mutate = () => {
			const rows = fx.sandbox.tables.get(table.id)!.rows;
			const r = random();
			if (r < 0.3) {
				const n = 1 + Math.floor(random() * 4);
				// an input with "fail" in it makes the sandbox fail its enrichment cells
				fx.sandbox.addRows(table.id, Array.from({ length: n }, () => ({ input: `${random() < 0.1 ? 'fail' : 'n'}-${++serial}.example` })), { run: random() < 0.5 });
			} else if (r < 0.32) {
				// a bulk add larger than a page, sharing one timestamp
				const n = 101 + Math.floor(random() * 60);
				fx.sandbox.addRows(table.id, Array.from({ length: n }, () => ({ input: `b-${++serial}.example` })), { run: random() < 0.5 });
			} else if (r < 0.6) {
				// a few rows, or many when the table grew (keeps it at a few pages)
				const n = rows.length > 350 ? 60 + Math.floor(random() * 80) : 1 + Math.floor(random() * 4);
				const ids = Array.from({ length: n }, () => pick(rows)?.id).filter((id): id is string => !!id);
				// sometimes the newest rows, which the watermark points at
				if (random() < 0.3 && rows.length) ids.push(rows[rows.length - 1].id);
				fx.sandbox.deleteRows(table.id, ids);
			} else if (r < 0.8) {
				const row = pick(rows);
				if (row) fx.sandbox.updateRows(table.id, [{ id: row.id, data: { input: `edited-${++serial}.example` } }]);
			} else {
				const fresh = rows.filter((row) => fx.sandbox.cellStatus(row.data.stage) === 'created').slice(0, 1 + Math.floor(random() * 20));
				if (fresh.length) fx.sandbox.runRows(table.id, { rowIds: fresh.map((row) => row.id) });
			}
		};
		// changes while a poll reads: between the row count and the pages, and between pages
		let betweenPages = 0;
		const stop = duringRequests(
			fx.sandbox.server,
			(method, path) => method === 'GET' && path.includes('/tables/'),
			(req) => {
				if (random() >= 0.25) return;
				mutate();
				if (req.path.endsWith('/data') && req.query.limit === '100') betweenPages++;
			},
		);

		const addedOut: string[] = [];
		const enrichedOut: Array<{ id: string; at: string }> = [];
		const collect = async () => {
			const a = await added.poll();
			expect(a.error).toBeUndefined();
			addedOut.push(...a.json.map((row) => String(row.id)));
			const e = await enriched.poll();
			expect(e.error).toBeUndefined();
			enrichedOut.push(...e.json.map((row) => ({ id: String(row.id), at: '' })));
		};
		for (let poll = 0; poll < 300; poll++) {
			const changes = Math.floor(random() * 3);
			for (let c = 0; c < changes; c++) mutate();
			await collect();
		}
		stop();
		// let every run finish and the time watermark pass it, then poll again
		await untilIdle(table);
		await sleep(2100);
		await collect();
		await collect();

		const history = fx.sandbox.history.slice(activatedAt);
		const addedAfter = new Set(history.filter((event) => event.type === 'added').map((event) => event.rowId));
		const deleted = new Set(history.filter((event) => event.type === 'deleted').map((event) => event.rowId));
		const existing = new Map(fx.sandbox.tables.get(table.id)!.rows.map((row) => [row.id, row]));

		// Row Added: every row added after activation and still there, once; nothing else; no row twice
		const addedCounts = counts(addedOut);
		expect([...addedCounts.values()].filter((n) => n > 1)).toEqual([]);
		expect([...addedCounts.keys()].filter((id) => !addedAfter.has(id))).toEqual([]);
		const missedAdded = [...addedAfter].filter((id) => existing.has(id) && !addedCounts.has(id));
		expect(missedAdded).toEqual([]);

		// Row Enriched: every row whose enrichment finished after activation, once (each row is run once)
		const enrichedCounts = counts(enrichedOut.map((entry) => entry.id));
		expect([...enrichedCounts.values()].filter((n) => n > 1)).toEqual([]);
		const shouldHave = [...existing.values()].filter((row) => {
			const at = finishedAt(row);
			return at !== undefined && at > enrichedFrom && !existingAtStart.has(`${row.id} ${at}`);
		});
		expect(shouldHave.filter((row) => !enrichedCounts.has(row.id)).map((row) => row.id)).toEqual([]);
		const unexpected = [...enrichedCounts.keys()].filter((id) => !deleted.has(id) && !shouldHave.some((row) => row.id === id));
		expect(unexpected).toEqual([]);

		// the run did exercise what it claims to
		expect(addedAfter.size).toBeGreaterThan(300);
		expect(deleted.size).toBeGreaterThan(100);
		expect(shouldHave.length).toBeGreaterThan(100);
		expect(existingAtStart.size).toBeGreaterThan(0); // enriched in the last second before activation: not replayed
		expect([...enrichedCounts.keys()].filter((id) => [...existingAtStart].some((entry) => entry.startsWith(`${id} `)))).toEqual([]);
		expect(history.filter((event) => event.type === 'updated').length).toBeGreaterThan(50);
		expect(betweenPages).toBeGreaterThan(50);
		expect(added.stateBytes()).toBeLessThan(16 * 1024);
		expect(enriched.stateBytes()).toBeLessThan(16 * 1024);
	});
});
