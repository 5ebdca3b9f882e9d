/** Bad inputs and bad answers for every kind of JustPaid operation (see corpus.ts for what each case must show). */
import { justPaid } from '../../nodes/JustPaid/api';
import type { FaultAction } from '../../sandbox/framework';
import type { JustPaidTable } from '../../sandbox/justpaid';
import { autoMap, byId, justPaidFixture, mapped, resetFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';
import { runCorpus } from './corpus';
import type { CorpusCase } from './corpus';

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture({ writeLimit: 10_000, readLimit: 10_000 })));
afterAll(async () => await fx.sandbox.close());

function reset(): void {
	fx.sandbox.server.clearInjected();
	resetFixture(fx);
}

type Req = { method: string; path: string };
const invoices = (): JustPaidTable =>
	fx.sandbox.seedTable({
		name: 'Corpus invoices',
		columns: [
			{ name: 'invoiceId', type: 'text', required: true },
			{ name: 'amountCents', type: 'number' },
			{ name: 'status', type: 'select', options: ['open', 'paid'] },
		],
		rows: [
			{ invoiceId: 'in_0', amountCents: 100, status: 'open' },
			{ invoiceId: 'in_1', amountCents: 200, status: 'open' },
			{ invoiceId: 'in_2', amountCents: 300, status: 'paid' },
		],
	});
const ids = (table: JustPaidTable) => fx.sandbox.sortedRows(table.id).map((row) => row.id);
/** Items naming rows 0 and 2 of the table, and in between one that does not exist. */
const rowItems = (table: JustPaidTable, extra: Record<string, unknown> = {}) => [
	{ id: ids(table)[0], ...extra },
	{ id: '00000000-0000-4000-8000-00000000dead', ...extra },
	{ id: ids(table)[2], ...extra },
];
function onNth(n: number, match: (req: Req) => boolean, action: FaultAction): void {
	let seen = 0;
	fx.sandbox.server.inject({ match: (req) => match(req) && ++seen === n, action });
}
const isPost = (req: Req) => req.method === 'POST' && req.path.endsWith('/rows');
const isTableGet = (req: Req) => req.method === 'GET' && /\/tables\/[^/]+$/.test(req.path);
const create = (table: JustPaidTable, extra: Record<string, unknown> = {}) => ({ resource: 'row', operation: 'create', table: byId(table.id), columns: autoMap(), ...extra });

