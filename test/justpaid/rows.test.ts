import { loggedText } from '../harness/logs';
import { autoMap, byId, columnsOf, justPaidFixture, mapped, resetFixture, storedData, visible } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => resetFixture(fx));

const ALL_TYPES = columnsOf([
	{ name: 'title', type: 'text', required: true },
	{ name: 'amount', type: 'number' },
	{ name: 'active', type: 'boolean' },
	{ name: 'due', type: 'date' },
	{ name: 'status', type: 'select', options: ['open', 'paid'] },
	{ name: 'site', type: 'url' },
	{ name: 'email', type: 'email' },
	{ name: 'meta', type: 'json' },
]);

const create = (tableId: string, columns: Record<string, unknown> = autoMap(), options: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'create',
	table: byId(tableId),
	columns,
	options,
});

const posts = () => fx.sandbox.server.requests('POST', '/api/v1/tables/:id/rows');

describe('JustPaid Row → Create', () => {
	test('values of every column type are checked and normalized; the output is the simplified row', async () => {
		const table = fx.sandbox.seedTable({ name: 'Types', columns: ALL_TYPES });
		const result = await fx.run(create(table.id), [
			{
				title: 'A',
				amount: '9900',
				active: 'true',
				due: '2024-01-15',
				status: 'paid',
				site: 'https://example.com/x',
				email: 'ap@example.com',
				meta: '{"lines": [1, 2]}',
				ignored: 'not a column',
			},
			{ title: 42, amount: 1.5, active: false, due: '2024-01-15T10:30:00Z', meta: [1, 'two'] },
		]);
		expect(result.error).toBeUndefined();
		expect(storedData(fx, table.id)).toEqual([
			{ title: 'A', amount: 9900, active: true, due: '2024-01-15', status: 'paid', site: 'https://example.com/x', email: 'ap@example.com', meta: { lines: [1, 2] } },
			{ title: '42', amount: 1.5, active: false, due: '2024-01-15T10:30:00Z', meta: [1, 'two'] },
		]);
		expect(result.json[0]).toMatchObject({ id: expect.any(String), title: 'A', amount: 9900, createdAt: expect.any(String), updatedAt: expect.any(String) });
		expect(result.json[0].data).toBeUndefined();
		expect(posts()[0].body).toEqual({ data: storedData(fx, table.id)[0] });
		expect(posts()[0].headers['x-api-key']).toBe(fx.sandbox.apiKey);
	});

	const bad: Array<[string, Record<string, unknown>, string]> = [
		['a text for a number column', { title: 't', amount: 'abc' }, '`amount` must be a number, got "abc"'],
		['a bad email', { title: 't', email: 'not-an-email' }, '`email` must be an email address, got "not-an-email"'],
		['a select value outside its options', { title: 't', status: 'refunded' }, '`status` must be one of "open", "paid", got "refunded"'],
		['a date that is not ISO-8601', { title: 't', due: '15/01/2024' }, '`due` must be an ISO-8601 date or date-time'],
		['a URL without scheme', { title: 't', site: 'example.com' }, '`site` must be a URL'],
		['a boolean that is not true or false', { title: 't', active: 'maybe' }, '`active` must be true or false, got "maybe"'],
		['JSON that does not parse', { title: 't', meta: '{"a": ' }, '`meta` must be valid JSON'],
		['an object for a text column', { title: { a: 1 } }, '`title` must be text, got {"a":1}'],
		['a required column without value', { amount: 1 }, '`title` is required'],
	];
	test.each(bad)('%s: an item error naming the item and the column; nothing sent for it', async (_label, values, message) => {
		const table = fx.sandbox.seedTable({ name: 'Bad', columns: ALL_TYPES });
		const result = await fx.run(create(table.id), [{ title: 'good' }, values], true);
		expect(result.json[0].title).toBe('good');
		expect(result.json[1].error).toContain(`Item 1: ${message}`);
		expect(result.json[1].description).toMatch(/Nothing was sent for this item/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(posts()).toHaveLength(1);
		expect(storedData(fx, table.id)).toEqual([{ title: 'good' }]);
	});

	test('several problems in one item are listed together; without Continue On Fail nothing at all is sent', async () => {
		const table = fx.sandbox.seedTable({ name: 'Strict', columns: ALL_TYPES });
		const result = await fx.run(create(table.id), [{ title: 'ok' }, { amount: 'x', email: 'y' }], false);
		expect(result.error?.message).toBe('Item 1: `title` is required; `amount` must be a number, got "x"; `email` must be an email address, got "y"');
		expect(posts()).toHaveLength(0);
	});

	test('Map Each Column, Extra Fields and "Fields That Are Not Columns: Write Them Too" (storage is schema-flexible)', async () => {
		const table = fx.sandbox.seedTable({ name: 'Flexible', columns: [{ name: 'invoiceId', type: 'text' }, { id: 'amt', name: 'Amount', type: 'number' }] });
		const defined = await fx.run(
			create(table.id, mapped({ invoiceId: '={{ $json.inv }}', amt: '={{ $json.cents }}' }), {
				extraFields: { field: [{ name: 'source', value: '={{ $json.src }}' }, { name: 'raw', value: '={{ { "nested": true } }}' }] },
			}),
			[{ inv: 'in_1', cents: 100, src: 'stripe' }],
		);
		expect(defined.error).toBeUndefined();
		const auto = await fx.run(create(table.id, autoMap(), { otherFields: 'send' }), [{ invoiceId: 'in_2', amt: '5', customer: { id: 'cus_1' }, id: 'from-another-node' }]);
		expect(auto.error).toBeUndefined();
		expect(storedData(fx, table.id)).toEqual([
			{ invoiceId: 'in_1', amt: 100, source: 'stripe', raw: { nested: true } },
			{ invoiceId: 'in_2', amt: 5, customer: { id: 'cus_1' } },
		]);
		const none = await fx.run(create(table.id), [{ other: 1 }], true);
		expect(none.json[0].error).toMatch(/^Item 0: none of its fields \(other\) is a column of the table; its columns are: invoiceId, amt/);
	});

	test('a full table: the first refusal names the table and its limit, the rest are not sent and never reported as created', async () => {
		const table = fx.sandbox.seedTable({ name: 'Small', maxRows: 5, rows: [{ n: 0 }, { n: 1 }, { n: 2 }] });
		const result = await fx.run(create(table.id, autoMap()), Array.from({ length: 6 }, (_v, i) => ({ n: 10 + i })), true);
		expect(result.json.slice(0, 2).map((json) => json.n)).toEqual([10, 11]);
		expect(result.json[2].error).toBe(`Item 2: Table "Small" (${table.id}) is full: it has reached its maximum row limit of 5`);
		expect(result.json[2].description).toMatch(/Raise Max Rows/);
		for (const i of [3, 4, 5]) {
			expect(result.json[i].error).toBe(`Item ${i}: Not sent: Table "Small" (${table.id}) is full: it has reached its maximum row limit of 5`);
			expect(result.json[i].id).toBeUndefined();
		}
		expect(posts()).toHaveLength(3);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(5);

		fx.sandbox.server.clearLog();
		const strict = await fx.run(create(table.id, autoMap()), [{ n: 20 }, { n: 21 }], false);
		expect(strict.error?.message).toBe(`Item 0: Table "Small" (${table.id}) is full: it has reached its maximum row limit of 5`);
		expect(posts()).toHaveLength(1);
	});

	// Lost answers (a dropped connection, a 502/503/504): readback.test.ts.
});

describe('JustPaid Row → Update', () => {
	test('Merge: reads the table once, keeps the other keys, and items for one row apply in order', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Merge',
			columns: [{ name: 'status', type: 'select', options: ['open', 'done'] }, { name: 'owner', type: 'text', required: true }],
			rows: Array.from({ length: 150 }, (_v, i) => ({ status: 'open', owner: `o${i}`, note: i })),
		});
		const [a, b] = fx.sandbox.sortedRows(table.id);
		const result = await fx.run(
			{ resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.rowId }}', updateMode: 'merge', columns: autoMap() },
			[
				{ rowId: a.id, status: 'done' },
				{ rowId: b.id, owner: 'someone' },
				{ rowId: a.id, owner: 'me' },
				{ rowId: 'missing-row', status: 'done' },
			],
			true,
		);
		expect(result.json[0]).toMatchObject({ id: a.id, status: 'done', owner: 'o0', note: 0 });
		expect(result.json[1]).toMatchObject({ id: b.id, status: 'open', owner: 'someone', note: 1 });
		expect(result.json[2]).toMatchObject({ id: a.id, status: 'done', owner: 'me', note: 0 });
		expect(result.json[3].error).toBe(`Item 3: Row missing-row was not found in table "Merge" (${table.id})`);
		expect(fx.sandbox.server.requests('GET', '/api/v1/tables/:id/rows')).toHaveLength(2);
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(3);
		expect(fx.sandbox.sortedRows(table.id)[0].data).toEqual({ status: 'done', owner: 'me', note: 0 });
	});

	test('Merge skips a write that changes nothing (unless told not to)', async () => {
		const table = fx.sandbox.seedTable({ name: 'Same', rows: [{ k: 1, v: 'x' }] });
		const [row] = fx.sandbox.sortedRows(table.id);
		const params = (options = {}) => ({ resource: 'row', operation: 'update', table: byId(table.id), rowId: row.id, columns: mapped({ v: 'x' }), options });
		const same = await fx.run(params());
		expect(same.json[0]).toMatchObject({ id: row.id, k: 1, v: 'x' });
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(0);
		await fx.run(params({ skipUnchanged: false }));
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);
	});

	test('Replace: the service semantics, no read; required columns must be given', async () => {
		const table = fx.sandbox.seedTable({ name: 'Replace', columns: [{ name: 'owner', type: 'text', required: true }], rows: [{ owner: 'a', note: 'gone after replace' }] });
		const [row] = fx.sandbox.sortedRows(table.id);
		const replace = (values: Record<string, unknown>) => ({ resource: 'row', operation: 'update', updateMode: 'replace', table: byId(table.id), rowId: row.id, columns: mapped(values) });
		const ok = await fx.run(replace({ owner: 'b' }));
		expect(ok.json[0]).toMatchObject({ id: row.id, owner: 'b' });
		expect(fx.sandbox.sortedRows(table.id)[0].data).toEqual({ owner: 'b' });
		expect(fx.sandbox.server.requests('GET', '/api/v1/tables/:id/rows')).toHaveLength(0);
		const missing = await fx.run(replace({ other: 1 }), [{}], true);
		expect(missing.json[0].error).toBe('Item 0: `owner` is required');
		const unknown = await fx.run({ ...replace({ owner: 'c' }), rowId: 'nope' }, [{}], true);
		expect(unknown.json[0].error).toBe('Item 0: Not found in JustPaid: Row not found');
	});
});

