import { byId, extructFixture, visible } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	fx.sandbox.server.clearLog();
	fx.harness.credentials.extructApi = { apiToken: fx.sandbox.token, baseUrl: fx.sandbox.url };
});

const getTable = (id: string) => ({ resource: 'table', operation: 'get', table: byId(id) });
const addRows = (id: string) => ({ resource: 'row', operation: 'add', table: byId(id), columns: { mappingMode: 'autoMapInputData', value: null } });
const isGet = (path: string) => (req: { method: string; path: string }) => req.method === 'GET' && req.path === path;

describe('Extruct errors: each documented error gives a clear message without the token', () => {
	test('401: a wrong token', async () => {
		fx.harness.credentials.extructApi = { apiToken: 'wrong-token-123456', baseUrl: fx.sandbox.url };
		const result = await fx.run(getTable('any'));
		expect(result.error?.message).toMatch(/^Item 0: Extruct rejected the API token \(401/);
		expect((result.error as { description?: string }).description).toMatch(/Settings → API/);
		expect(visible(result)).not.toContain('wrong-token-123456');
	});

	test('404: an unknown table', async () => {
		const result = await fx.run(getTable('no-such-table'));
		expect(result.error?.message).toBe('Item 0: Not found in Extruct: Table not found');
	});

	test('422: the service rejects the request shape', async () => {
		const table = fx.sandbox.seedTable({ name: 'E', kind: 'company' });
		fx.sandbox.server.inject({
			match: (req) => req.method === 'PATCH',
			action: { kind: 'status', status: 422, body: { detail: [{ loc: ['body', 'name'], msg: 'String should have at most 200 characters', type: 'string_too_long' }] } },
		});
		const result = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), updateFields: { name: 'n' } });
		expect(result.error?.message).toBe('Item 0: Extruct rejected the request: name: String should have at most 200 characters');
	});

	test('400: limit over 100', async () => {
		fx.sandbox.server.inject({ match: isGet('/v1/tables'), action: { kind: 'status', status: 400, body: { detail: 'limit must be between 1 and 100' } } });
		const result = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true });
		expect(result.error?.message).toBe('Item 0: Extruct rejected the request: limit must be between 1 and 100');
	});

	test('429: retried twice after Retry-After, then reported as a quota refusal', async () => {
		const table = fx.sandbox.seedTable({ name: 'Q', kind: 'company' });
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), times: 3, action: { kind: 'status', status: 429, retryAfter: 0.05 as never, body: { detail: 'Out of credits' } } });
		const result = await fx.run(getTable(table.id));
		expect(result.error?.message).toBe('Item 0: Extruct refused the request: quota or rate limit reached (429: Out of credits)');
		expect(fx.sandbox.server.log).toHaveLength(3);
	});

	test('429 once, then success: the item succeeds', async () => {
		const table = fx.sandbox.seedTable({ name: 'Q2', kind: 'company' });
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), action: { kind: 'status', status: 429, retryAfter: 0.05 as never } });
		const result = await fx.run(getTable(table.id));
		expect(result.error).toBeUndefined();
		expect(result.json[0].id).toBe(table.id);
	});

	test('5xx on a read: retried with back-off, then a clear message', async () => {
		const table = fx.sandbox.seedTable({ name: 'S', kind: 'company' });
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), times: 2, action: { kind: 'status', status: 503 } });
		const recovered = await fx.run(getTable(table.id));
		expect(recovered.error).toBeUndefined();
		expect(fx.sandbox.server.log).toHaveLength(3);

		fx.sandbox.server.clearLog();
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), times: 10, action: { kind: 'status', status: 500, body: { detail: 'Internal error' } } });
		const failed = await fx.run(getTable(table.id));
		expect(failed.error?.message).toBe('Item 0: Extruct had a server error (500: Internal error)');
		expect(fx.sandbox.server.log).toHaveLength(1);
	}, 30_000);

	test('a dropped connection on a read is retried', async () => {
		const table = fx.sandbox.seedTable({ name: 'D', kind: 'company' });
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), action: { kind: 'drop-before' } });
		const result = await fx.run(getTable(table.id));
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.server.log).toHaveLength(2);
	});

	test('adding rows: a 502 or a dropped connection after sending is not retried (it may have been stored), and says so', async () => {
		const table = fx.sandbox.seedTable({ name: 'A', kind: 'company' });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'drop-after' } });
		const dropped = await fx.run(addRows(table.id), [{ input: 'a.example' }, { input: 'b.example' }], true);
		expect(dropped.json.map((j) => j.error)).toEqual([expect.stringMatching(/^Item 0: The connection to Extruct failed/), expect.stringMatching(/^Item 1: /)]);
		expect(dropped.json[0].description).toMatch(/may or may not have been processed/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
		// the sandbox did store them: the node did not double them
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(2);

		fx.sandbox.server.clearLog();
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'status', status: 502 } });
		const gateway = await fx.run(addRows(table.id), [{ input: 'c.example' }], true);
		expect(gateway.json[0].error).toMatch(/^Item 0: Extruct had a server error \(502/);
		expect(gateway.json[0].description).toMatch(/may or may not have been processed/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
	});

	test('adding rows: a 429 (surely not processed) is retried and the rows are stored once', async () => {
		const table = fx.sandbox.seedTable({ name: 'R', kind: 'company' });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'status', status: 429, retryAfter: 0.05 as never } });
		const result = await fx.run(addRows(table.id), [{ input: 'a.example' }]);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(1);
	});

	test('an HTML error page and an empty or truncated body give clear messages', async () => {
		const table = fx.sandbox.seedTable({ name: 'H', kind: 'company' });
		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), action: { kind: 'status', status: 404, raw: '<!DOCTYPE html><html><body>Not here</body></html>' } });
		const html = await fx.run(getTable(table.id));
		expect(html.error?.message).toBe('Item 0: Not found in Extruct');

		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), action: { kind: 'status', status: 200, raw: '<html>proxy login</html>' } });
		const page = await fx.run(getTable(table.id));
		expect(page.error?.message).toBe('Item 0: Extruct answered an HTML page (HTTP 200) instead of JSON');

		fx.sandbox.server.inject({ match: isGet(`/v1/tables/${table.id}`), action: { kind: 'status', status: 200, raw: '{"id": "abc", "name": ', headers: { 'content-type': 'application/json' } } });
		const truncated = await fx.run(getTable(table.id));
		expect(truncated.error?.message).toMatch(/^Item 0: Extruct answered a body that is not valid JSON/);
	});

	test('a Base URL that is not http(s) is a clear error', async () => {
		fx.harness.credentials.extructApi = { apiToken: fx.sandbox.token, baseUrl: 'api.extruct.ai' };
		const result = await fx.run(getTable('x'));
		expect(result.error?.message).toBe('Item 0: The Extruct credential has no valid Base URL');
	});

	test('an empty table id is an item error, and Continue On Fail keeps the other items', async () => {
		const table = fx.sandbox.seedTable({ name: 'Keep', kind: 'company' });
		const result = await fx.run({ resource: 'table', operation: 'get', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' } }, [{ t: table.id }, { t: '' }, { t: table.id }], true);
		expect(result.json.map((j) => j.id ?? j.error)).toEqual([table.id, expect.stringMatching(/^Item 1: "Table" is empty/), table.id]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
