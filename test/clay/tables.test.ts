import { Clay } from '../../nodes/Clay/Clay.node';
import { appUrl, byId, byUrl, clayFixture, eachProfile, leadsTable } from './setup';
import type { ClayFixture } from './setup';

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture(profile)));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	const live = profile.shapes === 'live';
	/** The request that adds a webhook: live `POST /v3/sources`, seed `PATCH /v3/tables/{t}`. */
	const isAddSource = (req: { method: string; path: string }) => (live ? req.method === 'POST' && req.path === '/v3/sources' : req.method === 'PATCH');

	describe('Clay Table', () => {
		test('get: the schema with fields, types and views; by ID and by URL', async () => {
			const table = leadsTable(fx.sandbox);
			const result = await fx.run({ resource: 'table', operation: 'get', table: byId(table.id) });
			expect(result.json[0]).toMatchObject({ id: table.id, name: 'Leads', workspaceId: fx.sandbox.workspaceId, workbookId: table.workbookId });
			expect(result.json[0].fields).toEqual(expect.arrayContaining([{ id: fx.sandbox.fieldId(table.id, 'Score'), name: 'Score', type: 'number', typeSettings: {} }]));
			expect(result.json[0].views).toEqual(table.views.map((view) => ({ id: view.id, name: view.name })));

			const url = await fx.run({ resource: 'table', operation: 'get', table: byUrl(appUrl(fx.sandbox, table, table.views[0].id)) });
			expect(url.json[0].id).toBe(table.id);

			const missing = await fx.run({ resource: 'table', operation: 'get', table: byId('t_nope') }, [{}], true);
			expect(missing.json[0]).toEqual({ error: 'Item 0: Not found in Clay: Table not found', description: expect.stringMatching(/table, view, record or source ID is wrong/) });
		});

		test('get many: the tables of a workspace, Limit and name filter; an unknown workspace', async () => {
			const a = fx.sandbox.seedTable({ name: 'Alpha accounts', fields: [{ name: 'Name' }] });
			fx.sandbox.seedTable({ name: 'Beta', fields: [{ name: 'Name' }] });
			const all = await fx.run({ resource: 'table', operation: 'getMany', workspace: String(fx.sandbox.workspaceId), returnAll: true });
			expect(all.json.length).toBe(fx.sandbox.tables.size);
			expect(all.json).toEqual(expect.arrayContaining([expect.objectContaining({ id: a.id, name: 'Alpha accounts', workbookId: a.workbookId })]));
			const limited = await fx.run({ resource: 'table', operation: 'getMany', workspace: String(fx.sandbox.workspaceId), returnAll: false, limit: 1 });
			expect(limited.json).toHaveLength(1);
			const filtered = await fx.run({ resource: 'table', operation: 'getMany', workspace: `https://app.clay.com/workspaces/${fx.sandbox.workspaceId}/home`, returnAll: true, filters: { search: 'ALPHA' } });
			expect(filtered.json.map((json) => json.id)).toEqual([a.id]);
			const unknown = await fx.run({ resource: 'table', operation: 'getMany', workspace: '999', returnAll: true }, [{}], true);
			expect(unknown.json[0].error).toBe('Item 0: Not found in Clay: Workspace not found');
		});
	});

	describe('Clay Source', () => {
		test('add a webhook (returns its URL), list sources, delete a source — on the live paths, or the seed\'s', async () => {
			const table = leadsTable(fx.sandbox);
			const added = await fx.run({ resource: 'source', operation: 'addWebhook', table: byId(table.id), name: 'From n8n' });
			expect(added.error).toBeUndefined();
			const { id, webhookUrl } = added.json[0] as { id: string; webhookUrl: string };
			expect(added.json[0]).toEqual({ id: expect.stringMatching(/^s_/), name: 'From n8n', type: 'webhook', tableId: table.id, webhookUrl: expect.stringContaining('/v3/sources/webhook/') });
			const create = fx.sandbox.server.log.find(isAddSource)!;
			if (live) {
				expect(create.body).toMatchObject({ tableId: table.id, name: 'From n8n', type: 'webhook', workspaceId: String(fx.sandbox.workspaceId), typeSettings: expect.any(Object) });
			} else {
				// the live path first (404: no such path), then the seed's
				expect(fx.sandbox.server.log.map((r) => `${r.method} ${r.status}`).slice(1)).toEqual(['POST 404', 'PATCH 200']);
				const patch = create.body as { sourceSettings: { addSource: { source: Record<string, unknown> } } };
				expect(patch.sourceSettings.addSource.source).toMatchObject({ name: 'From n8n', type: 'webhook', workspaceId: String(fx.sandbox.workspaceId) });
			}

			// the URL works: a submission becomes a record
			const posted = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Name: 'Hooli' }) });
			expect(posted.status).toBe(200);
			expect(table.records.size).toBe(1);

			fx.sandbox.server.clearLog();
			const list = await fx.run({ resource: 'source', operation: 'getMany', table: byId(table.id), returnAll: true });
			expect(list.json).toEqual([expect.objectContaining({ id, name: 'From n8n', type: 'webhook', webhookUrl, numSubmissions: 1, tableId: table.id })]);
			expect(fx.sandbox.server.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
				live ? ['GET /v3/sources 200'] : ['GET /v3/sources 404', `GET /v3/tables/${table.id}/sources 200`],
			);

			const removed = await fx.run({ resource: 'source', operation: 'delete', table: byId(table.id), sourceId: id });
			expect(removed.json).toEqual([{ id, tableId: table.id, deleted: true }]);
			expect(table.sources).toHaveLength(0);
			const again = await fx.run({ resource: 'source', operation: 'delete', table: byId(table.id), sourceId: id }, [{}], true);
			expect(again.json[0].error).toBe('Item 0: Not found in Clay: Source not found');
			const empty = await fx.run({ resource: 'source', operation: 'delete', table: byId(table.id), sourceId: '={{ $json.s }}' }, [{ s: '' }], true);
			expect(empty.json[0].error).toBe('Item 0: "Source ID" is empty');
		});

		test('a webhook answer without the URL: the node reads the source, or finds it in the source list', async () => {
			const table = leadsTable(fx.sandbox);
			// Clay's answer is undocumented: here it names the new source but not its URL
			table.sources.push({ id: 's_manual', name: 'Second', type: 'webhook', typeSettings: {}, webhookUrl: 'http://example.invalid/hook', submissions: 0 });
			fx.sandbox.server.inject({
				match: isAddSource,
				action: { kind: 'status', status: 200, body: live ? { id: 's_manual', name: 'Second' } : { table: { id: table.id }, extraData: { newlyCreatedSourceId: 's_manual' } } },
			});
			const result = await fx.run({ resource: 'source', operation: 'addWebhook', table: byId(table.id), name: 'Second' });
			expect(result.json[0]).toEqual({ id: 's_manual', name: 'Second', type: 'webhook', tableId: table.id, webhookUrl: 'http://example.invalid/hook' });
			if (live) expect(fx.sandbox.server.requests('GET', '/v3/sources/s_manual')).toHaveLength(1);
			else expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}/sources`)).toHaveLength(1);
		});

		test('adding a webhook is not retried after a dropped connection (a repeat would add a second webhook)', async () => {
			const table = leadsTable(fx.sandbox);
			fx.sandbox.server.inject({ match: isAddSource, action: { kind: 'drop-after' } });
			const result = await fx.run({ resource: 'source', operation: 'addWebhook', table: byId(table.id), name: 'Once' }, [{}], true);
			expect(result.json[0].error).toMatch(/^Item 0: The connection to Clay failed/);
			expect(result.json[0].description).toMatch(/may or may not have been processed/);
			expect(fx.sandbox.server.log.filter(isAddSource)).toHaveLength(1);
			expect(table.sources).toHaveLength(1);
		});

		test('a plan without webhooks (402) says so', async () => {
			const noPlan = await clayFixture({ ...profile, webhooksInPlan: false });
			try {
				const table = leadsTable(noPlan.sandbox);
				const result = await noPlan.run({ resource: 'source', operation: 'addWebhook', table: byId(table.id), name: 'x' }, [{}], true);
				expect(result.json[0].error).toBe('Item 0: This Clay plan has no webhooks (402: Webhooks are not included in your current plan. Upgrade to use webhook sources.)');
				expect(result.json[0].description).toMatch(/Upgrade the workspace's plan/);
				expect(table.sources).toHaveLength(0);
			} finally {
				await noPlan.sandbox.close();
			}
		});
	});

	describe('Clay editor methods (through n8n load-options contexts)', () => {
		const node = new Clay();

		test('tables across workspaces with search and app URLs; views; fields; enrichment fields; resource mapper', async () => {
			const table = fx.sandbox.seedTable({
				name: 'Zebra Unique Name',
				fields: [{ name: 'Name' }, { name: 'Score', type: 'number' }, { name: 'Opt In', type: 'boolean' }, { name: 'Enrich', type: 'action' }, { name: 'Calc', type: 'formula' }],
			});
			const context = fx.harness.loadOptionsContext('clay', { resource: 'record', operation: 'add', table: byId(table.id) });
			const search = await node.methods.listSearch.searchTables.call(context, 'zebra unique');
			expect(search.results).toEqual([{ name: 'Zebra Unique Name (Sandbox Workspace)', value: table.id, url: appUrl(fx.sandbox, table) }]);
			const all = await node.methods.listSearch.searchTables.call(context);
			expect(all.results.length).toBe(fx.sandbox.tables.size);

			const views = await node.methods.listSearch.searchViews.call(context, 'all');
			expect(views.results).toEqual([{ name: 'All rows', value: table.views[1].id, url: appUrl(fx.sandbox, table, table.views[1].id) }]);

			const workspaces = await node.methods.loadOptions.getWorkspaces.call(context);
			expect(workspaces).toEqual([{ name: `Sandbox Workspace (${fx.sandbox.workspaceId})`, value: String(fx.sandbox.workspaceId) }]);
			const fields = await node.methods.loadOptions.getFields.call(context);
			expect(fields.map((f) => f.name)).toEqual(['Name', 'Score', 'Opt In', 'Enrich', 'Calc']);
			expect(fields[0].value).toBe(fx.sandbox.fieldId(table.id, 'Name'));
			const enrichment = await node.methods.loadOptions.getEnrichmentFields.call(context);
			expect(enrichment.map((f) => f.name)).toEqual(['Enrich']);
			// Key Column: only the columns that hold input (an enrichment or formula column is computed by Clay)
			const inputs = await node.methods.loadOptions.getInputFields.call(context);
			expect(inputs.map((f) => f.name)).toEqual(['Name', 'Score', 'Opt In']);
			const mapping = await node.methods.resourceMapping.getRecordFields.call(context);
			expect(mapping.fields.map((f) => [f.displayName, f.type])).toEqual([
				['Name', 'string'],
				['Score', 'number'],
				['Opt In', 'boolean'],
			]);
			expect(mapping.fields[0].id).toBe(fx.sandbox.fieldId(table.id, 'Name'));
		});

		test('with an API key, the tables come from the workspaces of the key\'s user', async () => {
			const table = fx.sandbox.seedTable({ name: 'Keyed Unique Name', fields: [{ name: 'Name' }] });
			const context = fx.harness.loadOptionsContext('clay', { authentication: 'apiKey', resource: 'record', operation: 'add', table: byId(table.id) });
			const search = await node.methods.listSearch.searchTables.call(context, 'keyed unique');
			expect(search.results).toEqual([{ name: 'Keyed Unique Name (Sandbox Workspace)', value: table.id, url: appUrl(fx.sandbox, table) }]);
			expect(fx.sandbox.server.log.every((r) => r.headers.authorization === fx.sandbox.apiKey && r.headers.cookie === undefined)).toBe(true);
		});

		test('methods without a table, or with an expired session, fail with a clear message', async () => {
			const none = fx.harness.loadOptionsContext('clay', { resource: 'record', operation: 'add', table: byId('') });
			await expect(node.methods.loadOptions.getFields.call(none)).rejects.toThrow('Choose a table first');
			fx.resetCredential('s%3Aexpired.session');
			try {
				const context = fx.harness.loadOptionsContext('clay', { resource: 'record', operation: 'add' });
				await expect(node.methods.listSearch.searchTables.call(context)).rejects.toThrow(
					'Clay session expired or invalid — copy a fresh claysession cookie into the credential',
				);
			} finally {
				fx.resetCredential();
			}
		});
	});
});