describe('JustPaid Row → Delete / Get Many / Find', () => {
	test('delete by ID; an unknown row is an error item', async () => {
		const table = fx.sandbox.seedTable({ name: 'Del', rows: [{ a: 1 }, { a: 2 }] });
		const [a, b] = fx.sandbox.sortedRows(table.id);
		const result = await fx.run({ resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}' }, [{ id: a.id }, { id: 'nope' }, { id: '' }], true);
		expect(result.json[0]).toEqual({ id: a.id, tableId: table.id, deleted: true });
		expect(result.json[1].error).toBe('Item 1: Not found in JustPaid: Row not found');
		expect(result.json[2].error).toBe('Item 2: "Row ID" is empty');
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.id)).toEqual([b.id]);
	});

	test('without Continue On Fail, a refused write stops the sending: the items after it are not sent', async () => {
		const table = fx.sandbox.seedTable({ name: 'Stop', rows: Array.from({ length: 6 }, (_v, i) => ({ i })) });
		const ids = fx.sandbox.sortedRows(table.id).map((row) => row.id);
		const items = ids.map((id, i) => ({ id: i === 2 ? 'gone' : id }));
		const result = await fx.run({ resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}', options: { concurrency: 2 } }, items, false);
		expect(result.error?.message).toBe('Item 2: Not found in JustPaid: Row not found');
		// items 0-2 were sent, plus at most the one already in flight beside item 2
		expect(fx.sandbox.server.requests('DELETE').length).toBeLessThanOrEqual(4);
		expect(fx.sandbox.tables.get(table.id)!.rows.length).toBeGreaterThanOrEqual(3);
	});

	test('get many: Return All and Limit over offset paging, in the service order; raw rows with Simplify off', async () => {
		const rows = Array.from({ length: 230 }, (_v, i) => ({ i }));
		const table = fx.sandbox.seedTable({ name: 'Many', rows });
		const all = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(all.json.map((json) => json.i)).toEqual(rows.map((row) => row.i));
		expect(fx.sandbox.server.log.map((r) => `${r.query.limit}/${r.query.offset}`)).toEqual(['100/0', '100/100', '100/200']);
		fx.sandbox.server.clearLog();
		const some = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: false, limit: 120, simplify: false });
		expect(some.json).toHaveLength(120);
		expect(some.json[0]).toEqual(expect.objectContaining({ id: expect.any(String), data: { i: 0 }, position: null }));
		expect(fx.sandbox.server.log.map((r) => r.query.limit)).toEqual(['100', '20']);
	});

	test('get many with a client-side filter on a column value', async () => {
		const table = fx.sandbox.seedTable({ name: 'Filter', rows: Array.from({ length: 250 }, (_v, i) => ({ i, parity: i % 2 ? 'odd' : 'even' })) });
		const odd = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true, filter: { column: 'parity', value: 'odd' } });
		expect(odd.json).toHaveLength(125);
		const three = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), limit: 3, filter: { column: 'i', value: '7' } });
		expect(three.json.map((json) => json.i)).toEqual([7]);
	});

	test('find: first or all matches, one table read for all items, and what happens when nothing matches', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Lookup',
			rows: [...Array.from({ length: 180 }, (_v, i) => ({ key: `k${i}`, n: i })), { key: 'k5', n: 'duplicate' }],
		});
		const find = (extra: Record<string, unknown>) => ({ resource: 'row', operation: 'find', table: byId(table.id), column: 'key', value: '={{ $json.key }}', ...extra });
		const items = Array.from({ length: 50 }, (_v, i) => ({ key: `k${i}` }));
		const first = await fx.run(find({}), items);
		expect(first.json.map((json) => json.n)).toEqual(items.map((_v, i) => i));
		expect(fx.sandbox.server.requests('GET', '/api/v1/tables/:id/rows')).toHaveLength(2);

		const all = await fx.run(find({ match: 'all' }), [{ key: 'k5' }]);
		expect(all.json.map((json) => json.n)).toEqual([5, 'duplicate']);
		expect(all.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);

		const skip = await fx.run(find({}), [{ key: 'nope' }, { key: 'k1' }]);
		expect(skip.json.map((json) => json.n)).toEqual([1]);
		expect(skip.items[0].pairedItem).toEqual({ item: 1 });
		const empty = await fx.run(find({ options: { whenNotFound: 'empty' } }), [{ key: 'nope' }]);
		expect(empty.json).toEqual([{}]);
		const fail = await fx.run(find({ options: { whenNotFound: 'error' } }), [{ key: 'nope' }], true);
		expect(fail.json[0].error).toBe(`Item 0: No row of table "Lookup" (${table.id}) has \`key\` = "nope"`);
		const number = await fx.run(find({ column: 'n', value: 42 }));
		expect(number.json[0].key).toBe('k42');
	});
});

describe('secrets', () => {
	test('the API key appears in no output, error message, description or log line', async () => {
		const table = fx.sandbox.seedTable({ name: 'Secret' });
		const ok = await fx.run(create(table.id, autoMap()), [{ a: 1 }]);
		const bad = await fx.run({ resource: 'row', operation: 'getMany', table: byId('00000000-0000-4000-8000-000000000000'), returnAll: true }, [{}], false);
		fx.harness.credentials.justPaidApi = { ...fx.credential, apiKey: 'wfk_wrong_secret_key' };
		const wrong = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true }, [{}], true);
		expect(visible(ok)).not.toContain(fx.sandbox.apiKey);
		expect(visible(bad)).not.toContain(fx.sandbox.apiKey);
		expect(visible(wrong)).not.toContain('wfk_wrong_secret_key');
		expect(wrong.json[0].error).toMatch(/^Item 0: JustPaid rejected the API key \(401/);
		const log = await loggedText();
		expect(log).toContain('Not found in JustPaid');
		expect(log).not.toContain(fx.sandbox.apiKey);
		expect(log).not.toContain('wfk_wrong_secret_key');
	});
});
