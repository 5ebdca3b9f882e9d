/** Bad inputs and bad answers for every kind of Extruct operation (see corpus.ts for what each case must show). */
import { extruct } from '../../nodes/Extruct/api';
import type { FaultAction } from '../../sandbox/framework';
import type { ExtructTable } from '../../sandbox/extruct';
import { byId, extructFixture } from '../extruct/setup';
import type { ExtructFixture } from '../extruct/setup';
import { runCorpus } from './corpus';
import type { CorpusCase } from './corpus';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());

/** Drops scripted faults a previous run left unused, and the request log. */
function reset(): void {
	fx.sandbox.server.clearInjected();
	fx.sandbox.server.clearLog();
}

type Req = { method: string; path: string };
const autoMap = { mappingMode: 'autoMapInputData', value: null };
const companies = (): ExtructTable =>
	fx.sandbox.seedTable({
		name: 'Corpus',
		kind: 'company',
		rows: [{ input: 'a.example' }, { input: 'b.example' }, { input: 'c.example' }],
		columns: [{ kind: 'criterion_grade', name: 'Fit', key: 'fit', value: { criterion: 'Good fit' } }],
	});
/** Items naming the table's rows 0 and 2, and in between one that does not exist. */
const rowItems = (table: ExtructTable, extra: Record<string, unknown> = {}) => [
	{ id: table.rows[0].id, input: 'changed-0.example', ...extra },
	{ id: 'nope', input: 'changed-1.example', ...extra },
	{ id: table.rows[2].id, input: 'changed-2.example', ...extra },
];
/** Injects `action` into the `n`-th request (1-based) matching `match`. */
function onNth(n: number, match: (req: Req) => boolean, action: FaultAction): void {
	let seen = 0;
	fx.sandbox.server.inject({ match: (req) => match(req) && ++seen === n, action });
}
const isGet = (path: RegExp) => (req: Req) => req.method === 'GET' && path.test(req.path);
const rowsOf = (table: ExtructTable) => fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value);

