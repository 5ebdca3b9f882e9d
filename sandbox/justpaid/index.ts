/**
 * Local stand-in for the JustPaid Workflows (LoopFour) Tables API.
 *
 * Built from seeds/003 (the Tables page of the JustPaid Workflows docs) and the JustPaid
 * section of api-notes.md. Paths live under `/api/v1`, the caller authenticates with an
 * `x-api-key` header scoped to one company, answers use the `{success, data}` /
 * `{success: false, error: {code, message}}` envelopes.
 *
 * What the REST API offers (and so what this sandbox offers): table list / create / get /
 * update / delete, and row list (limit/offset) / create / update (full replacement of
 * `data`) / delete. There is no single-row GET, no filter, no upsert (api-notes).
 *
 * Every choice made where the docs are silent is marked `docs silent:`.
 *
 *   state and the wire ... store.ts        list order switches ... profiles.ts
 *   routes ............... routes/*.ts     rate limits ........... limits.ts
 *   body checks .......... validation.ts
 */
import { SandboxServer } from '../framework';
import type { SandboxRequest } from '../framework';
import { API, badRequest, callerOf, fail } from './http';
import { Limits } from './limits';
import { resolveProfile } from './profiles';
import type { RouteContext } from './routes/context';
import { registerRowRoutes } from './routes/rows';
import { registerTableRoutes } from './routes/tables';
import { JustPaidStore } from './store';
import type { JustPaidKey, JustPaidSandbox, JustPaidSandboxOptions, JustPaidScope, JustPaidTable } from './types';
import { normalizeColumns } from './validation';

export type * from './profiles';
export * from './types';

export async function startJustPaidSandbox(options: JustPaidSandboxOptions = {}): Promise<JustPaidSandbox> {
	const keys: Record<string, JustPaidKey> = options.keys ?? {
		wfk_test_key: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
	};
	const apiKey = Object.keys(keys)[0] ?? 'wfk_test_key';
	const now = options.now ?? (() => Date.now());
	const limits = new Limits({ readLimit: options.readLimit, writeLimit: options.writeLimit, windowMs: options.windowMs, now });
	const server = new SandboxServer('justpaid', options);
	const store = new JustPaidStore(resolveProfile(options), options.seed ?? 1, now);

	const scopes = new Map<string, JustPaidScope>();
	const callers = new WeakMap<SandboxRequest, JustPaidKey>();

	const context: RouteContext = {
		store,
		route(method, pattern, scope, handler) {
			scopes.set(`${method} ${pattern}`, scope);
			server.route(method, pattern, (req) => {
				// docs silent on order: auth (401/403), then rate limit (429), then the body is parsed (400).
				if (req.bodyInvalid) throw badRequest('Request body is not valid JSON');
				return handler(req, callers.get(req)!);
			});
		},
	};

	server.use((req) => {
		const route = server.routesFor(req.path).find((r) => r.method === req.method);
		// docs silent: paths outside /api/v1 are not part of the API: 404 (envelope) without auth.
		if (!req.path.startsWith(`${API}/`) && req.path !== API) {
			return fail(404, 'NOT_FOUND', `Route ${req.method} ${req.path} not found`);
		}
		const { presented, key } = callerOf(req, keys);
		if (!presented || !key) return fail(401, 'UNAUTHORIZED', 'Missing or invalid x-api-key');
		const scope = route && scopes.get(`${route.method} ${route.pattern}`);
		if (scope && !key.scopes.includes(scope)) return fail(403, 'FORBIDDEN', `API key lacks the ${scope} scope`);
		const limited = limits.takeRequest(presented, req.method);
		if (limited) return limited;
		// docs silent: an unknown route under /api/v1 (incl. the non-existent single-row GET) answers
		// 404 after auth and rate limiting, with the error envelope.
		if (!route) return fail(404, 'NOT_FOUND', `Route ${req.method} ${req.path} not found`);
		callers.set(req, key);
		return undefined;
	});
	registerTableRoutes(context);
	registerRowRoutes(context);

	const directTable = (tableId: string, what: string): JustPaidTable => {
		const table = store.tables.get(tableId);
		if (!table) throw new Error(`${what}: unknown table ${tableId}`);
		return table;
	};

	const url = await server.start();

	return {
		server,
		url,
		apiKey,
		keys,
		tables: store.tables,
		history: store.history,
		limiter: { read: limits.read, write: limits.write },
		seedTable(input) {
			const columns = input.columns === undefined ? undefined : normalizeColumns(input.columns, 'columns', true);
			const table = store.createTable(input.companyId ?? keys[apiKey]?.companyId ?? 'company_1', { name: input.name, columns, maxRows: input.maxRows });
			const rows = input.rows ?? [];
			// Seeded rows get createdAt 1 ms apart, the last one at now(), so they list in the given order.
			const end = now();
			rows.forEach((data, i) => store.newRow(table, data, end - (rows.length - 1 - i)));
			return table;
		},
		seedRow: (tableId, data, extra) => store.seedRow(directTable(tableId, 'seedRow'), data, extra),
		sortedRows: (tableId) => [...store.listOrder(tableId)],
		tableView: (table) => store.tableJson(table),
		rowView: (row) => store.rowJson(row),
		close: () => server.close(),
		createRow: (tableId, data) => store.createRow(directTable(tableId, 'createRow'), data),
		updateRow(tableId, rowId, data) {
			const table = directTable(tableId, 'updateRow');
			const row = table.rows.find((r) => r.id === rowId);
			return row && store.updateRow(table, row, data);
		},
		deleteRow: (tableId, rowId) => store.deleteRow(directTable(tableId, 'deleteRow'), rowId),
	};
}
