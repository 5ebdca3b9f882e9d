import { startClaySandbox, ClaySandbox, ClayTable, decodeFormJson, parseCookies } from '../../sandbox/clay';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// wide enough windows that a loaded CI machine still sees each state
const UPDATE_MS = 100;
const START_MS = 100;
const DURATION_MS = 150;

interface Call {
	status: number;
	body: any;
}

function client(sb: ClaySandbox, cookie = `claysession=${sb.session}`) {
	return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
		const init: RequestInit = { method, headers: { ...(cookie ? { cookie } : {}), ...headers } };
		if (body !== undefined) {
			if (typeof body === 'string') init.body = body;
			else {
				init.body = JSON.stringify(body);
				(init.headers as Record<string, string>)['content-type'] = 'application/json';
			}
		}
		const res = await fetch(`${sb.url}${path}`, init);
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : undefined };
	};
}

describe('Clay sandbox', () => {
	let sb: ClaySandbox;
	let api: ReturnType<typeof client>;
	let table: ClayTable;
	let f: (name: string) => string;
	let view: string;

	beforeEach(async () => {
		// the seed's shapes (the live ones and the other behaviours: below)
		sb = await startClaySandbox({ shapes: 'seed', updateDelayMs: UPDATE_MS, runStartMs: START_MS, runDurationMs: DURATION_MS });
		api = client(sb);
		table = sb.seedTable({
			name: 'Leads',
			fields: [{ name: 'Name' }, { name: 'Domain', type: 'url' }, { name: 'Company Domain', type: 'action' }, { name: 'Score', type: 'number' }],
			records: [{ Name: 'Acme', Domain: 'acme.com' }, { Name: 'Globex', Domain: 'globex.com' }, { Name: 'Will fail', Domain: 'x.com' }],
		});
		f = (name) => sb.fieldId(table.id, name);
		view = table.views[0].id;
	});
	afterEach(() => sb.close());

	describe('auth', () => {
		it('accepts the session among other cookies and rejects missing, wrong and bare values', async () => {
			const path = `/v3/tables/${table.id}/count`;
			expect((await client(sb, `_ga=GA1.2.3; claysession=${sb.session}; theme=dark`)('GET', path)).status).toBe(200);
			// the decoded form of the signed cookie is the same session
			expect((await client(sb, `claysession=${decodeURIComponent(sb.session)}`)('GET', path)).status).toBe(200);
			for (const cookie of ['', 'claysession=s%3Aother.sig', sb.session, 'wrongvalue', `other=1; xclaysession=${sb.session}`]) {
				const res = await client(sb, cookie)('GET', path);
				expect(res.status).toBe(401);
				expect(res.body).toEqual({ type: 'Unauthorized', message: 'You must be logged in' });
			}
		});

		it('parses cookies like cookie-parser', () => {
			expect(parseCookies('a=1;  claysession="x y" ; claysession=second; bare').get('claysession')).toBe('x y');
			expect(parseCookies('bare').size).toBe(0);
		});

		it('answers unknown routes with NoMatchingURL (a wrong id is NotFound)', async () => {
			const res = await api('GET', '/v3/nope/here');
			expect(res).toEqual({ status: 404, body: { type: 'NoMatchingURL', message: 'Invalid URL' } });
			expect((await api('PUT', `/v3/tables/${table.id}`)).status).toBe(404);
		});
	});

	describe('workspaces and tables', () => {
		it('lists workspaces, tables and the schema', async () => {
			expect((await api('GET', '/v3/my-workspaces')).body).toEqual({ results: [{ id: 12345, name: expect.any(String) }] });
			const tables = await api('GET', '/v3/workspaces/12345/tables');
			expect(tables.body.results).toEqual([expect.objectContaining({ id: table.id, name: 'Leads', type: 'spreadsheet', workbookId: table.workbookId })]);
			expect(table.id).toMatch(/^t_/);
			expect(table.workbookId).toMatch(/^wb_/);
			expect((await api('GET', '/v3/workspaces/999/tables')).status).toBe(404);

			const schema = await api('GET', `/v3/tables/${table.id}`);
			expect(schema.status).toBe(200);
			expect(schema.body.table).toMatchObject({ id: table.id, name: 'Leads', workspaceId: 12345, workbookId: table.workbookId });
			expect(schema.body.table.fields).toHaveLength(4);
			expect(schema.body.table.fields[2]).toEqual({ id: f('Company Domain'), name: 'Company Domain', type: 'action', typeSettings: {} });
			expect(schema.body.table.views.map((v: { name: string }) => v.name)).toEqual(['Default view', 'All rows']);
			expect(schema.body.table.views[0].id).toMatch(/^gv_/);

			expect(await api('GET', '/v3/tables/t_missing')).toEqual({ status: 404, body: { type: 'NotFound', message: 'Table not found' } });
		});

		it('renames a table through tableSettings.name', async () => {
			const res = await api('PATCH', `/v3/tables/${table.id}`, { tableSettings: { name: 'Renamed' }, fieldGroupMap: {} });
			expect(res.status).toBe(200);
			expect(res.body.table.name).toBe('Renamed');
		});
	});

	describe('record ids and reads', () => {
		it('lists record ids as {recordIds} by default, in creation order', async () => {
			const res = await api('GET', `/v3/tables/${table.id}/views/${view}/records/ids`);
			expect(res.body).toEqual({ recordIds: [...table.records.keys()] });
			expect(res.body.recordIds).toHaveLength(3);
			expect((await api('GET', `/v3/tables/${table.id}/views/gv_nope/records/ids`)).status).toBe(404);
		});

		it('lists record ids as {results} when configured', async () => {
			const other = await startClaySandbox({ shapes: 'seed', idListShape: 'results' });
			try {
				const t = other.seedTable({ name: 'T', fields: [{ name: 'A' }], records: [{ A: 1 }, { A: 2 }] });
				const res = await client(other)('GET', `/v3/tables/${t.id}/views/${t.views[1].id}/records/ids`);
				expect(res.body).toEqual({ results: [...t.records.keys()] });
			} finally {
				await other.close();
			}
		});

		it('reads records of a view with limit, one record, and many by id', async () => {
			const ids = [...table.records.keys()];
			const all = await api('GET', `/v3/tables/${table.id}/views/${view}/records`);
			expect(all.body.results.map((r: { id: string }) => r.id)).toEqual(ids);
			const first = all.body.results[0];
			expect(first).toEqual({
				id: ids[0],
				tableId: table.id,
				cells: { [f('Name')]: { value: 'Acme' }, [f('Domain')]: { value: 'acme.com' } },
				recordMetadata: {},
				createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				updatedAt: expect.any(String),
			});
			const two = await api('GET', `/v3/tables/${table.id}/views/${view}/records?limit=2&offset=1&sort=desc`);
			expect(two.body.results.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 2)); // offset/sort ignored

			expect((await api('GET', `/v3/tables/${table.id}/records/${ids[1]}`)).body.cells[f('Name')].value).toBe('Globex');
			expect((await api('GET', `/v3/tables/${table.id}/records/r_nope`)).status).toBe(404);

			const bulk = await api('POST', `/v3/tables/${table.id}/bulk-fetch-records`, { recordIds: [ids[2], 'r_nope', ids[0]] });
			expect(bulk.body.results.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[0]]);
		});

		it('counts records', async () => {
			expect((await api('GET', `/v3/tables/${table.id}/count`)).body).toEqual({ count: 3 });
		});
	});

	describe('create', () => {
		it('creates records with client ids; a re-create replaces cells instead of duplicating', async () => {
			const res = await api('POST', `/v3/tables/${table.id}/records`, {
				records: [
					{ id: 'my-row-1', cells: { [f('Name')]: 'Initech', [f('Score')]: 7 } },
					{ id: 'my-row-2', cells: {} },
				],
			});
			expect(res.status).toBe(200);
			// the seed shows no answer: the records are not in it
			expect(res.body).toEqual({ success: true });
			const created = (await api('GET', `/v3/tables/${table.id}/records/my-row-1`)).body;
			expect(created.cells).toEqual({ [f('Name')]: { value: 'Initech' }, [f('Score')]: { value: 7 } });

			const again = await api('POST', `/v3/tables/${table.id}/records`, { records: [{ id: 'my-row-1', cells: { [f('Name')]: 'Initech 2' } }] });
			expect(again.status).toBe(200);
			expect((await api('GET', `/v3/tables/${table.id}/count`)).body.count).toBe(5);
			const row = await api('GET', `/v3/tables/${table.id}/records/my-row-1`);
			expect(row.body.cells).toEqual({ [f('Name')]: { value: 'Initech 2' } });
			expect(row.body.createdAt).toBe(created.createdAt);
			const ids = (await api('GET', `/v3/tables/${table.id}/views/${view}/records/ids`)).body.recordIds;
			expect(ids.slice(3)).toEqual(['my-row-1', 'my-row-2']);
		});

		it('rejects the whole batch on an unknown field', async () => {
			const res = await api('POST', `/v3/tables/${table.id}/records`, {
				records: [
					{ id: 'ok', cells: { [f('Name')]: 'fine' } },
					{ id: 'bad', cells: { f_x: 'nope' } },
				],
			});
			expect(res.status).toBe(400);
			expect(res.body).toMatchObject({ type: 'BadRequest', code: 'UNKNOWN_FIELD' });
			expect(res.body.message).toContain(`Field f_x does not exist in table ${table.id}`);
			expect(res.body.message).toContain('bad');
			expect(table.records.has('ok')).toBe(false);
		});

		it('rejects the whole batch on a {value} wrapped cell', async () => {
			const res = await api('POST', `/v3/tables/${table.id}/records`, {
				records: [
					{ id: 'ok', cells: { [f('Name')]: 'fine' } },
					{ id: 'wrapped', cells: { [f('Name')]: { value: 'x' } } },
				],
			});
			expect(res.status).toBe(400);
			expect(res.body).toMatchObject({ type: 'BadRequest', code: 'INVALID_VALUE' });
			expect(res.body.message).toContain(`Invalid value for field ${f('Name')}`);
			expect(res.body.message).toContain('wrapped');
			expect(table.records.size).toBe(3);
		});

		it('rejects missing or non-string ids and bad bodies', async () => {
			for (const records of [[{ cells: {} }], [{ id: 5, cells: {} }], [{ id: '', cells: {} }]]) {
				const res = await api('POST', `/v3/tables/${table.id}/records`, { records });
				expect(res.status).toBe(400);
				expect(res.body.type).toBe('BadRequest');
			}
			expect((await api('POST', `/v3/tables/${table.id}/records`, { rows: [] })).status).toBe(400);
			expect((await api('POST', `/v3/tables/${table.id}/records`, '{broken', { 'content-type': 'application/json' })).status).toBe(400);
			expect(table.records.size).toBe(3);
		});
	});

	describe('update', () => {
		it('enqueues updates that become visible after the delay, last write wins, unknown ids dropped', async () => {
			const id = [...table.records.keys()][0];
			const res = await api('PATCH', `/v3/tables/${table.id}/records`, {
				records: [
					{ id, cells: { [f('Score')]: 1 } },
					{ id: 'r_ghost', cells: { [f('Score')]: 9 } },
				],
			});
			expect(res.body).toEqual({ records: [], extraData: { message: 'Record updates enqueued' } });
			await api('PATCH', `/v3/tables/${table.id}/records`, { records: [{ id, cells: { [f('Score')]: 2 } }] });

			const before = await api('GET', `/v3/tables/${table.id}/records/${id}`);
			expect(before.body.cells[f('Score')]).toBeUndefined();
			await sleep(UPDATE_MS + 50);
			const after = await api('GET', `/v3/tables/${table.id}/records/${id}`);
			expect(after.body.cells).toEqual({ [f('Name')]: { value: 'Acme' }, [f('Domain')]: { value: 'acme.com' }, [f('Score')]: { value: 2 } });
			expect(table.records.has('r_ghost')).toBe(false);
			// direct reads settle lazily too
			expect(table.records.get(id)!.cells[f('Score')].value).toBe(2);
		});

		it('validates updates up front', async () => {
			const id = [...table.records.keys()][0];
			const res = await api('PATCH', `/v3/tables/${table.id}/records`, { records: [{ id, cells: { f_x: 1 } }] });
			expect(res.status).toBe(400);
			expect(res.body.code).toBe('UNKNOWN_FIELD');
		});
	});

	describe('delete', () => {
		it('deletes one, many, and all', async () => {
			const ids = [...table.records.keys()];
			expect((await api('DELETE', `/v3/tables/${table.id}/records/${ids[0]}`)).body).toEqual({ success: true });
			expect((await api('DELETE', `/v3/tables/${table.id}/records/${ids[0]}`)).status).toBe(404);

			const many = await api('DELETE', `/v3/tables/${table.id}/records`, { recordIds: [ids[1], 'r_nope'] });
			expect(many.body).toEqual({ success: true, deletedCount: 1 });
			expect([...table.records.keys()]).toEqual([ids[2]]);

			await api('POST', `/v3/tables/${table.id}/records`, { records: [{ id: 'a' }, { id: 'b' }] });
			const all = await api('DELETE', `/v3/tables/${table.id}/records`);
			expect(all.body).toMatchObject({ success: true });
			expect((await api('GET', `/v3/tables/${table.id}/count`)).body).toEqual({ count: 0 });
		});
	});

	describe('enrichment runs', () => {
		const runBody = (fieldIds: string[], runRecords: unknown, extra: Record<string, unknown> = {}) => ({ fieldIds, runRecords, callerName: 'API', ...extra });

		it('runs via JSON body; cells progress QUEUED -> RUNNING -> SUCCESS / ERROR_BAD_REQUEST', async () => {
			const ids = [...table.records.keys()];
			const fid = f('Company Domain');
			const res = await api('PATCH', `/v3/tables/${table.id}/run`, runBody([fid], { recordIds: ids }));
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ recordCount: 3, fieldIds: [fid] });

			const read = async (i: number) => (await api('GET', `/v3/tables/${table.id}/records/${ids[i]}`)).body.cells[fid];
			expect(await read(0)).toEqual({ value: null, metadata: { status: 'QUEUED' } });
			expect(res.body.runId).toMatch(/^run_/);
			expect(sb.cellStatus(table.records.get(ids[0])!.cells[fid])).toBe('QUEUED');
			let fieldrun = await api('GET', `/v3/tables/${table.id}/fieldrun`);
			expect(fieldrun.body.runs).toEqual([expect.objectContaining({ fieldId: fid, status: 'running', numQueued: 3 })]);

			await sleep(START_MS + 50);
			expect((await read(0)).metadata.status).toBe('RUNNING');
			await sleep(DURATION_MS);
			expect(await read(0)).toEqual({ value: 'enriched:Acme', metadata: { status: 'SUCCESS' } });
			expect(await read(1)).toEqual({ value: 'enriched:Globex', metadata: { status: 'SUCCESS' } });
			expect(await read(2)).toEqual({ value: null, metadata: { status: 'ERROR_BAD_REQUEST' } });
			fieldrun = await api('GET', `/v3/tables/${table.id}/fieldrun`);
			expect(fieldrun.body.runs).toEqual([
				expect.objectContaining({ fieldId: fid, status: 'complete', numQueued: 0, numRunning: 0, numSuccess: 2, numError: 1 }),
			]);

			// without forceRun SUCCESS cells are skipped; errors run again
			await api('PATCH', `/v3/tables/${table.id}/run`, runBody([fid], { recordIds: ids }));
			expect((await read(0)).metadata.status).toBe('SUCCESS');
			expect((await read(2)).metadata.status).toBe('QUEUED');
			await api('PATCH', `/v3/tables/${table.id}/run`, runBody([fid], { recordIds: [ids[0]] }, { forceRun: true }));
			expect((await read(0)).metadata.status).toBe('QUEUED');
		});

		it('runs via the seed urlencoded body (percent-encoded and curl-literal) with viewIdTopRecords', async () => {
			const fid = f('Company Domain');
			const payload = JSON.stringify(runBody([fid], { viewIdTopRecords: { viewId: view, numRecords: 2 } }));
			const form = { 'content-type': 'application/x-www-form-urlencoded' };
			const res = await api('PATCH', `/v3/tables/${table.id}/run`, `${encodeURIComponent(payload)}=`, form);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ recordCount: 2, fieldIds: [fid] });
			const statuses = () => [...table.records.values()].map((r) => (r.cells[fid] ? sb.cellStatus(r.cells[fid]) : undefined));
			expect(statuses()).toEqual(['QUEUED', 'QUEUED', undefined]);

			// curl --data-urlencode '<json>=' leaves the name part as is; omit numRecords = all rows
			const all = JSON.stringify(runBody([fid], { viewIdTopRecords: { viewId: view } }));
			const res2 = await api('PATCH', `/v3/tables/${table.id}/run`, `${all}=`, form);
			expect(res2.body.recordCount).toBe(3);
			await sleep(START_MS + DURATION_MS + 30);
			expect(statuses()).toEqual(['SUCCESS', 'SUCCESS', 'ERROR_BAD_REQUEST']);
		});

		it('decodes every form of the run body', () => {
			const obj = { fieldIds: ['f_1'], runRecords: { recordIds: ['a=b&c'] }, callerName: 'API' };
			const text = JSON.stringify(obj);
			expect(decodeFormJson(`${encodeURIComponent(text)}=`)).toEqual(obj);
			expect(decodeFormJson(new URLSearchParams({ [text]: '' }).toString())).toEqual(obj);
			expect(decodeFormJson(text)).toEqual(obj);
			expect(decodeFormJson('garbage')).toBeUndefined();
		});

		it('reports ERROR_OUT_OF_CREDITS when credits run out', async () => {
			sb.credits = 1;
			const fid = f('Company Domain');
			const ids = [...table.records.keys()];
			await api('PATCH', `/v3/tables/${table.id}/run`, runBody([fid], { recordIds: ids.slice(0, 2) }));
			await sleep(START_MS + DURATION_MS + 30);
			expect(ids.slice(0, 2).map((id) => sb.cellStatus(table.records.get(id)!.cells[fid]))).toEqual(['SUCCESS', 'ERROR_OUT_OF_CREDITS']);
		});

		it('refuses unknown and non-runnable fields and bad runRecords', async () => {
			const ids = [...table.records.keys()];
			const unknown = await api('PATCH', `/v3/tables/${table.id}/run`, runBody(['f_x'], { recordIds: ids }));
			expect(unknown.status).toBe(400);
			expect(unknown.body.code).toBe('UNKNOWN_FIELD');
			const notAction = await api('PATCH', `/v3/tables/${table.id}/run`, runBody([f('Name')], { recordIds: ids }));
			expect(notAction.status).toBe(400);
			expect(notAction.body.code).toBe('FIELD_NOT_RUNNABLE');
			expect((await api('PATCH', `/v3/tables/${table.id}/run`, runBody([f('Company Domain')], {}))).status).toBe(400);
			expect((await api('PATCH', `/v3/tables/${table.id}/run`, runBody([f('Company Domain')], { viewIdTopRecords: { viewId: 'gv_x' } }))).status).toBe(404);
			expect((await api('GET', `/v3/tables/${table.id}/fieldrun`)).body).toEqual({ runs: [] });
		});
	});

	describe('sources and webhooks', () => {
		const addWebhook = (name: string) => ({
			tableSettings: {},
			fieldGroupMap: {},
			sourceSettings: {
				addSource: {
					name: 'Webhook',
					source: {
						name,
						workspaceId: '12345',
						type: 'webhook',
						typeSettings: { urlSlugText: 'Pull in data from a Webhook', iconType: 'Webhook', name: 'Webhook', description: 'Send any data to Clay', stages: [] },
					},
				},
			},
		});

		it('adds a webhook, lists and deletes sources', async () => {
			expect((await api('GET', `/v3/tables/${table.id}/sources`)).body).toEqual([]);
			const res = await api('PATCH', `/v3/tables/${table.id}`, addWebhook('My Webhook'));
			expect(res.status).toBe(200);
			expect(res.body.table.id).toBe(table.id);
			const { newlyCreatedSourceId, webhookUrl } = res.body.extraData;
			expect(newlyCreatedSourceId).toMatch(/^s_/);
			expect(webhookUrl).toMatch(new RegExp(`^${sb.url}/v3/sources/webhook/pull-in-data-from-a-webhook-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));

			const list = await api('GET', `/v3/tables/${table.id}/sources`);
			expect(list.body).toEqual([
				expect.objectContaining({ id: newlyCreatedSourceId, name: 'My Webhook', type: 'webhook', webhookUrl, numSubmissions: 0, typeSettings: expect.objectContaining({ url: webhookUrl }) }),
			]);

			expect((await api('DELETE', `/v3/tables/${table.id}/sources/${newlyCreatedSourceId}`)).body).toEqual({ success: true });
			expect((await api('DELETE', `/v3/tables/${table.id}/sources/${newlyCreatedSourceId}`)).status).toBe(404);
			expect((await api('GET', `/v3/tables/${table.id}/sources`)).body).toEqual([]);
			const post = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(post.status).toBe(404);
		});

		it('creates a record per webhook submission, without a cookie, mapping keys to fields by name', async () => {
			const { webhookUrl } = (await api('PATCH', `/v3/tables/${table.id}`, addWebhook('Hook'))).body.extraData;
			const post = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Name: 'Hooli', City: 'Palo Alto' }) });
			expect(post.status).toBe(200);
			expect((await api('GET', `/v3/tables/${table.id}/count`)).body.count).toBe(4);
			const city = table.fields.find((x) => x.name === 'City')!;
			expect(city).toMatchObject({ type: 'text', id: expect.stringMatching(/^f_/) });
			const last = [...table.records.values()].pop()!;
			expect(last.cells).toEqual({ [f('Name')]: { value: 'Hooli' }, [city.id]: { value: 'Palo Alto' } });
			expect((await api('GET', `/v3/tables/${table.id}/sources`)).body[0].numSubmissions).toBe(1);
			const notObject = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' });
			expect(notObject.status).toBe(400);
		});

		it('enforces the lifetime submission limit even after rows are deleted', async () => {
			const { webhookUrl } = (await api('PATCH', `/v3/tables/${table.id}`, addWebhook('Hook'))).body.extraData;
			table.sources[0].submissions = 49_999;
			const send = () => fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"Name":"x"}' });
			expect((await send()).status).toBe(200);
			const refused = await send();
			expect(refused.status).toBe(429);
			expect((await refused.json()).message).toMatch(/lifetime limit of 50000/);
			await api('DELETE', `/v3/tables/${table.id}/records`);
			expect((await send()).status).toBe(429);
		});
	});
});
