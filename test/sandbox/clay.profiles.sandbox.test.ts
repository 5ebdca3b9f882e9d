/**
 * The Clay sandbox's behaviour profiles (sandbox/clay/profiles.ts): the live shapes, the three
 * things a create may do with a sent record id, views that list newest first or only a first
 * page, a missing bulk update, a plan without webhooks, and the API key. The seed's shapes are
 * tested in clay.sandbox.test.ts.
 */
import { readProfileFlag, resolveProfile, startClaySandbox } from '../../sandbox/clay';
import type { ClayProfileOptions, ClaySandbox, ClayTable } from '../../sandbox/clay';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Call {
	status: number;
	body: any;
}

function client(sb: ClaySandbox, headers: Record<string, string> = { cookie: `claysession=${sb.session}` }) {
	return async (method: string, path: string, body?: unknown): Promise<Call> => {
		const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
		if (body !== undefined) init.body = JSON.stringify(body);
		const res = await fetch(`${sb.url}${path}`, init);
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : undefined };
	};
}

async function withSandbox(options: ClayProfileOptions, body: (sb: ClaySandbox, table: ClayTable, api: ReturnType<typeof client>) => Promise<void>): Promise<void> {
	const sb = await startClaySandbox({ runStartMs: 20, runDurationMs: 40, updateDelayMs: 20, ...options });
	try {
		const table = sb.seedTable({
			name: 'Leads',
			fields: [{ name: 'Name' }, { name: 'Stage', type: 'select', options: ['New', 'Won'] }, { name: 'Owner', type: 'users' }, { name: 'Company Domain', type: 'action' }],
			records: [{ Name: 'Acme' }, { Name: 'Globex' }, { Name: 'nodata' }],
		});
		await body(sb, table, client(sb));
	} finally {
		await sb.close();
	}
}

