/**
 * Rows of the Extruct sandbox: the table's data page by page, one row with its status, and
 * rows added, updated (cells merged; rows without an id added) and deleted in bulk, each
 * optionally starting enrichment (`run`).
 */
import { json } from '../../framework';
import { errList, errMissing, errString, notFound, paging, readBody, unprocessable } from '../http';
import type { ExtructRow } from '../types';
import { validateRows } from '../validation';
import type { RouteContext } from './context';

export function registerRowRoutes(ctx: RouteContext): void {
	const { server, store, enrichment } = ctx;

	server.route('GET', '/v1/tables/:id/data', (req) => {
		const table = store.getTable(req.params.id);
		const page = paging(req);
		return json(200, {
			id: table.id,
			name: table.name,
			kind: table.kind,
			columns: table.columns,
			status: enrichment.tableStatus(table),
			rows: table.rows.slice(page.offset, page.offset + page.limit).map((row) => store.rowJson(row)),
		});
	});

	server.route('GET', '/v1/tables/:id/rows/:rowId', (req) => {
		const table = store.getTable(req.params.id);
		const row = store.rowIndex(table).get(req.params.rowId);
		if (!row) throw notFound('Row not found');
		return json(200, {
			id: row.id,
			created_at: row.created_at,
			status: enrichment.rowStatus(table, row),
			columns: table.columns.map((c) => c.config.key),
			parent_row_id: row.parent_row_id,
			company_profile_id: row.company_profile_id,
			data: row.data,
			metadata: row.metadata,
			parent_data: null,
		});
	});

	server.route('POST', '/v1/tables/:id/rows', (req) => {
		const table = store.getTable(req.params.id);
		const valid = validateRows(readBody(req, true), table, store.rowIndex(table), false, ctx.maxStringLength);
		// docs silent: a billing refusal of rows added with `run` stores nothing.
		if (valid.run) ctx.limits.assertCanSpend();
		const now = Date.now();
		const created = store.addRows(table, valid.rows, now);
		if (valid.run && created.length) enrichment.start(table, 'new', created, table.columns, now);
		return json(200, created.map((row) => store.rowJson(row)));
	});

	server.route('PATCH', '/v1/tables/:id/rows', (req) => {
		const table = store.getTable(req.params.id);
		const index = store.rowIndex(table);
		const valid = validateRows(readBody(req, true), table, index, true, ctx.maxStringLength);
		if (valid.run) ctx.limits.assertCanSpend();
		const now = Date.now();
		const touched: ExtructRow[] = [];
		for (const item of valid.rows) {
			if (item.id === undefined) touched.push(...store.addRows(table, [item], now));
			else {
				const row = index.get(item.id)!;
				store.updateRow(table, row, item.data, item.metadata, now);
				touched.push(row);
			}
		}
		if (valid.run && touched.length) enrichment.start(table, 'new', [...new Set(touched)], table.columns, now);
		return json(200, touched.map((row) => store.rowJson(row)));
	});

	server.route('DELETE', '/v1/tables/:id/rows', (req) => {
		const table = store.getTable(req.params.id);
		const body = readBody(req, true);
		const ids = body.rows;
		if (ids === undefined) throw unprocessable([errMissing(['body', 'rows'], body)]);
		if (!Array.isArray(ids)) throw unprocessable([errList(['body', 'rows'], ids)]);
		const errors = ids.flatMap((id, i) => (typeof id === 'string' ? [] : [errString(['body', 'rows', i], id)]));
		if (errors.length) throw unprocessable(errors);
		return json(200, store.deleteRows(table, ids as string[]));
	});
}