const cases: Array<CorpusCase<ExtructFixture>> = [
	// ----- bad inputs
	{
		name: 'Row → Add: malformed Metadata (JSON)',
		setup: () => ({
			params: { resource: 'row', operation: 'add', table: byId(companies().id), columns: autoMap, options: { metadata: '={{ $json.meta }}' } },
			items: [{ input: 'x.example', meta: '{"a": 1}' }, { input: 'y.example', meta: '{"a": ' }, { input: 'z.example', meta: '{"c": 3}' }],
		}),
		bad: [1],
		message: /^"Metadata \(JSON\)" is not valid JSON/,
	},
	{
		name: 'Row → Add: Metadata that is an array, not an object',
		setup: () => ({
			params: { resource: 'row', operation: 'add', table: byId(companies().id), columns: autoMap, options: { metadata: '={{ $json.meta }}' } },
			items: [{ input: 'x.example', meta: '{}' }, { input: 'y.example', meta: '[1, 2]' }, { input: 'z.example', meta: '{}' }],
		}),
		bad: [1],
		message: /`metadata` must be a JSON object/,
	},
	{
		name: 'Row → Add: an item with no field matching a column',
		setup: () => ({
			params: { resource: 'row', operation: 'add', table: byId(companies().id), columns: autoMap },
			items: [{ input: 'x.example' }, { website: 'y.example' }, { input: 'z.example' }],
		}),
		bad: [1],
		message: /none of its fields \(website\) is a column of the table; its columns are: input, /,
	},
	{
		name: 'Row → Add: an unknown column (Map Each Column) is refused for that row only',
		setup: () => ({
			params: {
				resource: 'row',
				operation: 'add',
				table: byId(companies().id),
				columns: { mappingMode: 'defineBelow', value: { input: '={{ $json.input }}', bogus: '={{ $json.bogus }}' } },
			},
			items: [{ input: 'x.example' }, { input: 'y.example', bogus: 'b' }, { input: 'z.example' }],
		}),
		bad: [1],
		message: /^Extruct rejected this row: `data\.bogus` Unknown column key 'bogus'/,
		after: (result, f) => {
			const table = [...f.sandbox.tables.values()].find((t) => t.rows.some((row) => row.id === result.json[0].id))!;
			expect(table.rows.map((row) => row.data.input.value)).toEqual(['a.example', 'b.example', 'c.example', 'x.example', 'z.example']);
		},
	},
	{
		name: 'Row → Add: an oversized value (20,000 characters)',
		setup: () => ({
			params: { resource: 'row', operation: 'add', table: byId(companies().id), columns: autoMap },
			items: [{ input: 'x.example' }, { input: 'x'.repeat(20_000) }, { input: 'z.example' }],
		}),
		bad: [1],
		message: /^Extruct rejected this row: `data\.input` String should have at most 10000 characters/,
	},
	{
		name: 'Row → Update: an empty Row ID',
		setup: () => {
			const table = companies();
			return {
				params: { resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.id }}', columns: autoMap },
				items: rowItems(table).map((item, i) => (i === 1 ? { ...item, id: '' } : item)),
			};
		},
		bad: [1],
		message: /^"Row ID" is empty/,
	},
	{
		name: 'Row → Update: an unknown Row ID is refused for that row only',
		setup: () => {
			const table = companies();
			return { params: { resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.id }}', columns: autoMap }, items: rowItems(table) };
		},
		bad: [1],
		message: /^Extruct rejected this row: `id` Row not found/,
	},
	{
		name: 'Row → Delete: an unknown Row ID',
		setup: () => {
			const table = companies();
			return { params: { resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table) };
		},
		bad: [1],
		message: /^Row nope was not found in table/,
	},
	{
		name: 'Row → Get: an unknown Row ID',
		setup: () => {
			const table = companies();
			return { params: { resource: 'row', operation: 'get', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table) };
		},
		bad: [1],
		message: /^Not found in Extruct: Row not found/,
	},
	{
		name: 'Row → Get Many: an empty Table',
		setup: () => {
			const table = companies();
			return {
				params: { resource: 'row', operation: 'getMany', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' }, returnAll: true },
				items: [{ t: table.id }, { t: '' }, { t: table.id }],
			};
		},
		bad: [1],
		message: /^"Table" is empty — choose a table, or give its ID or URL/,
	},
	{
		name: 'Table → Get: an unknown table ID',
		setup: () => {
			const table = companies();
			return {
				params: { resource: 'table', operation: 'get', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' } },
				items: [{ t: table.id }, { t: 'no-such-table' }, { t: table.id }],
			};
		},
		bad: [1],
		message: /^Not found in Extruct: Table not found/,
	},
	{
		name: 'Table → Create: malformed Columns (JSON)',
		setup: () => ({
			params: { resource: 'table', operation: 'create', name: '={{ $json.name }}', columnsMode: 'json', columnsJson: '={{ $json.cols }}' },
			items: [
				{ name: 'A', cols: '[{"kind": "input", "name": "Website", "key": "website"}]' },
				{ name: 'B', cols: '[{"kind": "input", "name": ' },
				{ name: 'C', cols: '[]' },
			],
		}),
		bad: [1],
		message: /^"Columns \(JSON\)" is not valid JSON/,
	},
	{
		name: 'Table → Create: a column field of the wrong type',
		setup: () => ({
			params: { resource: 'table', operation: 'create', name: '={{ $json.name }}', columnsMode: 'json', columnsJson: '={{ $json.cols }}' },
			items: [
				{ name: 'A', cols: '[]' },
				{ name: 'B', cols: '[{"kind": "agent", "name": "Q", "key": "q", "value": {"agent_type": "llm", "prompt": 5, "output_format": "text"}}]' },
				{ name: 'C', cols: '[]' },
			],
		}),
		bad: [1],
		message: /`columns\[0\]\.value\.prompt` expected string, received number/,
	},
	{
		name: 'Column → Update: an unknown column ID',
		setup: () => {
			const table = companies();
			const fit = table.columns.find((column) => column.config.key === 'fit')!.id;
			return {
				params: {
					resource: 'column',
					operation: 'update',
					table: byId(table.id),
					columnId: '={{ $json.column }}',
					columnsMode: 'json',
					columnsJson: '{"kind": "criterion_grade", "name": "Fit", "key": "fit", "value": {"criterion": "Good fit"}}',
				},
				items: [{ column: fit }, { column: 'nope' }, { column: fit }],
			};
		},
		bad: [1],
		message: /^Not found in Extruct: Column not found/,
	},
	{
		name: 'Enrichment → Run over rows from items: an unknown Row ID fails alone, the other rows run',
		setup: () => {
			const table = companies();
			return {
				params: { resource: 'enrichment', operation: 'run', table: byId(table.id), rowsSource: 'items', rowId: '={{ $json.id }}', wait: false },
				items: rowItems(table),
			};
		},
		bad: [1],
		message: /^Row nope was not found in table .*/,
		after: (result) => expect(result.json[0].rows).toHaveLength(2),
	},
	// ----- bad answers
	{
		name: 'Table → Get: a 200 that is an HTML page',
		setup: () => {
			const table = companies();
			onNth(2, isGet(/\/v1\/tables\/[^/]+$/), { kind: 'status', status: 200, raw: '<!DOCTYPE html><html><body>Please log in</body></html>' });
			return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^Extruct answered an HTML page \(HTTP 200\) instead of JSON/,
	},
	{
		name: 'Table → Get: a 500 HTML error page',
		setup: () => {
			const table = companies();
			onNth(2, isGet(/\/v1\/tables\/[^/]+$/), { kind: 'status', status: 500, raw: '<html><h1>500 Internal Server Error</h1></html>' });
			return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^Extruct had a server error \(500/,
	},
	{
		name: 'Row → Get: a 200 with an empty body',
		setup: () => {
			const table = companies();
			onNth(2, isGet(/\/rows\//), { kind: 'status', status: 200, raw: '' });
			return { params: { resource: 'row', operation: 'get', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table).map((item, i) => (i === 1 ? { ...item, id: table.rows[1].id } : item)) };
		},
		bad: [1],
		message: /^Extruct answered .*(empty|no row)/i,
	},
	{
		name: 'Row → Get: a 200 with the wrong shape',
		setup: () => {
			const table = companies();
			onNth(2, isGet(/\/rows\//), { kind: 'status', status: 200, body: { unexpected: true } });
			return { params: { resource: 'row', operation: 'get', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table).map((item, i) => (i === 1 ? { ...item, id: table.rows[1].id } : item)) };
		},
		bad: [1],
		message: /^Extruct answered .*shape/i,
	},
	{
		name: 'Row → Get Many: truncated JSON',
		setup: () => {
			const table = companies();
			onNth(2, isGet(/\/data$/), { kind: 'status', status: 200, raw: '{"rows": [{"id": "r1", "data": {' });
			return { params: { resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^Extruct answered a body that is not valid JSON \(HTTP 200\)/,
	},
	{
		name: 'Row → Get: no answer in time',
		setup: () => {
			const table = companies();
			let seen = 0;
			// the second item's read and its one retry are slower than the (shortened) time-out
			fx.sandbox.server.inject({ match: (req) => isGet(/\/rows\//)(req) && ++seen >= 2 && seen <= 3, action: { kind: 'delay', ms: 700 }, times: 2 });
			return { params: { resource: 'row', operation: 'get', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table).map((item, i) => (i === 1 ? { ...item, id: table.rows[1].id } : item)) };
		},
		bad: [1],
		message: /^The connection to Extruct failed \(no answer in time\)/,
	},
	{
		name: 'Column → Add: a 200 with the wrong shape',
		setup: () => {
			const table = companies();
			onNth(2, (req) => req.method === 'POST' && req.path.endsWith('/columns'), { kind: 'status', status: 200, body: { created: 'yes' } });
			return {
				params: {
					resource: 'column',
					operation: 'add',
					table: byId(table.id),
					columns: { column: [{ kind: 'criterion_grade', name: '={{ "Grade " + $itemIndex }}', criterion: 'Good fit' }] },
				},
				items: [{}, {}, {}],
			};
		},
		bad: [1],
		message: /^Extruct answered a list in a shape this node does not know/,
	},
	{
		name: 'Row → Add: a lost answer is settled by reading back, not by guessing — every row stored once',
		setup: () => {
			const table = companies();
			onNth(1, (req) => req.method === 'POST' && req.path.endsWith('/rows'), { kind: 'drop-after' });
			return { params: { resource: 'row', operation: 'add', table: byId(table.id), columns: autoMap }, items: [{ input: 'x.example' }, { input: 'y.example' }, { input: 'z.example' }] };
		},
		bad: [],
		message: /$^/,
		after: (result, f) => {
			const table = [...f.sandbox.tables.values()].find((t) => t.rows.some((row) => row.id === result.json[0].id))!;
			expect(rowsOf(table)).toEqual(['a.example', 'b.example', 'c.example', 'x.example', 'y.example', 'z.example']);
		},
	},
];

// The time-out case shortens the service's time-out (120 s by default) for its own runs.
let restore: (() => void) | undefined;
beforeEach(() => {
	if (/no answer in time/.test(expect.getState().currentTestName ?? '')) {
		const saved = extruct.retry;
		extruct.retry = { ...saved, timeoutMs: 300, serverErrorRetries: 1, baseDelayMs: 10 };
		restore = () => (extruct.retry = saved);
	}
});
afterEach(() => {
	restore?.();
	restore = undefined;
});

runCorpus('Extruct corpus', () => fx, cases, reset);
