/**
 * n8n's own node setting "Retry On Fail": when a node fails, n8n's WorkflowExecute runs the whole
 * node again, with every input item (2–5 tries). docs/behaviour.md says which write operations repeat
 * safely that way and which could double rows; these tests run each case through WorkflowExecute
 * with the setting on, the first try failing mid-way on an error the node does not retry itself
 * (a 500), and check what the service holds afterwards.
 */
import type { SandboxRequest } from '../../sandbox/framework';
import { byId as extructTable, extructFixture } from '../extruct/setup';
import type { ExtructFixture } from '../extruct/setup';
import { autoMap, byId, justPaidFixture, mapped, resetFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';

const RETRY = { maxTries: 2, waitBetweenTries: 0 };

/** The `n`-th request that `match` accepts answers 500, once. */
function failNth(server: { inject: JustPaidFixture['sandbox']['server']['inject'] }, n: number, match: (req: SandboxRequest) => boolean): void {
	let seen = 0;
	server.inject({ match: (req) => match(req) && ++seen === n, action: { kind: 'status', status: 500 } });
}

describe('JustPaid with Retry On Fail', () => {
	let fx: JustPaidFixture;
	beforeAll(async () => (fx = await justPaidFixture()));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => {
		resetFixture(fx);
		fx.sandbox.server.clearInjected();
	});
	const writes = (method: string) => fx.sandbox.server.log.filter((entry) => entry.method === method && entry.path.includes('/rows')).length;
	const run = async (parameters: Record<string, unknown>, items: Array<Record<string, unknown>>) =>
		await fx.harness.execute({ node: 'justPaid', parameters: parameters as never, items: items as never, retryOnFail: RETRY });

	test('Upsert repeats safely: the second try finds the rows the first one wrote, nothing is stored twice', async () => {
		const table = fx.sandbox.seedTable({ name: 'Upsert retried', columns: [{ name: 'key', type: 'text' }, { name: 'v', type: 'number' }], rows: [{ key: 'a', v: 0 }, { key: 'b', v: 0 }] });
		failNth(fx.sandbox.server, 3, (req) => req.method !== 'GET');
		const items = [{ key: 'a', v: 1 }, { key: 'c', v: 1 }, { key: 'd', v: 1 }, { key: 'b', v: 1 }, { key: 'e', v: 1 }];
		const result = await run({ resource: 'row', operation: 'upsert', table: byId(table.id), columns: autoMap({ matchingColumns: ['key'] }) }, items);
		expect(result.error).toBeUndefined();
		// the output is the second try's: what the first try wrote is unchanged now
		expect(result.json.map((json) => [json.key, json._action])).toEqual([
			['a', 'unchanged'],
			['c', 'unchanged'],
			['d', 'created'],
			['b', 'updated'],
			['e', 'created'],
		]);
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data)).toEqual(['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, v: 1 })));
	});

	test('Update (Merge and Replace) repeats safely: every row ends with its values, once', async () => {
		const table = fx.sandbox.seedTable({ name: 'Update retried', rows: Array.from({ length: 4 }, (_v, i) => ({ n: i, keep: true })) });
		const ids = fx.sandbox.sortedRows(table.id).map((row) => row.id);
		for (const updateMode of ['merge', 'replace']) {
			resetFixture(fx);
			failNth(fx.sandbox.server, 3, (req) => req.method === 'PATCH');
			const result = await run(
				{ resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.rowId }}', updateMode, columns: mapped({ n: '={{ $json.n }}' }) },
				ids.map((rowId, i) => ({ rowId, n: i + 10 * (updateMode === 'merge' ? 1 : 2) })),
			);
			expect(result.error).toBeUndefined();
			expect(fx.sandbox.sortedRows(table.id).map((row) => row.data)).toEqual(
				ids.map((_id, i) => (updateMode === 'merge' ? { n: i + 10, keep: true } : { n: i + 20 })),
			);
			// Merge's second try leaves out the rows the first try merged (nothing would change)
			expect(writes('PATCH')).toBe(updateMode === 'merge' ? 3 + 2 : 3 + 4);
		}
	});

	test('Create is repeated whole: the rows the first try created are created again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Create retried' });
		failNth(fx.sandbox.server, 3, (req) => req.method === 'POST');
		const result = await run({ resource: 'row', operation: 'create', table: byId(table.id), columns: autoMap() }, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.n)).toEqual([1, 2, 1, 2, 3, 4]);
	});

	test('Delete is repeated whole: it doubles nothing, but the second try fails on the rows the first one deleted', async () => {
		const table = fx.sandbox.seedTable({ name: 'Delete retried', rows: Array.from({ length: 4 }, (_v, i) => ({ n: i })) });
		const ids = fx.sandbox.sortedRows(table.id).map((row) => row.id);
		failNth(fx.sandbox.server, 3, (req) => req.method === 'DELETE');
		const result = await run({ resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.rowId }}' }, ids.map((rowId) => ({ rowId })));
		expect(result.error?.message).toBe('Item 0: Not found in JustPaid: Row not found');
		expect(fx.sandbox.sortedRows(table.id).map((row) => row.data.n)).toEqual([2, 3]);
	});

	test("the node's own retries: a 503 on the table read and on list pages of Upsert is retried with back-off, without Continue On Fail", async () => {
		const table = fx.sandbox.seedTable({ name: 'Reads retried', columns: [{ name: 'key', type: 'text' }], rows: Array.from({ length: 250 }, (_v, i) => ({ key: `k${i}` })) });
		fx.sandbox.server.inject({ match: (req) => req.method === 'GET' && req.path.endsWith(table.id), action: { kind: 'status', status: 503, retryAfter: 0.05 }, times: 2 });
		let pages = 0;
		fx.sandbox.server.inject({ match: (req) => req.method === 'GET' && req.path.endsWith('/rows') && [1, 4].includes(++pages), action: { kind: 'status', status: 503 }, times: 2 });
		const result = await fx.run({ resource: 'row', operation: 'upsert', table: byId(table.id), columns: autoMap({ matchingColumns: ['key'] }), options: { otherFields: 'send' } }, [{ key: 'k7', note: 1 }, { key: 'new' }]);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json._action)).toEqual(['updated', 'created']);
		const reads = fx.sandbox.server.log.filter((entry) => entry.method === 'GET');
		// the table read twice refused, then answered; three pages, the first and third refused once each
		expect(reads.map((entry) => `${entry.path.endsWith('/rows') ? `rows@${entry.query.offset}` : 'table'} ${entry.status}`)).toEqual([
			'table 503',
			'table 503',
			'table 200',
			'rows@0 503',
			'rows@0 200',
			'rows@100 200',
			'rows@200 503',
			'rows@200 200',
		]);
	});

	test("the node's own retries: a delete whose answer was lost and whose retry finds the row gone counts as deleted", async () => {
		const table = fx.sandbox.seedTable({ name: 'Delete lost', rows: [{ n: 1 }, { n: 2 }] });
		const [first] = fx.sandbox.sortedRows(table.id);
		fx.sandbox.server.inject({ match: (req) => req.method === 'DELETE', action: { kind: 'drop-after' } });
		const result = await fx.run({ resource: 'row', operation: 'delete', table: byId(table.id), rowId: first.id });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([{ id: first.id, tableId: table.id, deleted: true }]);
		expect(fx.sandbox.server.log.filter((entry) => entry.method === 'DELETE').map((entry) => entry.status)).toEqual([200, 404]);
	});
});

