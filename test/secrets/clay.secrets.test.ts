/**
 * The Clay secrets are markers — the session cookie, and the API key — and must never show (see
 * secrets.ts), under every behaviour profile of the sandbox.
 */
import { clay, clayKey } from '../../nodes/Clay/api';
import { Clay } from '../../nodes/Clay/Clay.node';
import { ClayTrigger } from '../../nodes/Clay/ClayTrigger.node';
import { loggedText } from '../harness/logs';
import { autoMap, byId, clayFixture, eachProfile, leadsTable } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import { expectMethodsClean, failed, fastRetries, leaked, MODES, operationsOf, otherExits, runMode, visible } from './secrets';
import type { OperationRun, SuiteContext } from './secrets';

// A claysession value as the browser shows it (URL-encoded "s:" prefix), with the marker inside.
const MARKER = 'SeCrEt-MaRkEr-clay-5e1d07';
const SESSION = `s%3A${MARKER}.SiGnAtUrE%2Bx`;
// A Clay API key with another marker inside.
const KEY_MARKER = 'SeCrEt-MaRkEr-claykey-9a4c21';
const API_KEY = `clay_sk_${KEY_MARKER}`;

const AUTHENTICATIONS = [
	['session cookie', 'sessionCookie', MARKER, SESSION],
	['API key', 'apiKey', KEY_MARKER, API_KEY],
] as const;

eachProfile((profile) => describe.each(AUTHENTICATIONS)('with the %s', (_title, authentication, marker, secret) => {
	let fx: ClayFixture;
	let ctx: SuiteContext;
	let restore: () => void;
	beforeAll(async () => {
		fx = await clayFixture({ ...profile, session: SESSION, apiKey: API_KEY });
		// pasted as a whole cookie header, as users often do; the key with "Bearer " in front
		fx.resetCredential(`_ga=GA1.2.3; claysession=${SESSION}; theme=dark`);
		fx.resetKey(`Bearer ${API_KEY}`);
		ctx = {
			harness: fx.harness,
			node: 'clay',
			server: fx.sandbox.server,
			marker,
			secret,
			echoBody: {
				type: 'BadRequest',
				message:
					authentication === 'apiKey'
						? `Key ${API_KEY} (authorization: Bearer ${API_KEY}) cannot do this`
						: `Session claysession=${SESSION} (${decodeURIComponent(SESSION)}) cannot do this`,
			},
		};
		// both ways to authenticate: each has its own service definition
		const restoreCookie = fastRetries(clay);
		const restoreKey = fastRetries(clayKey);
		restore = () => {
			restoreKey();
			restoreCookie();
		};
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
		test.each(MODES)('%s: the secret shows nowhere', async (mode) => {
			const prepare = () => {
				const prepared = runs[key]();
				return { ...prepared, params: { authentication, ...prepared.params } };
			};
			const result = await runMode(ctx, { resource, operation, prepare }, mode);
			const text = visible(result);
			expect(leaked(text, marker)).toBeUndefined();
			expect(leaked(text, secret)).toBeUndefined();
			expect(failed(result)).toBe(mode !== 'success');
		});
	});

	// a table whose record holds the secret as data: every answer about it repeats the secret
	otherExits(
		() => ctx,
		() => ({
			holding: () => ({ authentication, table: byId(leadsTable(fx.sandbox, [{ Name: `sent ${secret}`, Email: 'a@x.example' }]).id) }),
			read: { resource: 'record', operation: 'getMany', params: { returnAll: true }, shows: 'sent ***' },
			tool: { resource: 'record', operation: 'getMany', params: { returnAll: true }, shows: 'sent ***' },
			trigger: { node: new ClayTrigger(), params: { event: 'recordAdded' } },
		}),
	);

	test('the editor methods (tables, views, workspaces, fields) fail without the session in their errors', async () => {
		const t = table();
		const node = new Clay();
		const context = fx.harness.loadOptionsContext('clay', { authentication, resource: 'record', operation: 'add', table: byId(t.id) });
		await expectMethodsClean(
			ctx,
			[
				async () => await node.methods.listSearch.searchTables.call(context),
				async () => await node.methods.listSearch.searchViews.call(context),
				async () => await node.methods.loadOptions.getWorkspaces.call(context),
				async () => await node.methods.loadOptions.getFields.call(context),
				async () => await node.methods.resourceMapping.getRecordFields.call(context),
			],
			[marker, secret],
		);
	});

	test('no n8n log line holds the secret', async () => {
		const log = await loggedText();
		expect(log.length).toBeGreaterThan(0);
		expect(leaked(log, marker)).toBeUndefined();
	});
}));
