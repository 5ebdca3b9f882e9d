/**
 * Row writes are paced to the write bucket. The sandbox's per-minute buckets are scaled to a
 * 1 s window (and the credential's Rate Window says the same), so "100 writes per minute" is
 * 100 writes per second here.
 */
import { autoMap, byId, justPaidFixture, resetFixture } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture({ writeLimit: 100, windowMs: 1000 })));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	resetFixture(fx);
	fx.sandbox.history.length = 0;
});

const create = (tableId: string, options: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'create',
	table: byId(tableId),
	columns: autoMap(),
	options,
});

const rateLimited = () => fx.sandbox.server.log.filter((r) => r.status === 429);

describe('JustPaid writes are paced to the write rate', () => {
	test('250 creates against a write bucket of 100 per window: all stored exactly once, in item order, none failed, no 429', async () => {
		const table = fx.sandbox.seedTable({ name: 'Paced', columns: [{ name: 'n', type: 'number', required: true }] });
		const items = Array.from({ length: 250 }, (_v, n) => ({ n }));
		const result = await fx.run(create(table.id), items);

		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(250);
		expect(result.json.some((json) => json.error)).toBe(false);
		result.items.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		// Stored exactly once each, in item order (one write in flight by default).
		expect(fx.sandbox.history.filter((e) => e.type === 'created')).toHaveLength(250);
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.n)).toEqual(items.map((item) => item.n));
		expect(new Set(result.json.map((json) => json.id)).size).toBe(250);
		// The node waited for the window instead of running into the limit.
		expect(rateLimited()).toHaveLength(0);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(250);
	});

	test('with 4 writes in flight: still exactly once each and no 429', async () => {
		const table = fx.sandbox.seedTable({ name: 'Parallel' });
		const items = Array.from({ length: 150 }, (_v, n) => ({ n }));
		const result = await fx.run(create(table.id, { concurrency: 4 }), items);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.n)).toEqual(items.map((item) => item.n));
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.n).sort((a, b) => Number(a) - Number(b))).toEqual(
			items.map((item) => item.n),
		);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(150);
		expect(rateLimited()).toHaveLength(0);
	});

	test('Writes per Minute set above the real limit: the 429s are waited for (Retry-After) and retried, nothing lost or doubled', async () => {
		const table = fx.sandbox.seedTable({ name: 'Too fast' });
		const items = Array.from({ length: 130 }, (_v, n) => ({ n }));
		const result = await fx.run(create(table.id, { writesPerMinute: 1000 }), items);
		expect(result.error).toBeUndefined();
		expect(result.json.some((json) => json.error)).toBe(false);
		expect(rateLimited().length).toBeGreaterThanOrEqual(1);
		expect(rateLimited().every((r) => r.method === 'POST')).toBe(true);
		// every refused POST was sent again, and every row exists once
		expect(fx.sandbox.server.requests('POST').filter((r) => r.status === 201)).toHaveLength(130);
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.n)).toEqual(items.map((item) => item.n));
	});

	test('a 429 from another client of the key (injected, with Retry-After) is honoured and the create is stored once', async () => {
		const table = fx.sandbox.seedTable({ name: 'Shared key' });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', times: 2, action: { kind: 'status', status: 429, retryAfter: 0.05 as never } });
		const result = await fx.run(create(table.id), [{ a: 1 }, { a: 2 }]);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.server.requests('POST')).toHaveLength(4);
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.a)).toEqual([1, 2]);
	});

	test('deletes and updates are paced too', async () => {
		const table = fx.sandbox.seedTable({ name: 'Many writes', rows: Array.from({ length: 120 }, (_v, n) => ({ n })) });
		const ids = fx.sandbox.sortedRows(table.id).map((row) => row.id);
		const updated = await fx.run(
			{ resource: 'row', operation: 'update', updateMode: 'replace', table: byId(table.id), rowId: '={{ $json.id }}', columns: autoMap(), options: { otherFields: 'send' } },
			ids.map((id, n) => ({ id, n: n + 1000 })),
		);
		expect(updated.error).toBeUndefined();
		expect(fx.sandbox.sortedRows(table.id).every((row) => Number(row.data.n) >= 1000)).toBe(true);
		expect(rateLimited()).toHaveLength(0);
		// A new execution has its own pacer, which does not know the last one's writes: start from a fresh bucket.
		resetFixture(fx);
		const deleted = await fx.run({ resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}' }, ids.map((id) => ({ id })));
		expect(deleted.error).toBeUndefined();
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(0);
		expect(rateLimited()).toHaveLength(0);
	});
});
