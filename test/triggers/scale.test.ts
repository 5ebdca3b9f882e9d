/**
 * Idle polls on 100,000-row tables: the request counts (from each sandbox's log) and the size of
 * the saved state. Every table is created directly in the sandbox, without HTTP.
 */
import type { IDataObject } from 'n8n-workflow';

import type { LoggedRequest } from '../../sandbox/framework';
import { byId, clayTriggerFixture, extructTriggerFixture, justPaidTriggerFixture } from './setup';

const ROWS = 100_000;
const KB16 = 16 * 1024;

const routes = (log: LoggedRequest[]) => log.filter((entry) => entry.status < 400).map((entry) => entry.route ?? `${entry.method} ${entry.path}`);

describe('Extruct Trigger on a 100,000-row table', () => {
	test('idle polls cost 2 requests (Row Added and Row Enriched); the state stays under 16 KB', async () => {
		const fx = await extructTriggerFixture();
		try {
			const agent = { kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'llm', prompt: 'Stage of {input}', output_format: 'text' } };
			const table = fx.sandbox.seedTable({ name: 'Big', kind: 'generic', columns: [{ name: 'Input', key: 'input' }, agent] });
			// every row enriched, a minute ago
			fx.sandbox.seedRows(table.id, ROWS, (i) => ({ input: `https://company-${i}.example`, stage: `Series ${i % 5}` }), Date.now() - 60_000);
			const added = fx.runner({ table: byId(table.id), event: 'rowAdded' });
			const enriched = fx.runner({ table: byId(table.id), event: 'rowEnriched' });
			expect((await added.poll()).error).toBeUndefined();
			expect((await enriched.poll()).error).toBeUndefined(); // activation reads the table once

			for (const runner of [added, enriched]) {
				fx.sandbox.server.clearLog();
				const idle = await runner.poll();
				expect(idle.error).toBeUndefined();
				expect(idle.empty).toBe(true);
				expect(routes(fx.sandbox.server.log)).toEqual(['GET /v1/tables/:id', 'GET /v1/tables/:id/data']);
				expect(runner.stateBytes()).toBeLessThan(KB16);
			}

			const [row] = fx.sandbox.addRows(table.id, [{ input: 'https://new.example' }]);
			fx.sandbox.server.clearLog();
			expect((await added.poll()).json.map((out) => out.id)).toEqual([row.id]);
			expect(fx.sandbox.server.log.length).toBeLessThanOrEqual(3);
			expect(added.stateBytes()).toBeLessThan(KB16);
			expect(enriched.stateBytes()).toBeLessThan(KB16);
		} finally {
			await fx.sandbox.close();
		}
	});
});

describe('JustPaid Trigger on a 100,000-row table', () => {
	test('Row Added: an idle poll is 2 requests; Row Updated: 1 + 1,000 (no filter, documented); states under 16 KB', async () => {
		const fx = await justPaidTriggerFixture({ cacheOrder: true });
		try {
			const table = fx.sandbox.seedTable({
				name: 'Big',
				maxRows: ROWS + 10,
				rows: Array.from({ length: ROWS }, (_, i) => ({ invoiceId: `in_${i}`, amountCents: i })),
			});
			const added = fx.runner({ table: byId(table.id), event: 'rowAdded' });
			expect((await added.poll()).error).toBeUndefined();
			fx.sandbox.server.clearLog();
			const idle = await added.poll();
			expect(idle.empty).toBe(true);
			expect(routes(fx.sandbox.server.log)).toEqual(['GET /api/v1/tables/:id', 'GET /api/v1/tables/:id/rows']);
			expect(added.stateBytes()).toBeLessThan(KB16);

			const updated = fx.runner({ table: byId(table.id), event: 'rowUpdated' });
			expect((await updated.poll()).error).toBeUndefined();
			fx.sandbox.server.clearLog();
			const scan = await updated.poll();
			expect(scan.error).toBeUndefined();
			expect(scan.empty).toBe(true);
			const reads = routes(fx.sandbox.server.log);
			expect(reads[0]).toBe('GET /api/v1/tables/:id');
			expect(reads.slice(1)).toEqual(Array(1000).fill('GET /api/v1/tables/:id/rows'));
			expect(updated.stateBytes()).toBeLessThan(KB16);
		} finally {
			await fx.sandbox.close();
		}
	});
});

describe('Clay Trigger on a 100,000-record table', () => {
	test('idle polls cost one request (the id list; the run summary); the state stays under 16 KB', async () => {
		const fx = await clayTriggerFixture();
		try {
			const table = fx.sandbox.seedTable({
				name: 'Big',
				fields: [{ name: 'Name' }, { name: 'Company Domain', type: 'action' }],
				records: Array.from({ length: ROWS }, (_, i) => ({ Name: `lead ${i}` })),
			});
			const added = fx.runner({ table: byId(table.id), event: 'recordAdded' });
			const enriched = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
			expect((await added.poll()).error).toBeUndefined();
			expect((await enriched.poll()).error).toBeUndefined();

			fx.sandbox.server.clearLog();
			expect((await added.poll()).empty).toBe(true);
			expect(routes(fx.sandbox.server.log)).toEqual(['GET /v3/tables/:tableId/views/:viewId/records/ids']);
			fx.sandbox.server.clearLog();
			expect((await enriched.poll()).empty).toBe(true);
			expect(routes(fx.sandbox.server.log)).toEqual(['GET /v3/tables/:tableId/fieldrun']);

			const [record] = fx.sandbox.addRecords(table.id, [{ Name: 'new lead' }]);
			expect((await added.poll()).json.map((out: IDataObject) => out.id)).toEqual([record.id]);
			expect(added.stateBytes()).toBeLessThan(KB16);
			expect(enriched.stateBytes()).toBeLessThan(KB16);
		} finally {
			await fx.sandbox.close();
		}
	});
});
