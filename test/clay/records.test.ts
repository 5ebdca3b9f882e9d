import { keyedId } from '../../nodes/Clay/actions/record/add';
import { appUrl, autoMap, byId, byUrl, clayFixture, leadsTable } from './setup';
import type { ClayFixture } from './setup';

let fx: ClayFixture;
beforeAll(async () => (fx = await clayFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const addRecords = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'record',
	operation: 'add',
	table: byId(tableId),
	cells: autoMap,
	...extra,
});

describe('Clay Record → Add', () => {
	test('1,000 items: at most 10 requests; with a key column a second run leaves 1,000 records, not 2,000', async () => {
		const table = leadsTable(fx.sandbox);
		const items = Array.from({ length: 1000 }, (_, i) => ({ Name: `Company ${i}`, Email: `ceo@company-${i}.example`, Score: i }));
		const parameters = addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' });

		const first = await fx.run(parameters, items);
		expect(first.error).toBeUndefined();
		expect(first.items).toHaveLength(1000);
		first.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({ Name: `Company ${i}`, Email: `ceo@company-${i}.example`, Score: i });
			expect(item.json.id).toMatch(/^r_[0-9a-f]{32}$/);
		});
		const requests = fx.sandbox.server.log;
		expect(requests.length).toBeLessThanOrEqual(10);
		// the schema once, then the batches
		expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}`)).toHaveLength(1);
		expect(requests.every((r) => r.headers.cookie === `claysession=${fx.sandbox.session}`)).toBe(true);
		expect(table.records.size).toBe(1000);
		// cells are keyed by field id, with plain values
		const post = fx.sandbox.server.requests('POST')[0].body as { records: Array<{ id: string; cells: Record<string, unknown> }> };
		expect(post.records[0].cells).toEqual({
			[fx.sandbox.fieldId(table.id, 'Name')]: 'Company 0',
			[fx.sandbox.fieldId(table.id, 'Email')]: 'ceo@company-0.example',
			[fx.sandbox.fieldId(table.id, 'Score')]: 0,
		});

		fx.sandbox.server.clearLog();
		const again = await fx.run(parameters, items.map((item) => ({ ...item, Score: -1 })));
		expect(again.error).toBeUndefined();
		expect(fx.sandbox.server.log.length).toBeLessThanOrEqual(10);
		expect(table.records.size).toBe(1000);
		expect(again.json.map((json) => json.id)).toEqual(first.json.map((json) => json.id));
		expect(table.records.get(first.json[7].id as string)!.cells[fx.sandbox.fieldId(table.id, 'Score')].value).toBe(-1);
	});

	test('key-derived ids are stable hashes of table and key; generated ids are new each run', async () => {
		expect(keyedId('t_a', 'x@y.com')).toBe(keyedId('t_a', ' x@y.com '));
		expect(keyedId('t_a', 'x@y.com')).not.toBe(keyedId('t_b', 'x@y.com'));
		expect(keyedId('t_a', 1)).not.toBe(keyedId('t_a', '2'));
		const table = leadsTable(fx.sandbox);
		const items = [{ Name: 'A' }, { Name: 'B' }];
		const one = await fx.run(addRecords(table.id), items);
		const two = await fx.run(addRecords(table.id), items);
		expect(table.records.size).toBe(4);
		expect(new Set([...one.json, ...two.json].map((json) => json.id)).size).toBe(4);
		expect(one.json[0].id).toMatch(/^r_[A-Za-z0-9]{20}$/);
	});

	test('field names map to ids, in any case; field ids work too; Map Each Column sends the mapped values', async () => {
		const table = leadsTable(fx.sandbox);
		const score = fx.sandbox.fieldId(table.id, 'Score');
		const result = await fx.run(addRecords(table.id), [{ name: 'Initech', [score]: 7, id: 'ignored', _status: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ Name: 'Initech', Score: 7 });
		expect(result.json[0]).not.toHaveProperty('_status');

		const mapped = await fx.run(
			addRecords(table.id, {
				cells: { mappingMode: 'defineBelow', value: { [fx.sandbox.fieldId(table.id, 'Domain')]: '={{ $json.site }}', [score]: '' } },
				recordIdMode: 'custom',
				recordId: '={{ "r_crm_" + $json.crm }}',
			}),
			[{ site: 'initech.example', crm: 4711 }],
		);
		expect(mapped.error).toBeUndefined();
		expect(mapped.json[0]).toEqual(expect.objectContaining({ id: 'r_crm_4711', Domain: 'initech.example' }));
		expect(mapped.json[0]).not.toHaveProperty('Score');
	});

	test('an unknown field name is an item error listing the field names; nothing is sent for it', async () => {
		const table = leadsTable(fx.sandbox);
		const result = await fx.run(addRecords(table.id), [{ Name: 'Good' }, { Name: 'Bad', Compnay: 'x' }, { Name: 'Also good' }], true);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ Name: 'Good' });
		expect(result.json[1].error).toBe(
			`Item 1: \`Compnay\` is not a column of table "Leads" (${table.id}); its columns are: Name, Email, Domain, Score, Company Domain, Headcount`,
		);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.json[2]).toMatchObject({ Name: 'Also good' });
		expect(table.records.size).toBe(2);

		const strict = await fx.run(addRecords(table.id), [{ Name: 'x', Nope: 1 }]);
		expect(strict.error?.message).toMatch(/^Item 0: `Nope` is not a column of table "Leads"/);

		const ignored = await fx.run(addRecords(table.id, { options: { ignoreUnknown: true } }), [{ Name: 'kept', Nope: 1 }]);
		expect(ignored.error).toBeUndefined();
		expect(ignored.json[0]).toEqual(expect.objectContaining({ Name: 'kept' }));
	});

	test('a {value: …} wrapped cell fails its item before sending, with what to do', async () => {
		const table = leadsTable(fx.sandbox);
		const result = await fx.run(addRecords(table.id), [{ Name: { value: 'x' } }, { Name: 'fine' }], true);
		expect(result.json[0].error).toMatch(/^Item 0: `Name` is a \{value: …\} object; Clay wants the plain value/);
		expect(result.json[1]).toMatchObject({ Name: 'fine' });
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
	});

	test('a batch Clay rejects because of one record (400 naming it): the others are stored, the bad item fails alone', async () => {
		const table = leadsTable(fx.sandbox);
		fx.sandbox.server.inject({
			match: (req) => req.method === 'POST' && req.path.endsWith('/records'),
			action: {
				kind: 'status',
				status: 400,
				body: { type: 'BadRequest', code: 'INVALID_VALUE', message: 'Invalid value for field f_x (record r_bad)', recordId: 'r_bad' },
			},
		});
		const items = Array.from({ length: 5 }, (_, i) => ({ Name: `n${i}`, rid: i === 2 ? 'r_bad' : `r_ok_${i}` }));
		const result = await fx.run(addRecords(table.id, { recordIdMode: 'custom', recordId: '={{ $json.rid }}', options: { ignoreUnknown: true } }), items, true);
		expect(result.json.map((json) => json.error ?? json.id)).toEqual([
			'r_ok_0',
			'r_ok_1',
			'Item 2: Clay rejected this record: Invalid value for field f_x (record r_bad) (INVALID_VALUE)',
			'r_ok_3',
			'r_ok_4',
		]);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(2);
		expect(table.records.size).toBe(4);
	});

	test('a dropped connection after Clay stored the batch is retried: ids are client-chosen, so nothing is doubled', async () => {
		const table = leadsTable(fx.sandbox);
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'drop-after' } });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'status', status: 502 } });
		const result = await fx.run(addRecords(table.id), [{ Name: 'a' }, { Name: 'b' }]);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.server.requests('POST')).toHaveLength(3);
		expect(table.records.size).toBe(2);
	});

	test('bad input: an empty table, a key column without a value, an unknown key column', async () => {
		const table = leadsTable(fx.sandbox);
		const empty = await fx.run({ ...addRecords(''), table: byId('={{ $json.t }}') }, [{ Name: 'x', t: '' }], true);
		expect(empty.json[0].error).toMatch(/^Item 0: "Table" is empty/);
		const noKey = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [{ Name: 'x' }, { Name: 'y', Email: 'y@y.example' }], true);
		expect(noKey.json[0].error).toBe('Item 0: the key column `Email` has no value, so no record ID can be derived from it');
		expect(noKey.json[1]).toMatchObject({ Email: 'y@y.example' });
		const badKey = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Mail' }), [{ Name: 'x' }], true);
		expect(badKey.json[0].error).toMatch(/^Item 0: the key column `Mail` is not a column of table "Leads" .*; its columns are: Name, Email/);
		const unknownTable = await fx.run(addRecords('t_missing'), [{ Name: 'x' }, { Name: 'y' }], true);
		expect(unknownTable.json.map((json) => json.error)).toEqual(['Item 0: Not found in Clay: Table not found', 'Item 1: Not found in Clay: Table not found']);
		// the schema read failed once and is not repeated per item
		expect(fx.sandbox.server.requests('GET', '/v3/tables/t_missing')).toHaveLength(1);
	});
});

