/**
 * Records of the Clay sandbox: a view's record ids and records, single and bulk reads, find,
 * create, update, delete.
 *
 * seed 004: record ids `{recordIds}`, create with client-chosen ids (the answer is not shown),
 * delete one / all. api-notes: ids `{results}` (live), bulk-fetch `{results}` with action cells'
 * structured results only for `includeExternalContentFieldIds`, find with an AND filter, update
 * enqueued (bulk `PATCH /records` and per record `PATCH /records/{r}` with the cells as body).
 */
import { isPlainObject, json } from '../../framework';
import { badRequest, notFound, readJson } from '../http';
import type { ClayRecord } from '../types';
import type { RouteContext } from './context';

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((id) => typeof id === 'string');

/** A query `limit`: a whole number ≥ 0, else undefined. */
function limitOf(raw: string | undefined): number | undefined {
	if (raw === undefined) return undefined;
	const n = Number(raw);
	return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

export function registerRecordRoutes(ctx: RouteContext): void {
	const { server, store } = ctx;
	const live = store.profile.shapes === 'live';

	server.route('GET', '/v3/tables/:tableId/views/:viewId/records/ids', (req) => {
		const table = store.getTable(req.params.tableId);
		store.getView(table, req.params.viewId);
		const ids = store.listIds(table, req.params.viewId, limitOf(req.query.limit));
		store.listings.push({ tableId: table.id, viewId: req.params.viewId, ids });
		return json(200, store.profile.idListShape === 'results' ? { results: ids } : { recordIds: ids });
	});

	server.route('GET', '/v3/tables/:tableId/views/:viewId/records', (req) => {
		const table = store.getTable(req.params.tableId);
		store.getView(table, req.params.viewId);
		// client knowledge: only `limit` is honoured (default 100); offset/sort/filter are ignored
		const limit = limitOf(req.query.limit) ?? 100;
		const results = store
			.orderedIds(table, req.params.viewId)
			.slice(0, limit)
			.map((id) => store.recordJson(table.records.get(id)!));
		return json(200, { results });
	});

	server.route('GET', '/v3/tables/:tableId/records/:recordId', (req) => {
		const table = store.getTable(req.params.tableId);
		const record = table.records.get(req.params.recordId);
		if (!record) throw notFound('Record not found');
		// a public client (claycast): the single read carries `externalContent.fullValue` of action cells
		return json(200, store.recordJson(record, 'all'));
	});

	if (store.profile.bulkFetch) server.route('POST', '/v3/tables/:tableId/bulk-fetch-records', (req) => {
		const table = store.getTable(req.params.tableId);
		const body = readJson(req);
		// a public client (claycast): an empty or missing recordIds is a 400
		if (!isPlainObject(body) || !isStringList(body.recordIds) || body.recordIds.length === 0) {
			throw badRequest('Body must be {recordIds: [string, …]} with at least one id', 'INVALID_BODY');
		}
		const external = isStringList(body.includeExternalContentFieldIds) ? new Set(body.includeExternalContentFieldIds) : new Set<string>();
		// docs silent: unknown ids are left out, the rest keep the requested order
		const results = body.recordIds.map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r);
		return json(200, { results: results.map((record) => store.recordJson(record, external)) });
	});

	if (live) {
		// zapier/connectors apps/clay findRecord (live): an AND of FIELD operands, the operator by
		// column type (SELECT_EQUAL, USER_EQUAL, CHECKED / NOT_CHECKED, EQUAL otherwise)
		server.route('POST', '/v3/tables/:tableId/find', (req) => {
			const table = store.getTable(req.params.tableId);
			const body = readJson(req);
			const filter = isPlainObject(body) ? body.filter : undefined;
			if (!isPlainObject(filter) || filter.type !== 'AND' || !Array.isArray(filter.operands)) throw badRequest('filter must be {type: "AND", operands: [...]}', 'INVALID_FILTER');
			const typed = store.profile.findCompare === 'typed';
			const conditions = filter.operands.map((operand: unknown) => {
				const config = isPlainObject(operand) ? operand.filterConfig : undefined;
				if (!isPlainObject(operand) || typeof operand.fieldId !== 'string' || !isPlainObject(config) || typeof config.operator !== 'string') {
					throw badRequest('each operand must be {fieldId, type: "FIELD", filterConfig: {type: "OPERATOR", operator, value}}', 'INVALID_FILTER');
				}
				const field = table.fields.find((f) => f.id === operand.fieldId);
				if (!field) throw badRequest(`Field ${String(operand.fieldId)} does not exist in table ${table.id}`, 'UNKNOWN_FIELD');
				const wanted = config.value;
				const ids = (stored: unknown, key: string) => (isPlainObject(stored) && Array.isArray(stored[key]) ? (stored[key] as unknown[]).map(String) : []);
				const operators: Record<string, { types?: string[]; test: (stored: unknown) => boolean }> = {
					EQUAL: {
						test: (stored) =>
							stored !== undefined && stored !== null && (typed ? stored === wanted : !isPlainObject(stored) && String(stored) === String(wanted)),
					},
					SELECT_EQUAL: { types: ['select'], test: (stored) => ids(stored, 'optionIds').includes(String(wanted)) || (!isPlainObject(stored) && stored === wanted) },
					USER_EQUAL: { types: ['users'], test: (stored) => ids(stored, 'userIds').includes(String(wanted)) },
					CHECKED: { types: ['boolean'], test: (stored) => stored === true || stored === 'true' },
					NOT_CHECKED: { types: ['boolean'], test: (stored) => !(stored === true || stored === 'true') },
				};
				const operator = operators[config.operator];
				if (!operator || (operator.types && !operator.types.includes(field.type))) {
					throw badRequest(`Operator ${config.operator} is not supported for field ${field.id} (${field.type})`, 'INVALID_FILTER');
				}
				if (typed && config.operator === 'EQUAL' && (field.type === 'select' || field.type === 'users')) return { fieldId: field.id, test: () => false };
				return { fieldId: field.id, test: operator.test };
			});
			const limit = limitOf(req.query.limit) ?? 100;
			const results = store
				.orderedIds(table)
				.map((id) => table.records.get(id)!)
				.filter((record) => conditions.every((c) => c.test(record.cells[c.fieldId]?.value)))
				.slice(0, limit);
			return json(200, { results: results.map((record) => store.recordJson(record)) });
		});
	}

	server.route('POST', '/v3/tables/:tableId/records', (req) => {
		const table = store.getTable(req.params.tableId);
		// validate the whole batch first: one bad record rejects the request and nothing is stored;
		// seed: every record carries a unique client id; live clients send none
		const inputs = store.parseRecordInputs(table, readJson(req), !live);
		const created = store.createRecords(table, inputs);
		// seed: the answer is not shown; zapier/connectors apps/clay createRecord (live): the records under `records`
		return json(200, live ? { records: created.map((record) => store.recordJson(record)) } : { success: true });
	});

	if (store.profile.bulkUpdate) {
		server.route('PATCH', '/v3/tables/:tableId/records', (req) => {
			const table = store.getTable(req.params.tableId);
			// docs silent: the batch is validated up front like a create (unknown field / wrapped value -> 400)
			const inputs = store.parseRecordInputs(table, readJson(req), true);
			store.enqueueUpdates(table, inputs.map((input) => ({ id: input.id!, cells: input.cells })));
			return json(200, { records: [], extraData: { message: 'Record updates enqueued' } });
		});
	}

	server.route('PATCH', '/v3/tables/:tableId/records/:recordId', (req) => {
		const table = store.getTable(req.params.tableId);
		const id = req.params.recordId;
		// zapier/connectors apps/clay updateRecord (live): the cells object is the body; docs silent on an unknown id
		const cells = store.validateCells(table, id, readJson(req));
		if (!table.records.has(id)) throw notFound('Record not found');
		store.enqueueUpdates(table, [{ id, cells }]);
		return json(200, { message: 'Record updates enqueued' });
	});

	server.route('DELETE', '/v3/tables/:tableId/records/:recordId', (req) => {
		const table = store.getTable(req.params.tableId);
		if (!table.records.has(req.params.recordId)) throw notFound('Record not found');
		store.deleteIds(table, [req.params.recordId]);
		return json(200, { success: true });
	});

	server.route('DELETE', '/v3/tables/:tableId/records', (req) => {
		const table = store.getTable(req.params.tableId);
		const body = readJson(req);
		// seed: no body deletes ALL rows. docs silent: so does a body without `recordIds` (e.g. `{}`);
		// a `recordIds` array (even empty) deletes just those, unknown ids are ignored.
		if (isPlainObject(body) && body.recordIds !== undefined) {
			if (!isStringList(body.recordIds)) throw badRequest('recordIds must be an array of record ids', 'INVALID_BODY');
			return json(200, { success: true, deletedCount: store.deleteIds(table, body.recordIds) });
		}
		if (body !== undefined && !isPlainObject(body)) throw badRequest('Body must be {recordIds: [...]} or empty', 'INVALID_BODY');
		return json(200, { success: true, deletedCount: store.deleteIds(table, [...table.records.keys()]) });
	});
}
