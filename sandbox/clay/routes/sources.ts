/**
 * Sources of the Clay sandbox (webhooks, imports), and the public webhook that turns a JSON
 * submission into a record.
 *
 * seed 004: `GET /tables/{t}/sources`, `DELETE /tables/{t}/sources/{id}`, a webhook added
 * through `PATCH /tables/{t}` (`sourceSettings.addSource`).
 * api-notes (live): `GET /sources?tableId=`, `POST /sources {workspaceId, tableId, name, type,
 * typeSettings}` (the webhook URL in `state.url`), `GET` / `DELETE /sources/{id}`; the
 * per-table list answered 404. Each profile serves its own paths; the other answers 404.
 */
import { isPlainObject, json } from '../../framework';
import { badRequest, notFound, readJson } from '../http';
import { iso } from '../store';
import type { ClayCell, ClayRecord, ClaySource, ClayTable } from '../types';
import type { RouteContext } from './context';

/** Creates a source; a webhook gets its URL (`…/v3/sources/webhook/<slug>`). */
export function createSource(ctx: RouteContext, table: ClayTable, input: { name: string; type: string; typeSettings: Record<string, unknown> }): ClaySource {
	ctx.limits.assertWebhooksInPlan(input.type);
	const typeSettings = { ...input.typeSettings };
	const source: ClaySource = { id: ctx.store.genId('s_'), name: input.name, type: input.type, typeSettings, submissions: 0, createdAt: iso() };
	if (input.type === 'webhook') {
		const slugText = typeof typeSettings.urlSlugText === 'string' && typeSettings.urlSlugText ? typeSettings.urlSlugText : 'Pull in data from a Webhook';
		const slugBase = slugText.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'webhook';
		source.slug = `${slugBase}-${ctx.store.uuid()}`;
		source.webhookUrl = `${ctx.origin()}/v3/sources/webhook/${source.slug}`;
		if (ctx.store.profile.shapes === 'seed') typeSettings.url = source.webhookUrl;
	}
	table.sources.push(source);
	return source;
}

/** seed 004: the `sourceSettings.addSource` of `PATCH /tables/{t}`, checked before anything changes. */
export function sourceFromTableSettings(body: Record<string, unknown>): { name: string; type: string; typeSettings: Record<string, unknown> } | undefined {
	const addSource = isPlainObject(body.sourceSettings) ? body.sourceSettings.addSource : undefined;
	if (addSource === undefined) return undefined;
	if (!isPlainObject(addSource) || !isPlainObject(addSource.source) || typeof addSource.source.type !== 'string') {
		throw badRequest('sourceSettings.addSource.source must be an object with a type', 'INVALID_SOURCE');
	}
	const source = addSource.source;
	const type = String(source.type);
	const name = typeof source.name === 'string' && source.name ? source.name : typeof addSource.name === 'string' ? addSource.name : type;
	return { name, type, typeSettings: isPlainObject(source.typeSettings) ? source.typeSettings : {} };
}

function findSource(ctx: RouteContext, sourceId: string): { table: ClayTable; index: number } {
	for (const table of ctx.store.tables.values()) {
		const index = table.sources.findIndex((s) => s.id === sourceId);
		if (index !== -1) return { table, index };
	}
	throw notFound('Source not found');
}

export function registerSourceRoutes(ctx: RouteContext): void {
	const { server, store } = ctx;

	if (store.profile.shapes === 'seed') {
		// docs silent on the shape: a bare JSON array
		server.route('GET', '/v3/tables/:tableId/sources', (req) => {
			const table = store.getTable(req.params.tableId);
			return json(200, table.sources.map((s) => store.sourceJson(s, table)));
		});
		server.route('DELETE', '/v3/tables/:tableId/sources/:sourceId', (req) => {
			const table = store.getTable(req.params.tableId);
			const index = table.sources.findIndex((s) => s.id === req.params.sourceId);
			if (index === -1) throw notFound('Source not found');
			table.sources.splice(index, 1);
			return json(200, { success: true });
		});
	} else {
		server.route('GET', '/v3/sources', (req) => {
			const tableId = req.query.tableId;
			if (!tableId) throw badRequest('tableId is required', 'INVALID_QUERY');
			const table = store.getTable(tableId);
			return json(200, table.sources.map((s) => store.sourceJson(s, table)));
		});
		server.route('POST', '/v3/sources', (req) => {
			const body = readJson(req);
			if (!isPlainObject(body) || typeof body.tableId !== 'string' || typeof body.type !== 'string') {
				throw badRequest('Body must be {workspaceId, tableId, name, type, typeSettings}', 'INVALID_BODY');
			}
			const table = store.getTable(body.tableId);
			if (body.workspaceId !== undefined && String(body.workspaceId) !== String(table.workspaceId)) throw notFound('Workspace not found');
			const name = typeof body.name === 'string' && body.name ? body.name : body.type;
			const source = createSource(ctx, table, { name, type: body.type, typeSettings: isPlainObject(body.typeSettings) ? body.typeSettings : {} });
			return json(200, store.sourceJson(source, table));
		});
		server.route('GET', '/v3/sources/:sourceId', (req) => {
			const { table, index } = findSource(ctx, req.params.sourceId);
			return json(200, store.sourceJson(table.sources[index], table));
		});
		server.route('DELETE', '/v3/sources/:sourceId', (req) => {
			const { table, index } = findSource(ctx, req.params.sourceId);
			table.sources.splice(index, 1);
			return json(200, { success: true });
		});
	}

	// the public webhook: no session, like the real one
	server.route('POST', '/v3/sources/webhook/:slug', (req) => {
		let table: ClayTable | undefined;
		let source: ClaySource | undefined;
		for (const t of store.tables.values()) {
			source = t.sources.find((s) => s.slug === req.params.slug);
			if (source) {
				table = t;
				break;
			}
		}
		if (!table || !source) throw notFound('Webhook not found');
		const payload = readJson(req);
		if (!isPlainObject(payload)) throw badRequest('Webhook payload must be a JSON object', 'INVALID_BODY');
		ctx.limits.takeSubmission(source);
		const cells: Record<string, ClayCell> = {};
		for (const [key, value] of Object.entries(payload)) {
			// docs silent: payload keys map to fields by name; an unknown key gets a new text field
			const field = table.fields.find((f) => f.name === key) ?? store.addField(table, { name: key });
			cells[field.id] = { value };
		}
		const now = Date.now();
		const record: ClayRecord = { id: store.genId('r_'), tableId: table.id, cells, recordMetadata: { sourceId: source.id }, createdAt: iso(now), updatedAt: iso(now) };
		table.records.set(record.id, record);
		store.recordEvent('created', table.id, record.id, now);
		// docs silent on the webhook's answer
		return json(200, { success: true });
	});
}
