/**
 * JustPaid Trigger through n8n-core's PollContext against the JustPaid sandbox: Row Added and
 * Row Updated, exactly once, idle costs, samples, failures.
 */
import { makeRandom } from '../../sandbox/framework';
import type { JustPaidSandbox, JustPaidTable } from '../../sandbox/justpaid';
import { byId, counts, duringRequests, justPaidTriggerFixture, savedState, sleep } from './setup';
import type { TriggerFixture } from './setup';

let fx: TriggerFixture<JustPaidSandbox>;
beforeAll(async () => (fx = await justPaidTriggerFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	fx.sandbox.server.clearLog();
	fx.sandbox.limiter.read.reset();
	fx.sandbox.limiter.write.reset();
});

const invoices = (rows: Array<Record<string, unknown>> = []): JustPaidTable =>
	fx.sandbox.seedTable({ name: 'Invoices', columns: [{ name: 'invoiceId' }, { name: 'amountCents', type: 'number' }], rows });

const requests = () => fx.sandbox.server.log.map((entry) => `${entry.method} ${entry.route?.replace(/^\S+ \/api\/v1/, '') ?? entry.path}`);

describe('JustPaid Trigger: Row Added', () => {
	test('starts from now, emits each new row once as Get Many with Simplify plus the event; an idle poll is 2 requests', async () => {
		const table = invoices([{ invoiceId: 'old-1' }, { invoiceId: 'old-2' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		expect((await runner.poll()).empty).toBe(true);

		const a = fx.sandbox.createRow(table.id, { invoiceId: 'in_1', amountCents: 100 });
		const b = fx.sandbox.createRow(table.id, { invoiceId: 'in_2', amountCents: 200 });
		const poll = await runner.poll();
		expect(poll.error).toBeUndefined();
		expect(poll.json).toEqual([
			{ id: a.id, invoiceId: 'in_1', amountCents: 100, createdAt: a.createdAt, updatedAt: a.updatedAt, _event: 'rowAdded' },
			{ id: b.id, invoiceId: 'in_2', amountCents: 200, createdAt: b.createdAt, updatedAt: b.updatedAt, _event: 'rowAdded' },
		]);

		fx.sandbox.server.clearLog();
		expect((await runner.poll()).empty).toBe(true);
		expect(requests()).toEqual(['GET /tables/:id', 'GET /tables/:id/rows']);
	});

	test('rows with a position (listed first) do not hide new rows; rows sharing a millisecond are each emitted once', async () => {
		let clock = Date.now();
		const own = await justPaidTriggerFixture({ now: () => clock, tieBreak: 'id' });
		try {
			const table = own.sandbox.seedTable({ name: 'Queue', rows: [{ n: 1 }, { n: 2 }] });
			own.sandbox.seedRow(table.id, { pinned: true }, { position: 1 });
			const runner = own.runner({ table: byId(table.id), event: 'rowAdded' });
			await runner.poll();
			// five rows in one millisecond: JustPaid orders them by id, not by write order
			clock += 5;
			const first = Array.from({ length: 3 }, (_, i) => own.sandbox.createRow(table.id, { n: 10 + i }));
			expect((await runner.poll()).json.map((row) => row.id).sort()).toEqual(first.map((row) => row.id).sort());
			const second = Array.from({ length: 2 }, (_, i) => own.sandbox.createRow(table.id, { n: 20 + i }));
			const order = own.sandbox.sortedRows(table.id).map((row) => row.id);
			// (some of the later rows sort before earlier ones of the same millisecond)
			expect(order.slice(-5).sort()).toEqual([...first, ...second].map((row) => row.id).sort());
			expect((await runner.poll()).json.map((row) => row.id).sort()).toEqual(second.map((row) => row.id).sort());
			expect((await runner.poll()).empty).toBe(true);
		} finally {
			await own.sandbox.close();
		}
	});

	test('Include Existing Rows, and Fetch Test Event without moving the state', async () => {
		const table = invoices([{ invoiceId: 'one' }, { invoiceId: 'two' }]);
		const manual = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		const sample = await manual.poll('manual');
		expect(sample.json).toEqual([expect.objectContaining({ invoiceId: 'two', _event: 'rowAdded' })]);
		expect(manual.staticData).toEqual({});

		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded', options: { includeExisting: true } });
		expect((await runner.poll()).json.map((row) => row.invoiceId)).toEqual(['one', 'two']);
		expect((await runner.poll()).empty).toBe(true);
	});

	test('a key without the read scope fails with a message naming it, and the state stays', async () => {
		const table = invoices([{ invoiceId: 'one' }]);
		const runner = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		await runner.poll();
		const row = fx.sandbox.createRow(table.id, { invoiceId: 'two' });
		const saved = JSON.stringify(runner.staticData);
		fx.sandbox.keys.wfk_write_only = { companyId: 'company_1', scopes: ['workflows:write'] };
		const credential = { ...fx.harness.credentials.justPaidApi };
		fx.harness.credentials.justPaidApi = { ...credential, apiKey: 'wfk_write_only' };
		const denied = await runner.poll();
		fx.harness.credentials.justPaidApi = credential;
		expect(denied.error?.message).toMatch(/JustPaid refused access: API key lacks the workflows:read scope/);
		expect(JSON.stringify(denied.error)).not.toContain('wfk_write_only');
		expect(JSON.stringify(runner.staticData)).toBe(saved);
		expect((await runner.poll()).json.map((out) => out.id)).toEqual([row.id]);
	});
});

describe('JustPaid Trigger: Row Updated', () => {
	test('emits each update once (not creations); every poll reads the whole table: 1 + rows/100 requests', async () => {
		const table = invoices(Array.from({ length: 250 }, (_, i) => ({ invoiceId: `in_${i}` })));
		const runner = fx.runner({ table: byId(table.id), event: 'rowUpdated' });
		expect((await runner.poll()).empty).toBe(true);
		const target = table.rows[17];
		fx.sandbox.createRow(table.id, { invoiceId: 'new' });
		fx.sandbox.updateRow(table.id, target.id, { invoiceId: 'in_17', amountCents: 999 });
		await sleep(2100); // the time watermark stays 1-2 s under the server's clock
		fx.sandbox.server.clearLog();
		const poll = await runner.poll();
		expect(poll.json).toEqual([
			{ id: target.id, invoiceId: 'in_17', amountCents: 999, createdAt: target.createdAt, updatedAt: target.updatedAt, _event: 'rowUpdated' },
		]);
		expect(requests()).toEqual(['GET /tables/:id', ...Array(3).fill('GET /tables/:id/rows')]);

		fx.sandbox.server.clearLog();
		expect((await runner.poll()).empty).toBe(true);
		expect(requests()).toHaveLength(1 + 3);

		// updated again: a new updatedAt, a new event
		fx.sandbox.updateRow(table.id, target.id, { invoiceId: 'in_17', amountCents: 1000 });
		await sleep(2100);
		expect((await runner.poll()).json).toEqual([expect.objectContaining({ id: target.id, amountCents: 1000 })]);
		expect(runner.stateBytes()).toBeLessThan(1024);
	});

	test('Include Existing Rows emits the rows updated before activation; Fetch Test Event the latest update', async () => {
		const table = invoices([{ invoiceId: 'a' }, { invoiceId: 'b' }, { invoiceId: 'c' }]);
		await sleep(5); // an update in the millisecond of the creation is no update
		fx.sandbox.updateRow(table.id, table.rows[2].id, { invoiceId: 'c2' });
		await sleep(5);
		fx.sandbox.updateRow(table.id, table.rows[0].id, { invoiceId: 'a2' });
		const manual = await fx.runner({ table: byId(table.id), event: 'rowUpdated' }).poll('manual');
		expect(manual.json).toEqual([expect.objectContaining({ invoiceId: 'a2', _event: 'rowUpdated' })]);
		await sleep(2100);
		const runner = fx.runner({ table: byId(table.id), event: 'rowUpdated', options: { includeExisting: true } });
		expect((await runner.poll()).json.map((row) => row.invoiceId)).toEqual(['c2', 'a2']);
		expect((await runner.poll()).empty).toBe(true);
	});
});

describe('JustPaid Trigger: 300 polls against a changing table', () => {
	test('rows created, updated, deleted between and during polls (also between pages): 0 missed, 0 duplicated', async () => {
		const random = makeRandom(5);
		const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
		const table = invoices(Array.from({ length: 180 }, (_, i) => ({ invoiceId: `seed_${i}` })));
		// two rows placed by the JustPaid app: listed before every other row
		fx.sandbox.seedRow(table.id, { invoiceId: 'pinned_1' }, { position: 1 });
		fx.sandbox.seedRow(table.id, { invoiceId: 'pinned_2' }, { position: 2 });

		const added = fx.runner({ table: byId(table.id), event: 'rowAdded' });
		const updated = fx.runner({ table: byId(table.id), event: 'rowUpdated' });
		expect((await added.poll()).empty).toBe(true);
		expect((await updated.poll()).empty).toBe(true);
		const activatedAt = fx.sandbox.history.length;
		// the watermark at activation, and the rows it found updated after it (already there: not replayed)
		const startMark = savedState(updated)!.mark as { at: string; above?: Array<[string, string]> };
		const updatedFrom = startMark.at;
		const existingAtStart = new Set((startMark.above ?? []).map(([id, at]) => `${id}@${at}`));

		let serial = 0;
		const mutate = () => {
			const rows = fx.sandbox.tables.get(table.id)!.rows;
			const r = random();
			if (r < 0.35) {
				const n = 1 + Math.floor(random() * 3);
				for (let i = 0; i < n; i++) fx.sandbox.createRow(table.id, { invoiceId: `new_${++serial}` });
			} else if (r < 0.6) {
				const n = rows.length > 300 ? 20 + Math.floor(random() * 40) : 1 + Math.floor(random() * 3);
				for (let i = 0; i < n; i++) {
					const row = random() < 0.2 ? rows[rows.length - 1] : pick(rows);
					if (row) fx.sandbox.deleteRow(table.id, row.id);
				}
			} else {
				const n = 1 + Math.floor(random() * 3);
				for (let i = 0; i < n; i++) {
					const row = pick(rows);
					if (row) fx.sandbox.updateRow(table.id, row.id, { invoiceId: String(row.data.invoiceId), amountCents: ++serial });
				}
			}
		};
		let betweenPages = 0;
		const stop = duringRequests(
			fx.sandbox.server,
			(method, path) => method === 'GET' && path.includes('/tables/'),
			(req) => {
				if (random() >= 0.25) return;
				mutate();
				if (req.path.endsWith('/rows') && req.query.limit === '100') betweenPages++;
			},
		);

		const addedOut: string[] = [];
		const updatedOut: string[] = [];
		let updatedDuringRun = 0;
		const collect = async () => {
			const a = await added.poll();
			expect(a.error).toBeUndefined();
			addedOut.push(...a.json.map((row) => String(row.id)));
			const u = await updated.poll();
			expect(u.error).toBeUndefined();
			updatedOut.push(...u.json.map((row) => `${String(row.id)}@${String(row.updatedAt)}`));
		};
		for (let poll = 0; poll < 300; poll++) {
			const changes = Math.floor(random() * 3);
			for (let c = 0; c < changes; c++) mutate();
			await collect();
		}
		updatedDuringRun = updatedOut.length;
		stop();
		await sleep(2100);
		await collect();
		await collect();

		const history = fx.sandbox.history.filter((event) => event.tableId === table.id).slice(0);
		const after = fx.sandbox.history.slice(activatedAt).filter((event) => event.tableId === table.id);
		const createdAfter = new Set(after.filter((event) => event.type === 'created').map((event) => event.rowId));
		const existing = new Map(fx.sandbox.tables.get(table.id)!.rows.map((row) => [row.id, row]));

		// Row Added
		const addedCounts = counts(addedOut);
		expect([...addedCounts.values()].filter((n) => n > 1)).toEqual([]);
		expect([...addedCounts.keys()].filter((id) => !createdAfter.has(id))).toEqual([]);
		expect([...createdAfter].filter((id) => existing.has(id) && !addedCounts.has(id))).toEqual([]);

		// Row Updated: each (row, updatedAt) at most once, each one a real update made after
		// activation, and every row's latest update emitted
		const updatedCounts = counts(updatedOut);
		expect([...updatedCounts.entries()].filter(([, n]) => n > 1)).toEqual([]);
		const updates = new Set(history.filter((event) => event.type === 'updated').map((event) => `${event.rowId}@${event.at}`));
		expect([...updatedCounts.keys()].filter((key) => !updates.has(key))).toEqual([]);
		expect([...updatedCounts.keys()].filter((key) => key.split('@')[1] <= updatedFrom)).toEqual([]);
		const latest = [...existing.values()].filter(
			(row) => row.updatedAt > row.createdAt && row.updatedAt > updatedFrom && !existingAtStart.has(`${row.id}@${row.updatedAt}`),
		);
		expect([...updatedCounts.keys()].filter((key) => existingAtStart.has(key))).toEqual([]);
		expect(latest.filter((row) => !updatedCounts.has(`${row.id}@${row.updatedAt}`)).map((row) => row.id)).toEqual([]);

		expect(createdAfter.size).toBeGreaterThan(200);
		expect(after.filter((event) => event.type === 'deleted').length).toBeGreaterThan(100);
		expect(latest.length).toBeGreaterThan(50);
		expect(updatedDuringRun).toBeGreaterThan(100);
		expect(betweenPages).toBeGreaterThan(50);
		expect(added.stateBytes()).toBeLessThan(16 * 1024);
		expect(updated.stateBytes()).toBeLessThan(16 * 1024);
	});
});
