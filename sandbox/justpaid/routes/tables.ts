/** Tables of the JustPaid sandbox: list, create, get, update, delete (seed 003). */
import { API, bodyObject, ok } from '../http';
import { parseTableFields } from '../validation';
import type { RouteContext } from './context';

export function registerTableRoutes(ctx: RouteContext): void {
	const { route, store } = ctx;

	route('GET', `${API}/tables`, 'workflows:read', (_req, key) => ok(store.tablesOf(key.companyId).map((table) => store.tableJson(table))));

	route('POST', `${API}/tables`, 'workflows:write', (req, key) => {
		const { name, ...fields } = parseTableFields(bodyObject(req), true);
		const table = store.createTable(key.companyId, { name: name!, ...fields });
		return ok(store.tableJson(table), 201);
	});

	route('GET', `${API}/tables/:id`, 'workflows:read', (req, key) => ok(store.tableJson(store.getTable(req.params.id, key.companyId))));

	route('PATCH', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = store.getTable(req.params.id, key.companyId);
		// Validate everything before changing anything.
		const { name, description, columns, schema, metadata, maxRows } = parseTableFields(bodyObject(req), false);
		if (schema !== undefined || columns !== undefined) {
			// `schema` replaces the whole schema; `columns` replaces schema.columns (after `schema` when both).
			const next = store.applySchema(schema ?? table.schema, columns);
			table.schema = next.schema;
			table.columns = next.columns;
		}
		if (name !== undefined) table.name = name;
		if (description !== undefined) table.description = description;
		if (metadata !== undefined) table.metadata = metadata;
		// docs silent: lowering maxRows below the current rowCount is allowed; existing rows stay and
		// creates are refused until the table is below the cap again.
		if (maxRows !== undefined) table.maxRows = maxRows;
		// docs silent: every PATCH bumps updatedAt, even one that changes nothing.
		table.updatedAt = store.iso();
		return ok(store.tableJson(table));
	});

	route('DELETE', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = store.getTable(req.params.id, key.companyId);
		// Cascades to every row. docs silent: the cascade is a table write, not row writes, so it adds no history.
		store.tables.delete(table.id);
		return ok({ deleted: true });
	});
}
