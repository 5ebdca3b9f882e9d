import { JustPaidApi } from '../../credentials/JustPaidApi.credentials';
import { justPaid } from '../../nodes/JustPaid/api';
import { JustPaid } from '../../nodes/JustPaid/JustPaid.node';
import { byId, justPaidFixture, resetFixture } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => resetFixture(fx));

describe('JustPaid Table → Create', () => {
	test('every documented column type, required, select options, description and Max Rows', async () => {
		const result = await fx.run({
			resource: 'table',
			operation: 'create',
			name: 'Processed Invoices',
			columnsMode: 'fields',
			columns: {
				column: [
					{ name: 'stripeInvoiceId', type: 'text', required: true },
					{ name: 'Amount (cents)', id: 'amountCents', type: 'number' },
					{ name: 'paid', type: 'boolean' },
					{ name: 'due', type: 'date' },
					{ name: 'status', type: 'select', options: 'open, paid , void' },
					{ name: 'link', type: 'url' },
					{ name: 'contact', type: 'email' },
					{ name: 'raw', type: 'json' },
				],
			},
			additionalFields: { description: 'Deduplicate Stripe events', maxRows: 25000 },
		});
		expect(result.error).toBeUndefined();
		const created = fx.sandbox.tables.get(result.json[0].id as string)!;
		expect(created).toMatchObject({ name: 'Processed Invoices', description: 'Deduplicate Stripe events', maxRows: 25000 });
		expect(created.columns).toEqual([
			{ id: 'stripeInvoiceId', name: 'stripeInvoiceId', type: 'text', required: true },
			{ id: 'amountCents', name: 'Amount (cents)', type: 'number' },
			{ id: 'paid', name: 'paid', type: 'boolean' },
			{ id: 'due', name: 'due', type: 'date' },
			{ id: 'status', name: 'status', type: 'select', options: ['open', 'paid', 'void'] },
			{ id: 'link', name: 'link', type: 'url' },
			{ id: 'contact', name: 'contact', type: 'email' },
			{ id: 'raw', name: 'raw', type: 'json' },
		]);
		expect(result.json[0]).toMatchObject({ rowCount: 0, maxRows: 25000 });
	});

	test('JSON mode, and the checks made before anything is sent', async () => {
		const json = await fx.run({
			resource: 'table',
			operation: 'create',
			name: 'From JSON',
			columnsMode: 'json',
			columnsJson: '[{"name": "k", "type": "text", "required": true}, {"name": "s", "type": "select", "options": ["a"]}]',
		});
		expect(fx.sandbox.tables.get(json.json[0].id as string)!.columns.map((c) => c.id)).toEqual(['k', 's']);
		fx.sandbox.server.clearLog();

		const attempt = async (extra: Record<string, unknown>) =>
			(await fx.run({ resource: 'table', operation: 'create', name: 'Bad', columnsMode: 'json', ...extra }, [{}], true)).json[0].error;
		expect(await attempt({ columnsJson: '[{"name": "s", "type": "select"}]' })).toBe('Item 0: `columns[0].options` needs at least one option for a select column');
		expect(await attempt({ columnsJson: '[{"name": "n", "type": "integer"}]' })).toMatch(/^Item 0: `columns\[0\]\.type` invalid enum value\. Expected 'text' \| 'number'/);
		expect(await attempt({ columnsJson: '[{"name": "a", "type": "text"}, {"id": "a", "name": "b", "type": "text"}]' })).toBe(
			'Item 0: `columns[1]` has the ID "a" of another column; column IDs must be unique',
		);
		expect(await attempt({ columnsJson: '{"name": "a"}' })).toBe('Item 0: `columns` must be an array');
		expect(await attempt({ columnsJson: '[' })).toMatch(/^Item 0: "Columns \(JSON\)" is not valid JSON/);
		expect(await attempt({ columnsJson: '[]', additionalFields: { maxRows: 0 } })).toBe('Item 0: "Max Rows" must be a whole number from 1 to 100,000 (got 0)');
		expect(await attempt({ columnsJson: '[]', additionalFields: { maxRows: 100001 } })).toMatch(/"Max Rows" must be a whole number from 1 to 100,000/);
		expect(await attempt({ name: '  ', columnsJson: '[]' })).toBe('Item 0: "Name" is empty');
		expect(fx.sandbox.server.log).toHaveLength(0);
	});
});

