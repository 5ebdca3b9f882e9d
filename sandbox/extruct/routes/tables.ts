/**
 * The caller and the tables of the Extruct sandbox: the account, table list (paging headers,
 * filters, sorting), create, get (with its status), update, delete, clone.
 */
import { json } from '../../framework';
import { errEnum, errList, errString, errValue, paging, queryBool, readBody, unprocessable } from '../http';
import type { FastApiError } from '../http';
import { EXTRUCT_AUTO_COLUMNS } from '../store';
import { EXTRUCT_SORTS, EXTRUCT_TABLE_KINDS } from '../types';
import type { ExtructTable } from '../types';
import { validateColumnConfigs } from '../validation';
import type { RouteContext } from './context';

/** The checks of `name`, `description` and `tags`, which a create and an update share. */
function tableFieldErrors(body: Record<string, unknown>): FastApiError[] {
	const errors: FastApiError[] = [];
	if (body.name !== undefined && typeof body.name !== 'string') errors.push(errString(['body', 'name'], body.name));
	if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') errors.push(errString(['body', 'description'], body.description));
	if (body.tags !== undefined && body.tags !== null) {
		if (!Array.isArray(body.tags)) errors.push(errList(['body', 'tags'], body.tags));
		else body.tags.forEach((t, i) => typeof t !== 'string' && errors.push(errString(['body', 'tags', i], t)));
	}
	return errors;
}

