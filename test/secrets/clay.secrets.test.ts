/** The Clay session cookie is a marker; it must never show (see secrets.ts). */
import { clay } from '../../nodes/Clay/api';
import { Clay } from '../../nodes/Clay/Clay.node';
import { loggedText } from '../harness/logs';
import { autoMap, byId, clayFixture, leadsTable } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import { expectMethodsClean, failed, fastRetries, leaked, MODES, operationsOf, runMode, visible } from './secrets';
import type { OperationRun, SuiteContext } from './secrets';

// A claysession value as the browser shows it (URL-encoded "s:" prefix), with the marker inside.
const MARKER = 'SeCrEt-MaRkEr-clay-5e1d07';
const SESSION = `s%3A${MARKER}.SiGnAtUrE%2Bx`;

let fx: ClayFixture;
let ctx: SuiteContext;
let restore: () => void;
beforeAll(async () => {
	fx = await clayFixture({ session: SESSION });
	// pasted as a whole cookie header, as users often do
	fx.resetCredential(`_ga=GA1.2.3; claysession=${SESSION}; theme=dark`);
	ctx = {
		harness: fx.harness,
		node: 'clay',
		server: fx.sandbox.server,
		marker: MARKER,
		secret: SESSION,
		echoBody: { type: 'BadRequest', message: `Session claysession=${SESSION} (${decodeURIComponent(SESSION)}) cannot do this` },
	};
	restore = fastRetries(clay);
});
afterAll(async () => {
	restore();
	await fx.sandbox.close();
});

const table = () => leadsTable(fx.sandbox, [{ Name: 'a', Email: 'a@x.example' }, { Name: 'b', Email: 'b@x.example' }]);
const firstRecord = (t: ReturnType<typeof table>) => [...t.records.keys()][0];

const runs: Record<string, OperationRun['prepare']> = {
	'record.add': () => ({ params: { table: byId(table().id), cells: autoMap }, items: [{ Name: 'c' }] }),
	'record.update': () => {
		const t = table();
		return { params: { table: byId(t.id), recordId: firstRecord(t), cells: autoMap }, items: [{ Name: 'changed' }] };
	},
	'record.delete': () => {
		const t = table();
		return { params: { table: byId(t.id), recordIds: firstRecord(t) } };
	},
	'record.deleteAll': () => {
		const t = table();
		return { params: { table: byId(t.id), confirmTableId: t.id } };
	},
	'record.get': () => {
		const t = table();
		return { params: { table: byId(t.id), recordId: firstRecord(t) } };
	},
	'record.getMany': () => ({ params: { table: byId(table().id), returnAll: true } }),
	'record.count': () => ({ params: { table: byId(table().id) } }),
	'table.get': () => ({ params: { table: byId(table().id) } }),
	'table.getMany': () => ({ params: { workspace: String(fx.sandbox.workspaceId), returnAll: true } }),
	'enrichment.run': () => ({ params: { table: byId(table().id), recordsSource: 'all', fieldIds: ['Headcount'], wait: true, options: { firstInterval: 0.1 } } }),
	'source.getMany': () => ({ params: { table: byId(table().id), returnAll: true } }),
	'source.addWebhook': () => ({ params: { table: byId(table().id), name: 'From n8n' } }),
	'source.delete': () => {
		const t = table();
		t.sources.push({ id: 's_secretsCase', name: 'Old', type: 'webhook', typeSettings: {}, submissions: 0 });
		return { params: { table: byId(t.id), sourceId: 's_secretsCase' } };
	},
};

test('every operation of the node is covered', () => {
	expect(Object.keys(runs).sort()).toEqual(operationsOf(new Clay()));
});

describe.each(Object.keys(runs))('%s', (key) => {
	const [resource, operation] = key.split('.');
	test.each(MODES)('%s: the session shows nowhere', async (mode) => {
		const result = await runMode(ctx, { resource, operation, prepare: runs[key] }, mode);
		const text = visible(result);
		expect(leaked(text, MARKER)).toBeUndefined();
		expect(leaked(text, SESSION)).toBeUndefined();
		expect(failed(result)).toBe(mode !== 'success');
	});
});

test('the editor methods (tables, views, workspaces, fields) fail without the session in their errors', async () => {
	const t = table();
	const node = new Clay();
	const context = fx.harness.loadOptionsContext('clay', { resource: 'record', operation: 'add', table: byId(t.id) });
	await expectMethodsClean(
		ctx,
		[
			async () => await node.methods.listSearch.searchTables.call(context),
			async () => await node.methods.listSearch.searchViews.call(context),
			async () => await node.methods.loadOptions.getWorkspaces.call(context),
			async () => await node.methods.loadOptions.getFields.call(context),
			async () => await node.methods.resourceMapping.getRecordFields.call(context),
		],
		[MARKER, SESSION],
	);
});

test('no n8n log line holds the session', async () => {
	const log = await loggedText();
	expect(log.length).toBeGreaterThan(0);
	expect(leaked(log, MARKER)).toBeUndefined();
});
