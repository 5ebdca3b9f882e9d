/**
 * Enrichment runs of the Clay sandbox. seed 004: `PATCH /tables/{t}/run` with a URL-encoded JSON
 * body and `runRecords.viewIdTopRecords`. api-notes: clients send JSON with `runRecords.recordIds`;
 * live answers `{recordCount, runMode}` with `runMode: "NONE"` when nothing ran; a public client
 * (claycast) also sends `runRecords.viewId`. The run summary (`/fieldrun`) shape is docs silent.
 */
import { isPlainObject, json } from '../../framework';
import { badRequest, decodeFormJson } from '../http';
import type { ClayRecord, ClayTable } from '../types';
import type { RouteContext } from './context';

export function registerRunRoutes(ctx: RouteContext): void {
	const { server, store, enrichment } = ctx;
	const live = store.profile.shapes === 'live';

	/** The records of a view, in its order: all, or the first `numRecords`. */
	const topOfView = (table: ClayTable, viewId: unknown, numRecords: unknown): ClayRecord[] => {
		if (typeof viewId !== 'string') throw badRequest('runRecords.viewIdTopRecords.viewId is required', 'INVALID_BODY');
		store.getView(table, viewId);
		const all = store.orderedIds(table, viewId).map((id) => table.records.get(id)!);
		if (numRecords === undefined || numRecords === null) return all;
		if (typeof numRecords === 'number' && Number.isInteger(numRecords) && numRecords >= 0) return all.slice(0, numRecords);
		throw badRequest('runRecords.viewIdTopRecords.numRecords must be a non-negative integer', 'INVALID_BODY');
	};

	server.route('PATCH', '/v3/tables/:tableId/run', (req) => {
		const table = store.getTable(req.params.tableId);
		if (req.bodyInvalid) throw badRequest('Invalid JSON body');
		const body = typeof req.body === 'string' ? decodeFormJson(req.body) : req.body;
		if (!isPlainObject(body)) throw badRequest('Body must be a JSON object (JSON, or URL-encoded JSON as the form key)', 'INVALID_BODY');
		const { fieldIds, runRecords } = body;
		if (!Array.isArray(fieldIds) || fieldIds.length === 0 || !fieldIds.every((f) => typeof f === 'string')) {
			throw badRequest('fieldIds must be a non-empty array of field ids', 'INVALID_BODY');
		}
		const fields = (fieldIds as string[]).map((fid) => {
			const field = table.fields.find((f) => f.id === fid);
			if (!field) throw badRequest(`Field ${fid} does not exist in table ${table.id}`, 'UNKNOWN_FIELD', { fieldId: fid });
			if (field.type !== 'action') {
				throw badRequest(`Field ${fid} ("${field.name}") is not an enrichment column and cannot be run`, 'FIELD_NOT_RUNNABLE', { fieldId: fid });
			}
			return field;
		});
		let targets: ClayRecord[];
		let mode: string;
		if (isPlainObject(runRecords) && runRecords.recordIds !== undefined) {
			if (!Array.isArray(runRecords.recordIds) || !runRecords.recordIds.every((id) => typeof id === 'string')) {
				throw badRequest('runRecords.recordIds must be an array of record ids', 'INVALID_BODY');
			}
			// docs silent: unknown record ids are ignored
			const unique = [...new Set(runRecords.recordIds as string[])];
			targets = unique.map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r);
			mode = 'INDIVIDUAL';
		} else if (isPlainObject(runRecords) && isPlainObject(runRecords.viewIdTopRecords)) {
			targets = topOfView(table, runRecords.viewIdTopRecords.viewId, runRecords.viewIdTopRecords.numRecords);
			mode = 'VIEW';
		} else if (live && isPlainObject(runRecords) && typeof runRecords.viewId === 'string') {
			targets = topOfView(table, runRecords.viewId, undefined);
			mode = 'VIEW';
		} else {
			throw badRequest('runRecords must be {recordIds: [...]} or {viewIdTopRecords: {viewId, numRecords?}}', 'INVALID_BODY');
		}
		// docs silent: callerName ("API") is not enforced
		const { runId, queued } = enrichment.start(table, fields, targets, body.forceRun === true);
		return json(200, live ? { recordCount: targets.length, runMode: queued ? mode : 'NONE' } : { recordCount: targets.length, fieldIds, runId });
	});

	if (store.profile.fieldRun) server.route('GET', '/v3/tables/:tableId/fieldrun', (req) => json(200, { runs: enrichment.summary(store.getTable(req.params.tableId)) }));
}
