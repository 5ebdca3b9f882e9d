/** Enrichment runs of the Extruct sandbox: `POST /tables/{id}/run` with a mode and optional rows and columns. */
import { json } from '../../framework';
import { errEnum, errList, errString, errValue, readBody, unprocessable } from '../http';
import type { FastApiError } from '../http';
import { EXTRUCT_RUN_MODES } from '../types';
import type { ExtructRunMode } from '../types';
import type { RouteContext } from './context';

export function registerRunRoutes(ctx: RouteContext): void {
	const { server, store, enrichment } = ctx;

	server.route('POST', '/v1/tables/:id/run', (req) => {
		const table = store.getTable(req.params.id);
		const body = readBody(req, false);
		const errors: FastApiError[] = [];
		const mode = body.mode === undefined || body.mode === null ? 'new' : body.mode;
		if (!(EXTRUCT_RUN_MODES as readonly unknown[]).includes(mode)) errors.push(errEnum(['body', 'mode'], mode, EXTRUCT_RUN_MODES));
		const index = store.rowIndex(table);
		const columnsById = new Map(table.columns.map((c) => [c.id, c]));
		/** The distinct ids of `rows` or `columns`, each checked; undefined when not given. */
		const ids = (field: 'rows' | 'columns', has: (id: string) => boolean, notFound: string): string[] | undefined => {
			const list = body[field];
			if (list === undefined || list === null) return undefined;
			if (!Array.isArray(list)) {
				errors.push(errList(['body', field], list));
				return undefined;
			}
			list.forEach((id, i) => {
				if (typeof id !== 'string') errors.push(errString(['body', field, i], id));
				else if (!has(id)) errors.push(errValue(['body', field, i], notFound, id));
			});
			return [...new Set(list as string[])];
		};
		const rowIds = ids('rows', (id) => index.has(id), 'Row not found');
		const columnIds = ids('columns', (id) => columnsById.has(id), 'Column not found');
		if (errors.length) throw unprocessable(errors);
		ctx.limits.assertCanSpend();
		const wantedRows = rowIds && new Set(rowIds);
		const wantedColumns = columnIds && new Set(columnIds);
		// Cells queue in table order (rows, then columns), whatever order the request names them in.
		const targetRows = wantedRows ? table.rows.filter((r) => wantedRows.has(r.id)) : table.rows;
		// docs silent: input columns named in `columns` are skipped (there is nothing to run).
		const targetColumns = wantedColumns ? table.columns.filter((c) => wantedColumns.has(c.id)) : table.columns;
		const run = enrichment.start(table, mode as ExtructRunMode, targetRows, targetColumns);
		// docs silent: `rows` / `columns` echo the request (null when not given), not the resolved lists.
		return json(200, {
			id: run.id,
			status: 'created',
			rows: rowIds ?? null,
			columns: columnIds ?? null,
			num_requested_cells: run.num_requested_cells,
			mode: run.mode,
		});
	});
}
