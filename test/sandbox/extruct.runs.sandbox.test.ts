/** The Extruct sandbox's enrichment runs, its direct helpers and fault injection (routes, tables and rows: extruct.sandbox.test.ts). */
import { extructCellValue, extructCompanyName, startExtructSandbox, type ExtructSandbox } from '../../sandbox/extruct';
import { client, sleep, withSandbox } from './extruct.client';

describe('Extruct sandbox: runs and direct access', () => {
	let sb: ExtructSandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sb = await startExtructSandbox();
		api = client(sb);
	});
	afterAll(() => sb.close());

	describe('runs', () => {
		it('progresses cells requested -> in_progress -> done with deterministic values', async () => {
			await withSandbox({ cellStartMs: 150, cellDurationMs: 250 }, async (local, call) => {
				const created = await call('POST', '/v1/tables', {
					name: 'Enrich',
					column_configs: [
						{ kind: 'agent', name: 'Industry', key: 'industry', value: { agent_type: 'llm', prompt: 'Industry?', output_format: 'select', labels: ['SaaS', 'Fintech', 'AI'] } },
						{ kind: 'criterion_grade', name: 'B2B', key: 'b2b', value: { criterion: 'Sells to businesses' } },
					],
				});
				const tableId = created.body.id;
				const rows = await call('POST', `/v1/tables/${tableId}/rows`, { rows: [{ data: { input: 'https://stripe.com' } }, { data: { input: 'openai.com' } }] });
				const t0 = Date.now();
				const run = await call('POST', `/v1/tables/${tableId}/run`, {});
				expect(run.status).toBe(200);
				expect(run.body).toEqual({ id: expect.any(String), status: 'created', rows: null, columns: null, num_requested_cells: 10, mode: 'new' }); // 2 rows x 5 enrichment columns

				const table = local.tables.get(tableId)!;
				const stripe = table.rows[0];
				expect(stripe.data.industry.status).toBe('requested');
				expect(local.cellStatus(stripe.data.company_name)).toBe('requested');
				let status = (await call('GET', `/v1/tables/${tableId}`)).body.status;
				expect(status).toEqual({ run_status: 'running', num_rows: 2, num_cells_completed: 0, num_cells_in_progress: 10 });
				const row = await call('GET', `/v1/tables/${tableId}/rows/${rows.body[0].id}`);
				expect(row.body.status).toBe('requested');

				await sleep(t0 + 250 - Date.now());
				expect(local.cellStatus(stripe.data.industry)).toBe('in_progress');
				const mid = await call('GET', `/v1/tables/${tableId}/data`);
				expect(mid.body.rows[1].data.b2b.status).toBe('in_progress');
				expect(mid.body.status.run_status).toBe('running');

				await sleep(t0 + 520 - Date.now());
				status = (await call('GET', `/v1/tables/${tableId}`)).body.status;
				expect(status).toEqual({ run_status: 'idle', num_rows: 2, num_cells_completed: 10, num_cells_in_progress: 0 });
				const done = await call('GET', `/v1/tables/${tableId}/data`);
				const data = done.body.rows[0].data;
				const industryConfig = table.columns.find((c) => c.config.key === 'industry')!.config;
				expect(data.industry).toEqual({ value: extructCellValue(industryConfig, 'https://stripe.com'), status: 'done', updated_at: expect.any(String) });
				expect(['SaaS', 'Fintech', 'AI']).toContain(data.industry.value.answer);
				expect(data.industry.value.source).toEqual(['https://stripe.com']);
				expect(['Yes', 'Likely', 'No']).toContain(data.b2b.value.answer);
				expect(data.company_name.value).toBe('Stripe');
				expect(data.company_website.value).toBe('https://stripe.com');
				expect(data.company_profile.value).toEqual({ description: expect.stringContaining('Stripe'), industry: expect.any(String), employees: expect.any(Number) });
				expect(done.body.rows[1].data.company_name.value).toBe(extructCompanyName('openai.com'));
				expect(Date.parse(data.industry.updated_at)).toBe(local.runs[0].completesAt);
				expect((await call('GET', `/v1/tables/${tableId}/rows/${rows.body[0].id}`)).body.status).toBe('done');

				// mode new finds nothing left; mode all re-requests every targeted cell
				expect((await call('POST', `/v1/tables/${tableId}/run`, {})).body.num_requested_cells).toBe(0);
				const columnId = table.columns.find((c) => c.config.key === 'b2b')!.id;
				const again = await call('POST', `/v1/tables/${tableId}/run`, { mode: 'all', rows: [rows.body[1].id], columns: [columnId] });
				expect(again.body).toMatchObject({ num_requested_cells: 1, mode: 'all', rows: [rows.body[1].id], columns: [columnId] });
				expect(table.rows[1].data.b2b.status).toBe('requested');
				expect(table.rows[0].data.b2b.status).toBe('done');
			});
		});

		it('starts a run with run=true on create, and shares the per-table queue between runs', async () => {
			await withSandbox({ cellStartMs: 10_000, cellDurationMs: 1000, cellParallelism: 2 }, async (local, call) => {
				const table = local.seedTable({ kind: 'generic', columns: [{ key: 'domain' }, { kind: 'company_name', key: 'name', name: 'Name' }] });
				const created = await call('POST', `/v1/tables/${table.id}/rows`, { rows: [{ data: { domain: 'a.com' } }, { data: { domain: 'b.com' } }, { data: { domain: 'c.com' } }], run: true });
				expect(created.body.map((r: any) => r.data.name.status)).toEqual(['requested', 'requested', 'requested']);
				const first = local.runs[0];
				expect(first).toMatchObject({ tableId: table.id, mode: 'new', num_requested_cells: 3, rows: created.body.map((r: any) => r.id) });
				// 3 cells, 2 at a time: two waves of 1000 ms after the 10 s start delay
				expect(first.completesAt - first.startedAt).toBe(10_000 + 2000);
				const more = await call('PATCH', `/v1/tables/${table.id}/rows`, { rows: [{ data: { domain: 'd.com' } }], run: true });
				expect(more.body[0].data.name.status).toBe('requested');
				const second = local.runs[1];
				// the fourth cell takes the second worker's slot after its first cell
				expect(second.completesAt).toBe(first.startedAt + 10_000 + 2000);
				expect(local.tableStatus(table.id)).toMatchObject({ run_status: 'running', num_cells_in_progress: 4 });

				// stuck_failed_new picks up the queued cells again
				const stuck = await call('POST', `/v1/tables/${table.id}/run`, { mode: 'stuck_failed_new' });
				expect(stuck.body.num_requested_cells).toBe(4);
			});
		});

		it('fails cells of rows whose input contains "fail", and re-runs them with mode failed', async () => {
			await withSandbox({ cellStartMs: 0, cellDurationMs: 30 }, async (local, call) => {
				const table = local.seedTable({ name: 'Fails', rows: [{ input: 'good.com' }, { input: 'will-fail.com' }] });
				const run = await call('POST', `/v1/tables/${table.id}/run`, { mode: 'new' });
				expect(run.body.num_requested_cells).toBe(6);
				await sleep(120);
				const status = (await call('GET', `/v1/tables/${table.id}`)).body.status;
				// the docs' status has no counter of failed cells: they show in the cells only
				expect(status).toEqual({ run_status: 'idle', num_rows: 2, num_cells_completed: 3, num_cells_in_progress: 0 });
				const bad = await call('GET', `/v1/tables/${table.id}/rows/${table.rows[1].id}`);
				expect(bad.body.status).toBe('failed');
				expect(bad.body.data.company_name).toEqual({ value: null, status: 'failed', updated_at: expect.any(String) });
				expect(table.rows[0].data.company_name).toMatchObject({ value: 'Good', status: 'done' });

				const retry = await call('POST', `/v1/tables/${table.id}/run`, { mode: 'failed' });
				expect(retry.body.num_requested_cells).toBe(3);
				expect(['requested', 'in_progress']).toContain(local.cellStatus(table.rows[1].data.company_name));
				expect(local.cellStatus(table.rows[0].data.company_name)).toBe('done');
			});
		});

		it('fails cells at random with failRate', async () => {
			await withSandbox({ cellStartMs: 0, cellDurationMs: 0, failRate: 1 }, async (local, call) => {
				const table = local.seedTable({ name: 'Random', rows: [{ input: 'fine.com' }] });
				await call('POST', `/v1/tables/${table.id}/run`, {});
				expect(local.tableStatus(table.id)).toMatchObject({ num_cells_completed: 0, num_cells_in_progress: 0 });
				expect(Object.values(table.rows[0].data).map((cell) => local.cellStatus(cell))).toEqual(['done', 'failed', 'failed', 'failed']);
			});
		});

		it('profile statusFailedCount: the status also counts failed cells', async () => {
			await withSandbox({ cellStartMs: 0, cellDurationMs: 0, failRate: 1, statusFailedCount: true }, async (local, call) => {
				const table = local.seedTable({ name: 'Counted', rows: [{ input: 'fine.com' }] });
				await call('POST', `/v1/tables/${table.id}/run`, {});
				expect((await call('GET', `/v1/tables/${table.id}`)).body.status).toEqual({ run_status: 'idle', num_rows: 1, num_cells_completed: 0, num_cells_in_progress: 0, num_cells_failed: 3 });
			});
		});

		it('validates run requests', async () => {
			const table = sb.seedTable({ name: 'Run checks', rows: [{ input: 'a.com' }] });
			const mode = await api('POST', `/v1/tables/${table.id}/run`, { mode: 'everything' });
			expect(mode.status).toBe(422);
			expect(mode.body.detail[0]).toMatchObject({ loc: ['body', 'mode'], type: 'enum' });
			const ids = await api('POST', `/v1/tables/${table.id}/run`, { rows: [table.rows[0].id, 'nope'], columns: ['nope'] });
			expect(ids.status).toBe(422);
			expect(ids.body.detail.map((d: any) => [d.loc, d.msg])).toEqual([
				[['body', 'rows', 1], 'Row not found'],
				[['body', 'columns', 0], 'Column not found'],
			]);
			expect(table.rows[0].data.company_name.status).toBe('created');
		});
	});

	describe('direct access and fault injection', () => {
		it('seeds tables directly and reports status without HTTP', async () => {
			const table = sb.seedTable({
				name: 'Seeded',
				kind: 'generic',
				columns: [{ name: 'Domain' }, { kind: 'agent', key: 'ans', name: 'Answer', value: { agent_type: 'llm', prompt: 'p', output_format: 'numeric' } }],
				rows: [{ domain: 'x.com' }, { domain: 'y.com', ans: { answer: 1 } }],
			});
			expect(table.columns.map((c) => c.config)).toEqual([
				{ kind: 'input', key: 'domain', name: 'Domain' },
				{ kind: 'agent', key: 'ans', name: 'Answer', value: { agent_type: 'llm', prompt: 'p', output_format: 'numeric' } },
			]);
			expect(table.rows[0].data.domain).toMatchObject({ value: 'x.com', status: 'done' });
			expect(sb.cellStatus(table.rows[0].data.ans)).toBe('created');
			expect(sb.cellStatus(table.rows[1].data.ans)).toBe('done');
			expect(sb.tableStatus(table.id)).toEqual({ run_status: 'idle', num_rows: 2, num_cells_completed: 1, num_cells_in_progress: 0 });
			// hand edits through the objects in `tables` are seen by the next status read
			expect((await api('GET', `/v1/tables/${table.id}`)).body.status).toMatchObject({ num_cells_completed: 1, num_cells_in_progress: 0 });
			table.rows[0].data.ans.status = 'in_progress';
			expect((await api('GET', `/v1/tables/${table.id}`)).body.status).toMatchObject({ num_cells_completed: 1, num_cells_in_progress: 1 });
			table.rows[0].data.ans = { value: 5, status: 'done', updated_at: new Date().toISOString() };
			expect(sb.tableStatus(table.id)).toMatchObject({ num_cells_completed: 2, num_cells_in_progress: 0 });
			expect(sb.cellStatus(table.rows[0].data.ans)).toBe('done');
			expect(() => sb.seedTable({ rows: [{ nope: 1 }] })).toThrow(/nope/);
			expect(() => sb.seedTable({ columns: [{ kind: 'agent', key: 'a' }] })).toThrow(/value/);
		});

		it('gives every cell its own state behind shared accessors: plain keys, plain JSON, no state shared between cells', async () => {
			const table = sb.seedTable({ name: 'Cells', rows: [{ input: 'a.com' }, { input: 'b.com' }] });
			const [first, second] = table.rows.map((row) => row.data.input);
			expect(Object.keys(first)).toEqual(['value', 'status', 'updated_at']);
			expect({ ...first }).toEqual({ value: 'a.com', status: 'done', updated_at: expect.any(String) });
			expect(JSON.parse(JSON.stringify(first))).toEqual({ value: 'a.com', status: 'done', updated_at: first.updated_at });
			first.value = 'c.com';
			expect([first.value, second.value]).toEqual(['c.com', 'b.com']);
		});

		it('answers a request its latency after the request arrived, having done the work meanwhile', async () => {
			await withSandbox({ latencyMs: 300 }, async (slow, slowApi) => {
				const table = slow.seedTable({ name: 'Latency' });
				const rows = (n: number) => ({ rows: Array.from({ length: 50 }, (_v, i) => ({ data: { input: `${n}-${i}.com` } })) });
				const answers = Promise.all([1, 2, 3].map((n) => slowApi('POST', `/v1/tables/${table.id}/rows`, rows(n))));
				await sleep(150);
				// stored on arrival, not answered yet
				expect(table.rows).toHaveLength(150);
				expect(slow.server.log.every((entry) => entry.endedAt === 0)).toBe(true);
				expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200]);
				for (const entry of slow.server.log) expect(entry.endedAt - entry.startedAt).toBeGreaterThanOrEqual(299);
			});
		});

		it('injects scripted faults on a route: 429 with Retry-After, then a dropped connection before processing', async () => {
			const table = sb.seedTable({ name: 'Faults' });
			const isAddRows = (req: { method: string; path: string }) => req.method === 'POST' && req.path === `/v1/tables/${table.id}/rows`;
			sb.server.inject({ match: isAddRows, action: { kind: 'status', status: 429, retryAfter: 7, body: { detail: 'Quota exceeded' } } });
			const limited = await api('POST', `/v1/tables/${table.id}/rows`, { rows: [{ data: { input: 'a.com' } }] });
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('7');
			expect(limited.body).toEqual({ detail: 'Quota exceeded' });
			expect(table.rows).toHaveLength(0);

			sb.server.inject({ match: isAddRows, action: { kind: 'drop-before' } });
			await expect(api('POST', `/v1/tables/${table.id}/rows`, { rows: [{ data: { input: 'a.com' } }] })).rejects.toThrow();
			expect(table.rows).toHaveLength(0);

			const ok = await api('POST', `/v1/tables/${table.id}/rows`, { rows: [{ data: { input: 'a.com' } }] });
			expect(ok.status).toBe(200);
			expect(table.rows).toHaveLength(1);
			const log = sb.server.requests('POST', '/v1/tables/:id/rows').filter((e) => e.path === `/v1/tables/${table.id}/rows`);
			expect(log.map((e) => [e.status, e.fault])).toEqual([
				[429, 'status-429'],
				[0, 'drop-before'],
				[200, undefined],
			]);
		});
	});
});