describe('Clay Record → Update', () => {
	test('updates in batches by name; without Verify the node reports them enqueued', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'A', Score: 1 }, { Name: 'B', Score: 2 }]);
		const [a, b] = [...table.records.keys()];
		const result = await fx.run(
			{ resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
			[
				{ id: a, Score: 10 },
				{ id: b, Score: 20, Name: 'B2' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{ id: a, Score: 10, _update: 'enqueued' },
			{ id: b, Score: 20, Name: 'B2', _update: 'enqueued' },
		]);
		const patch = fx.sandbox.server.requests('PATCH');
		expect(patch).toHaveLength(1);
		expect(patch[0].body).toEqual({
			records: [
				{ id: a, cells: { [fx.sandbox.fieldId(table.id, 'Score')]: 10 } },
				{ id: b, cells: { [fx.sandbox.fieldId(table.id, 'Score')]: 20, [fx.sandbox.fieldId(table.id, 'Name')]: 'B2' } },
			],
		});
		await sleep(60);
		expect(table.records.get(b)!.cells[fx.sandbox.fieldId(table.id, 'Name')].value).toBe('B2');
	});

	test('Verify re-reads the records: visible updates, an unknown record, and updates not visible yet', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'A', Score: 1 }]);
		const [a] = [...table.records.keys()];
		const params = (verifyTimeout: number) => ({
			resource: 'record',
			operation: 'update',
			table: byId(table.id),
			recordId: '={{ $json.id }}',
			cells: autoMap,
			options: { verify: true, verifyTimeout },
		});
		const result = await fx.run(params(5), [{ id: a, Score: 5 }, { id: 'r_ghost', Score: 9 }], true);
		expect(result.json[0]).toMatchObject({ id: a, Name: 'A', Score: 5, _update: 'visible' });
		expect(result.json[1].error).toBe(`Item 1: Record r_ghost was not found in table "Leads" (${table.id})`);
		expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`).length).toBeGreaterThanOrEqual(1);

		const slow = await clayFixture({ updateDelayMs: 60_000 });
		try {
			const t = leadsTable(slow.sandbox, [{ Name: 'A', Score: 1 }]);
			const [id] = [...t.records.keys()];
			const late = await slow.run({ ...params(1), table: byId(t.id) }, [{ id, Score: 2, Name: 'A' }]);
			expect(late.error).toBeUndefined();
			expect(late.json[0]).toMatchObject({ id, Score: 1, _update: 'not visible yet', _notVisible: ['Score'] });
		} finally {
			await slow.sandbox.close();
		}
	});

	test('bad input: no Record ID, no column to update, an unknown column', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'A' }]);
		const [a] = [...table.records.keys()];
		const result = await fx.run(
			{ resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
			[{ Name: 'no id' }, { id: a }, { id: a, Colour: 'red' }, { id: a, Name: 'ok' }],
			true,
		);
		expect(result.json.map((json) => json.error ?? json._update)).toEqual([
			'Item 0: "Record ID" is empty',
			'Item 1: no column to update — map at least one column',
			expect.stringMatching(/^Item 2: `Colour` is not a column of table "Leads" .*; its columns are: Name, Email/),
			'enqueued',
		]);
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);
	});
});

describe('Clay Record → Delete / Delete All', () => {
	test('deletes one or many ids per item, batched; never sends an empty list', async () => {
		const table = leadsTable(fx.sandbox, Array.from({ length: 6 }, (_, i) => ({ Name: `n${i}` })));
		const ids = [...table.records.keys()];
		const result = await fx.run(
			{ resource: 'record', operation: 'delete', table: byId(table.id), recordIds: '={{ $json.ids }}', options: { batchSize: 2 } },
			[{ ids: ids[0] }, { ids: [ids[1], ids[2], ids[3]] }, { ids: '' }, { ids: `${ids[4]}, ${ids[4]}` }],
			true,
		);
		expect(result.json).toEqual([
			{ id: ids[0], deleted: true },
			{ ids: [ids[1], ids[2], ids[3]], deleted: true },
			{ error: 'Item 2: "Record IDs" is empty' },
			{ id: ids[4], deleted: true },
		]);
		const deletes = fx.sandbox.server.requests('DELETE');
		expect(deletes).toHaveLength(3);
		expect(deletes.every((req) => Array.isArray((req.body as { recordIds?: unknown }).recordIds) && (req.body as { recordIds: string[] }).recordIds.length > 0)).toBe(true);
		expect([...table.records.keys()]).toEqual([ids[5]]);
	});

	test('Delete All without the confirmation refuses with a clear message and deletes nothing', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
		// n8n's editor flags the empty parameter; an expression that comes out empty reaches the node
		const missing = await fx.run({ resource: 'record', operation: 'deleteAll', table: byId(table.id), confirmTableId: '={{ $json.confirm }}' }, [{ confirm: '' }]);
		expect(missing.error?.message).toBe(
			`Item 0: Delete All refused — type the table ID (${table.id}) into "Confirm Table ID" to delete every record; nothing was deleted`,
		);
		const wrong = await fx.run({ resource: 'record', operation: 'deleteAll', table: byId(table.id), confirmTableId: 't_other' });
		expect(wrong.error?.message).toBe(
			`Item 0: Delete All refused — "Confirm Table ID" (t_other) is not the ID of the table (${table.id}); nothing was deleted`,
		);
		expect(fx.sandbox.server.log).toHaveLength(0);
		expect(table.records.size).toBe(2);

		const done = await fx.run({ resource: 'record', operation: 'deleteAll', table: byUrl(appUrl(fx.sandbox, table)), confirmTableId: ` ${table.id} ` });
		expect(done.json).toEqual([{ tableId: table.id, deletedAll: true, deletedCount: 2 }]);
		expect(table.records.size).toBe(0);
	});
});

describe('Clay Record → Get / Get Many / Count', () => {
	test('get one record, simplified and raw; an unknown id is an error item', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'Acme', Domain: 'acme.com' }]);
		const [id] = [...table.records.keys()];
		const simple = await fx.run({ resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, [{ id }, { id: 'r_nope' }], true);
		expect(simple.json[0]).toEqual({ id, Name: 'Acme', Domain: 'acme.com', createdAt: expect.any(String), updatedAt: expect.any(String) });
		expect(simple.json[1].error).toBe('Item 1: Not found in Clay: Record not found');
		const raw = await fx.run({ resource: 'record', operation: 'get', table: byId(table.id), recordId: id, simplify: false });
		expect(raw.json[0]).toMatchObject({ id, tableId: table.id, cells: { [fx.sandbox.fieldId(table.id, 'Name')]: { value: 'Acme' } } });
	});

	test('get many reads the "All rows" view by ids then in bulk: Return All and Limit', async () => {
		const records = Array.from({ length: 450 }, (_, i) => ({ Name: `n${i}`, Score: i }));
		const table = leadsTable(fx.sandbox, records);
		const all = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(all.error).toBeUndefined();
		expect(all.json.map((json) => json.Score)).toEqual(records.map((record) => record.Score));
		const allRows = table.views.find((view) => view.name === 'All rows')!.id;
		expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${allRows}/records/ids`)).toHaveLength(1);
		expect(fx.sandbox.server.requests('POST').map((req) => (req.body as { recordIds: string[] }).recordIds.length)).toEqual([200, 200, 50]);

		fx.sandbox.server.clearLog();
		const some = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: false, limit: 5, simplify: false });
		expect(some.json).toHaveLength(5);
		expect(some.json[0]).toHaveProperty('cells');
		expect(fx.sandbox.server.requests('POST').map((req) => (req.body as { recordIds: string[] }).recordIds.length)).toEqual([5]);
	});

	test('a view by id, by URL, or from the table URL; the {results} id-list shape; an unknown view', async () => {
		const other = await clayFixture({ idListShape: 'results' });
		try {
			const table = leadsTable(other.sandbox, [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }]);
			const view = table.views[0].id;
			const byView = await other.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId(view), returnAll: true });
			expect(byView.json.map((json) => json.Name)).toEqual(['a', 'b', 'c']);
			expect(other.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${view}/records/ids`)).toHaveLength(1);

			other.sandbox.server.clearLog();
			const fromTableUrl = await other.run({ resource: 'record', operation: 'getMany', table: byUrl(appUrl(other.sandbox, table, view)), returnAll: true });
			expect(fromTableUrl.json).toHaveLength(3);
			expect(other.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${view}/records/ids`)).toHaveLength(1);

			const viewUrl = await other.run({
				resource: 'record',
				operation: 'getMany',
				table: byId(table.id),
				view: byUrl(appUrl(other.sandbox, table, table.views[1].id)),
				returnAll: false,
				limit: 2,
			});
			expect(viewUrl.json.map((json) => json.Name)).toEqual(['a', 'b']);

			const unknown = await other.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId('gv_nope'), returnAll: true }, [{}], true);
			expect(unknown.json[0].error).toBe('Item 0: Not found in Clay: View not found');
		} finally {
			await other.sandbox.close();
		}
	});

	test('count', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
		const result = await fx.run({ resource: 'record', operation: 'count', table: byId(table.id) });
		expect(result.json).toEqual([{ tableId: table.id, count: 2 }]);
	});
});
