import { loggedText } from '../harness/logs';
import { byId, extructFixture, visible } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

const addRows = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'row',
	operation: 'add',
	table: byId(tableId),
	columns: { mappingMode: 'autoMapInputData', value: null },
	...extra,
});

describe('Extruct Row → Add', () => {
	test('1,000 items with defaults: at most 10 requests, every row stored once, paired to its item', async () => {
		const table = fx.sandbox.seedTable({ name: 'Bulk', kind: 'company' });
		const items = Array.from({ length: 1000 }, (_, i) => ({ input: `https://company-${i}.example`, note: 'not a column' }));
		const result = await fx.run(addRows(table.id), items);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1000);
		result.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.input).toBe(`https://company-${i}.example`);
			expect(typeof item.json.id).toBe('string');
		});
		const requests = fx.sandbox.server.log;
		expect(requests.length).toBeLessThanOrEqual(10);
		// one read of the table's column keys (Map Automatically), then 5 batches of 200
		expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'POST', 'POST', 'POST', 'POST']);
		expect(requests.every((r) => r.headers.authorization === `Bearer ${fx.sandbox.token}`)).toBe(true);
		const stored = fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value);
		expect(stored).toHaveLength(1000);
		expect(new Set(stored).size).toBe(1000);
		expect(new Set(result.json.map((row) => row.id)).size).toBe(1000);
	});

	test('a batch where Extruct rejects one row (422): the others are stored, the bad item is one error naming its field', async () => {
		const table = fx.sandbox.seedTable({ name: 'One bad', kind: 'company' });
		const items = Array.from({ length: 10 }, (_, i) => ({ input: i === 3 ? 'x'.repeat(20_000) : `https://ok-${i}.example` }));
		const result = await fx.run(addRows(table.id), items, true);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(10);
		const errors = result.items.filter((item) => item.json.error);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 3 });
		expect(errors[0].json.error).toMatch(/^Item 3: /);
		expect(errors[0].json.error).toContain('data.input');
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(9);
		// one rejected batch, then the nine good rows again
		expect(fx.sandbox.server.requests('POST').length).toBe(2);
	});

	test('without Continue On Fail the node fails naming the item, and the good rows are stored', async () => {
		const table = fx.sandbox.seedTable({ name: 'One bad, strict', kind: 'company' });
		const items = Array.from({ length: 6 }, (_, i) => ({ input: i === 4 ? 'y'.repeat(20_000) : `https://fine-${i}.example` }));
		const result = await fx.run(addRows(table.id), items, false);
		expect(result.error?.message).toMatch(/^Item 4: Extruct rejected this row: `data\.input`/);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(5);
	});

	test('an item with no field matching a column fails before anything is sent', async () => {
		const table = fx.sandbox.seedTable({ name: 'No match', kind: 'company' });
		const result = await fx.run(addRows(table.id), [{ input: 'https://a.example' }, { website: 'b.example' }], true);
		expect(result.json[0].input).toBe('https://a.example');
		expect(result.json[1].error).toMatch(/^Item 1: none of its fields \(website\) is a column of the table/);
		expect(result.json[1].error).toContain('input');
	});

	test('Map Each Column sends the mapped values; metadata and run=true reach Extruct', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Mapped',
			kind: 'company',
			columns: [{ kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'llm', prompt: 'Stage of {input}', output_format: 'text' } }],
		});
		const result = await fx.run(
			addRows(table.id, {
				columns: { mappingMode: 'defineBelow', value: { input: '={{ "https://" + $json.domain }}' } },
				run: true,
				options: { metadata: '{"source": "crm"}' },
			}),
			[{ domain: 'stripe.com' }],
		);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ input: 'https://stripe.com', _metadata: { source: 'crm' } });
		const post = fx.sandbox.server.requests('POST')[0];
		// the node's write id rides along in the metadata (for finding the rows after a lost answer); the output leaves it out
		expect(post.body).toEqual({
			rows: [{ data: { input: 'https://stripe.com' }, metadata: { source: 'crm', n8n_write_id: expect.stringMatching(/^[a-z0-9]{12}-0$/) } }],
			run: true,
		});
		expect(result.json[0]._metadata).toEqual({ source: 'crm' });
		expect(fx.sandbox.runs.some((run) => run.tableId === table.id)).toBe(true);
	});

	test('without Continue On Fail, the first bad item by index stops the node before anything is written, whether its parameters or its fields are wrong', async () => {
		const table = fx.sandbox.seedTable({ name: 'First bad', kind: 'company' });
		const withMeta = addRows(table.id, { options: { metadata: '={{ $json.meta }}' } });
		const fieldsFirst = await fx.run(withMeta, [{ input: 'a.example', meta: '{}' }, { website: 'b.example', meta: '{}' }, { input: 'c.example', meta: '{"x": ' }], false);
		expect(fieldsFirst.error?.message).toMatch(/^Item 1: none of its fields/);
		const metaFirst = await fx.run(withMeta, [{ input: 'a.example', meta: '{}' }, { input: 'b.example', meta: '{"x": ' }, { website: 'c.example', meta: '{}' }], false);
		expect(metaFirst.error?.message).toMatch(/^Item 1: "Metadata \(JSON\)" is not valid JSON/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(0);
	});

	test("the table's columns are read once per execution for Map Automatically, and not at all for Map Each Column", async () => {
		const table = fx.sandbox.seedTable({ name: 'Reads', kind: 'company' });
		const items = Array.from({ length: 600 }, (_, i) => ({ input: `https://reads-${i}.example` }));
		const auto = await fx.run(addRows(table.id, { options: { batchSize: 100 } }), items);
		expect(auto.json).toHaveLength(600);
		const reads = () => fx.sandbox.server.requests('GET').filter((request) => request.path === `/v1/tables/${table.id}`);
		expect(reads()).toHaveLength(1);
		fx.sandbox.server.clearLog();
		const mapped = await fx.run(addRows(table.id, { columns: { mappingMode: 'defineBelow', value: { input: '={{ $json.input }}' } } }), items.slice(0, 3));
		expect(mapped.json.map((json) => json.input)).toEqual(items.slice(0, 3).map((item) => item.input));
		expect(reads()).toHaveLength(0);
	});

	test('a table that cannot be read fails every item with its error, after one read and no write', async () => {
		const result = await fx.run(addRows('00000000-0000-4000-8000-000000000000'), [{ input: 'a.example' }, { input: 'b.example' }], true);
		expect(result.json.map((json) => json.error)).toEqual([expect.stringMatching(/^Item 0: /), expect.stringMatching(/^Item 1: /)]);
		expect(String(result.json[1].error)).toBe(String(result.json[0].error).replace('Item 0', 'Item 1'));
		expect(fx.sandbox.server.requests('GET')).toHaveLength(1);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
	});

	test('a bad Metadata JSON is an item error naming the parameter', async () => {
		const table = fx.sandbox.seedTable({ name: 'Meta', kind: 'company' });
		const result = await fx.run(addRows(table.id, { options: { metadata: '{"a": ' } }), [{ input: 'x.example' }], true);
		expect(result.json[0].error).toMatch(/^Item 0: "Metadata \(JSON\)" is not valid JSON/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
	});
});