export function registerTableRoutes(ctx: RouteContext): void {
	const { server, store, enrichment } = ctx;

	server.route('GET', '/v1/user', () => json(200, { ...store.user }));

	server.route('GET', '/v1/tables', (req) => {
		const page = paging(req);
		const errors: FastApiError[] = [];
		const kind = req.query.kind;
		if (kind !== undefined && kind !== '' && !(EXTRUCT_TABLE_KINDS as readonly string[]).includes(kind)) {
			errors.push(errEnum(['query', 'kind'], kind, EXTRUCT_TABLE_KINDS));
		}
		const scope = req.query.scope;
		if (scope !== undefined && scope !== '' && !['personal', 'organization'].includes(scope)) errors.push(errEnum(['query', 'scope'], scope, ['personal', 'organization']));
		// '+' in a query string decodes to a space; accept `+name` and ` name` as `name`.
		const sortRaw = req.query.sort === undefined ? '-created_at' : req.query.sort.trim().replace(/^\+/, '');
		if (!(EXTRUCT_SORTS as readonly string[]).includes(sortRaw)) errors.push(errEnum(['query', 'sort'], req.query.sort, EXTRUCT_SORTS));
		if (errors.length) throw unprocessable(errors);
		const search = (req.query.search ?? '').toLowerCase();
		// docs: `tags` is repeated, and a table with any of them matches. A value is one tag as it is
		// (`tags=a,b` is the tag "a,b"); `tags[0]=a` is not this parameter at all.
		const tags = req.queryAll.getAll('tags').filter(Boolean);
		// docs: `personal` is the caller's own tables; `organization` every table the caller sees in
		// the organization, the caller's own included. docs silent: no scope is the same as `organization`.
		const all = [...store.tables.values()].filter((t) => store.visible(t)).map((t, position) => ({ t, position }));
		const filtered = all.filter(
			({ t }) =>
				(!kind || t.kind === kind) &&
				(scope !== 'personal' || t.owner.id === store.user.id) &&
				(!search || t.name.toLowerCase().includes(search)) &&
				(!tags.length || tags.some((tag) => t.tags.includes(tag))),
		);
		const descending = sortRaw.startsWith('-');
		const field = sortRaw.replace(/^-/, '');
		filtered.sort((a, b) => {
			let c = 0;
			if (field === 'name') c = a.t.name.toLowerCase() < b.t.name.toLowerCase() ? -1 : a.t.name.toLowerCase() > b.t.name.toLowerCase() ? 1 : 0;
			else if (field === 'num_rows') c = a.t.rows.length - b.t.rows.length;
			else c = a.t.created_at < b.t.created_at ? -1 : a.t.created_at > b.t.created_at ? 1 : 0;
			if (c === 0) c = a.position - b.position;
			return descending ? -c : c;
		});
		const total = filtered.length;
		const body = filtered.slice(page.offset, page.offset + page.limit).map(({ t }) => ({ ...store.tableJson(t), num_rows: t.rows.length }));
		return json(200, body, {
			'x-extruct-pagination-total': String(total),
			'x-extruct-pagination-total-pages': String(Math.ceil(total / page.limit)),
			'x-extruct-pagination-limit': String(page.limit),
			'x-extruct-pagination-offset': String(page.offset),
			'x-extruct-pagination-page': String(Math.floor(page.offset / page.limit) + 1),
		});
	});

	server.route('POST', '/v1/tables', (req) => {
		// docs silent: an absent body; every field has a default, so it creates an Untitled Table.
		const body = readBody(req, false);
		const errors = tableFieldErrors(body);
		const kind = body.kind === undefined ? 'company' : body.kind;
		if (!(EXTRUCT_TABLE_KINDS as readonly unknown[]).includes(kind)) errors.push(errEnum(['body', 'kind'], kind, EXTRUCT_TABLE_KINDS));
		let configs: unknown[] = [];
		if (body.column_configs !== undefined && body.column_configs !== null) {
			if (!Array.isArray(body.column_configs)) errors.push(errList(['body', 'column_configs'], body.column_configs));
			else {
				configs = body.column_configs;
				const autoKeys = EXTRUCT_AUTO_COLUMNS[(EXTRUCT_TABLE_KINDS as readonly unknown[]).includes(kind) ? (kind as ExtructTable['kind']) : 'generic'].map((c) => c.key);
				errors.push(...validateColumnConfigs(configs, ['body', 'column_configs'], [], autoKeys));
			}
		}
		if (errors.length) throw unprocessable(errors);
		const table = store.buildTable(
			{
				name: (body.name as string | undefined) ?? 'Untitled Table',
				description: (body.description as string | null | undefined) ?? null,
				tags: (body.tags as string[] | null | undefined) ?? [],
				kind: kind as ExtructTable['kind'],
				configs: configs as Array<Record<string, unknown>>,
			},
			Date.now(),
		);
		return json(200, store.tableJson(table));
	});

	server.route('GET', '/v1/tables/:id', (req) => {
		const table = store.getTable(req.params.id);
		return json(200, { ...store.tableJson(table), status: enrichment.tableStatus(table) });
	});

	server.route('PATCH', '/v1/tables/:id', (req) => {
		const table = store.getTable(req.params.id);
		const body = readBody(req, false);
		const errors = tableFieldErrors(body);
		const ids = new Set(table.columns.map((c) => c.id));
		if (body.columns_order !== undefined && body.columns_order !== null) {
			if (!Array.isArray(body.columns_order)) errors.push(errList(['body', 'columns_order'], body.columns_order));
			else
				body.columns_order.forEach((id, i) => {
					if (typeof id !== 'string') errors.push(errString(['body', 'columns_order', i], id));
					else if (!ids.has(id)) errors.push(errValue(['body', 'columns_order', i], 'Column not found', id));
				});
		}
		if (errors.length) throw unprocessable(errors);
		if (typeof body.name === 'string') table.name = body.name;
		if (body.description !== undefined) table.description = body.description as string | null;
		if (body.tags !== undefined) table.tags = (body.tags as string[] | null) ?? [];
		if (Array.isArray(body.columns_order)) {
			// docs silent: a partial order; the named columns come first in that order, the rest keep theirs.
			const order = [...new Set(body.columns_order as string[])];
			const byId = new Map(table.columns.map((c) => [c.id, c]));
			const named = new Set(order);
			table.columns = [...order.map((id) => byId.get(id)!), ...table.columns.filter((c) => !named.has(c.id))];
		}
		return json(200, store.tableJson(table));
	});

	// docs silent: the answer of a delete; `{id, deleted: true}`.
	server.route('DELETE', '/v1/tables/:id', (req) => {
		const table = store.getTable(req.params.id);
		store.deleteTable(table);
		enrichment.forget(table.id);
		return json(200, { id: table.id, deleted: true });
	});

	server.route('POST', '/v1/tables/:id/clone', (req) => {
		const table = store.getTable(req.params.id);
		const schemaOnly = queryBool(req, 'schema_only', true);
		return json(200, store.tableJson(store.cloneTable(table, schemaOnly, Date.now())));
	});
}
