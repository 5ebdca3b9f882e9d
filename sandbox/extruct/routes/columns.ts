/** Columns of the Extruct sandbox: add (at the end, the start, or after a column), replace a config, delete. */
import { json } from '../../framework';
import { errList, errMissing, errString, errValue, notFound, readBody, unprocessable } from '../http';
import type { FastApiError } from '../http';
import { emptyCell } from '../store';
import type { ExtructColumn, ExtructTable } from '../types';
import { validateColumnConfig, validateColumnConfigs } from '../validation';
import type { RouteContext } from './context';

function columnOf(table: ExtructTable, columnId: string): ExtructColumn {
	const column = table.columns.find((c) => c.id === columnId);
	if (!column) throw notFound('Column not found');
	return column;
}

export function registerColumnRoutes(ctx: RouteContext): void {
	const { server, store } = ctx;

	server.route('POST', '/v1/tables/:id/columns', (req) => {
		const table = store.getTable(req.params.id);
		const body = readBody(req, true);
		const errors: FastApiError[] = [];
		let configs: unknown[] = [];
		if (body.column_configs === undefined) errors.push(errMissing(['body', 'column_configs'], body));
		else if (!Array.isArray(body.column_configs)) errors.push(errList(['body', 'column_configs'], body.column_configs));
		else {
			configs = body.column_configs;
			errors.push(...validateColumnConfigs(configs, ['body', 'column_configs'], table.columns.map((c) => c.config.key)));
		}
		const insertAfter = body.insert_after;
		if (insertAfter !== undefined && insertAfter !== null && typeof insertAfter !== 'boolean') {
			if (typeof insertAfter !== 'string') errors.push(errString(['body', 'insert_after'], insertAfter));
			else if (!table.columns.some((c) => c.id === insertAfter)) errors.push(errValue(['body', 'insert_after'], 'Column not found', insertAfter));
		}
		if (errors.length) throw unprocessable(errors);
		const now = Date.now();
		const created = (configs as Array<Record<string, unknown>>).map((c) => store.newColumn(c, now));
		let at = table.columns.length;
		if (insertAfter === false) at = 0;
		else if (typeof insertAfter === 'string') at = table.columns.findIndex((c) => c.id === insertAfter) + 1;
		table.columns.splice(at, 0, ...created);
		for (const row of table.rows) for (const column of created) row.data[column.config.key] = emptyCell(column, now);
		return json(200, created);
	});

	server.route('PATCH', '/v1/tables/:id/columns/:cid', (req) => {
		const table = store.getTable(req.params.id);
		const column = columnOf(table, req.params.cid);
		const body = readBody(req, true);
		const others = table.columns.filter((c) => c !== column).map((c) => c.config.key);
		const errors = validateColumnConfig(body, ['body'], new Set(others), new Set([...others, String(body.key)]));
		if (errors.length) throw unprocessable(errors);
		const now = Date.now();
		const config = structuredClone(body) as ExtructColumn['config'];
		const oldKey = column.config.key;
		const kindChanged = config.kind !== column.config.kind;
		column.config = config;
		for (const row of table.rows) {
			if (config.key !== oldKey) {
				const cell = row.data[oldKey];
				delete row.data[oldKey];
				if (cell) row.data[config.key] = cell;
			}
			// docs silent: a column whose kind changes starts over; a changed prompt keeps the old values
			// until the column is run again.
			if (kindChanged || !row.data[config.key]) row.data[config.key] = emptyCell(column, now);
		}
		return json(200, column);
	});

	server.route('DELETE', '/v1/tables/:id/columns/:cid', (req) => {
		const table = store.getTable(req.params.id);
		const column = columnOf(table, req.params.cid);
		table.columns = table.columns.filter((c) => c !== column);
		for (const row of table.rows) delete row.data[column.config.key];
		return json(200, { id: column.id, deleted: true });
	});
}