describe('Extruct Row → Update / Delete / Get / Get Many', () => {
	test('update in batches; an unknown row id fails alone', async () => {
		const table = fx.sandbox.seedTable({ name: 'Upd', kind: 'company', rows: [{ input: 'a.example' }, { input: 'b.example' }] });
		const [a, b] = fx.sandbox.tables.get(table.id)!.rows;
		const result = await fx.run(
			{ resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.id }}', columns: { mappingMode: 'autoMapInputData', value: null } },
			[
				{ id: a.id, input: 'a2.example' },
				{ id: 'missing-row', input: 'zzz' },
				{ id: b.id, input: 'b2.example' },
			],
			true,
		);
		expect(result.json[0]).toMatchObject({ id: a.id, input: 'a2.example' });
		expect(result.json[1].error).toMatch(/^Item 1: Extruct rejected this row: `id`/);
		expect(result.json[2]).toMatchObject({ id: b.id, input: 'b2.example' });
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(2);
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value)).toEqual(['a2.example', 'b2.example']);
	});

	test('delete by id in one request; an id Extruct did not delete is an error item', async () => {
		const table = fx.sandbox.seedTable({ name: 'Del', kind: 'company', rows: [{ input: 'a' }, { input: 'b' }, { input: 'c' }] });
		const ids = fx.sandbox.tables.get(table.id)!.rows.map((row) => row.id);
		const result = await fx.run(
			{ resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}' },
			[{ id: ids[0] }, { id: 'nope' }, { id: ids[2] }],
			true,
		);
		expect(result.json).toEqual([{ id: ids[0], deleted: true }, { error: expect.stringMatching(/^Item 1: Row nope was not found/), description: expect.any(String) }, { id: ids[2], deleted: true }]);
		expect(fx.sandbox.server.requests('DELETE')).toHaveLength(1);
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.id)).toEqual([ids[1]]);
	});

	test('get one row, simplified and raw; an unknown id is an error item under Continue On Fail', async () => {
		const table = fx.sandbox.seedTable({ name: 'Get', kind: 'company', rows: [{ input: 'get.example' }] });
		const [row] = fx.sandbox.tables.get(table.id)!.rows;
		const simple = await fx.run({ resource: 'row', operation: 'get', table: byId(table.id), rowId: '={{ $json.id }}' }, [{ id: row.id }, { id: 'missing' }], true);
		expect(simple.json[0]).toMatchObject({ id: row.id, input: 'get.example', _status: { company_name: 'created' } });
		expect(simple.json[1].error).toMatch(/^Item 1: Not found in Extruct/);
		const raw = await fx.run({ resource: 'row', operation: 'get', table: byId(table.id), rowId: row.id, simplify: false });
		expect(raw.json[0]).toMatchObject({ id: row.id, data: { input: { value: 'get.example', status: 'done' } } });
	});

	test('get many pages through /data: Return All and Limit', async () => {
		const rows = Array.from({ length: 230 }, (_, i) => ({ input: `r${i}.example` }));
		const table = fx.sandbox.seedTable({ name: 'Many', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }], rows });
		const all = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(all.json).toHaveLength(230);
		expect(all.json.map((row) => row.input)).toEqual(rows.map((row) => row.input));
		expect(fx.sandbox.server.requests('GET')).toHaveLength(3);
		fx.sandbox.server.clearLog();
		const some = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: false, limit: 120 });
		expect(some.json).toHaveLength(120);
		expect(fx.sandbox.server.log.map((r) => r.query.limit)).toEqual(['100', '20']);
	});
});

describe('secrets', () => {
	test('the token appears in no output, error message or description', async () => {
		const table = fx.sandbox.seedTable({ name: 'Secret', kind: 'company' });
		const ok = await fx.run(addRows(table.id), [{ input: 'a.example' }]);
		const bad = await fx.run({ resource: 'row', operation: 'get', table: byId('missing'), rowId: 'x' }, [{}], false);
		expect(visible(ok)).not.toContain(fx.sandbox.token);
		expect(visible(bad)).not.toContain(fx.sandbox.token);
		const log = await loggedText();
		expect(log).toContain('Item 0: Not found in Extruct');
		expect(log).not.toContain(fx.sandbox.token);
	});
});
