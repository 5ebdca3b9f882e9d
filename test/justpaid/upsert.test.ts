import { autoMap, byId, columnsOf, justPaidFixture, mapped, resetFixture } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
// A bigger scaled bucket so 500 writes take two windows, not five.
beforeAll(async () => (fx = await justPaidFixture({ writeLimit: 300, windowMs: 1000 })));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	resetFixture(fx);
	fx.sandbox.history.length = 0;
});

const COLUMNS = columnsOf([
	{ name: 'invoiceId', type: 'text', required: true },
	{ name: 'amountCents', type: 'number' },
	{ name: 'status', type: 'select', options: ['open', 'paid', 'void'] },
]);

const upsert = (tableId: string, columns: Record<string, unknown> = autoMap({ matchingColumns: ['invoiceId'] }), options: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'upsert',
	table: byId(tableId),
	columns,
	options: { writesPerMinute: 300, ...options },
});

const listRequests = () => fx.sandbox.server.requests('GET', '/api/v1/tables/:id/rows');
const writes = () => fx.sandbox.server.log.filter((r) => r.method === 'POST' || r.method === 'PATCH');

describe('JustPaid Row → Upsert', () => {
	test('500 items into a 2,000-row table: 20 list requests, one write per item; matches merged, the rest created; a second run creates nothing', async () => {
		const rows = Array.from({ length: 2000 }, (_v, i) => ({ invoiceId: `in_${i}`, amountCents: i, status: 'open', note: `kept ${i}` }));
		const table = fx.sandbox.seedTable({ name: 'Invoices', columns: COLUMNS, rows });
		// 300 existing invoices (every 5th of the first 1,500) and 200 new ones
		const items = [
			...Array.from({ length: 300 }, (_v, k) => ({ invoiceId: `in_${k * 5}`, amountCents: 100_000 + k, status: 'paid' })),
			...Array.from({ length: 200 }, (_v, k) => ({ invoiceId: `new_${k}`, amountCents: String(k), status: 'open' })),
		];
		const first = await fx.run(upsert(table.id), items);

		expect(first.error).toBeUndefined();
		expect(first.json).toHaveLength(500);
		expect(listRequests()).toHaveLength(20); // at most 20: the table's rowCount saves the empty 21st page
		expect(listRequests().every((r) => r.query.limit === '100')).toBe(true);
		expect(writes()).toHaveLength(500);
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(300);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(200);
		expect(first.json.filter((json) => json._action === 'updated')).toHaveLength(300);
		expect(first.json.filter((json) => json._action === 'created')).toHaveLength(200);

		const stored = fx.sandbox.tables.get(table.id)!.rows;
		expect(stored).toHaveLength(2200);
		const byInvoice = new Map(stored.map((row) => [row.data.invoiceId, row.data]));
		// merged: the item's values over the row, the row's other keys kept
		expect(byInvoice.get('in_5')).toEqual({ invoiceId: 'in_5', amountCents: 100_001, status: 'paid', note: 'kept 5' });
		expect(byInvoice.get('in_6')).toEqual({ invoiceId: 'in_6', amountCents: 6, status: 'open', note: 'kept 6' });
		// created, with "7" normalized to the number column's type
		expect(byInvoice.get('new_7')).toEqual({ invoiceId: 'new_7', amountCents: 7, status: 'open' });
		expect(new Set(stored.map((row) => row.data.invoiceId)).size).toBe(2200);

		fx.sandbox.server.clearLog();
		const second = await fx.run(upsert(table.id), items);
		expect(second.error).toBeUndefined();
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
		expect(writes()).toHaveLength(0);
		expect(second.json.every((json) => json._action === 'unchanged')).toBe(true);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(2200);
		expect(listRequests()).toHaveLength(22);
	});

	test('two items with one new key in one execution create one row, then merge into it (also with parallel writes)', async () => {
		for (const concurrency of [1, 4]) {
			const table = fx.sandbox.seedTable({ name: `Dup ${concurrency}`, columns: COLUMNS });
			const result = await fx.run(upsert(table.id, autoMap({ matchingColumns: ['invoiceId'] }), { concurrency, otherFields: 'send' }), [
				{ invoiceId: 'in_x', amountCents: 1 },
				{ invoiceId: 'in_y', amountCents: 5 },
				{ invoiceId: 'in_x', status: 'paid', extra: 'yes' },
				{ invoiceId: 'in_x', amountCents: 3 },
			]);
			expect(result.error).toBeUndefined();
			expect(result.json.map((json) => json._action)).toEqual(['created', 'created', 'updated', 'updated']);
			expect(fx.sandbox.sortedRows(table.id).map((row) => row.data)).toEqual([
				{ invoiceId: 'in_x', amountCents: 3, status: 'paid', extra: 'yes' },
				{ invoiceId: 'in_y', amountCents: 5 },
			]);
		}
	});

	test('Map Each Column: the match value comes from the mapper; 42 and "42" match', async () => {
		const table = fx.sandbox.seedTable({ name: 'Numbers', columns: [{ name: 'customer', type: 'number' }, { name: 'tier', type: 'text' }], rows: [{ customer: 42, tier: 'a' }] });
		const result = await fx.run(upsert(table.id, mapped({ customer: '={{ $json.c }}', tier: '={{ $json.t }}' }, { matchingColumns: ['customer'] })), [{ c: '42', t: 'b' }, { c: 7, t: 'c' }]);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json._action)).toEqual(['updated', 'created']);
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data)).toEqual([{ customer: 42, tier: 'b' }, { customer: 7, tier: 'c' }]);
	});

	test('bad input: no match column, no match value, a bad type, a required column missing in a new row — item errors, nothing sent for them', async () => {
		const table = fx.sandbox.seedTable({ name: 'Checks', columns: COLUMNS, rows: [{ invoiceId: 'in_1', amountCents: 1 }] });
		const noColumn = await fx.run(upsert(table.id, autoMap()), [{ invoiceId: 'in_1' }], true);
		expect(noColumn.json[0].error).toMatch(/^Item 0: choose the column to match on/);

		const result = await fx.run(
			upsert(table.id, autoMap({ matchingColumns: ['status'] })),
			[{ status: 'paid', amountCents: 'lots' }, { amountCents: 5 }, { status: 'refunded' }, { status: 'open', amountCents: 9 }, { status: 'open' }],
			true,
		);
		expect(result.json[0].error).toBe('Item 0: `amountCents` must be a number, got "lots"');
		expect(result.json[1].error).toBe('Item 1: `status`, the column to match on, has no value');
		expect(result.json[2].error).toBe('Item 2: `status` must be one of "open", "paid", "void", got "refunded"');
		// a new row without the required invoiceId: refused before sending
		expect(result.json[3].error).toBe('Item 3: `invoiceId` is required');
		// the same key as item 3, whose check failed before anything was sent: it goes on
		expect(result.json[4].error).toBe('Item 4: `invoiceId` is required');
		expect(writes()).toHaveLength(0);
	});

	test('a full table: merges still go, creates stop after the first refusal', async () => {
		const table = fx.sandbox.seedTable({ name: 'Capped', columns: COLUMNS, maxRows: 3, rows: [{ invoiceId: 'a' }, { invoiceId: 'b' }] });
		const result = await fx.run(upsert(table.id), [{ invoiceId: 'c' }, { invoiceId: 'd' }, { invoiceId: 'a', status: 'paid' }, { invoiceId: 'e' }], true);
		expect(result.json[0]._action).toBe('created');
		expect(result.json[1].error).toBe(`Item 1: Table "Capped" (${table.id}) is full: it has reached its maximum row limit of 3`);
		expect(result.json[2]._action).toBe('updated');
		expect(result.json[3].error).toBe(`Item 3: Not sent: Table "Capped" (${table.id}) is full: it has reached its maximum row limit of 3`);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(2);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(3);
	});
});
