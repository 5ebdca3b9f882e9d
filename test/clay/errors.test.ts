import { ClayApi } from '../../credentials/ClayApi.credentials';
import { sessionValue } from '../../credentials/ClayApi.credentials';
import { apiKeyValue, ClayApiKeyApi } from '../../credentials/ClayApiKeyApi.credentials';
import { clay, clayKey } from '../../nodes/Clay/api';
import { Clay } from '../../nodes/Clay/Clay.node';
import { loggedText } from '../harness/logs';
import { autoMap, byId, clayFixture, eachProfile, leadsTable, visible } from './setup';
import type { ClayFixture } from './setup';

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ ...profile, session: 's%3AsandboxSessionValue123.Sig%2Fnature', apiKey: 'clay_sk_sandboxKeyValue456' })));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => {
		fx.sandbox.server.clearLog();
		fx.resetCredential();
		fx.resetKey();
	});

	const EXPIRED = 'Clay session expired or invalid — copy a fresh claysession cookie into the credential';
	const count = (tableId: string) => ({ resource: 'record', operation: 'count', table: byId(tableId) });
	const isPath = (method: string, path: string) => (req: { method: string; path: string }) => req.method === method && req.path === path;

	describe('Clay credential', () => {
		test("the session is sent as Cookie: claysession=<value>, whether pasted bare or as claysession=… (by the credential's authenticate)", async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			const session = fx.sandbox.session;
			for (const pasted of [session, `claysession=${session}`, `  claysession=${session};  `, `_ga=GA1.2.3; claysession=${session}; theme=dark`, `"${session}"`]) {
				fx.resetCredential(pasted);
				fx.sandbox.server.clearLog();
				const result = await fx.run(count(table.id));
				expect(result.error).toBeUndefined();
				expect(result.json[0].count).toBe(1);
				expect(fx.sandbox.server.log[0].headers.cookie).toBe(`claysession=${session}`);
				expect(sessionValue(pasted)).toBe(session);
			}
		});

		test('the credential test request authenticates against GET /v3/my-workspaces', async () => {
			const credential = new ClayApi();
			const request = credential.test.request;
			const context = fx.harness.loadOptionsContext('clay', {});
			const data = { sessionToken: `claysession=${fx.sandbox.session}`, baseUrl: `${fx.sandbox.url}/` };
			const resolve = (value: string) =>
				fx.harness.workflow([]).expression.getSimpleParameterValue(fx.harness.makeNode('clay', {}), value, 'internal', { $credentials: data } as never, undefined, '') as string;
			fx.resetCredential(data.sessionToken);
			const response = (await context.helpers.httpRequestWithAuthentication.call(context, clay.credentialType, {
				method: request.method,
				url: `${resolve(request.baseURL!)}${request.url}`,
				json: true,
			})) as { results?: unknown[] };
			expect(response.results).toEqual([expect.objectContaining({ id: fx.sandbox.workspaceId })]);
			expect(fx.sandbox.server.log.at(-1)).toMatchObject({ path: '/v3/my-workspaces', status: 200 });
		});

		test('an expired session gives the message that says what to do; the cookie appears in no output, error or log line', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			const stale = 's%3AstaleSessionValue987.OldSig';
			fx.resetCredential(`claysession=${stale}`);
			const failed = await fx.run(count(table.id));
			expect(failed.error?.message).toBe(`Item 0: ${EXPIRED}`);
			expect((failed.error as { description?: string }).description).toMatch(/developer tools → Application .*claysession/);
			expect(failed.error?.message).not.toMatch(/^Item 0: 401/);

			const items = await fx.run({ resource: 'record', operation: 'add', table: byId(table.id), cells: autoMap }, [{ Name: 'x' }, { Name: 'y' }], true);
			expect(items.json.map((json) => json.error)).toEqual([`Item 0: ${EXPIRED}`, `Item 1: ${EXPIRED}`]);
			expect(table.records.size).toBe(1);

			const text = visible(failed) + visible(items);
			for (const form of [stale, decodeURIComponent(stale), 'staleSessionValue987']) expect(text).not.toContain(form);
			const log = await loggedText();
			expect(log).toContain(EXPIRED);
			for (const form of [stale, fx.sandbox.session, 'staleSessionValue987', 'sandboxSessionValue123']) expect(log).not.toContain(form);
		});

		test('a service message that echoes the session (e.g. a proxy) is cleaned of both the pasted and the bare value', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			fx.resetCredential(`claysession=${fx.sandbox.session}`);
			// only the bare value: the shared engine knows the pasted `claysession=…` form, the node adds the bare one
			const echo = `session ${fx.sandbox.session} rejected (${decodeURIComponent(fx.sandbox.session)})`;
			fx.sandbox.server.inject({ match: isPath('GET', `/v3/tables/${table.id}/count`), times: 2, action: { kind: 'status', status: 400, body: { message: echo } } });
			const strict = await fx.run(count(table.id));
			const lenient = await fx.run(count(table.id), [{}], true);
			expect(strict.error?.message).toBe('Item 0: Clay rejected the request: session *** rejected (***)');
			expect(lenient.json[0].error).toBe('Item 0: Clay rejected the request: session *** rejected (***)');
			const text = visible(strict) + visible(lenient);
			expect(text).not.toContain('sandboxSessionValue123');
			expect(await loggedText()).not.toContain('sandboxSessionValue123');
		});
	});

	describe('Clay credential: API key', () => {
		const KEY_REJECTED = 'Clay rejected the API key — check it in the credential (Clay: Settings → Account → API keys)';
		const withKey = (parameters: Record<string, unknown>) => ({ authentication: 'apiKey', ...parameters });

		test('the key is sent as the raw authorization header (a pasted "Bearer " removed), with no cookie; existing nodes keep the session', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			for (const pasted of [fx.sandbox.apiKey, `Bearer ${fx.sandbox.apiKey}`, `  ${fx.sandbox.apiKey} `]) {
				fx.resetKey(pasted);
				fx.sandbox.server.clearLog();
				const result = await fx.run(withKey(count(table.id)));
				expect(result.error).toBeUndefined();
				expect(result.json[0].count).toBe(1);
				expect(fx.sandbox.server.log[0].headers.authorization).toBe(fx.sandbox.apiKey);
				expect(fx.sandbox.server.log[0].headers.cookie).toBeUndefined();
				expect(apiKeyValue(pasted)).toBe(fx.sandbox.apiKey);
			}
			fx.sandbox.server.clearLog();
			// a node without the Authentication parameter (a workflow made before API keys) uses the session cookie
			expect((await fx.run(count(table.id))).error).toBeUndefined();
			expect(fx.sandbox.server.log[0].headers.cookie).toBe(`claysession=${fx.sandbox.session}`);
			expect(fx.sandbox.server.log[0].headers.authorization).toBeUndefined();
		});

		test('each credential has its own test: GET /v3/ for the key, GET /v3/my-workspaces for the session', async () => {
			expect(new ClayApiKeyApi().test.request).toMatchObject({ url: '/', method: 'GET' });
			expect(new ClayApi().test.request).toMatchObject({ url: '/my-workspaces', method: 'GET' });
			const context = fx.harness.loadOptionsContext('clay', { authentication: 'apiKey' });
			const response = (await context.helpers.httpRequestWithAuthentication.call(context, clayKey.credentialType, {
				method: 'GET',
				url: `${fx.sandbox.url}/v3/`,
				json: true,
			})) as { auth?: { actor?: { userId?: string } } };
			expect(response.auth?.actor?.userId).toBe(fx.sandbox.userId);
			fx.resetKey('clay_sk_wrong');
			await expect(
				context.helpers.httpRequestWithAuthentication.call(context, clayKey.credentialType, { method: 'GET', url: `${fx.sandbox.url}/v3/`, json: true }),
			).rejects.toThrow();
		});

		test('the workspaces of a key come from the caller (GET /v3/, then /users/{id}/workspaces); a wrong key says so, nowhere showing it', async () => {
			const node = new Clay();
			const context = fx.harness.loadOptionsContext('clay', { authentication: 'apiKey', resource: 'table', operation: 'getMany' });
			const workspaces = await node.methods.loadOptions.getWorkspaces.call(context);
			expect(workspaces).toEqual([{ name: `Sandbox Workspace (${fx.sandbox.workspaceId})`, value: String(fx.sandbox.workspaceId) }]);
			expect(fx.sandbox.server.log.map((r) => r.path)).toEqual(['/v3/', `/v3/users/${fx.sandbox.userId}/workspaces`]);

			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			fx.resetKey('clay_sk_staleKeyValue789');
			const failed = await fx.run(withKey(count(table.id)));
			expect(failed.error?.message).toBe(`Item 0: ${KEY_REJECTED}`);
			expect((failed.error as { description?: string }).description).toMatch(/without "Bearer"/);
			const lenient = await fx.run(withKey({ resource: 'record', operation: 'add', table: byId(table.id), cells: autoMap }), [{ Name: 'x' }], true);
			expect(lenient.json[0].error).toBe(`Item 0: ${KEY_REJECTED}`);
			const text = visible(failed) + visible(lenient) + (await loggedText());
			for (const form of ['clay_sk_staleKeyValue789', 'staleKeyValue789', 'sandboxKeyValue456']) expect(text).not.toContain(form);
		});
	});

	describe('Clay errors and retries', () => {
		test('429: retried after Retry-After, then the records are stored once', async () => {
			const table = leadsTable(fx.sandbox);
			fx.sandbox.server.inject({ match: (req) => req.method === 'POST', times: 2, action: { kind: 'status', status: 429, retryAfter: 0.05 as never } });
			const result = await fx.run({ resource: 'record', operation: 'add', table: byId(table.id), cells: autoMap }, [{ Name: 'a' }]);
			expect(result.error).toBeUndefined();
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(3);
			expect(table.records.size).toBe(1);
		});

		test('429 that persists: a clear rate-limit message', async () => {
			const table = leadsTable(fx.sandbox);
			fx.sandbox.server.inject({
				match: isPath('GET', `/v3/tables/${table.id}/count`),
				times: 20,
				action: { kind: 'status', status: 429, retryAfter: 0.01 as never, body: { type: 'TooManyRequests', message: 'Too many requests, please slow down' } },
			});
			const result = await fx.run(count(table.id));
			expect(result.error?.message).toBe('Item 0: Clay refused the request: too many requests (429: Too many requests, please slow down)');
		}, 30_000);

		test('5xx on a read: retried with back-off; a 500 is reported with Clay\'s message', async () => {
			const table = leadsTable(fx.sandbox);
			fx.sandbox.server.inject({ match: isPath('GET', `/v3/tables/${table.id}/count`), times: 2, action: { kind: 'status', status: 503 } });
			const recovered = await fx.run(count(table.id));
			expect(recovered.error).toBeUndefined();
			expect(fx.sandbox.server.log).toHaveLength(3);

			fx.sandbox.server.inject({ match: isPath('GET', `/v3/tables/${table.id}/count`), action: { kind: 'status', status: 500, body: { message: 'Internal error' } } });
			const failed = await fx.run(count(table.id));
			expect(failed.error?.message).toBe('Item 0: Clay had a server error (500: Internal error)');
		}, 30_000);

		test('a forced run is not repeated after a 502 (it would bill the cells twice); a normal run is', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			const run = (forceRun: boolean) => ({ resource: 'enrichment', operation: 'run', table: byId(table.id), recordsSource: 'all', fieldIds: ['Headcount'], forceRun, wait: false });
			fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH', action: { kind: 'status', status: 502 } });
			const forced = await fx.run(run(true), [{}], true);
			expect(forced.json[0].error).toMatch(/^Item 0: Clay had a server error \(502/);
			expect(forced.json[0].description).toMatch(/may or may not have been processed/);
			expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);

			fx.sandbox.server.clearLog();
			fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH', action: { kind: 'status', status: 502 } });
			const normal = await fx.run(run(false));
			expect(normal.error).toBeUndefined();
			expect(fx.sandbox.server.requests('PATCH')).toHaveLength(2);
		});

		test('answers in shapes the node does not know, or HTML, give clear messages', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			const view = table.views[0].id;
			fx.sandbox.server.inject({ match: isPath('GET', `/v3/tables/${table.id}/views/${view}/records/ids`), action: { kind: 'status', status: 200, body: { ids_v2: ['x'] } } });
			const ids = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId(view), returnAll: true });
			expect(ids.error?.message).toBe('Item 0: Clay answered the record ids of the view in a shape this node does not know');

			fx.sandbox.server.inject({ match: isPath('GET', `/v3/tables/${table.id}`), action: { kind: 'status', status: 200, raw: '<!DOCTYPE html><html>login</html>' } });
			const html = await fx.run({ resource: 'table', operation: 'get', table: byId(table.id) });
			expect(html.error?.message).toBe('Item 0: Clay answered an HTML page (HTTP 200) instead of JSON');
		});

		test('a Base URL that is not http(s), and a table URL without a table in it', async () => {
			fx.harness.credentials.clayApi = { sessionToken: fx.sandbox.session, baseUrl: 'api.clay.com' };
			const noBase = await fx.run(count('t_x'));
			expect(noBase.error?.message).toBe('Item 0: The Clay credential has no valid Base URL');
			fx.resetCredential();
			const noTable = await fx.run({ resource: 'record', operation: 'count', table: { __rl: true, mode: 'id', value: '={{ $json.u }}' } }, [{ u: 'https://app.clay.com/workspaces/1/home' }], true);
			expect(noTable.json[0].error).toBe('Item 0: "Table" is a URL without a table ID in it (…/tables/t_…)');
		});
	});

	describe('Continue On Fail: every operation turns a failure into one error item per input item', () => {
		const operations: Array<[string, Record<string, unknown>]> = [
			['record add', { resource: 'record', operation: 'add', cells: autoMap }],
			['record update', { resource: 'record', operation: 'update', recordId: 'r_x', cells: autoMap }],
			['record delete', { resource: 'record', operation: 'delete', recordIds: 'r_x' }],
			['record deleteAll', { resource: 'record', operation: 'deleteAll', confirmTableId: 't_missing' }],
			['record get', { resource: 'record', operation: 'get', recordId: 'r_x' }],
			['record getMany', { resource: 'record', operation: 'getMany', returnAll: true }],
			['record count', { resource: 'record', operation: 'count' }],
			['table get', { resource: 'table', operation: 'get' }],
			['enrichment run', { resource: 'enrichment', operation: 'run', recordId: 'r_x' }],
			['source getMany', { resource: 'source', operation: 'getMany', returnAll: true }],
			['source addWebhook', { resource: 'source', operation: 'addWebhook', name: 'x' }],
			['source delete', { resource: 'source', operation: 'delete', sourceId: 's_x' }],
		];
		test.each(operations)('%s on an unknown table', async (_name, parameters) => {
			const result = await fx.run({ ...parameters, table: byId('t_missing') }, [{ Name: 'a' }, { Name: 'b' }], true);
			expect(result.error).toBeUndefined();
			// (live, a source is deleted by its id alone: then it is the source that is not found)
			expect(result.json).toEqual([
				expect.objectContaining({ error: expect.stringMatching(/^Item 0: Not found in Clay: (Table|Source) not found/) }),
				expect.objectContaining({ error: expect.stringMatching(/^Item 1: Not found in Clay: (Table|Source) not found/) }),
			]);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});
	});
});
