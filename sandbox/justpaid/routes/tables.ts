/** Tables of the JustPaid sandbox: list, create, get, update, delete (seed 003). */
import { API, bodyObject, ok } from '../http';
import { normalizeColumns, parseDescription, parseMaxRows, parseName, parseObject } from '../validation';
import type { RouteContext } from './context';

export function registerTableRoutes(ctx: RouteContext): void {
	const { route, store, ownTable } = ctx;

	route('GET', `${API}/tables`, 'workflows:read', (_req, key) => ok(store.tablesOf(key.companyId).map((table) => store.tableView(table))));

	route('POST', `${API}/tables`, 'workflows:write', (req, key) => {
		const body = bodyObject(req);
		const name = parseName(body.name, true)!;
		const description = parseDescription(body.description);
		const columns = body.columns === undefined ? undefined : normalizeColumns(body.columns, 'columns');
		const schema = parseObject(body.schema, 'schema');
		const metadata = parseObject(body.metadata, 'metadata');
		const maxRows = body.maxRows === undefined ? undefined : parseMaxRows(body.maxRows);
		const table = store.createTable(key.companyId, { name, description, columns, schema, metadata, maxRows });
		return ok(store.tableView(table), 201);
	});

	route('GET', `${API}/tables/:id`, 'workflows:read', (req, key) => ok(store.tableView(ownTable(req, key))));

	route('PATCH', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		const body = bodyObject(req);
		// Validate everything before changing anything.
		const name = parseName(body.name, false);
		const description = parseDescription(body.description);
		const columns = body.columns === undefined ? undefined : normalizeColumns(body.columns, 'columns');
		const schema = parseObject(body.schema, 'schema');
		const metadata = parseObject(body.metadata, 'metadata');
		// docs silent: lowering maxRows below the current rowCount is allowed; existing rows stay and
		// creates are refused until the table is below the cap again.
		const maxRows = body.maxRows === undefined ? undefined : parseMaxRows(body.maxRows);
		if (schema !== undefined || columns !== undefined) {
			// `schema` replaces the whole schema; `columns` replaces schema.columns (after `schema` when both).
			const next = store.applySchema(schema ?? table.schema, columns);
			table.schema = next.schema;
			table.columns = next.columns;
		}
		if (name !== undefined) table.name = name;
		if (description !== undefined) table.description = description;
		if (metadata !== undefined) table.metadata = metadata;
		if (maxRows !== undefined) table.maxRows = maxRows;
		// docs silent: every PATCH bumps updatedAt, even one that changes nothing.
		table.updatedAt = store.iso();
		return ok(store.tableView(table));
	});

	route('DELETE', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		// Cascades to every row. docs silent: the cascade is a table write, not row writes, so it adds no history.
		store.tables.delete(table.id);
		return ok({ deleted: true });
	});
}
