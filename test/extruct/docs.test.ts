/**
 * Extruct as its API docs say (docs.extruct.ai, api-notes): the table list's `tags` filter is a
 * repeated query parameter (a table with any of the tags matches), `scope` filters by ownership,
 * a 402 with `detail.error` is a billing refusal that is explained and never retried, and the
 * table status has no `num_cells_failed` (failures show in the cells: waiting and the Row
 * Enriched trigger read them there).
 */
import { EXTRUCT_BILLING_ERRORS } from '../../sandbox/extruct';
import { extructTriggerFixture, sleep } from '../triggers/setup';
import { byId, extructFixture } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	fx.sandbox.server.clearLog();
	fx.sandbox.billing = undefined;
	fx.sandbox.user.available_credits = 10_000;
});

const agent = { kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'llm', prompt: 'Stage of {input}', output_format: 'text' } };
const listRequests = () => fx.sandbox.server.requests('GET', '/v1/tables');

describe('Extruct Table → Get Many', () => {
	test('Tags: sent as a repeated parameter, exactly so on the wire; a table with any of them is returned', async () => {
		const marker = `t${Date.now()}`;
		fx.sandbox.seedTable({ name: `${marker} both`, tags: [`${marker}-a`, `${marker}-b`] });
		fx.sandbox.seedTable({ name: `${marker} a`, tags: [`${marker}-a`] });
		fx.sandbox.seedTable({ name: `${marker} b`, tags: [`${marker}-b`, 'other'] });
		fx.sandbox.seedTable({ name: `${marker} none`, tags: ['other'] });
		const result = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true, filters: { tags: ` ${marker}-a, ${marker}-b ,` }, sort: 'name' });
		expect(result.error).toBeUndefined();
		expect(result.json.map((table) => table.name)).toEqual([`${marker} a`, `${marker} b`, `${marker} both`]);
		expect(listRequests().map((entry) => entry.rawQuery)).toEqual([`?sort=name&tags=${marker}-a&tags=${marker}-b&offset=0&limit=100`]);
	});

	test('Scope: Mine lists only your own tables, Organization also the tables colleagues share', async () => {
		const colleague = { id: 'u_colleague', email: 'colleague@extruct.test' };
		const mine = fx.sandbox.seedTable({ name: 'Scoped mine', tags: ['scoped'] });
		const shared = fx.sandbox.seedTable({ name: 'Scoped shared', tags: ['scoped'], owner: colleague, scope: 'organization' });
		fx.sandbox.seedTable({ name: 'Scoped private', tags: ['scoped'], owner: colleague });
		const personal = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true, filters: { tags: 'scoped', scope: 'personal' } });
		expect(personal.json.map((table) => table.id)).toEqual([mine.id]);
		const organization = await fx.run({ resource: 'table', operation: 'getMany', returnAll: true, filters: { tags: 'scoped', scope: 'organization' } });
		expect(organization.json.map((table) => table.id).sort()).toEqual([mine.id, shared.id].sort());
		expect(organization.json.find((table) => table.id === shared.id)).toMatchObject({ scope: 'organization', owner: colleague });
		expect(listRequests().map((entry) => entry.query.scope)).toEqual(['personal', 'organization']);
	});
});