describe('Clay sandbox: live shapes', () => {
	test('count, record ids, the table, and authentication by API key (raw authorization header) or cookie', async () => {
		await withSandbox({}, async (sb, table, api) => {
			expect((await api('GET', `/v3/tables/${table.id}/count`)).body).toEqual({ tableTotalRecordsCount: 3 });
			expect((await api('GET', `/v3/tables/${table.id}/views/${table.views[0].id}/records/ids`)).body).toEqual({ results: [...table.records.keys()] });
			expect((await api('GET', `/v3/tables/${table.id}`)).body).toMatchObject({ table: { id: table.id, firstViewId: table.views[0].id }, extraData: {} });
			const byKey = client(sb, { authorization: sb.apiKey });
			expect((await byKey('GET', '/v3/')).body).toEqual({ auth: { actor: { type: 'user', userId: sb.userId }, email: expect.any(String) } });
			expect((await byKey('GET', `/v3/users/${sb.userId}/workspaces`)).body).toEqual({ results: [{ id: sb.workspaceId, name: 'Sandbox Workspace' }] });
			expect((await client(sb, { authorization: `Bearer ${sb.apiKey}` })('GET', '/v3/')).status).toBe(401);
			expect((await client(sb, { authorization: 'clay_sk_other' })('GET', '/v3/')).status).toBe(401);
		});
	});

	test('a create without ids gets Clay ids and answers the records; select cells take {optionIds}, users cells {userIds}', async () => {
		await withSandbox({}, async (sb, table, api) => {
			const f = (name: string) => sb.fieldId(table.id, name);
			const won = sb.optionId(table.id, 'Stage', 'Won');
			const res = await api('POST', `/v3/tables/${table.id}/records`, { records: [{ cells: { [f('Name')]: 'New', [f('Stage')]: { optionIds: [won] }, [f('Owner')]: { userIds: ['7'] } } }] });
			expect(res.status).toBe(200);
			expect(res.body.records).toEqual([expect.objectContaining({ id: expect.stringMatching(/^r_/), cells: expect.objectContaining({ [f('Stage')]: { value: { optionIds: [won] } } }) })]);
			for (const cells of [{ [f('Stage')]: 'Won' }, { [f('Stage')]: { optionIds: ['nope'] } }, { [f('Owner')]: '7' }]) {
				const bad = await api('POST', `/v3/tables/${table.id}/records`, { records: [{ cells }] });
				expect(bad.status).toBe(400);
				expect(bad.body.code).toBe('INVALID_VALUE');
			}
		});
	});

	test('a run answers {recordCount, runMode} (NONE when nothing ran); results: preview in value, structured in externalContent when asked for', async () => {
		await withSandbox({}, async (sb, table, api) => {
			const ids = [...table.records.keys()];
			const fid = sb.fieldId(table.id, 'Company Domain');
			const run = () => api('PATCH', `/v3/tables/${table.id}/run`, { fieldIds: [fid], runRecords: { recordIds: ids }, callerName: 'API' });
			expect((await run()).body).toEqual({ recordCount: 3, runMode: 'INDIVIDUAL' });
			await sleep(100);
			expect((await run()).body).toEqual({ recordCount: 3, runMode: 'NONE' });
			const plain = await api('POST', `/v3/tables/${table.id}/bulk-fetch-records`, { recordIds: ids });
			expect(plain.body.results[0].cells[fid]).toEqual({ value: 'enriched:Acme', metadata: { status: 'SUCCESS' } });
			const full = await api('POST', `/v3/tables/${table.id}/bulk-fetch-records`, { recordIds: ids, includeExternalContentFieldIds: [fid] });
			expect(full.body.results[0].cells[fid]).toEqual({ value: 'enriched:Acme', metadata: { status: 'SUCCESS' }, externalContent: { fullValue: { answer: 'enriched:Acme', source: 'sandbox' } } });
			expect(full.body.results[2].cells[fid]).toEqual({ value: 'No data found', metadata: { status: 'SUCCESS_NO_DATA' } });
			expect((await api('GET', `/v3/tables/${table.id}/records/${ids[0]}`)).body.cells[fid].externalContent).toEqual({ fullValue: { answer: 'enriched:Acme', source: 'sandbox' } });
			expect((await api('POST', `/v3/tables/${table.id}/bulk-fetch-records`, { recordIds: [] })).status).toBe(400);
		});
	});

	test('find by an EQUAL filter; sources under /v3/sources (the per-table paths answer NoMatchingURL); updates per record', async () => {
		await withSandbox({}, async (sb, table, api) => {
			const name = sb.fieldId(table.id, 'Name');
			const filter = { type: 'AND', operands: [{ fieldId: name, type: 'FIELD', filterConfig: { type: 'OPERATOR', operator: 'EQUAL', value: 'Globex' } }] };
			const found = await api('POST', `/v3/tables/${table.id}/find?limit=5`, { filter });
			expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([[...table.records.keys()][1]]);

			expect(await api('GET', `/v3/tables/${table.id}/sources`)).toEqual({ status: 404, body: { type: 'NoMatchingURL', message: 'Invalid URL' } });
			const added = await api('POST', '/v3/sources', { workspaceId: String(sb.workspaceId), tableId: table.id, name: 'Hook', type: 'webhook', typeSettings: {} });
			expect(added.body).toMatchObject({ id: expect.stringMatching(/^s_/), name: 'Hook', type: 'webhook', state: { url: expect.stringContaining('/v3/sources/webhook/') } });
			expect((await api('GET', `/v3/sources?tableId=${table.id}`)).body).toEqual([expect.objectContaining({ id: added.body.id })]);
			expect((await api('GET', `/v3/sources/${added.body.id}`)).body.id).toBe(added.body.id);
			expect((await api('DELETE', `/v3/sources/${added.body.id}`)).body).toEqual({ success: true });
			expect((await api('DELETE', `/v3/sources/${added.body.id}`)).status).toBe(404);

			const [id] = [...table.records.keys()];
			expect((await api('PATCH', `/v3/tables/${table.id}/records/${id}`, { [name]: 'Acme 2' })).body).toEqual({ message: 'Record updates enqueued' });
			expect((await api('PATCH', `/v3/tables/${table.id}/records/r_nope`, { [name]: 'x' })).status).toBe(404);
			await sleep(40);
			expect(table.records.get(id)!.cells[name].value).toBe('Acme 2');
		});
	});

	test('a plan without webhooks answers 402; no bulk update answers NoMatchingURL', async () => {
		await withSandbox({ webhooksInPlan: false, bulkUpdate: false }, async (sb, table, api) => {
			const added = await api('POST', '/v3/sources', { workspaceId: String(sb.workspaceId), tableId: table.id, name: 'Hook', type: 'webhook', typeSettings: {} });
			expect(added).toEqual({ status: 402, body: { type: 'PaymentRequired', message: expect.stringMatching(/not included in your current plan/) } });
			expect((await api('PATCH', `/v3/tables/${table.id}/records`, { records: [] })).body).toEqual({ type: 'NoMatchingURL', message: 'Invalid URL' });
		});
	});
});

