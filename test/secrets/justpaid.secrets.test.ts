/** The JustPaid API key is a marker; it must never show (see secrets.ts). */
import { justPaid } from '../../nodes/JustPaid/api';
import { JustPaid } from '../../nodes/JustPaid/JustPaid.node';
import { JustPaidTrigger } from '../../nodes/JustPaid/JustPaidTrigger.node';
import { loggedText } from '../harness/logs';
import { autoMap, byId, justPaidFixture, mapped } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';
import { expectMethodsClean, failed, fastRetries, leaked, MODES, operationsOf, otherExits, runMode, visible } from './secrets';
import type { OperationRun, SuiteContext } from './secrets';

const MARKER = 'wfk_SeCrEt-MaRkEr-justpaid-2c8e41';

let fx: JustPaidFixture;
let ctx: SuiteContext;
let restore: () => void;
beforeAll(async () => {
	fx = await justPaidFixture({
		writeLimit: 100_000,
		readLimit: 100_000,
		keys: { [MARKER]: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] } },
	});
	expect(fx.credential.apiKey).toBe(MARKER);
	ctx = {
		harness: fx.harness,
		node: 'justPaid',
		server: fx.sandbox.server,
		marker: MARKER,
		secret: MARKER,
		echoBody: { success: false, error: { code: 'BAD_REQUEST', message: `x-api-key ${MARKER} may not do this` } },
	};
	restore = fastRetries(justPaid);
});
afterAll(async () => {
	restore();
	await fx.sandbox.close();
});

const table = () =>
	fx.sandbox.seedTable({ name: 'Secrets', columns: [{ name: 'key', type: 'text' }, { name: 'n', type: 'number' }], rows: [{ key: 'a', n: 1 }, { key: 'b', n: 2 }] });
const firstRow = (t: ReturnType<typeof table>) => fx.sandbox.sortedRows(t.id)[0].id;

const runs: Record<string, OperationRun['prepare']> = {
	'row.create': () => ({ params: { table: byId(table().id), columns: autoMap() }, items: [{ key: 'c', n: 3 }] }),
	'row.getMany': () => ({ params: { table: byId(table().id), returnAll: true } }),
	'row.find': () => ({ params: { table: byId(table().id), column: 'key', value: 'a' } }),
	'row.update': () => {
		const t = table();
		return { params: { table: byId(t.id), rowId: firstRow(t), columns: mapped({ n: 5 }) } };
	},
	'row.upsert': () => ({ params: { table: byId(table().id), columns: autoMap({ matchingColumns: ['key'] }) }, items: [{ key: 'a', n: 9 }] }),
	'row.delete': () => {
		const t = table();
		return { params: { table: byId(t.id), rowId: firstRow(t) } };
	},
	'table.create': () => ({ params: { name: 'Created', columnsMode: 'json', columnsJson: '[{"name": "k", "type": "text"}]' } }),
	'table.get': () => ({ params: { table: byId(table().id) } }),
	'table.getMany': () => ({ params: { returnAll: true } }),
	'table.update': () => ({ params: { table: byId(table().id), updateFields: { description: 'changed' } } }),
	'table.delete': () => ({ params: { table: byId(table().id) } }),
};

test('every operation of the node is covered', () => {
	expect(Object.keys(runs).sort()).toEqual(operationsOf(new JustPaid()));
});

describe.each(Object.keys(runs))('%s', (key) => {
	const [resource, operation] = key.split('.');
	test.each(MODES)('%s: the key shows nowhere', async (mode) => {
		fx.sandbox.limiter.read.reset();
		fx.sandbox.limiter.write.reset();
		const result = await runMode(ctx, { resource, operation, prepare: runs[key] }, mode);
		expect(leaked(visible(result), MARKER)).toBeUndefined();
		expect(failed(result)).toBe(mode !== 'success');
	});
});

// a table whose name and row hold the key as data: every answer about it repeats the key
otherExits(
	() => ctx,
	() => ({
		holding: () => ({ table: byId(fx.sandbox.seedTable({ name: `Keys ${MARKER}`, columns: [{ name: 'key', type: 'text' }], rows: [{ key: `sent ${MARKER}` }] }).id) }),
		read: { resource: 'row', operation: 'getMany', params: { returnAll: true }, shows: 'sent ***' },
		tool: { resource: 'table', operation: 'get', shows: 'Keys ***' },
		trigger: { node: new JustPaidTrigger(), params: { event: 'rowAdded' } },
	}),
);

test('the editor methods (table list, columns, mapping) fail without the key in their errors', async () => {
	const t = table();
	const node = new JustPaid();
	const context = fx.harness.loadOptionsContext('justPaid', { resource: 'row', operation: 'create', table: byId(t.id) });
	await expectMethodsClean(
		ctx,
		[
			async () => await node.methods.listSearch.searchTables.call(context),
			async () => await node.methods.loadOptions.getColumns.call(context),
			async () => await node.methods.resourceMapping.getMappingColumns.call(context),
		],
		[MARKER],
	);
});

test('no n8n log line holds the key', async () => {
	const log = await loggedText();
	expect(log.length).toBeGreaterThan(0);
	expect(leaked(log, MARKER)).toBeUndefined();
});