const cases: Array<CorpusCase<JustPaidFixture>> = [
	// ----- bad inputs
	{
		name: 'Row → Create: text in a number column',
		setup: () => ({ params: create(invoices()), items: [{ invoiceId: 'a', amountCents: 1 }, { invoiceId: 'b', amountCents: 'abc' }, { invoiceId: 'c', amountCents: '3' }] }),
		bad: [1],
		message: /^`amountCents` must be a number, got "abc"/,
		after: (result) => expect(result.json[2].amountCents).toBe(3),
	},
	{
		name: 'Row → Create: a required column without a value',
		setup: () => ({ params: create(invoices()), items: [{ invoiceId: 'a' }, { amountCents: 5 }, { invoiceId: 'c' }] }),
		bad: [1],
		message: /^`invoiceId` is required/,
	},
	{
		name: 'Row → Create: a value outside a select column\'s options',
		setup: () => ({ params: create(invoices()), items: [{ invoiceId: 'a', status: 'open' }, { invoiceId: 'b', status: 'void' }, { invoiceId: 'c', status: 'paid' }] }),
		bad: [1],
		message: /^`status` must be one of "open", "paid", got "void"/,
	},
	{
		name: 'Row → Create: an object where a number goes',
		setup: () => ({ params: create(invoices()), items: [{ invoiceId: 'a' }, { invoiceId: 'b', amountCents: { value: 5 } }, { invoiceId: 'c' }] }),
		bad: [1],
		message: /^`amountCents` must be a number, got \{"value":5\}/,
	},
	{
		name: 'Row → Create: an item with no field matching a column',
		setup: () => ({ params: create(invoices()), items: [{ invoiceId: 'a' }, { invoice: 'b' }, { invoiceId: 'c' }] }),
		bad: [1],
		message: /^none of its fields \(invoice\) is a column of the table; its columns are: invoiceId, amountCents, status/,
	},
	{
		name: 'Row → Update: an empty Row ID',
		setup: () => {
			const table = invoices();
			return {
				params: { resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.id }}', columns: mapped({ status: 'paid' }) },
				items: rowItems(table).map((item, i) => (i === 1 ? { id: '' } : item)),
			};
		},
		bad: [1],
		message: /^"Row ID" is empty/,
	},
	{
		name: 'Row → Update (merge): an unknown Row ID',
		setup: () => {
			const table = invoices();
			return { params: { resource: 'row', operation: 'update', table: byId(table.id), rowId: '={{ $json.id }}', columns: mapped({ status: 'paid' }) }, items: rowItems(table) };
		},
		bad: [1],
		message: /^Row 00000000-0000-4000-8000-00000000dead was not found in table/,
	},
	{
		name: 'Row → Update (replace): an unknown Row ID, refused by JustPaid',
		setup: () => {
			const table = invoices();
			return {
				params: { resource: 'row', operation: 'update', updateMode: 'replace', table: byId(table.id), rowId: '={{ $json.id }}', columns: mapped({ invoiceId: 'x' }) },
				items: rowItems(table),
			};
		},
		bad: [1],
		message: /^Not found in JustPaid: Row not found/,
	},
	{
		name: 'Row → Delete: an unknown Row ID',
		setup: () => {
			const table = invoices();
			return { params: { resource: 'row', operation: 'delete', table: byId(table.id), rowId: '={{ $json.id }}' }, items: rowItems(table) };
		},
		bad: [1],
		message: /^Not found in JustPaid: Row not found/,
	},
	{
		name: 'Row → Find: an empty value',
		setup: () => ({
			params: { resource: 'row', operation: 'find', table: byId(invoices().id), column: 'invoiceId', value: '={{ $json.key }}' },
			items: [{ key: 'in_0' }, { key: '' }, { key: 'in_2' }],
		}),
		bad: [1],
		message: /^"Value" is empty/,
	},
	{
		name: 'Row → Upsert: the column to match on has no value',
		setup: () => ({
			params: { resource: 'row', operation: 'upsert', table: byId(invoices().id), columns: autoMap({ matchingColumns: ['invoiceId'] }) },
			items: [{ invoiceId: 'in_0', status: 'paid' }, { amountCents: 9 }, { invoiceId: 'in_new', status: 'open' }],
		}),
		bad: [1],
		message: /^`invoiceId`, the column to match on, has no value/,
	},
	{
		name: 'Table → Create: malformed Columns (JSON)',
		setup: () => ({
			params: { resource: 'table', operation: 'create', name: '={{ $json.name }}', columnsMode: 'json', columnsJson: '={{ $json.cols }}' },
			items: [
				{ name: 'A', cols: '[{"name": "k", "type": "text"}]' },
				{ name: 'B', cols: '[{"name": "k", "type": ' },
				{ name: 'C', cols: '[]' },
			],
		}),
		bad: [1],
		message: /^"Columns \(JSON\)" is not valid JSON/,
	},
	{
		name: 'Table → Create: a column type that does not exist',
		setup: () => ({
			params: { resource: 'table', operation: 'create', name: '={{ $json.name }}', columnsMode: 'json', columnsJson: '={{ $json.cols }}' },
			items: [{ name: 'A', cols: '[]' }, { name: 'B', cols: '[{"name": "n", "type": "integer"}]' }, { name: 'C', cols: '[]' }],
		}),
		bad: [1],
		message: /^`columns\[0\]\.type` invalid enum value/,
	},
	{
		name: 'Table → Update: an unknown table',
		setup: () => {
			const table = invoices();
			return {
				params: { resource: 'table', operation: 'update', table: { __rl: true, mode: 'id', value: '={{ $json.t }}' }, updateFields: { description: 'x' } },
				items: [{ t: table.id }, { t: '00000000-0000-4000-8000-000000000000' }, { t: table.id }],
			};
		},
		bad: [1],
		message: /^Not found in JustPaid: Table not found/,
	},
	// ----- bad answers
	{
		name: 'Table → Get: a 200 that says {success: false}',
		setup: () => {
			const table = invoices();
			onNth(2, isTableGet, { kind: 'status', status: 200, body: { success: false, error: { code: 'INTERNAL', message: 'storage unavailable' } } });
			return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^JustPaid reported a failure: storage unavailable/,
	},
	{
		name: 'Table → Get: a 200 that is an HTML page',
		setup: () => {
			const table = invoices();
			onNth(2, isTableGet, { kind: 'status', status: 200, raw: '<!DOCTYPE html><html>login</html>' });
			return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^JustPaid answered an HTML page \(HTTP 200\) instead of JSON/,
	},
	{
		name: 'Table → Get: a 200 with the wrong shape',
		setup: () => {
			const table = invoices();
			onNth(2, isTableGet, { kind: 'status', status: 200, body: { success: true, data: ['not', 'a', 'table'] } });
			return { params: { resource: 'table', operation: 'get', table: byId(table.id) }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^JustPaid answered the table in a shape this node does not know/,
	},
	{
		name: 'Row → Create: a 201 with an empty body',
		setup: () => {
			const table = invoices();
			onNth(2, isPost, { kind: 'status', status: 201, raw: '' });
			return { params: create(table), items: [{ invoiceId: 'a' }, { invoiceId: 'b' }, { invoiceId: 'c' }] };
		},
		bad: [1],
		message: /^JustPaid answered the new row with an empty body/,
	},
	{
		name: 'Row → Create: a 500 HTML error page (not retried: the row may exist)',
		setup: () => {
			const table = invoices();
			onNth(2, isPost, { kind: 'status', status: 500, raw: '<html><h1>Internal Server Error</h1></html>' });
			return { params: create(table), items: [{ invoiceId: 'a' }, { invoiceId: 'b' }, { invoiceId: 'c' }] };
		},
		bad: [1],
		message: /^JustPaid had a server error \(500/,
	},
	{
		name: 'Row → Get Many: truncated JSON',
		setup: () => {
			const table = invoices();
			onNth(2, (req) => req.method === 'GET' && req.path.endsWith('/rows'), { kind: 'status', status: 200, raw: '{"success": true, "data": [{"id": ' });
			return { params: { resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true }, items: [{}, {}, {}] };
		},
		bad: [1],
		message: /^JustPaid answered a body that is not valid JSON \(HTTP 200\)/,
	},
	{
		name: 'Row → Update (replace): no answer in time',
		setup: () => {
			const table = invoices();
			let seen = 0;
			fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH' && ++seen >= 2 && seen <= 3, action: { kind: 'delay', ms: 700 }, times: 2 });
			return {
				params: { resource: 'row', operation: 'update', updateMode: 'replace', table: byId(table.id), rowId: '={{ $json.id }}', columns: mapped({ invoiceId: 'x' }) },
				items: ids(table).map((id) => ({ id })),
			};
		},
		bad: [1],
		message: /^The connection to JustPaid failed \(no answer in time\)/,
	},
];

let restore: (() => void) | undefined;
beforeEach(() => {
	if (/no answer in time/.test(expect.getState().currentTestName ?? '')) {
		const saved = justPaid.retry;
		justPaid.retry = { ...saved, timeoutMs: 300, serverErrorRetries: 1, baseDelayMs: 10 };
		restore = () => (justPaid.retry = saved);
	}
});
afterEach(() => {
	restore?.();
	restore = undefined;
});

runCorpus('JustPaid corpus', () => fx, cases, reset);
