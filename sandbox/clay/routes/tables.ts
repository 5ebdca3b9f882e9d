/** The caller, workspaces and tables of the Clay sandbox. */
import { isPlainObject, json } from '../../framework';
import { badRequest, notFound, readJson } from '../http';
import type { RouteContext } from './context';
import { createSource, sourceFromTableSettings } from './sources';

export function registerTableRoutes(ctx: RouteContext): void {
	const { server, store } = ctx;
	const live = store.profile.shapes === 'live';
	const workspace = { id: store.workspaceId, name: 'Sandbox Workspace' };

	// zapier/connectors apps/clay getCurrentUser (live): the caller under `auth.actor.userId` and `auth.email`
	server.route('GET', '/v3', () => json(200, { auth: { actor: { type: 'user', userId: ctx.userId }, email: ctx.email } }));
	// zapier/connectors apps/clay listWorkspaces (live): `{results}`
	server.route('GET', '/v3/users/:userId/workspaces', (req) => {
		if (req.params.userId !== ctx.userId) throw notFound('User not found');
		return json(200, { results: [workspace] });
	});
	// client knowledge (api-notes): `GET /my-workspaces`; docs silent on the shape: {results: [{id, name}]}
	server.route('GET', '/v3/my-workspaces', () => json(200, { results: [workspace] }));

	server.route('GET', '/v3/workspaces/:workspaceId/tables', (req) => {
		// docs silent: a workspace the caller cannot see answers 404
		if (req.params.workspaceId !== String(store.workspaceId)) throw notFound('Workspace not found');
		return json(200, { results: [...store.tables.values()].map((t) => store.tableSummary(t)) });
	});

	// client knowledge: the schema comes wrapped in `table`; live: `{table, extraData}`
	server.route('GET', '/v3/tables/:tableId', (req) => {
		const table = store.tableJson(store.getTable(req.params.tableId));
		return json(200, live ? { table, extraData: {} } : { table });
	});

	server.route('PATCH', '/v3/tables/:tableId', (req) => {
		const table = store.getTable(req.params.tableId);
		const body = readJson(req);
		if (!isPlainObject(body)) throw badRequest('Body must be a JSON object', 'INVALID_BODY');
		const tableSettings = body.tableSettings;
		// validate everything before changing anything
		if (isPlainObject(tableSettings) && tableSettings.name !== undefined && (typeof tableSettings.name !== 'string' || !tableSettings.name.trim())) {
			throw badRequest('tableSettings.name must be a non-empty string', 'INVALID_BODY');
		}
		const sourceInput = sourceFromTableSettings(body);
		if (isPlainObject(tableSettings) && typeof tableSettings.name === 'string') table.name = tableSettings.name.trim();
		const extraData: Record<string, unknown> = {};
		if (sourceInput) {
			const source = createSource(ctx, table, sourceInput);
			// seed: "returns the created webhook URL"; this envelope is what clients read
			extraData.newlyCreatedSourceId = source.id;
			if (source.webhookUrl) extraData.webhookUrl = source.webhookUrl;
		}
		return json(200, { table: store.tableJson(table), extraData });
	});

	// seed: {count}; a public client's "v3 API reference, validated live": {tableTotalRecordsCount}
	server.route('GET', '/v3/tables/:tableId/count', (req) => {
		const count = store.getTable(req.params.tableId).records.size;
		return json(200, live ? { tableTotalRecordsCount: count } : { count });
	});
}
