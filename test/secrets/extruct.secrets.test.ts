/** The Extruct API token is a marker; it must never show (see secrets.ts). */
import { extruct } from '../../nodes/Extruct/api';
import { Extruct } from '../../nodes/Extruct/Extruct.node';
import { ExtructTrigger } from '../../nodes/Extruct/ExtructTrigger.node';
import { loggedText } from '../harness/logs';
import { byId, extructFixture } from '../extruct/setup';
import type { ExtructFixture } from '../extruct/setup';
import { expectMethodsClean, failed, fastRetries, leaked, MODES, operationsOf, otherExits, runMode, visible } from './secrets';
import type { OperationRun, SuiteContext } from './secrets';

const MARKER = 'SeCrEt-MaRkEr-extruct-7f3a9c';

let fx: ExtructFixture;
let ctx: SuiteContext;
let restore: () => void;
beforeAll(async () => {
	fx = await extructFixture({ token: MARKER });
	expect(fx.harness.credentials.extructApi.apiToken).toBe(MARKER);
	ctx = { harness: fx.harness, node: 'extruct', server: fx.sandbox.server, marker: MARKER, secret: MARKER, echoBody: { detail: `Token ${MARKER} is not allowed to do this (Authorization: Bearer ${MARKER})` } };
	restore = fastRetries(extruct);
});
afterAll(async () => {
	restore();
	await fx.sandbox.close();
});

const table = () =>
	fx.sandbox.seedTable({
		name: 'Secrets',
		kind: 'company',
		rows: [{ input: 'a.example' }, { input: 'b.example' }],
		columns: [{ kind: 'criterion_grade', name: 'Fit', key: 'fit', value: { criterion: 'Good fit' } }],
	});
const fit = (t: ReturnType<typeof table>) => t.columns.find((column) => column.config.key === 'fit')!.id;
const autoMap = { mappingMode: 'autoMapInputData', value: null };

const runs: Record<string, OperationRun['prepare']> = {
	'row.add': () => ({ params: { table: byId(table().id), columns: autoMap }, items: [{ input: 'new.example' }] }),
	'row.update': () => {
		const t = table();
		return { params: { table: byId(t.id), rowId: '={{ $json.id }}', columns: autoMap }, items: [{ id: t.rows[0].id, input: 'changed.example' }] };
	},
	'row.delete': () => {
		const t = table();
		return { params: { table: byId(t.id), rowId: '={{ $json.id }}' }, items: [{ id: t.rows[0].id }] };
	},
	'row.get': () => {
		const t = table();
		return { params: { table: byId(t.id), rowId: t.rows[0].id } };
	},
	'row.getMany': () => ({ params: { table: byId(table().id), returnAll: true } }),
	'enrichment.run': () => ({ params: { table: byId(table().id), rowsSource: 'all', wait: true, options: { firstInterval: 0.1 } } }),
	'table.create': () => ({ params: { name: 'Created', kind: 'company', columnsMode: 'json', columnsJson: '[]' } }),
	'table.get': () => ({ params: { table: byId(table().id) } }),
	'table.getMany': () => ({ params: { returnAll: true } }),
	'table.update': () => ({ params: { table: byId(table().id), updateFields: { name: 'Renamed' } } }),
	'table.delete': () => ({ params: { table: byId(table().id) } }),
	'table.clone': () => ({ params: { table: byId(table().id), copyRows: true } }),
	'column.add': () => ({ params: { table: byId(table().id), columns: { column: [{ kind: 'email_finder', name: 'Email' }] }, insert: 'end' } }),
	'column.update': () => {
		const t = table();
		return {
			params: { table: byId(t.id), columnId: fit(t), columnsMode: 'json', columnsJson: '{"kind": "criterion_grade", "name": "Fit", "key": "fit", "value": {"criterion": "Great fit"}}' },
		};
	},
	'column.delete': () => {
		const t = table();
		return { params: { table: byId(t.id), columnId: fit(t) } };
	},
};

test('every operation of the node is covered', () => {
	expect(Object.keys(runs).sort()).toEqual(operationsOf(new Extruct()));
});

describe.each(Object.keys(runs))('%s', (key) => {
	const [resource, operation] = key.split('.');
	test.each(MODES)('%s: the token shows nowhere', async (mode) => {
		const result = await runMode(ctx, { resource, operation, prepare: runs[key] }, mode);
		expect(leaked(visible(result), MARKER)).toBeUndefined();
		expect(failed(result)).toBe(mode !== 'success');
	});
});

// a table whose name and row hold the token as data: every answer about it repeats the token
otherExits(
	() => ctx,
	() => ({
		holding: () => ({ table: byId(fx.sandbox.seedTable({ name: `Leads of ${MARKER}`, kind: 'company', rows: [{ input: `${MARKER}.example` }], columns: [] }).id) }),
		read: { resource: 'row', operation: 'getMany', params: { returnAll: true }, shows: '***.example' },
		tool: { resource: 'table', operation: 'get', shows: 'Leads of ***' },
		trigger: { node: new ExtructTrigger(), params: { event: 'rowAdded' } },
	}),
);

test('the editor methods (table list, columns, mapping) fail without the token in their errors', async () => {
	const t = table();
	const node = new Extruct();
	const context = fx.harness.loadOptionsContext('extruct', { resource: 'row', operation: 'add', table: byId(t.id) });
	await expectMethodsClean(
		ctx,
		[
			async () => await node.methods.listSearch.searchTables.call(context),
			async () => await node.methods.loadOptions.getColumns.call(context),
			async () => await node.methods.loadOptions.getEnrichmentColumns.call(context),
			async () => await node.methods.resourceMapping.getRowColumns.call(context),
		],
		[MARKER],
	);
});

test('no n8n log line holds the token', async () => {
	const log = await loggedText();
	expect(log.length).toBeGreaterThan(0);
	expect(leaked(log, MARKER)).toBeUndefined();
});