describe('JustPaid Table → Get / Get Many / Update / Delete', () => {
	test('get, get many (limit, name filter), delete; a table by URL', async () => {
		const table = fx.sandbox.seedTable({ name: 'Lifecycle Unique', rows: [{ a: 1 }] });
		const got = await fx.run({ resource: 'table', operation: 'get', table: byId(table.id) });
		expect(got.json[0]).toMatchObject({ id: table.id, name: 'Lifecycle Unique', rowCount: 1, maxRows: 10000 });
		const byUrl = await fx.run({ resource: 'table', operation: 'get', table: { __rl: true, mode: 'url', value: `https://api.justpaid.io/api/v1/tables/${table.id}` } });
		expect(byUrl.json[0].id).toBe(table.id);

		for (let i = 0; i < 5; i++) fx.sandbox.seedTable({ name: `Other ${i}` });
		const limited = await fx.run({ resource: 'table', operation: 'getMany', returnAll: false, limit: 3 });
		expect(limited.json).toHaveLength(3);
		const search = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true, filters: { search: 'lifecycle unique' } });
		expect(search.json.map((json) => json.id)).toEqual([table.id]);

		const deleted = await fx.run({ resource: 'table', operation: 'delete', table: byId(table.id) });
		expect(deleted.json[0]).toEqual({ id: table.id, deleted: true });
		expect(fx.sandbox.tables.has(table.id)).toBe(false);
	});

	test('update: rename, description and Max Rows; nothing to change is an item error', async () => {
		const table = fx.sandbox.seedTable({ name: 'Old', columns: [{ name: 'a', type: 'text' }] });
		const updated = await fx.run({
			resource: 'table',
			operation: 'update',
			table: byId(table.id),
			updateFields: { name: 'New', description: 'Now described', maxRows: 500 },
		});
		expect(updated.json[0]).toMatchObject({ name: 'New', description: 'Now described', maxRows: 500, columns: [{ id: 'a', name: 'a', type: 'text' }] });
		expect(fx.sandbox.server.requests('PATCH')[0].body).toEqual({ name: 'New', description: 'Now described', maxRows: 500 });
		const nothing = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), updateFields: {} }, [{}], true);
		expect(nothing.json[0].error).toMatch(/^Item 0: choose at least one field/);
	});

	test('update columns, Add or Remove: reads the current schema first and keeps the other columns', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Schema',
			columns: [
				{ name: 'a', type: 'text', required: true },
				{ name: 'b', type: 'number' },
				{ name: 's', type: 'select', options: ['x'] },
			],
		});
		const result = await fx.run({
			resource: 'table',
			operation: 'update',
			table: byId(table.id),
			columnsAction: 'addRemove',
			columns: { column: [{ name: 'c', type: 'email' }, { name: 's', type: 'select', options: 'x, y' }] },
			removeColumns: ['b'],
		});
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.server.log.map((r) => r.method)).toEqual(['GET', 'PATCH']);
		expect(fx.sandbox.tables.get(table.id)!.columns).toEqual([
			{ id: 'a', name: 'a', type: 'text', required: true },
			{ id: 's', name: 's', type: 'select', options: ['x', 'y'] },
			{ id: 'c', name: 'c', type: 'email' },
		]);
	});

	test('update columns, Replace All: the list becomes exactly the given columns; an empty list is refused', async () => {
		const table = fx.sandbox.seedTable({ name: 'Replace', columns: [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }] });
		const result = await fx.run({
			resource: 'table',
			operation: 'update',
			table: byId(table.id),
			columnsAction: 'replace',
			columnsMode: 'json',
			columnsJson: '[{"name": "z", "type": "boolean"}]',
		});
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.server.log.map((r) => r.method)).toEqual(['PATCH']);
		expect(fx.sandbox.tables.get(table.id)!.columns).toEqual([{ id: 'z', name: 'z', type: 'boolean' }]);
		const empty = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), columnsAction: 'replace', columns: {} }, [{}], true);
		expect(empty.json[0].error).toMatch(/^Item 0: "Replace All Columns" needs at least one column/);
		expect(fx.sandbox.tables.get(table.id)!.columns).toHaveLength(1);
	});
});

describe('JustPaid editor methods and credential (through n8n contexts)', () => {
	const node = new JustPaid();

	test('tables list with search; columns and the resource mapper with types load from the table', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Zebra Mapper',
			columns: [
				{ name: 'k', type: 'text', required: true },
				{ id: 'amt', name: 'Amount', type: 'number' },
				{ name: 'when', type: 'date' },
				{ name: 'state', type: 'select', options: ['a', 'b'] },
				{ name: 'ok', type: 'boolean' },
				{ name: 'raw', type: 'json' },
			],
		});
		const context = fx.harness.loadOptionsContext('justPaid', { resource: 'row', operation: 'create', table: byId(table.id) });
		const search = await node.methods.listSearch.searchTables.call(context, 'zebra');
		expect(search.results).toEqual([{ name: 'Zebra Mapper', value: table.id }]);

		const columns = await node.methods.loadOptions.getColumns.call(context);
		expect(columns.map((c) => c.name)).toEqual(['k', 'Amount (amt)', 'when', 'state', 'ok', 'raw']);
		const mapping = await node.methods.resourceMapping.getMappingColumns.call(context);
		expect(mapping.fields.map((f) => [f.id, f.type, f.required])).toEqual([
			['k', 'string', true],
			['amt', 'number', false],
			['when', 'dateTime', false],
			['state', 'options', false],
			['ok', 'boolean', false],
			['raw', 'object', false],
		]);
		expect(mapping.fields[3].options).toEqual([{ name: 'a', value: 'a' }, { name: 'b', value: 'b' }]);
		expect(mapping.fields[5].canBeUsedToMatch).toBe(false);
	});

	test('the credential test lists tables with limit=1, authenticated by the x-api-key header', async () => {
		const credential = new JustPaidApi();
		const request = credential.test.request;
		const context = fx.harness.loadOptionsContext('justPaid', {});
		const data = { ...fx.credential, baseUrl: `${fx.sandbox.url}/` };
		const resolve = (value: string) =>
			fx.harness.workflow([]).expression.getSimpleParameterValue(fx.harness.makeNode('justPaid', {}), value, 'internal', { $credentials: data } as never, undefined, '') as string;
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, justPaid.credentialType, {
			method: 'GET',
			url: `${resolve(request.baseURL!)}${request.url}`,
			qs: request.qs,
			json: true,
		})) as { success: boolean };
		expect(response.success).toBe(true);
		expect(fx.sandbox.server.log.at(-1)).toMatchObject({ path: '/api/v1/tables', query: { limit: '1' }, status: 200 });
		expect(fx.sandbox.server.log.at(-1)!.headers['x-api-key']).toBe(fx.sandbox.apiKey);
	});
});