describe('Clay sandbox: record ids', () => {
	const create = (api: ReturnType<typeof client>, table: ClayTable, records: unknown[]) => api('POST', `/v3/tables/${table.id}/records`, { records });

	test('honour: a sent id is kept; a repeated one replaces the record', async () => {
		await withSandbox({ ids: 'honour' }, async (sb, table, api) => {
			expect((await create(api, table, [{ id: 'r_mine', cells: {} }])).body.records[0].id).toBe('r_mine');
			await create(api, table, [{ id: 'r_mine', cells: { [sb.fieldId(table.id, 'Name')]: 'again' } }]);
			expect(table.records.size).toBe(4);
			expect(table.records.get('r_mine')!.cells[sb.fieldId(table.id, 'Name')].value).toBe('again');
		});
	});

	test('assign: a sent id is ignored, Clay assigns its own', async () => {
		await withSandbox({ ids: 'assign' }, async (_sb, table, api) => {
			const [record] = (await create(api, table, [{ id: 'r_mine', cells: {} }])).body.records;
			expect(record.id).toMatch(/^r_/);
			expect(record.id).not.toBe('r_mine');
			await create(api, table, [{ id: 'r_mine', cells: {} }]);
			expect(table.records.size).toBe(5);
		});
	});

	test('refuse: a sent id is kept; a repeated one is refused with the whole batch', async () => {
		await withSandbox({ ids: 'refuse' }, async (_sb, table, api) => {
			await create(api, table, [{ id: 'r_mine', cells: {} }]);
			const again = await create(api, table, [{ id: 'r_other', cells: {} }, { id: 'r_mine', cells: {} }]);
			expect(again).toEqual({ status: 400, body: { type: 'BadRequest', code: 'RECORD_ALREADY_EXISTS', message: 'Record id r_mine already exists', recordId: 'r_mine' } });
			expect(table.records.size).toBe(4);
		});
	});
});

describe('Clay sandbox: views', () => {
	test('filtered-first: no "All rows"; the first view (firstViewId) hides every second record, "Every record" lists all', async () => {
		await withSandbox({ views: 'filtered-first' }, async (_sb, table, api) => {
			const ids = [...table.records.keys()];
			const answer = (await api('GET', `/v3/tables/${table.id}`)).body;
			const tableJson = (answer.table ?? answer) as { views: unknown[]; firstViewId: string };
			expect(tableJson.views).toEqual([
				{ id: table.views[0].id, name: 'Default view' },
				{ id: table.views[1].id, name: 'Every record' },
			]);
			expect(tableJson.firstViewId).toBe(table.views[0].id);
			const list = async (view: number) => (await api('GET', `/v3/tables/${table.id}/views/${table.views[view].id}/records/ids`)).body.results;
			expect(await list(0)).toEqual([ids[0], ids[2]]);
			expect(await list(1)).toEqual(ids);
			expect((await api('GET', `/v3/tables/${table.id}/views/${table.views[0].id}/records`)).body.results.map((record: { id: string }) => record.id)).toEqual([ids[0], ids[2]]);
		});
	});

	test('newest first, and only the first page of ids unless ?limit asks for more (or even then)', async () => {
		await withSandbox({ viewOrder: 'newest-first', viewPageLimit: 2 }, async (sb, table, api) => {
			const ids = [...table.records.keys()];
			const path = `/v3/tables/${table.id}/views/${table.views[0].id}/records/ids`;
			expect((await api('GET', path)).body.results).toEqual([ids[2], ids[1]]);
			expect((await api('GET', `${path}?limit=10`)).body.results).toEqual([ids[2], ids[1], ids[0]]);
			expect(sb.listings.map((listing) => listing.ids.length)).toEqual([2, 3]);
		});
		await withSandbox({ viewPageLimit: 2, viewLimitParam: false }, async (_sb, table, api) => {
			const path = `/v3/tables/${table.id}/views/${table.views[0].id}/records/ids`;
			expect((await api('GET', `${path}?limit=10`)).body.results).toEqual([...table.records.keys()].slice(0, 2));
		});
	});
});

describe('Clay sandbox: profile flags of npm run sandbox', () => {
	test('each flag sets its behaviour; a bad value is refused', () => {
		const options: ClayProfileOptions = {};
		expect(readProfileFlag(options, '--clay-shapes', 'seed')).toBe(true);
		expect(readProfileFlag(options, '--clay-ids', 'assign')).toBe(true);
		expect(readProfileFlag(options, '--clay-view-order', 'newest-first')).toBe(true);
		expect(readProfileFlag(options, '--clay-view-page', '100')).toBe(true);
		expect(readProfileFlag(options, '--clay-no-limit-param', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--clay-typed-find', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--clay-views', 'filtered-first')).toBe(true);
		expect(readProfileFlag(options, '--clay-no-bulk-fetch', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--clay-no-fieldrun', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--clay-no-bulk-update', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--clay-no-webhooks', undefined)).toBe('novalue');
		expect(readProfileFlag(options, '--other', 'x')).toBe(false);
		expect(resolveProfile(options)).toEqual({
			shapes: 'seed',
			ids: 'assign',
			viewOrder: 'newest-first',
			viewPageLimit: 100,
			viewLimitParam: false,
			findCompare: 'typed',
			views: 'filtered-first',
			bulkFetch: false,
			fieldRun: false,
			bulkUpdate: false,
			webhooksInPlan: false,
			idListShape: 'recordIds',
		});
		expect(() => readProfileFlag({}, '--clay-ids', 'keep')).toThrow('--clay-ids takes one of honour, assign, refuse');
		expect(() => readProfileFlag({}, '--clay-views', 'all')).toThrow('--clay-views takes one of all-rows, filtered-first');
	});
});