describe('Extruct with Retry On Fail', () => {
	let fx: ExtructFixture;
	beforeAll(async () => (fx = await extructFixture()));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => {
		fx.sandbox.server.clearLog();
		fx.sandbox.server.clearInjected();
	});
	const run = async (parameters: Record<string, unknown>, items: Array<Record<string, unknown>>) =>
		await fx.harness.execute({ node: 'extruct', parameters: parameters as never, items: items as never, retryOnFail: RETRY });

	test('Row → Update repeats safely: the second try writes the same values again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Update retried', kind: 'company', rows: Array.from({ length: 6 }, (_v, i) => ({ input: `https://${i}.example` })) });
		const ids = fx.sandbox.tables.get(table.id)!.rows.map((row) => row.id);
		failNth(fx.sandbox.server, 2, (req) => req.method === 'PATCH');
		const result = await run(
			{ resource: 'row', operation: 'update', table: extructTable(table.id), rowId: '={{ $json.rowId }}', columns: { mappingMode: 'autoMapInputData', value: null }, options: { batchSize: 2, concurrency: 1 } },
			ids.map((rowId, i) => ({ rowId, input: `https://new-${i}.example` })),
		);
		expect(result.error).toBeUndefined();
		const rows = fx.sandbox.tables.get(table.id)!.rows;
		expect(rows.map((row) => row.data.input.value)).toEqual(ids.map((_id, i) => `https://new-${i}.example`));
	});

	test("the node's own retries: a batch delete whose answer was lost counts the rows its retry did not find as deleted", async () => {
		const table = fx.sandbox.seedTable({ name: 'Delete lost', kind: 'company', rows: Array.from({ length: 3 }, (_v, i) => ({ input: `https://${i}.example` })) });
		const ids = fx.sandbox.tables.get(table.id)!.rows.map((row) => row.id);
		fx.sandbox.server.inject({ match: (req) => req.method === 'DELETE', action: { kind: 'drop-after' } });
		const result = await fx.run({ resource: 'row', operation: 'delete', table: extructTable(table.id), rowId: '={{ $json.rowId }}' }, ids.slice(0, 2).map((rowId) => ({ rowId })));
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual(ids.slice(0, 2).map((id) => ({ id, deleted: true })));
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.id)).toEqual([ids[2]]);
		expect(fx.sandbox.server.requests('DELETE')).toHaveLength(2);
	});

	test('Row → Add is repeated whole: the rows of the batches the first try stored are added again', async () => {
		const table = fx.sandbox.seedTable({ name: 'Add retried', kind: 'company' });
		failNth(fx.sandbox.server, 2, (req) => req.method === 'POST');
		const result = await run(
			{ resource: 'row', operation: 'add', table: extructTable(table.id), columns: { mappingMode: 'autoMapInputData', value: null }, options: { batchSize: 2, concurrency: 1 } },
			Array.from({ length: 4 }, (_v, i) => ({ input: `https://${i}.example` })),
		);
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value)).toEqual(['https://0.example', 'https://1.example', 'https://0.example', 'https://1.example', 'https://2.example', 'https://3.example']);
	});
});
