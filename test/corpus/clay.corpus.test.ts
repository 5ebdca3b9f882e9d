/** Bad inputs and bad answers for every kind of Clay operation (see corpus.ts for what each case must show). */
import { clay, clayKey } from '../../nodes/Clay/api';
import type { ClayTable } from '../../sandbox/clay';
import type { FaultAction } from '../../sandbox/framework';
import { autoMap, byId, byUrl, clayFixture, eachProfile, leadsTable } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import { runCorpus } from './corpus';
import type { CorpusCase } from './corpus';

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture(profile)));
	afterAll(async () => await fx.sandbox.close());

	function reset(): void {
		fx.sandbox.server.clearInjected();
		fx.sandbox.server.clearLog();
		fx.resetCredential();
	}

	type Req = { method: string; path: string };
	const leads = (): ClayTable => leadsTable(fx.sandbox, [{ Name: 'a', Email: 'a@x.example' }, { Name: 'b', Email: 'b@x.example' }, { Name: 'c', Email: 'c@x.example' }]);
	const ids = (table: ClayTable) => [...table.records.keys()];
	/** Items naming records 0 and 2 of the table, and in between one that does not exist. */
	const recordItems = (table: ClayTable, extra: Record<string, unknown> = {}) => [
		{ id: ids(table)[0], ...extra },
		{ id: 'r_doesNotExist', ...extra },
		{ id: ids(table)[2], ...extra },
	];
	function onNth(n: number, match: (req: Req) => boolean, action: FaultAction): void {
		let seen = 0;
		fx.sandbox.server.inject({ match: (req) => match(req) && ++seen === n, action });
	}
	const isTableGet = (req: Req) => req.method === 'GET' && /^\/v3\/tables\/[^/]+$/.test(req.path);
	const add = (table: ClayTable, extra: Record<string, unknown> = {}) => ({ resource: 'record', operation: 'add', table: byId(table.id), cells: autoMap, ...extra });

	const cases: Array<CorpusCase<ClayFixture>> = [
		// ----- bad inputs
		{
			name: 'Record → Add: a field that is no column',
			setup: () => ({ params: add(leads()), items: [{ Name: 'x' }, { Name: 'y', Revenue: 5 }, { Name: 'z' }] }),
			bad: [1],
			message: /^`Revenue` is not a column of table "Leads" \(t_\w+\); its columns are: Name, Email/,
			after: (result) => expect(result.json[0]).toMatchObject({ Name: 'x' }),
		},
		{
			name: 'Record → Add: a {value: …} object where a plain value goes',
			setup: () => ({ params: add(leads()), items: [{ Name: 'x' }, { Name: { value: 'y' } }, { Name: 'z' }] }),
			bad: [1],
			message: /^`Name` is a \{value: …\} object; Clay wants the plain value of a cell/,
		},
		{
			name: 'Record → Add: the key column has no value (Record ID from a key column)',
			setup: () => ({ params: add(leads(), { recordIdMode: 'key', keyField: 'Email' }), items: [{ Name: 'x', Email: 'x@x.example' }, { Name: 'y', Email: '' }, { Name: 'z', Email: 'z@x.example' }] }),
			bad: [1],
			message: /^the key column `Email` has no value, so the item has no key/,
		},
		{
			name: 'Record → Add: an empty Custom Record ID',
			setup: () => ({ params: add(leads(), { recordIdMode: 'custom', recordId: '={{ $json._rid }}' }), items: [{ Name: 'x', _rid: 'r_x' }, { Name: 'y', _rid: '' }, { Name: 'z', _rid: 'r_z' }] }),
			bad: [1],
			message: /^"Custom Record ID" is empty/,
		},
		{
			name: 'Record → Add: a value that is not an option of a select column',
			setup: () => {
				const table = fx.sandbox.seedTable({ name: 'Deals', fields: [{ name: 'Name' }, { name: 'Stage', type: 'select', options: ['New', 'Won'] }] });
				return { params: add(table as ClayTable), items: [{ Name: 'x', Stage: 'New' }, { Name: 'y', Stage: 'Lost' }, { Name: 'z', Stage: 'won' }] };
			},
			bad: [1],
			message: /^"Lost" is not an option of the column `Stage`; its options are: New, Won/,
		},
		{
			name: 'Record → Update: nothing to update',
			setup: () => {
				const table = leads();
				return {
					params: { resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
					items: ids(table).map((id, i) => (i === 1 ? { id } : { id, Name: `n${i}` })),
				};
			},
			bad: [1],
			message: /^no column to update — map at least one column/,
		},
		{
			name: 'Record → Get: an unknown record ID',
			setup: () => {
				const table = leads();
				return { params: { resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, items: recordItems(table) };
			},
			bad: [1],
			message: /^Not found in Clay: Record not found/,
		},
		{
			name: 'Record → Get: an empty record ID',
			setup: () => {
				const table = leads();
				return { params: { resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, items: recordItems(table).map((item, i) => (i === 1 ? { id: '' } : item)) };
			},
			bad: [1],
			message: /^"Record ID" is empty/,
		},
		{
			name: 'Record → Delete All: a confirmation that is not the table ID',
			setup: () => {
				const tables = [leads(), leads(), leads()];
				return {
					params: { resource: 'record', operation: 'deleteAll', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' }, confirmTableId: '={{ $json.confirm }}' },
					items: tables.map((table, i) => ({ t: table.id, confirm: i === 1 ? 't_somethingElse' : table.id })),
				};
			},
			bad: [1],
			message: /^Delete All refused — "Confirm Table ID" \(t_somethingElse\) is not the ID of the table/,
		},
		{
			name: 'Record → Get Many: a View URL without a view ID',
			setup: () => {
				const table = leads();
				return {
					params: { resource: 'record', operation: 'getMany', table: byId(table.id), view: { __rl: true, mode: 'url', value: '={{ $json.view }}' }, returnAll: true },
					items: [{ view: table.views[0].id }, { view: 'https://app.clay.com/workspaces/1/home' }, { view: table.views[1].id }],
				};
			},
			bad: [1],
			message: /^"View" is a URL without a view ID in it/,
		},
		{
			name: 'Table → Get: a table URL without a table ID',
			setup: () => {
				const table = leads();
				return {
					params: { resource: 'table', operation: 'get', table: byUrl('={{ $json.url }}') },
					items: [{ url: table.id }, { url: 'https://app.clay.com/workspaces/1/home' }, { url: table.id }],
				};
			},
			bad: [1],
			message: /^"Table" is a URL without a table ID in it/,
		},
		{
			name: 'Enrichment → Run: an unknown column name',
			setup: () => {
				const table = leads();
				const [id] = ids(table);
				return {
					params: { resource: 'enrichment', operation: 'run', table: byId(table.id), recordsSource: 'items', recordId: '={{ $json.id }}', fieldIds: '={{ $json.col }}', wait: false },
					items: [{ id, col: 'Headcount' }, { id, col: 'Revenue' }, { id, col: 'Company Domain' }],
				};
			},
			bad: [1],
			message: /^`Revenue` is not a column of table "Leads" \(t_\w+\); its enrichment columns are: Company Domain, Headcount/,
		},
		{
			name: 'Source → Delete: an unknown source ID',
			setup: () => {
				const table = leads();
				return { params: { resource: 'source', operation: 'delete', table: byId(table.id), sourceId: '={{ $json.s }}' }, items: [{ s: 's_a' }, { s: 's_b' }, { s: 's_c' }] };
			},
			bad: [0, 1, 2],
			message: /^Not found in Clay: Source not found/,
		},
		{
			name: 'Source → Add Webhook: a plan without webhooks (402)',
			setup: () => {
				const tables = [leads(), leads(), leads()];
				// live: POST /v3/sources; seed: the table's settings
			const isAddSource = (req: Req) => (profile.shapes === 'live' ? req.method === 'POST' && req.path === '/v3/sources' : req.method === 'PATCH');
				onNth(2, isAddSource, { kind: 'status', status: 402, body: { type: 'PaymentRequired', message: 'Webhooks are not included in your plan' } });
				return {
					params: { resource: 'source', operation: 'addWebhook', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' }, name: 'n8n' },
					items: tables.map((table) => ({ t: table.id })),
				};
			},
			bad: [1],
			message: /^This Clay plan has no webhooks \(402: Webhooks are not included in your plan\)/,
		},
		// ----- bad answers
		{
			name: 'Table → Get: a 200 with the wrong shape',
			setup: () => {
				const table = leads();
				onNth(2, isTableGet, { kind: 'status', status: 200, body: { ok: true } });
				return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
			},
			bad: [1],
			message: /^Clay answered the table in a shape this node does not know/,
		},
		{
			name: 'Record → Count: a count that is not a number',
			setup: () => {
				const table = leads();
				onNth(2, (req) => req.path.endsWith('/count'), { kind: 'status', status: 200, body: { count: 'many' } });
				return { params: { resource: 'record', operation: 'count', table: byId(table.id) }, items: [{}, {}, {}] };
			},
			bad: [1],
			message: /^Clay answered the row count in a shape this node does not know/,
		},
		{
			name: 'Record → Get Many: record ids in the wrong shape',
			setup: () => {
				const table = leads();
				onNth(2, (req) => req.path.endsWith('/records/ids'), { kind: 'status', status: 200, body: { records: 'all of them' } });
				return { params: { resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true }, items: [{}, {}, {}] };
			},
			bad: [1],
			message: /^Clay answered the record ids of the view in a shape this node does not know/,
		},
		{
			name: 'Table → Get Many: truncated JSON',
			setup: () => {
				leads();
				onNth(2, (req) => req.path.endsWith('/tables') && req.method === 'GET', { kind: 'status', status: 200, raw: '{"results": [{"id": "t_' });
				return { params: { resource: 'table', operation: 'getMany', workspace: String(fx.sandbox.workspaceId), returnAll: true }, items: [{}, {}, {}] };
			},
			bad: [1],
			message: /^Clay answered a body that is not valid JSON \(HTTP 200\)/,
		},
		{
			name: 'Record → Get: a 200 that is an HTML page',
			setup: () => {
				const table = leads();
				onNth(2, (req) => req.method === 'GET' && req.path.includes('/records/'), { kind: 'status', status: 200, raw: '<html><body>Sign in to Clay</body></html>' });
				return { params: { resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, items: ids(table).map((id) => ({ id })) };
			},
			bad: [1],
			message: /^Clay answered an HTML page \(HTTP 200\) instead of JSON/,
		},
		{
			name: 'Record → Get: a 200 with an empty body',
			setup: () => {
				const table = leads();
				onNth(2, (req) => req.method === 'GET' && req.path.includes('/records/'), { kind: 'status', status: 200, raw: '' });
				return { params: { resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, items: ids(table).map((id) => ({ id })) };
			},
			bad: [1],
			message: /^Clay answered the record with an empty body/,
		},
		{
			name: 'Record → Get: no answer in time',
			setup: () => {
				const table = leads();
				let seen = 0;
				fx.sandbox.server.inject({ match: (req) => req.method === 'GET' && req.path.includes('/records/') && ++seen >= 2 && seen <= 3, action: { kind: 'delay', ms: 700 }, times: 2 });
				return { params: { resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, items: ids(table).map((id) => ({ id })) };
			},
			bad: [1],
			message: /^The connection to Clay failed \(no answer in time\)/,
		},
		{
			name: 'Record → Add: an expired session (401) fails every item of the batch with what to do',
			setup: () => {
				const table = leads();
				onNth(1, (req) => req.method === 'POST', { kind: 'status', status: 401, body: { type: 'Unauthorized', message: 'You must be logged in' } });
				return { params: add(table, { options: { batchSize: 1 } }), items: [{ Name: 'x' }, { Name: 'y' }, { Name: 'z' }] };
			},
			bad: [0],
			message: /^Clay session expired or invalid — copy a fresh claysession cookie into the credential/,
		},
	];

	let restore: (() => void) | undefined;
	beforeEach(() => {
		if (/no answer in time/.test(expect.getState().currentTestName ?? '')) {
			const saved = clay.retry;
			clay.retry = clayKey.retry = { ...saved, timeoutMs: 300, serverErrorRetries: 1, baseDelayMs: 10 };
			restore = () => (clay.retry = clayKey.retry = saved);
		}
	});
	afterEach(() => {
		restore?.();
		restore = undefined;
	});

	runCorpus('Clay corpus', () => fx, cases, reset);
});
