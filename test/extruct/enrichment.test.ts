import { byId, extructFixture, visible } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture({ cellStartMs: 50, cellDurationMs: 300, cellParallelism: 4 })));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

const agent = { kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'research_pro', prompt: 'Funding stage of {input}', output_format: 'text' } };
const grade = { kind: 'criterion_grade', name: 'B2B', key: 'b2b', value: { criterion: 'Sells to businesses' } };

describe('Extruct Enrichment → Run', () => {
	test('Wait for Completion returns the enriched values of the run, waiting in sleep rather than a busy loop', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Enrich',
			kind: 'generic',
			columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent, grade],
			rows: Array.from({ length: 8 }, (_, i) => ({ input: `https://co-${i}.example` })),
		});
		const rows = fx.sandbox.tables.get(table.id)!.rows;
		const result = await fx.run(
			{ resource: 'enrichment', operation: 'run', table: byId(table.id), rowsSource: 'items', rowId: '={{ $json.id }}', wait: true, options: { firstInterval: 0.2 } },
			rows.map((row) => ({ id: row.id })),
		);

		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(8);
		result.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.id).toBe(rows[i].id);
			expect(item.json._status).toBeUndefined();
			expect(item.json.stage).toEqual(expect.objectContaining({ answer: expect.any(String), source: expect.any(Array), explanation: expect.any(String) }));
			expect(['Yes', 'Likely', 'No']).toContain((item.json.b2b as { answer: string }).answer);
		});
		// one run for all items
		const runs = fx.sandbox.server.requests('POST');
		expect(runs).toHaveLength(1);
		expect(runs[0].body).toEqual({ mode: 'new', rows: rows.map((row) => row.id) });
		// 16 cells at 4 at a time, 300 ms each: about 1.3 s; checks grow from 0.2 s by half each time
		const checks = fx.sandbox.server.requests('GET', `/v1/tables/${table.id}`);
		expect(checks.length).toBeGreaterThanOrEqual(2);
		// the wait sleeps between checks (a busy loop would read the table hundreds of times)
		expect(checks.length).toBeLessThanOrEqual(8);
	});

	test('a failed cell is reported on its row in _status, not swallowed', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Fails',
			kind: 'generic',
			columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent],
			rows: [{ input: 'https://good.example' }, { input: 'https://fail.example' }],
		});
		const result = await fx.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), rowsSource: 'all', wait: true, options: { firstInterval: 0.2 } });
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(2);
		const failed = result.json.find((row) => row.input === 'https://fail.example')!;
		expect(failed._status).toEqual({ stage: 'failed' });
		expect(result.json.find((row) => row.input === 'https://good.example')!._status).toBeUndefined();
	});

	test('without waiting, the started run is returned at once; columns and mode are passed through', async () => {
		const table = fx.sandbox.seedTable({ name: 'NoWait', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent, grade], rows: [{ input: 'a.example' }] });
		const gradeId = fx.sandbox.tables.get(table.id)!.columns.find((c) => c.config.key === 'b2b')!.id;
		const result = await fx.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), mode: 'all', columnIds: [gradeId], wait: false });
		expect(result.json[0]).toMatchObject({ status: 'created', mode: 'all', num_requested_cells: 1, tableId: table.id });
		expect(fx.sandbox.server.requests('POST')[0].body).toEqual({ mode: 'all', columns: [gradeId] });
	});

	test('Row → Add with Run Enrichment and Wait for Completion outputs each added row enriched', async () => {
		const table = fx.sandbox.seedTable({ name: 'AddWait', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent] });
		const result = await fx.run(
			{
				resource: 'row',
				operation: 'add',
				table: byId(table.id),
				columns: { mappingMode: 'autoMapInputData', value: null },
				run: true,
				wait: true,
				options: { firstInterval: 0.2 },
			},
			[{ input: 'https://one.example' }, { input: 'https://fail-two.example' }, { input: 'https://three.example' }],
		);
		expect(result.error).toBeUndefined();
		expect(result.json.map((row) => row.input)).toEqual(['https://one.example', 'https://fail-two.example', 'https://three.example']);
		expect(result.json[0].stage).toEqual(expect.objectContaining({ answer: expect.any(String) }));
		expect(result.json[1]._status).toEqual({ stage: 'failed' });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(1);
	});

	test('Row → Add waiting past its timeout says the rows were written', async () => {
		const slow = await extructFixture({ cellStartMs: 0, cellDurationMs: 60_000 });
		try {
			const table = slow.sandbox.seedTable({ name: 'AddSlow', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent] });
			const result = await slow.run(
				{ resource: 'row', operation: 'add', table: byId(table.id), columns: { mappingMode: 'autoMapInputData', value: null }, run: true, wait: true, options: { timeout: 1, firstInterval: 0.3 } },
				[{ input: 'a.example' }],
				true,
			);
			expect(result.json[0].error).toMatch(/^Item 0: The row was written \(id [\w-]+\), but enrichment of 1 written row\(s\) on table [\w-]+ did not finish within 1 s/);
			expect(slow.sandbox.tables.get(table.id)!.rows).toHaveLength(1);
		} finally {
			await slow.sandbox.close();
		}
	});

	test('on timeout the node fails with how far the run got', async () => {
		const slow = await extructFixture({ cellStartMs: 0, cellDurationMs: 60_000 });
		try {
			const table = slow.sandbox.seedTable({ name: 'Slow', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }, agent], rows: [{ input: 'a.example' }, { input: 'b.example' }] });
			const result = await slow.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), wait: true, options: { timeout: 1, firstInterval: 0.3 } });
			expect(result.error?.message).toMatch(/did not finish within 1 s: 0 cells done, 2 still in progress \(of 2 requested cells\)/);
			expect(visible(result)).not.toContain(slow.sandbox.token);
		} finally {
			await slow.sandbox.close();
		}
	});
});
