/**
 * Local stand-in for the Extruct AI tables API (`https://api.extruct.ai/v1`).
 *
 * Built from seeds/000-002 (create rows, its OpenAPI schema, create table) and the Extruct
 * section of api-notes.md. Paths live under `/v1`, the caller authenticates with
 * `Authorization: Bearer <token>`, errors use FastAPI's shapes: `{detail: "..."}` for
 * 401/404/400 and `{detail: [{type, loc, msg, input}]}` for 422.
 *
 * Every choice made where the docs are silent is marked `docs silent:`.
 *
 *   state and the wire ... store.ts         enrichment runs and status ... enrichment.ts
 *   cells ................ cells.ts         enriched values ............... cellValues.ts
 *   routes ............... routes/*.ts      billing refusals .............. limits.ts
 *   body checks .......... validation.ts    behaviour profiles ............ profiles.ts
 */
import { json, SandboxServer } from '../framework';
import { cellStatusOf } from './cells';
import { slug } from './cellValues';
import { Enrichment } from './enrichment';
import { bearerToken } from './http';
import { Limits } from './limits';
import { resolveProfile } from './profiles';
import { registerColumnRoutes } from './routes/columns';
import type { RouteContext } from './routes/context';
import { registerRowRoutes } from './routes/rows';
import { registerRunRoutes } from './routes/runs';
import { registerTableRoutes } from './routes/tables';
import { EXTRUCT_AUTO_COLUMNS, ExtructStore } from './store';
import { EXTRUCT_DEFAULT_TOKEN } from './types';
import type { ExtructBillingError, ExtructSandbox, ExtructSandboxOptions, ExtructTable } from './types';
import { validateColumnConfigs } from './validation';

export { extructCellValue, extructCompanyName, extructDomain, extructInputText } from './cellValues';
export { EXTRUCT_AUTO_COLUMNS } from './store';
export type * from './profiles';
export * from './types';

export async function startExtructSandbox(options: ExtructSandboxOptions = {}): Promise<ExtructSandbox> {
	const server = new SandboxServer('extruct', options);
	const token = options.token ?? EXTRUCT_DEFAULT_TOKEN;
	const store = new ExtructStore(options.seed ?? 1);
	const enrichment = new Enrichment(
		store,
		resolveProfile(options),
		{
			cellStartMs: options.cellStartMs ?? 20,
			cellDurationMs: options.cellDurationMs ?? 60,
			cellParallelism: Math.max(1, Math.floor(options.cellParallelism ?? 100)),
			failRate: options.failRate ?? 0,
		},
		() => server.random(),
	);

	const limits = new Limits(store.user);
	const context: RouteContext = { server, store, enrichment, limits, maxStringLength: options.maxStringLength ?? 10000 };

	// FastAPI routes before it authenticates: an unknown path is a 404, a known path with another method a 405.
	server.use((req) => {
		const matches = server.routesFor(req.path);
		if (!matches.length) return json(404, { detail: 'Not Found' });
		if (!matches.some((route) => route.method === req.method)) {
			return json(405, { detail: 'Method Not Allowed' }, { allow: [...new Set(matches.map((route) => route.method))].join(', ') });
		}
		return undefined;
	});
	server.use((req) => {
		const presented = bearerToken(req);
		if (presented === undefined) return json(401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
		if (presented !== token) return json(401, { detail: 'Invalid token' }, { 'www-authenticate': 'Bearer' });
		if (req.method !== 'GET') store.changes++;
		return undefined;
	});
	registerTableRoutes(context);
	registerColumnRoutes(context);
	registerRowRoutes(context);
	registerRunRoutes(context);

	/** A table for the direct helpers, which see every table (a test's own view). */
	const directTable = (tableId: string, what: string): ExtructTable => {
		const table = store.tables.get(tableId);
		if (!table) throw new Error(`${what}: no table ${tableId}`);
		return table;
	};

	await server.start();
	const sandbox: ExtructSandbox = {
		get billing() {
			return limits.billing;
		},
		set billing(value: ExtructBillingError | undefined) {
			limits.billing = value;
		},
		history: store.history,
		server,
		url: server.url,
		token,
		tables: store.tables,
		runs: store.runs,
		user: store.user,
		seedTable(input) {
			const kind = input.kind ?? 'company';
			const configs = (input.columns ?? []).map((c, i) => {
				const key = c.key ?? (c.name ? slug(c.name).replace(/-/g, '_') : `column_${i + 1}`);
				return { ...c, kind: c.kind ?? 'input', key, name: c.name ?? key } as Record<string, unknown>;
			});
			const errors = validateColumnConfigs(configs, ['columns'], [], EXTRUCT_AUTO_COLUMNS[kind].map((c) => c.key));
			if (errors.length) throw new Error(`seedTable: invalid columns: ${JSON.stringify(errors.map((e) => ({ loc: e.loc, msg: e.msg })))}`);
			store.changes++;
			const now = Date.now();
			const table = store.buildTable({ name: input.name ?? 'Untitled Table', description: null, tags: input.tags ?? [], kind, configs }, now);
			if (input.scope) table.scope = input.scope;
			if (input.owner) table.owner = { ...input.owner };
			const keys = new Set(table.columns.map((c) => c.config.key));
			for (const [i, data] of (input.rows ?? []).entries()) {
				const unknown = Object.keys(data).filter((k) => !keys.has(k));
				if (unknown.length) throw new Error(`seedTable: row ${i}: unknown column key(s) ${unknown.join(', ')}`);
				table.rows.push(store.newRow(table, data, {}, now));
			}
			return table;
		},
		tableStatus: (tableId) => enrichment.tableStatus(directTable(tableId, 'tableStatus'), false),
		cellStatus: cellStatusOf,
		addRows(tableId, rows, addOptions = {}) {
			const table = directTable(tableId, 'addRows');
			store.changes++;
			const now = Date.now();
			const created = store.addRows(
				table,
				rows.map((data) => ({ data })),
				now,
			);
			if (addOptions.run && created.length) enrichment.start(table, 'new', created, table.columns, now);
			return created;
		},
		updateRows(tableId, updates) {
			const table = directTable(tableId, 'updateRows');
			store.changes++;
			const now = Date.now();
			const index = store.rowIndex(table);
			const touched = updates.flatMap(({ id, data }) => {
				const row = index.get(id);
				if (!row) return [];
				store.updateRow(table, row, data, undefined, now);
				return [row];
			});
			return touched;
		},
		deleteRows(tableId, rowIds) {
			const table = directTable(tableId, 'deleteRows');
			store.changes++;
			return store.deleteRows(table, rowIds);
		},
		runRows(tableId, runOptions = {}) {
			const table = directTable(tableId, 'runRows');
			store.changes++;
			const wantedRows = runOptions.rowIds && new Set(runOptions.rowIds);
			const wantedColumns = runOptions.columnKeys && new Set(runOptions.columnKeys);
			return enrichment.start(
				table,
				runOptions.mode ?? 'new',
				wantedRows ? table.rows.filter((r) => wantedRows.has(r.id)) : table.rows,
				wantedColumns ? table.columns.filter((c) => wantedColumns.has(c.config.key)) : table.columns,
			);
		},
		seedRows(tableId, count, data, when = Date.now()) {
			const table = directTable(tableId, 'seedRows');
			store.changes++;
			store.seedRows(table, count, data, when);
		},
		close: () => server.close(),
	};
	return sandbox;
}
