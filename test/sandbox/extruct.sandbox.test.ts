/** The Extruct sandbox's routing, authentication, tables, columns and rows (runs, direct helpers, faults: extruct.runs.sandbox.test.ts). */
import { EXTRUCT_DEFAULT_TOKEN, startExtructSandbox, type ExtructSandbox } from '../../sandbox/extruct';
import { client, withSandbox } from './extruct.client';

describe('Extruct sandbox', () => {
	let sb: ExtructSandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sb = await startExtructSandbox();
		api = client(sb);
	});
	afterAll(() => sb.close());

	describe('auth and routing', () => {
		it('refuses a missing or wrong bearer token with FastAPI 401 bodies', async () => {
			const missing = await api('GET', '/v1/user', undefined, { token: null });
			expect(missing.status).toBe(401);
			expect(missing.body).toEqual({ detail: 'Not authenticated' });
			const wrong = await api('GET', '/v1/tables', undefined, { token: 'nope' });
			expect(wrong.status).toBe(401);
			expect(wrong.body).toEqual({ detail: 'Invalid token' });
			expect(sb.token).toBe(EXTRUCT_DEFAULT_TOKEN);
		});

		it('answers GET /v1/user with the account', async () => {
			const res = await api('GET', '/v1/user');
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ id: sb.user.id, email: sb.user.email, name: sb.user.name, available_credits: expect.any(Number) });
		});

		it('answers unknown routes with 404 Not Found and wrong methods with 405', async () => {
			expect(await api('GET', '/v1/nothing')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
			expect(await api('PUT', '/v1/tables')).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
			expect(await api('GET', '/v1/tables/does-not-exist')).toMatchObject({ status: 404, body: { detail: 'Table not found' } });
		});
	});

	describe('tables', () => {
		it('creates a company table with the automatic columns, user configs appended', async () => {
			const res = await api('POST', '/v1/tables', {
				name: 'Company Research',
				column_configs: [
					{ kind: 'input', name: 'Company', key: 'input' },
					{ kind: 'agent', name: 'Industry', key: 'industry', value: { agent_type: 'llm', prompt: 'Industry?', output_format: 'text' } },
				],
			});
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ name: 'Company Research', kind: 'company', description: null, tags: [], owner: { id: sb.user.id } });
			expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
			expect(res.body.columns.map((c: any) => c.config.key)).toEqual(['company_profile', 'company_name', 'company_website', 'input', 'industry']);
			expect(res.body.columns.map((c: any) => c.config.kind)).toEqual(['company_profile', 'company_name', 'company_website', 'input', 'agent']);
			expect(res.body.columns[3].config.name).toBe('Company');
			for (const c of res.body.columns) expect(c).toEqual({ id: expect.any(String), created_at: expect.any(String), config: expect.any(Object) });
		});

		it('defaults to an Untitled company table; people tables get their input columns', async () => {
			const plain = await api('POST', '/v1/tables', {});
			expect(plain.body).toMatchObject({ name: 'Untitled Table', kind: 'company' });
			expect(plain.body.columns.map((c: any) => c.config.key)).toEqual(['input', 'company_profile', 'company_name', 'company_website']);
			const people = await api('POST', '/v1/tables', { kind: 'people', name: 'Contacts' });
			expect(people.body.columns.map((c: any) => [c.config.key, c.config.kind])).toEqual([
				['input', 'input'],
				['full_name', 'input'],
				['role', 'input'],
				['profile_url', 'input'],
			]);
			const generic = await api('POST', '/v1/tables', { kind: 'generic', column_configs: [{ kind: 'input', name: 'Domain', key: 'domain' }] });
			expect(generic.body.columns.map((c: any) => c.config.key)).toEqual(['domain']);
		});

		it('rejects bad column configs with 422 pinpointing each one, creating nothing', async () => {
			const before = sb.tables.size;
			const res = await api('POST', '/v1/tables', {
				kind: 'generic',
				column_configs: [
					{ kind: 'input', name: 'Domain', key: 'domain' },
					{ kind: 'agent', name: 'A', key: 'a', value: { agent_type: 'llm', output_format: 'text' } },
					{ kind: 'agent', name: 'B', key: 'b', value: { agent_type: 'llm', prompt: 'p', output_format: 'select' } },
					{ kind: 'agent', name: 'C', key: 'c', value: { agent_type: 'llm', prompt: 'p', output_format: 'json' } },
					{ kind: 'agent', name: 'D', key: 'd', value: { agent_type: 'robot', prompt: 'p', output_format: 'text' } },
					{ kind: 'magic', name: 'E', key: 'e' },
					{ kind: 'input', name: 'Dup', key: 'domain' },
					{ kind: 'criterion_grade', name: 'G', key: 'g', value: {} },
					{ kind: 'company_people_finder', name: 'P', key: 'p', value: { roles: 'CEO' } },
					{ kind: 'reverse_email_lookup', name: 'R', key: 'r', email_column_key: 'nope' },
					{ kind: 'input', key: 'noname' },
				],
			});
			expect(res.status).toBe(422);
			const locs = res.body.detail.map((d: any) => d.loc);
			expect(locs).toEqual([
				['body', 'column_configs', 1, 'value', 'prompt'],
				['body', 'column_configs', 2, 'value', 'labels'],
				['body', 'column_configs', 3, 'value', 'output_schema'],
				['body', 'column_configs', 4, 'value', 'agent_type'],
				['body', 'column_configs', 5],
				['body', 'column_configs', 6, 'key'],
				['body', 'column_configs', 7, 'value', 'criterion'],
				['body', 'column_configs', 8, 'value', 'roles'],
				['body', 'column_configs', 9, 'email_column_key'],
				['body', 'column_configs', 10, 'name'],
			]);
			expect(res.body.detail[0]).toMatchObject({ msg: 'Field required', type: 'missing' });
			expect(res.body.detail[3].msg).toBe("Input should be 'research_pro', 'research_reasoning', 'llm' or 'linkedin'");
			expect(res.body.detail[4].type).toBe('union_tag_invalid');
			expect(sb.tables.size).toBe(before);
		});

		it('accepts every documented column kind', async () => {
			const res = await api('POST', '/v1/tables', {
				kind: 'company',
				column_configs: [
					{ kind: 'input', name: 'Email', key: 'email' },
					{ kind: 'agent', name: 'Tier', key: 'tier', value: { agent_type: 'research_pro', prompt: 'Tier?', output_format: 'multiselect', labels: ['x', 'y'] } },
					{ kind: 'agent', name: 'Facts', key: 'facts', value: { agent_type: 'research_reasoning', prompt: 'Facts', output_format: 'json', output_schema: { type: 'object' } } },
					{ kind: 'criterion_grade', name: 'B2B', key: 'b2b', value: { criterion: 'Sells to businesses' } },
					{ kind: 'company_people_finder', name: 'People', key: 'people', value: { roles: ['CEO', 'CTO'] } },
					{ kind: 'discovery_scores', name: 'Score', key: 'score' },
					{ kind: 'email_finder', name: 'Finder', key: 'finder' },
					{ kind: 'phone_finder', name: 'Phone', key: 'phone' },
					{ kind: 'reverse_email_lookup', name: 'Who', key: 'who', email_column_key: 'email' },
				],
			});
			expect(res.status).toBe(200);
			expect(res.body.columns).toHaveLength(13);
		});

		it('lists tables with limit checks, pagination headers, filters and sorting', async () => {
			await withSandbox({}, async (local, call) => {
				for (const [name, tags] of [
					['Alpha', ['x']],
					['beta', ['x', 'y']],
					['Gamma', ['y']],
					['Delta', []],
					['alphabet', ['x', 'y']],
				] as Array<[string, string[]]>) {
					expect((await call('POST', '/v1/tables', { name, tags, kind: 'generic' })).status).toBe(200);
				}
				local.seedTable({ name: 'People list', kind: 'people', rows: [{ input: 'a' }, { input: 'b' }] });

				const over = await call('GET', '/v1/tables?limit=101');
				expect(over).toMatchObject({ status: 400, body: { detail: 'limit must be between 1 and 100' } });
				expect((await call('GET', '/v1/tables?limit=0')).status).toBe(400);
				const notInt = await call('GET', '/v1/tables?limit=abc');
				expect(notInt.status).toBe(422);
				expect(notInt.body.detail[0].loc).toEqual(['query', 'limit']);
				const badSort = await call('GET', '/v1/tables?sort=size');
				expect(badSort.status).toBe(422);
				expect(badSort.body.detail[0].loc).toEqual(['query', 'sort']);

				const page = await call('GET', '/v1/tables?limit=2&offset=2&sort=created_at');
				expect(page.status).toBe(200);
				expect(page.body.map((t: any) => t.name)).toEqual(['Gamma', 'Delta']);
				expect(page.headers.get('x-extruct-pagination-total')).toBe('6');
				expect(page.headers.get('x-extruct-pagination-total-pages')).toBe('3');
				expect(page.headers.get('x-extruct-pagination-limit')).toBe('2');
				expect(page.headers.get('x-extruct-pagination-offset')).toBe('2');
				expect(page.headers.get('x-extruct-pagination-page')).toBe('2');
				expect(page.body[0]).toMatchObject({ num_rows: 0, columns: expect.any(Array) });
				expect(page.body[0].rows).toBeUndefined();

				const all = await call('GET', '/v1/tables');
				expect(all.body).toHaveLength(6);
				expect(all.body[0].name).toBe('People list'); // default: newest first
				expect(all.headers.get('x-extruct-pagination-limit')).toBe('50');

				expect((await call('GET', '/v1/tables?search=ALPHA')).body.map((t: any) => t.name).sort()).toEqual(['Alpha', 'alphabet']);
				// tags repeated: a table with any of them; `x,y` is one tag, `tags[0]=` is no tags parameter
				expect((await call('GET', '/v1/tables?tags=x&tags=y&sort=name')).body.map((t: any) => t.name)).toEqual(['Alpha', 'alphabet', 'beta', 'Gamma']);
				expect((await call('GET', '/v1/tables?tags=y&sort=name')).body.map((t: any) => t.name)).toEqual(['alphabet', 'beta', 'Gamma']);
				expect((await call('GET', '/v1/tables?tags=x,y')).body).toEqual([]);
				expect((await call('GET', '/v1/tables?tags%5B0%5D=x')).body).toHaveLength(6);
				expect((await call('GET', '/v1/tables?kind=people')).body.map((t: any) => [t.name, t.num_rows])).toEqual([['People list', 2]]);
				expect((await call('GET', '/v1/tables?sort=-num_rows&limit=1')).body[0].name).toBe('People list');
				expect((await call('GET', '/v1/tables?sort=-name')).body.map((t: any) => t.name)).toEqual(['People list', 'Gamma', 'Delta', 'beta', 'alphabet', 'Alpha']);
				// scope: a colleague's organization table is listed with `organization` (and no scope), not with `personal`;
				// a colleague's personal table never
				const colleague = { id: 'u_colleague', email: 'colleague@extruct.test' };
				local.seedTable({ name: 'Shared by a colleague', owner: colleague, scope: 'organization' });
				const hidden = local.seedTable({ name: 'Private to a colleague', owner: colleague });
				expect((await call('GET', '/v1/tables?scope=organization')).body.map((t: any) => t.name)).toContain('Shared by a colleague');
				expect((await call('GET', '/v1/tables')).body).toHaveLength(7);
				expect((await call('GET', '/v1/tables?scope=personal')).body.map((t: any) => t.name)).not.toContain('Shared by a colleague');
				expect((await call('GET', '/v1/tables?scope=personal')).body).toHaveLength(6);
				expect((await call('GET', `/v1/tables/${hidden.id}`)).status).toBe(404);
				const badScope = await call('GET', '/v1/tables?scope=team');
				expect(badScope.status).toBe(422);
				expect(badScope.body.detail[0].loc).toEqual(['query', 'scope']);
			});
		});

		it('gets, updates and deletes a table', async () => {
			const table = sb.seedTable({ name: 'Patch me', kind: 'generic', columns: [{ key: 'a' }, { key: 'b' }, { key: 'c' }], rows: [{ a: 1 }] });
			const got = await api('GET', `/v1/tables/${table.id}`);
			expect(got.body).toMatchObject({ id: table.id, name: 'Patch me', status: { run_status: 'idle', num_rows: 1, num_cells_in_progress: 0 } });
			expect(got.body.rows).toBeUndefined();

			const [a, b, c] = table.columns.map((col) => col.id);
			const patched = await api('PATCH', `/v1/tables/${table.id}`, { name: 'Patched', tags: ['t'], description: 'd', columns_order: [c, a] });
			expect(patched.status).toBe(200);
			expect(patched.body).toMatchObject({ name: 'Patched', tags: ['t'], description: 'd' });
			expect(patched.body.columns.map((col: any) => col.id)).toEqual([c, a, b]);
			const bad = await api('PATCH', `/v1/tables/${table.id}`, { columns_order: ['nope'] });
			expect(bad.status).toBe(422);
			expect(bad.body.detail[0].loc).toEqual(['body', 'columns_order', 0]);

			expect(await api('DELETE', `/v1/tables/${table.id}`)).toMatchObject({ status: 200, body: { id: table.id, deleted: true } });
			expect(await api('GET', `/v1/tables/${table.id}`)).toMatchObject({ status: 404, body: { detail: 'Table not found' } });
			expect(sb.tables.has(table.id)).toBe(false);
		});

		it('clones a table: schema only by default, with rows on request', async () => {
			const source = sb.seedTable({
				name: 'Source',
				columns: [{ kind: 'agent', key: 'summary', name: 'Summary', value: { agent_type: 'llm', prompt: 'Summarize', output_format: 'text' } }],
				rows: [{ input: 'stripe.com' }, { input: 'openai.com' }],
				tags: ['keep'],
			});
			const schema = await api('POST', `/v1/tables/${source.id}/clone`);
			expect(schema.status).toBe(200);
			expect(schema.body).toMatchObject({ name: 'Source (copy)', kind: 'company', tags: ['keep'] });
			expect(schema.body.id).not.toBe(source.id);
			expect(schema.body.columns.map((c: any) => c.config)).toEqual(source.columns.map((c) => c.config));
			const sourceIds = new Set(source.columns.map((c) => c.id));
			expect(schema.body.columns.every((c: any) => !sourceIds.has(c.id))).toBe(true);
			expect(sb.tables.get(schema.body.id)!.rows).toHaveLength(0);

			const full = await api('POST', `/v1/tables/${source.id}/clone?schema_only=false`);
			const copy = sb.tables.get(full.body.id)!;
			expect(copy.rows.map((r) => r.data.input.value)).toEqual(['stripe.com', 'openai.com']);
			expect(copy.rows.map((r) => r.id)).not.toEqual(source.rows.map((r) => r.id));
			expect((await api('GET', `/v1/tables/${full.body.id}/data`)).body.rows).toHaveLength(2);
			expect((await api('POST', `/v1/tables/${source.id}/clone?schema_only=maybe`)).status).toBe(422);
		});
	});

	describe('columns', () => {
		it('adds columns at the end, at the start, or after a column; cells appear on existing rows', async () => {
			const table = sb.seedTable({ kind: 'generic', columns: [{ key: 'domain' }, { key: 'tail' }], rows: [{ domain: 'a.com' }] });
			const [domain] = table.columns;
			const end = await api('POST', `/v1/tables/${table.id}/columns`, {
				column_configs: [{ kind: 'company_name', name: 'Name', key: 'name' }],
			});
			expect(end.status).toBe(200);
			expect(end.body).toEqual([{ id: expect.any(String), created_at: expect.any(String), config: { kind: 'company_name', name: 'Name', key: 'name' } }]);
			const start = await api('POST', `/v1/tables/${table.id}/columns`, { column_configs: [{ kind: 'input', name: 'First', key: 'first' }], insert_after: false });
			const after = await api('POST', `/v1/tables/${table.id}/columns`, {
				column_configs: [
					{ kind: 'email_finder', name: 'Email', key: 'email' },
					{ kind: 'reverse_email_lookup', name: 'Who', key: 'who', email_column_key: 'email' },
				],
				insert_after: domain.id,
			});
			expect(after.body).toHaveLength(2);
			expect(table.columns.map((c) => c.config.key)).toEqual(['first', 'domain', 'email', 'who', 'tail', 'name']);
			expect(start.body[0].config.key).toBe('first');
			expect(table.rows[0].data.name).toEqual({ value: null, status: 'created', updated_at: null });
			expect(table.rows[0].data.first).toMatchObject({ value: null, status: 'done' });

			const dup = await api('POST', `/v1/tables/${table.id}/columns`, { column_configs: [{ kind: 'input', name: 'Again', key: 'domain' }] });
			expect(dup.status).toBe(422);
			expect(dup.body.detail[0]).toMatchObject({ loc: ['body', 'column_configs', 0, 'key'], msg: "Duplicate column key 'domain'" });
			const badAfter = await api('POST', `/v1/tables/${table.id}/columns`, { column_configs: [{ kind: 'input', name: 'X', key: 'x' }], insert_after: 'nope' });
			expect(badAfter.status).toBe(422);
			expect(badAfter.body.detail[0].loc).toEqual(['body', 'insert_after']);
		});

		it('replaces a column config (renaming its key in every row) and deletes a column with its cells', async () => {
			const table = sb.seedTable({
				kind: 'generic',
				columns: [{ key: 'domain' }, { kind: 'agent', key: 'q', name: 'Q', value: { agent_type: 'llm', prompt: 'p', output_format: 'text' } }],
				rows: [{ domain: 'a.com' }, { domain: 'b.com' }],
			});
			const q = table.columns[1];
			const patched = await api('PATCH', `/v1/tables/${table.id}/columns/${q.id}`, {
				kind: 'agent',
				name: 'Grade',
				key: 'grade',
				value: { agent_type: 'llm', prompt: 'Grade it', output_format: 'grade' },
			});
			expect(patched.status).toBe(200);
			expect(patched.body).toEqual({ id: q.id, created_at: q.created_at, config: { kind: 'agent', name: 'Grade', key: 'grade', value: { agent_type: 'llm', prompt: 'Grade it', output_format: 'grade' } } });
			expect(Object.keys(table.rows[0].data)).toEqual(['domain', 'grade']);

			const invalid = await api('PATCH', `/v1/tables/${table.id}/columns/${q.id}`, { kind: 'agent', name: 'Grade', key: 'grade', value: { agent_type: 'llm', output_format: 'grade' } });
			expect(invalid.status).toBe(422);
			expect(invalid.body.detail[0].loc).toEqual(['body', 'value', 'prompt']);
			expect(await api('PATCH', `/v1/tables/${table.id}/columns/nope`, { kind: 'input', name: 'n', key: 'n' })).toMatchObject({
				status: 404,
				body: { detail: 'Column not found' },
			});

			expect(await api('DELETE', `/v1/tables/${table.id}/columns/${q.id}`)).toMatchObject({ status: 200, body: { id: q.id, deleted: true } });
			expect(table.columns.map((c) => c.config.key)).toEqual(['domain']);
			expect(Object.keys(table.rows[1].data)).toEqual(['domain']);
			expect((await api('DELETE', `/v1/tables/${table.id}/columns/${q.id}`)).status).toBe(404);
		});
	});

	describe('rows', () => {
		it('adds rows: input cells done, other cells created, in the given order', async () => {
			const table = sb.seedTable({ name: 'Rows' });
			const res = await api('POST', `/v1/tables/${table.id}/rows`, {
				rows: [{ data: { input: 'https://stripe.com' } }, { data: { input: 'https://openai.com' }, metadata: { source: 'crm' } }],
				run: false,
			});
			expect(res.status).toBe(200);
			expect(res.body).toHaveLength(2);
			const [first, second] = res.body;
			expect(first).toMatchObject({ parent_row_id: null, company_profile_id: null, metadata: {}, parent_data: null });
			expect(first.data.input).toEqual({ value: 'https://stripe.com', status: 'done', updated_at: expect.any(String) });
			expect(first.data.company_name).toEqual({ value: null, status: 'created', updated_at: null });
			expect(second.metadata).toEqual({ source: 'crm' });
			expect(table.rows.map((r) => r.id)).toEqual([first.id, second.id]);
			expect(sb.runs.filter((r) => r.tableId === table.id)).toHaveLength(0);
		});

		it('rejects a batch with one bad row with 422 pinpointing it, storing nothing', async () => {
			const table = sb.seedTable({ name: 'Strict', rows: [{ input: 'x.com' }] });
			const rows = [0, 1, 2, 3, 4].map((i) => ({ data: { input: `company${i}.com` } })) as any[];
			rows[3] = { data: { input: 'bad.com', badkey: 'oops' } };
			const res = await api('POST', `/v1/tables/${table.id}/rows`, { rows });
			expect(res.status).toBe(422);
			expect(res.body.detail).toEqual([{ type: 'value_error', loc: ['body', 'rows', 3, 'data', 'badkey'], msg: "Unknown column key 'badkey'", input: 'oops' }]);
			expect(table.rows).toHaveLength(1);

			rows[1] = { metadata: {} };
			rows[2] = { data: 'text' };
			rows[4] = { data: { input: 'y'.repeat(10001) } };
			const many = await api('POST', `/v1/tables/${table.id}/rows`, { rows });
			expect(many.status).toBe(422);
			expect(many.body.detail.map((d: any) => [d.loc, d.msg, d.type])).toEqual([
				[['body', 'rows', 1, 'data'], 'Field required', 'missing'],
				[['body', 'rows', 2, 'data'], 'Input should be a valid dictionary', 'dict_type'],
				[['body', 'rows', 3, 'data', 'badkey'], "Unknown column key 'badkey'", 'value_error'],
				[['body', 'rows', 4, 'data', 'input'], 'String should have at most 10000 characters', 'string_too_long'],
			]);
			expect(table.rows).toHaveLength(1);

			expect((await api('POST', `/v1/tables/${table.id}/rows`, { rows: 'all' })).body.detail[0].loc).toEqual(['body', 'rows']);
			expect((await api('POST', `/v1/tables/${table.id}/rows`, {})).body.detail[0]).toMatchObject({ loc: ['body', 'rows'], msg: 'Field required' });
			const notJson = await api('POST', `/v1/tables/${table.id}/rows`, undefined, { raw: '{"rows": [' });
			expect(notJson.status).toBe(422);
			expect(notJson.body.detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
			expect(await api('POST', '/v1/tables/nope/rows', { rows: [] })).toMatchObject({ status: 404, body: { detail: 'Table not found' } });
			expect(table.rows).toHaveLength(1);
		});

		it('reads rows page by page and one by one', async () => {
			const table = sb.seedTable({ name: 'Pages', rows: Array.from({ length: 7 }, (_, i) => ({ input: `c${i}.com` })) });
			const first = await api('GET', `/v1/tables/${table.id}/data?limit=3`);
			expect(first.status).toBe(200);
			expect(first.body).toMatchObject({ id: table.id, name: 'Pages', kind: 'company', status: { num_rows: 7, run_status: 'idle' } });
			expect(first.body.columns).toHaveLength(4);
			expect(first.body.rows.map((r: any) => r.data.input.value)).toEqual(['c0.com', 'c1.com', 'c2.com']);
			const last = await api('GET', `/v1/tables/${table.id}/data?limit=3&offset=6`);
			expect(last.body.rows.map((r: any) => r.data.input.value)).toEqual(['c6.com']);
			expect((await api('GET', `/v1/tables/${table.id}/data?limit=500`)).status).toBe(400);
			expect((await api('GET', `/v1/tables/${table.id}/data`)).body.rows).toHaveLength(7);

			const row = table.rows[2];
			const one = await api('GET', `/v1/tables/${table.id}/rows/${row.id}`);
			expect(one.body).toEqual({
				id: row.id,
				created_at: row.created_at,
				status: 'created',
				columns: ['input', 'company_profile', 'company_name', 'company_website'],
				parent_row_id: null,
				company_profile_id: null,
				data: JSON.parse(JSON.stringify(row.data)),
				metadata: {},
				parent_data: null,
			});
			expect(await api('GET', `/v1/tables/${table.id}/rows/nope`)).toMatchObject({ status: 404, body: { detail: 'Row not found' } });
		});

		it('updates rows in bulk: merges data, creates rows without id, rejects unknown ids as a whole', async () => {
			const table = sb.seedTable({
				name: 'Update',
				columns: [{ key: 'note' }],
				rows: [
					{ input: 'a.com', note: 'first' },
					{ input: 'b.com', note: 'second' },
				],
			});
			const [a, b] = table.rows;
			const rejected = await api('PATCH', `/v1/tables/${table.id}/rows`, {
				rows: [{ id: a.id, data: { note: 'changed' } }, { id: 'missing', data: { note: 'x' } }],
			});
			expect(rejected.status).toBe(422);
			expect(rejected.body.detail).toEqual([{ type: 'value_error', loc: ['body', 'rows', 1, 'id'], msg: 'Row not found', input: 'missing' }]);
			expect(a.data.note.value).toBe('first');

			const res = await api('PATCH', `/v1/tables/${table.id}/rows`, {
				rows: [
					{ id: b.id, data: { note: 'updated', company_name: 'Bee Inc' }, metadata: { m: 1 } },
					{ data: { input: 'c.com' } },
				],
			});
			expect(res.status).toBe(200);
			expect(res.body).toHaveLength(2);
			expect(res.body[0].id).toBe(b.id);
			expect(res.body[0].data.input.value).toBe('b.com');
			expect(res.body[0].data.note).toMatchObject({ value: 'updated', status: 'done' });
			expect(res.body[0].data.company_name).toMatchObject({ value: 'Bee Inc', status: 'done' });
			expect(res.body[0].metadata).toEqual({ m: 1 });
			expect(table.rows.map((r) => r.data.input.value)).toEqual(['a.com', 'b.com', 'c.com']);
			expect(res.body[1].id).toBe(table.rows[2].id);
		});

		it('deletes rows by id and answers the ids it deleted', async () => {
			const table = sb.seedTable({ name: 'Delete', rows: [{ input: '1' }, { input: '2' }, { input: '3' }] });
			const [one, , three] = table.rows.map((r) => r.id);
			const res = await api('DELETE', `/v1/tables/${table.id}/rows`, { rows: [one, 'unknown', three] });
			expect(res).toMatchObject({ status: 200, body: [one, three] });
			expect(table.rows.map((r) => r.data.input.value)).toEqual(['2']);
			expect((await api('GET', `/v1/tables/${table.id}/rows/${one}`)).status).toBe(404);
			expect((await api('DELETE', `/v1/tables/${table.id}/rows`, {})).status).toBe(422);
		});
	});

});
