import { autoMap, byId, justPaidFixture, resetFixture, visible } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
beforeAll(
	async () =>
		(fx = await justPaidFixture({
			readLimit: 5,
			keys: {
				wfk_full_access_key: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
				wfk_read_only_key: { companyId: 'company_1', scopes: ['workflows:read'] },
				wfk_write_only_key: { companyId: 'company_1', scopes: ['workflows:write'] },
			},
		})),
);
afterAll(async () => await fx.sandbox.close());
beforeEach(() => resetFixture(fx));

const useKey = (apiKey: string) => (fx.harness.credentials.justPaidApi = { ...fx.credential, apiKey });
const getTable = (id: string) => ({ resource: 'table', operation: 'get', table: byId(id) });
const createRow = (id: string) => ({ resource: 'row', operation: 'create', table: byId(id), columns: autoMap() });
const isRead = (path: string) => (req: { method: string; path: string }) => req.method === 'GET' && req.path === path;

describe('JustPaid errors: each documented error gives a clear message, and no key appears anywhere', () => {
	test('401: a wrong key', async () => {
		useKey('wfk_not_a_real_key_123');
		const result = await fx.run(getTable('any'));
		expect(result.error?.message).toBe('Item 0: JustPaid rejected the API key (401: Missing or invalid x-api-key)');
		expect((result.error as { description?: string }).description).toMatch(/Check the API Key of the JustPaid credential/);
		expect(visible(result)).not.toContain('wfk_not_a_real_key_123');
	});

	test('403: the error names the missing scope, for writes and for reads', async () => {
		const table = fx.sandbox.seedTable({ name: 'Scopes' });
		useKey('wfk_read_only_key');
		const write = await fx.run(createRow(table.id), [{ a: 1 }, { a: 2 }], true);
		expect(write.json.map((json) => json.error)).toEqual([
			'Item 0: JustPaid refused access: API key lacks the workflows:write scope (403)',
			'Item 1: JustPaid refused access: API key lacks the workflows:write scope (403)',
		]);
		expect(write.json[0].description).toMatch(/writes \(create, update, delete\) need workflows:write/);
		useKey('wfk_write_only_key');
		const read = await fx.run(getTable(table.id));
		expect(read.error?.message).toBe('Item 0: JustPaid refused access: API key lacks the workflows:read scope (403)');
		expect(visible(write) + visible(read)).not.toMatch(/wfk_(read|write)_only_key/);

		// a 403 whose message does not say the scope: the node names the one the request needed
		useKey('wfk_full_access_key');
		fx.sandbox.server.inject({ match: (req) => req.method === 'DELETE', action: { kind: 'status', status: 403, body: { success: false, error: { code: 'FORBIDDEN', message: 'Forbidden' } } } });
		const del = await fx.run({ resource: 'table', operation: 'delete', table: byId(table.id) });
		expect(del.error?.message).toBe('Item 0: JustPaid refused access: the API key lacks the workflows:write scope (403)');
	});

	test('404: an unknown table or row', async () => {
		const result = await fx.run(getTable('00000000-0000-4000-8000-000000000000'));
		expect(result.error?.message).toBe('Item 0: Not found in JustPaid: Table not found');
		expect((result.error as { description?: string }).description).toMatch(/belongs to another company/);
		expect(visible(result)).not.toContain(fx.sandbox.apiKey);
	});

	test('400: the service message, as JustPaid words it', async () => {
		const table = fx.sandbox.seedTable({ name: 'Bad request' });
		fx.sandbox.server.inject({
			match: (req) => req.method === 'PATCH',
			action: { kind: 'status', status: 400, body: { success: false, error: { code: 'BAD_REQUEST', message: 'name is required and must be a string of 1-255 characters' } } },
		});
		const result = await fx.run({ resource: 'table', operation: 'update', table: byId(table.id), updateFields: { name: 'x' } });
		expect(result.error?.message).toBe('Item 0: JustPaid rejected the request: name is required and must be a string of 1-255 characters');
		expect(visible(result)).not.toContain(fx.sandbox.apiKey);
	});

	test('429 on reads: the read bucket empties, the node waits for Retry-After and goes on', async () => {
		const table = fx.sandbox.seedTable({ name: 'Reads', rows: Array.from({ length: 700 }, (_v, i) => ({ i })) });
		// 7 pages against a bucket of 5 reads per (scaled) window
		const result = await fx.run({ resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(700);
		expect(fx.sandbox.server.log.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
	});

	test('429 that does not end: after the retries, a message saying what to do', async () => {
		const table = fx.sandbox.seedTable({ name: 'Throttled' });
		fx.sandbox.server.inject({
			match: isRead(`/api/v1/tables/${table.id}`),
			times: 20,
			action: { kind: 'status', status: 429, retryAfter: 0.01 as never, body: { success: false, error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded' } } },
		});
		const result = await fx.run(getTable(table.id));
		expect(result.error?.message).toBe("Item 0: JustPaid's rate limit was reached (429: Rate limit exceeded)");
		expect((result.error as { description?: string }).description).toMatch(/Lower "Writes per Minute"/);
		expect(fx.sandbox.server.log).toHaveLength(11);
		expect(visible(result)).not.toContain(fx.sandbox.apiKey);
	});

	test('5xx and dropped connections on reads are retried; an HTML page is a clear error', async () => {
		const table = fx.sandbox.seedTable({ name: 'Flaky' });
		fx.sandbox.server.inject({ match: isRead(`/api/v1/tables/${table.id}`), action: { kind: 'status', status: 503 } });
		fx.sandbox.server.inject({ match: isRead(`/api/v1/tables/${table.id}`), action: { kind: 'drop-before' } });
		const recovered = await fx.run(getTable(table.id));
		expect(recovered.error).toBeUndefined();
		expect(fx.sandbox.server.log).toHaveLength(3);

		fx.sandbox.server.inject({ match: isRead(`/api/v1/tables/${table.id}`), action: { kind: 'status', status: 200, raw: '<!DOCTYPE html><html>login</html>' } });
		const html = await fx.run(getTable(table.id));
		expect(html.error?.message).toBe('Item 0: JustPaid answered an HTML page (HTTP 200) instead of JSON');
	});

	test('a success status with {success: false} is an error, not data', async () => {
		const table = fx.sandbox.seedTable({ name: 'Odd' });
		fx.sandbox.server.inject({ match: isRead(`/api/v1/tables/${table.id}`), action: { kind: 'status', status: 200, body: { success: false, error: { code: 'INTERNAL', message: 'storage unavailable' } } } });
		const result = await fx.run(getTable(table.id));
		expect(result.error?.message).toBe('Item 0: JustPaid reported a failure: storage unavailable');
	});

	test('an empty table ID is an item error; Continue On Fail keeps the other items, paired', async () => {
		const table = fx.sandbox.seedTable({ name: 'Keep' });
		const result = await fx.run({ resource: 'table', operation: 'get', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' } }, [{ t: table.id }, { t: '' }, { t: table.id }], true);
		expect(result.json.map((json) => json.id ?? json.error)).toEqual([table.id, expect.stringMatching(/^Item 1: "Table" is empty/), table.id]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
