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

	test('adding rows: after a dropped connection the node reads the table back and finds the rows by their write id, so nothing is doubled', async () => {
		const table = fx.sandbox.seedTable({ name: 'A', kind: 'company' });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'drop-after' } });
		const dropped = await fx.run(addRows(table.id), [{ input: 'a.example' }, { input: 'b.example' }], true);
		expect(dropped.json.map((j) => j.input)).toEqual(['a.example', 'b.example']);
		expect(dropped.json.some((j) => j.error || j._metadata)).toBe(false);
		// sent once, then one read of the table instead of a second POST
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
		expect(fx.sandbox.server.requests('GET', `/v1/tables/${table.id}/data`)).toHaveLength(1);
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value)).toEqual(['a.example', 'b.example']);
		expect(fx.sandbox.tables.get(table.id)!.rows.every((row) => typeof row.metadata?.n8n_write_id === 'string')).toBe(true);
	});

	test('adding rows: after a 502 the read-back finds nothing, so the rows are sent again — once', async () => {
		const table = fx.sandbox.seedTable({ name: 'G', kind: 'company' });
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'status', status: 502 } });
		const gateway = await fx.run(addRows(table.id), [{ input: 'c.example' }], true);
		expect(gateway.json[0]).toMatchObject({ input: 'c.example' });
		expect(fx.sandbox.server.requests('POST')).toHaveLength(2);
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value)).toEqual(['c.example']);
	});

	test('adding rows: when every answer is lost, the item says whether the row was stored', async () => {
		const table = fx.sandbox.seedTable({ name: 'L', kind: 'company' });
		// each send is refused by the gateway (so not stored): sent 3 times, read back 3 times, then reported NOT stored
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', times: 3, action: { kind: 'status', status: 502 } });
		const lost = await fx.run(addRows(table.id), [{ input: 'd.example' }], true);
		expect(lost.json[0].error).toMatch(/^Item 0: Extruct had a server error \(502/);
		expect(lost.json[0].description).toMatch(/NOT stored/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(3);
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(0);

		// the answer is lost and reading back fails too: the item says it may or may not have been stored
		fx.sandbox.server.clearLog();
		fx.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'drop-after' } });
		fx.sandbox.server.inject({ match: (req) => req.path.endsWith('/data'), times: 10, action: { kind: 'status', status: 500, body: { detail: 'down' } } });
		const unknown = await fx.run(addRows(table.id), [{ input: 'e.example' }], true);
		expect(unknown.json[0].error).toMatch(/^Item 0: The connection to Extruct failed/);
		expect(unknown.json[0].description).toMatch(/may or may not have been processed.*Reading back to find out failed too/s);
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value)).toEqual(['e.example']);
	}, 30_000);

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