describe('Extruct billing refusals (402)', () => {
	const expected: Record<string, RegExp> = {
		plan_required: /^Item 0: Extruct refused the request: your Extruct plan does not include this \(402 plan_required: Your plan does not include this feature\. Upgrade to continue\.\)$/,
		payment_failed: /^Item 0: Extruct refused the request: your Extruct account's last payment failed \(402 payment_failed: .*\)$/,
		insufficient_credits: /^Item 0: Extruct refused the request: your Extruct account has not enough credits \(402 insufficient_credits: .*\)$/,
	};
	const advice: Record<string, RegExp> = {
		plan_required: /Upgrade the plan/,
		payment_failed: /Update the payment method/,
		insufficient_credits: /Top up credits/,
	};

	test.each(EXTRUCT_BILLING_ERRORS.map((code) => [code]))('%s on Enrichment → Run: says which and what to do, sent once', async (code) => {
		const table = fx.sandbox.seedTable({ name: `Billing ${code}`, kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent], rows: [{ input: 'a.example' }] });
		fx.sandbox.billing = code;
		const result = await fx.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), wait: true }, [{}], true);
		expect(result.json[0].error).toMatch(expected[code]);
		expect(result.json[0].description).toMatch(advice[code]);
		expect(result.json[0].description).toMatch(/did not retry it/);
		expect(fx.sandbox.server.requests('POST', `/v1/tables/${table.id}/run`)).toHaveLength(1);
		expect(fx.sandbox.runs.filter((run) => run.tableId === table.id)).toHaveLength(0);
	});

	test('no credits left: Row → Add with Run Enrichment fails its items with insufficient_credits, the batch sent once; without the run the rows are added', async () => {
		const table = fx.sandbox.seedTable({ name: 'Billing add', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent] });
		fx.sandbox.user.available_credits = 0;
		const add = (run: boolean) => ({ resource: 'row', operation: 'add', table: byId(table.id), columns: { mappingMode: 'autoMapInputData', value: null }, run });
		const refused = await fx.run(add(true), [{ input: 'a.example' }, { input: 'b.example' }]);
		expect(refused.error?.message).toMatch(/^Item 0: Extruct refused the request: your Extruct account has not enough credits \(402 insufficient_credits/);
		expect(fx.sandbox.server.requests('POST', `/v1/tables/${table.id}/rows`)).toHaveLength(1);
		const plain = await fx.run(add(false), [{ input: 'a.example' }]);
		expect(plain.error).toBeUndefined();
		expect(fx.sandbox.tables.get(table.id)!.rows).toHaveLength(1);
	});

	test('an unknown 402 code still says payment is required and what to check', async () => {
		const table = fx.sandbox.seedTable({ name: 'Billing other', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent], rows: [{ input: 'a.example' }] });
		fx.sandbox.server.inject({ match: (req) => req.path.endsWith('/run'), action: { kind: 'status', status: 402, body: { detail: { error: 'seat_limit' } } } });
		const result = await fx.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), wait: false }, [{}], true);
		expect(result.json[0].error).toBe('Item 0: Extruct refused the request: payment required (402 seat_limit)');
		expect(result.json[0].description).toMatch(/plan, payment method and credits/);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
	});
});

describe('Extruct without num_cells_failed in the table status', () => {
	test('the status the sandbox answers has none (as the docs)', async () => {
		const table = fx.sandbox.seedTable({ name: 'No counter', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent], rows: [{ input: 'a.example' }] });
		const got = await fx.run({ resource: 'table', operation: 'get', table: byId(table.id) });
		expect(Object.keys(got.json[0].status as object).sort()).toEqual(['num_cells_completed', 'num_cells_in_progress', 'num_rows', 'run_status']);
	});

	test('waiting for a run whose cells all fail ends when they failed, and reports each failure on its row', async () => {
		const failing = await extructFixture({ cellStartMs: 0, cellDurationMs: 50, failRate: 1 });
		try {
			const table = failing.sandbox.seedTable({ name: 'All fail', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent], rows: [{ input: 'a.example' }, { input: 'b.example' }] });
			const result = await failing.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), wait: true, options: { firstInterval: 0.2, timeout: 20 } });
			expect(result.error).toBeUndefined();
			expect(result.json.map((row) => row._status)).toEqual([{ stage: 'failed' }, { stage: 'failed' }]);
			expect(failing.sandbox.tableStatus(table.id)).not.toHaveProperty('num_cells_failed');
		} finally {
			await failing.sandbox.close();
		}
	});

	test.each([
		['the docs (no counter)', false],
		['profile statusFailedCount', true],
	])('Row Enriched emits rows whose cells failed, as with %s', async (_label, statusFailedCount) => {
		const trigger = await extructTriggerFixture({ statusFailedCount });
		try {
			const table = trigger.sandbox.seedTable({ name: 'Trigger fails', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent] });
			const runner = trigger.runner({ table: byId(table.id), event: 'rowEnriched' });
			expect((await runner.poll()).empty).toBe(true);
			const [good, bad] = trigger.sandbox.addRows(table.id, [{ input: 'good.example' }, { input: 'will-fail.example' }], { run: true });
			while (trigger.sandbox.tableStatus(table.id).num_cells_in_progress > 0) await sleep(10);
			await sleep(2100); // the watermark stays 1-2 s under the server's clock
			const poll = await runner.poll();
			expect(poll.error).toBeUndefined();
			expect(poll.json.map((row) => [row.id, row._status])).toEqual([
				[good.id, undefined],
				[bad.id, { stage: 'failed' }],
			]);
			// its failed cells run again, a poll sees them running: emitted again once they failed again
			trigger.sandbox.runRows(table.id, { mode: 'failed', rowIds: [bad.id] });
			expect((await runner.poll()).empty).toBe(true);
			while (trigger.sandbox.tableStatus(table.id).num_cells_in_progress > 0) await sleep(10);
			await sleep(2100);
			expect((await runner.poll()).json.map((row) => row.id)).toEqual([bad.id]);
			expect((await runner.poll()).empty).toBe(true);
		} finally {
			await trigger.sandbox.close();
		}
	});
});
