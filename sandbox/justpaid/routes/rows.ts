/**
 * Rows of the JustPaid sandbox (seed 003): list by limit/offset, create, update (full replacement
 * of `data`), delete. There is no single-row GET, no filter, no upsert (api-notes).
 */
import { API, badRequest, bodyObject, intParam, notFound, ok } from '../http';
import { parseData } from '../validation';
import type { RouteContext } from './context';

export function registerRowRoutes(ctx: RouteContext): void {
	const { route, store } = ctx;

	route('GET', `${API}/tables/:id/rows`, 'workflows:read', (req, key) => {
		const limit = intParam(req.query, 'limit');
		if (limit === 'invalid' || (limit !== undefined && (limit < 1 || limit > 100))) {
			throw badRequest('limit must be an integer between 1 and 100');
		}
		const offset = intParam(req.query, 'offset');
		if (offset === 'invalid' || (offset !== undefined && offset < 0)) {
			throw badRequest('offset must be a non-negative integer');
		}
		const table = store.getTable(req.params.id, key.companyId);
		const start = offset ?? 0;
		// Only the page itself: no total, no next link (docs show a bare array).
		return ok(
			store
				.listOrder(table.id)
				.slice(start, start + (limit ?? 50))
				.map((row) => store.rowJson(row)),
		);
	});

	route('POST', `${API}/tables/:id/rows`, 'workflows:write', (req, key) => {
		const table = store.getTable(req.params.id, key.companyId);
		const data = parseData(bodyObject(req));
		if (table.rows.length >= table.maxRows) throw badRequest(`Table has reached its maximum row limit of ${table.maxRows}`);
		// docs silent: only `data` is read; a `position` in the body is ignored (the docs list only `data`).
		return ok(store.rowJson(store.createRow(table, data)), 201);
	});

	route('PATCH', `${API}/tables/:id/rows/:rowId`, 'workflows:write', (req, key) => {
		const table = store.getTable(req.params.id, key.companyId);
		const row = table.rows.find((r) => r.id === req.params.rowId);
		if (!row) throw notFound('Row not found');
		return ok(store.rowJson(store.updateRow(table, row, parseData(bodyObject(req)))));
	});

	route('DELETE', `${API}/tables/:id/rows/:rowId`, 'workflows:write', (req, key) => {
		if (!store.deleteRow(store.getTable(req.params.id, key.companyId), req.params.rowId)) throw notFound('Row not found');
		return ok({ deleted: true });
	});
}
