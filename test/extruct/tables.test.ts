import { extruct } from '../../nodes/Extruct/api';
import { Extruct } from '../../nodes/Extruct/Extruct.node';
import { byId, extructFixture } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

describe('Extruct Table', () => {
	test('create with the column editor: agent, criterion grade, people finder; keys derived from names', async () => {
		const result = await fx.run({
			resource: 'table',
			operation: 'create',
			name: 'Accounts',
			kind: 'company',
			columnsMode: 'fields',
			columns: {
				column: [
					{ kind: 'agent', name: 'Funding Stage', agentType: 'research_pro', prompt: 'Stage of {input}', outputFormat: 'select', labels: 'Seed, Series A' },
					{ kind: 'criterion_grade', name: 'Enterprise', criterion: 'Sells to enterprises' },
					{ kind: 'company_people_finder', name: 'Leaders', roles: 'CEO, CTO' },
				],
			},
			additionalFields: { description: 'From n8n', tags: 'crm, q4' },
		});
		expect(result.error).toBeUndefined();
		const created = fx.sandbox.tables.get(result.json[0].id as string)!;
		expect(created).toMatchObject({ name: 'Accounts', kind: 'company', description: 'From n8n', tags: ['crm', 'q4'] });
		const byKey = Object.fromEntries(created.columns.map((c) => [c.config.key, c.config]));
		expect(byKey.funding_stage).toMatchObject({ kind: 'agent', value: { agent_type: 'research_pro', output_format: 'select', labels: ['Seed', 'Series A'] } });
		expect(byKey.enterprise).toMatchObject({ kind: 'criterion_grade', value: { criterion: 'Sells to enterprises' } });
		expect(byKey.leaders).toMatchObject({ kind: 'company_people_finder', value: { roles: ['CEO', 'CTO'] } });
		expect(byKey.input).toBeDefined();
	});

	test('create in JSON mode validates the documented column shapes and names the bad field', async () => {
		const result = await fx.run(
			{
				resource: 'table',
				operation: 'create',
				name: 'Bad',
				columnsMode: 'json',
				columnsJson: JSON.stringify([
					{ kind: 'input', name: 'Input', key: 'input' },
					{ kind: 'agent', name: 'Q', key: 'q', value: { agent_type: 'research_pro', output_format: 'multiselect', prompt: '' } },
				]),
			},
			[{}],
			true,
		);
		expect(result.json[0].error).toMatch(/^Item 0: `columns\[1\]\.value\.prompt` is required; `columns\[1\]\.value\.labels` is required for output format multiselect/);
		expect(fx.sandbox.server.log).toHaveLength(0);

		const unknownKind = await fx.run({ resource: 'table', operation: 'create', name: 'Bad', columnsMode: 'json', columnsJson: '[{"kind": "magic", "name": "M", "key": "m"}]' }, [{}], true);
		expect(unknownKind.json[0].error).toMatch(/`columns\[0\]\.kind` invalid discriminator value/i);
	});

	test('get, get many (search, paging), update, clone, delete', async () => {
		for (let i = 0; i < 130; i++) fx.sandbox.seedTable({ name: `Paged ${i}`, kind: 'people', tags: i % 2 ? ['odd'] : [] });
		const many = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true, filters: { search: 'paged', kind: 'people' } });
		expect(many.json).toHaveLength(130);
		expect(fx.sandbox.server.log.map((r) => r.query.limit)).toEqual(['100', '100']);
		const tagged = await fx.run({ resource: 'table', operation: 'getMany', returnAll: false, limit: 5, filters: { tags: 'odd' }, sort: 'name' });
		expect(tagged.json).toHaveLength(5);

		const table = fx.sandbox.seedTable({ name: 'Lifecycle', kind: 'company', rows: [{ input: 'a.example' }] });
		const got = await fx.run({ resource: 'table', operation: 'get', table: byId(table.id) });
		expect(got.json[0]).toMatchObject({ id: table.id, name: 'Lifecycle', status: { num_rows: 1 } });

		const updated = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), updateFields: { name: 'Renamed', tags: 'x,y' } });
		expect(updated.json[0]).toMatchObject({ name: 'Renamed', tags: ['x', 'y'] });
		const empty = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), updateFields: {} }, [{}], true);
		expect(empty.json[0].error).toMatch(/choose at least one field/);

		const schemaOnly = await fx.run({ resource: 'table', operation: 'clone', table: byId(table.id) });
		expect(fx.sandbox.tables.get(schemaOnly.json[0].id as string)!.rows).toHaveLength(0);
		const withRows = await fx.run({ resource: 'table', operation: 'clone', table: byId(table.id), copyRows: true });
		expect(fx.sandbox.tables.get(withRows.json[0].id as string)!.rows).toHaveLength(1);

		const deleted = await fx.run({ resource: 'table', operation: 'delete', table: byId(table.id) });
		expect(deleted.json[0]).toEqual({ id: table.id, deleted: true });
		expect(fx.sandbox.tables.has(table.id)).toBe(false);
	});

	test('a table given by URL', async () => {
		const table = fx.sandbox.seedTable({ name: 'By URL', kind: 'company' });
		const result = await fx.run({ resource: 'table', operation: 'get', table: { __rl: true, mode: 'url', value: `https://app.extruct.ai/tables/${table.id}?view=1` } });
		expect(result.json[0].id).toBe(table.id);
	});
});

