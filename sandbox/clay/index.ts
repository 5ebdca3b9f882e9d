/**
 * Clay v3 web API sandbox.
 *
 * Built from seed 004 (Clay "Tables" page) and the Clay sections of api-notes.md. The v3 API is
 * Clay's web app's own API, not a published one: where the seed and the clients that ran against
 * the live API disagree, or no source settles a behaviour, the sandbox offers each as a profile
 * (profiles.ts); what no source shows is marked `docs silent:` and is the most plausible
 * behaviour, not a promise.
 *
 *   state and the wire ... store.ts        enrichment ... enrichment.ts
 *   routes ............... routes/*.ts     Clay's limits and refusals ... limits.ts
 */
import { json, makeRandom, SandboxServer } from '../framework';
import { Enrichment } from './enrichment';
import { Limits } from './limits';
import { callerOf, NO_MATCHING_URL } from './http';
import { resolveProfile } from './profiles';
import type { RouteContext } from './routes/context';
import { registerRecordRoutes } from './routes/records';
import { registerRunRoutes } from './routes/runs';
import { registerSourceRoutes } from './routes/sources';
import { registerTableRoutes } from './routes/tables';
import { ClayStore, iso } from './store';
import type { ClayCell, ClayRecord, ClaySandbox, ClaySandboxOptions, ClayTable } from './types';

export { decodeFormJson, parseCookies } from './http';
export * from './profiles';
export type * from './types';

export async function startClaySandbox(options: ClaySandboxOptions = {}): Promise<ClaySandbox> {
	const profile = resolveProfile(options);
	const session = options.session ?? 's%3Atest-session.signature';
	const apiKey = options.apiKey ?? 'clay_sk_sandbox_key';
	const workspaceId = options.workspaceId ?? 12345;
	const server = new SandboxServer('clay', options);
	// own generator: ids must not shift fault patterns
	const random = makeRandom(((options.seed ?? 1) ^ 0x5eed) >>> 0);
	const store = new ClayStore(profile, workspaceId, random, options.updateDelayMs ?? 50);
	const credits = { value: options.credits ?? Infinity };
	const enrichment = new Enrichment(store, { runStartMs: options.runStartMs ?? 20, runDurationMs: options.runDurationMs ?? 60, queueLagMs: options.queueLagMs ?? 0 }, credits);
	const limits = new Limits({ ...options, webhooksInPlan: profile.webhooksInPlan });
	const userId = '714296';

	const context: RouteContext = { server, store, enrichment, limits, origin: () => sandbox.url, userId, email: 'sandbox@clay.example' };

	server.use((req) => {
		const noRoute = json(404, NO_MATCHING_URL);
		if (req.path !== '/v3' && !req.path.startsWith('/v3/')) return noRoute;
		// the public webhook needs no session, like the real one
		if (req.method === 'POST' && /^\/v3\/sources\/webhook\/[^/]+\/?$/.test(req.path)) return undefined;
		const caller = callerOf(req, session, apiKey);
		// a public client's "v3 API reference, validated live": 401 {type: "Unauthorized", message: "You must be logged in"}
		if (!caller) return json(401, { type: 'Unauthorized', message: 'You must be logged in' });
		const limited = limits.takeRequest(caller);
		if (limited) return limited;
		if (!server.routesFor(req.path).some((route) => route.method === req.method)) return noRoute;
		return undefined;
	});
	registerTableRoutes(context);
	registerRecordRoutes(context);
	registerRunRoutes(context);
	registerSourceRoutes(context);

	const directTable = (tableId: string, what: string): ClayTable => {
		const table = store.tables.get(tableId);
		if (!table) throw new Error(`${what}: no Clay table ${tableId}`);
		return table;
	};

	const sandbox: ClaySandbox = {
		server,
		url: '',
		session,
		apiKey,
		userId,
		workspaceId,
		profile,
		tables: store.tables,
		history: store.history,
		listings: store.listings,
		get credits() {
			return credits.value;
		},
		set credits(value: number) {
			credits.value = value;
		},
		get webhookSubmissionLimit() {
			return limits.webhookSubmissionLimit;
		},
		set webhookSubmissionLimit(value: number) {
			limits.webhookSubmissionLimit = value;
		},
		seedTable(input) {
			const table = store.newTable(input.name);
			for (const field of input.fields) store.addField(table, field);
			const now = iso();
			for (const values of input.records ?? []) {
				const cells: Record<string, ClayCell> = {};
				for (const [name, value] of Object.entries(values)) {
					const field = table.fields.find((f) => f.name === name);
					if (!field) throw new Error(`seedTable: table "${input.name}" has no field named "${name}"`);
					cells[field.id] = { value };
				}
				const record: ClayRecord = { id: store.genId('r_'), tableId: table.id, cells, recordMetadata: {}, createdAt: now, updatedAt: now };
				table.records.set(record.id, record);
			}
			return table;
		},
		fieldId(tableId, name) {
			const field = store.fieldByName(directTable(tableId, 'fieldId'), name);
			if (!field) throw new Error(`Clay table ${tableId} has no field named "${name}"`);
			return field.id;
		},
		optionId(tableId, fieldName, option) {
			const field = store.fieldByName(directTable(tableId, 'optionId'), fieldName);
			const found = field && store.optionsOf(field).find((candidate) => candidate.text === option);
			if (!found) throw new Error(`Clay table ${tableId} has no option "${option}" in "${fieldName}"`);
			return found.id;
		},
		cellStatus: (cell) => store.cellStatus(cell),
		settle: () => store.settleAll(),
		close: () => server.close(),
		viewIds(tableId, viewId, limit) {
			const table = directTable(tableId, 'viewIds');
			return store.listIds(table, viewId, limit);
		},
		addRecords(tableId, records) {
			const table = directTable(tableId, 'addRecords');
			return store.createRecords(
				table,
				records.map((values) => ({ cells: store.cellsByName(table, values) })),
			);
		},
		updateRecords(tableId, updates) {
			const table = directTable(tableId, 'updateRecords');
			store.enqueueUpdates(table, updates.map(({ id, values }) => ({ id, cells: store.cellsByName(table, values) })));
		},
		deleteRecords: (tableId, recordIds) => store.deleteIds(directTable(tableId, 'deleteRecords'), recordIds),
		runFields(tableId, fieldNames, recordIds, forceRun = false) {
			const table = directTable(tableId, 'runFields');
			const fields = fieldNames.map((name) => {
				const field = store.fieldByName(table, name);
				if (!field || field.type !== 'action') throw new Error(`runFields: "${name}" is no enrichment field of ${table.id}`);
				return field;
			});
			const targets = recordIds ? recordIds.map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r) : [...table.records.values()];
			return enrichment.start(table, fields, targets, forceRun).runId;
		},
	};

	sandbox.url = await server.start();
	return sandbox;
}