describe('Extruct Column', () => {
	test('add (at the start, after a column), update (replaces the config), delete', async () => {
		const table = fx.sandbox.seedTable({ name: 'Cols', kind: 'company' });
		const added = await fx.run({
			resource: 'column',
			operation: 'add',
			table: byId(table.id),
			columns: { column: [{ kind: 'criterion_grade', name: 'Fit', criterion: 'Good fit' }] },
			insert: 'start',
		});
		expect(added.json).toHaveLength(1);
		const fitId = added.json[0].id as string;
		expect(fx.sandbox.tables.get(table.id)!.columns[0].id).toBe(fitId);

		const after = await fx.run({
			resource: 'column',
			operation: 'add',
			table: byId(table.id),
			columns: { column: [{ kind: 'email_finder', name: 'Email' }] },
			insert: 'after',
			afterColumn: fitId,
		});
		expect(fx.sandbox.tables.get(table.id)!.columns[1].id).toBe(after.json[0].id);

		const updated = await fx.run({
			resource: 'column',
			operation: 'update',
			table: byId(table.id),
			columnId: fitId,
			columnsMode: 'json',
			columnsJson: '{"kind": "criterion_grade", "name": "Fit v2", "key": "fit", "value": {"criterion": "Great fit"}}',
		});
		expect(updated.json[0]).toMatchObject({ id: fitId, config: { name: 'Fit v2', value: { criterion: 'Great fit' } } });

		const removed = await fx.run({ resource: 'column', operation: 'delete', table: byId(table.id), columnId: fitId });
		expect(removed.json[0]).toEqual({ id: fitId, tableId: table.id, deleted: true });
		expect(fx.sandbox.tables.get(table.id)!.columns.some((c) => c.id === fitId)).toBe(false);
	});
});

describe('Extruct editor methods (through n8n load-options contexts)', () => {
	const node = new Extruct();

	test('tables list with search and pagination; columns and resource mapper load from the table', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Zebra Unique Name',
			kind: 'company',
			columns: [{ kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'llm', prompt: 'p', output_format: 'text' } }],
		});
		const context = fx.harness.loadOptionsContext('extruct', { resource: 'row', operation: 'add', table: byId(table.id) });
		const search = await node.methods.listSearch.searchTables.call(context, 'zebra unique');
		expect(search.results).toEqual([{ name: 'Zebra Unique Name', value: table.id, url: `https://app.extruct.ai/tables/${table.id}` }]);

		const all = await node.methods.listSearch.searchTables.call(context);
		expect(all.results.length).toBe(100);
		expect(all.paginationToken).toBe('100');

		const columns = await node.methods.loadOptions.getColumns.call(context);
		expect(columns.map((c) => c.name)).toContain('Stage (stage)');
		const enrichment = await node.methods.loadOptions.getEnrichmentColumns.call(context);
		expect(enrichment.map((c) => c.name)).not.toContain('Input (input)');
		const mapping = await node.methods.resourceMapping.getRowColumns.call(context);
		expect(mapping.fields.map((f) => f.id)).toEqual(expect.arrayContaining(['input', 'stage']));
	});

	test('the credential test request authenticates against GET /v1/user', async () => {
		const { ExtructApi } = await import('../../credentials/ExtructApi.credentials');
		const credential = new ExtructApi();
		const request = credential.test.request;
		const context = fx.harness.loadOptionsContext('extruct', {});
		// resolve the test request the way n8n does: expressions over $credentials, then the authenticate block
		const data = { apiToken: fx.sandbox.token, baseUrl: `${fx.sandbox.url}/` };
		const resolve = (value: string) =>
			fx.harness.workflow([]).expression.getSimpleParameterValue(fx.harness.makeNode('extruct', {}), value, 'internal', { $credentials: data } as never, undefined, '') as string;
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, extruct.credentialType, {
			method: 'GET',
			url: `${resolve(request.baseURL!)}${request.url}`,
			json: true,
		})) as { available_credits?: number };
		expect(response.available_credits).toEqual(expect.any(Number));
		expect(fx.sandbox.server.log.at(-1)).toMatchObject({ path: '/v1/user', status: 200 });
	});
});
