/**
 * Every Clay endpoint the nodes use, typed, in one place.
 * Contract: seed 004 (Clay "Tables") and the Clay section of api-notes. The v3 API is the
 * web app's own: shapes the seed does not show are read tolerantly, and an answer in an
 * unknown shape is a clear error rather than a silent empty result.
 */
import type { IDataObject } from 'n8n-workflow';

import { ServiceError } from '../shared/errors';
import { sessionValue } from '../../credentials/ClayApi.credentials';
import { apiRequest } from '../shared/request';
import type { RequestContext, ServiceDefinition } from '../shared/request';

export interface ClayField {
	id: string;
	name: string;
	type?: string;
	typeSettings?: IDataObject;
}

export interface ClayView {
	id: string;
	name: string;
}

export interface ClayTable {
	id: string;
	name?: string;
	workspaceId?: number | string;
	workbookId?: string;
	fields: ClayField[];
	views: ClayView[];
	[key: string]: unknown;
}

export interface ClayCell {
	value?: unknown;
	metadata?: { status?: string; [key: string]: unknown };
}

export interface ClayRecord {
	id: string;
	tableId?: string;
	cells: Record<string, ClayCell | unknown>;
	recordMetadata?: IDataObject;
	createdAt?: string;
	updatedAt?: string;
}

export interface ClaySource {
	id: string;
	name?: string;
	type?: string;
	webhookUrl?: string;
	typeSettings?: IDataObject;
	[key: string]: unknown;
}

export interface ClayTableSummary {
	id: string;
	name?: string;
	type?: string;
	workbookId?: string;
	workspaceId?: number | string;
}

export const SESSION_EXPIRED = 'Clay session expired or invalid — copy a fresh claysession cookie into the credential';

const SESSION_HELP =
	'In your browser, log in at app.clay.com, open the developer tools → Application (Firefox: Storage) → Cookies → https://app.clay.com, copy the Value of "claysession" and paste it into the Session Cookie of the Clay credential.';


/** Clay's error body: `{type, code?, message}`. */
function clayMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	const b = body as { message?: unknown; error?: unknown; detail?: unknown } | undefined;
	if (typeof b?.message === 'string' && b.message) return b.message;
	if (typeof b?.error === 'string' && b.error) return b.error;
	const nested = (b?.error as { message?: unknown } | undefined)?.message;
	if (typeof nested === 'string' && nested) return nested;
	if (typeof b?.detail === 'string' && b.detail) return b.detail;
	return undefined;
}

export function clayCode(body: unknown): string | undefined {
	const code = (body as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

export const clay: ServiceDefinition = {
	credentialType: 'clayApi',
	displayName: 'Clay',
	pathPrefix: '/v3',
	secretFields: ['sessionToken'],
	// a pasted `claysession=…` (or a whole Cookie header) hides the bare value the credential sends
	secretsOf: (credentials) => [sessionValue(credentials.sessionToken)],
	// Clay support's guidance is about 10 requests/s (burst 20); no hard limit is published for v3.
	retry: { rateLimitRetries: 6, serverErrorRetries: 4, baseDelayMs: 500 },
	describeError(status, body) {
		const said = clayMessage(body);
		const code = clayCode(body);
		switch (status) {
			case 401:
				return { message: SESSION_EXPIRED, description: SESSION_HELP };
			case 403:
				return {
					message: `Clay refused access (403${said ? `: ${said}` : ''})`,
					description: 'The account of this session cannot see this workspace or table.',
				};
			case 404:
				return {
					message: `Not found in Clay${said ? `: ${said}` : ''}`,
					description: 'The table, view, record or source ID is wrong, or it belongs to a workspace this session cannot see.',
				};
			case 400:
			case 422:
				return { message: `Clay rejected the request: ${said ?? 'bad request'}${code ? ` (${code})` : ''}` };
			case 429:
				if (code === 'SUBMISSION_LIMIT_REACHED') {
					return {
						message: `Clay refused the request: ${said ?? 'the webhook reached its lifetime submission limit'}`,
						description: 'A Clay webhook accepts 50,000 submissions in its lifetime; deleting rows does not reset it. Add a new webhook source.',
					};
				}
				return {
					message: `Clay refused the request: too many requests (429${said ? `: ${said}` : ''})`,
					description: 'The request was retried after the pause Clay asked for and still refused. Lower "Parallel Requests" or try again later.',
				};
			default:
				if (status >= 500) {
					return {
						message: `Clay had a server error (${status}${said ? `: ${said}` : ''})`,
						description: 'The request was retried with back-off and still failed. Try again later.',
					};
				}
				return { message: `Clay answered ${status}${said ? `: ${said}` : ''}` };
		}
	},
};

const enc = encodeURIComponent;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function call<T>(ctx: RequestContext, method: Method, path: string, extra: { qs?: IDataObject; body?: unknown; idempotent?: boolean } = {}) {
	return (await apiRequest<T>(ctx, clay, { method, path, ...extra })).body;
}

/** An array, or an envelope `{results|records|…: []}`; `undefined` when neither. */
function arrayIn(body: unknown, keys: string[]): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	const envelope = body as Record<string, unknown> | undefined;
	for (const key of keys) if (Array.isArray(envelope?.[key])) return envelope![key] as unknown[];
	return undefined;
}

function unexpected(what: string, body: unknown): ServiceError {
	return new ServiceError(`Clay answered ${what} in a shape this node does not know`, {
		description: `Clay's v3 API is not published and may have changed. First characters of the answer: ${JSON.stringify(JSON.stringify(body ?? null).slice(0, 160))}`,
	});
}

function listOf<T>(body: unknown, keys: string[], what: string): T[] {
	const list = arrayIn(body, keys);
	if (!list) throw unexpected(what, body);
	return list as T[];
}

/** The schema comes wrapped in `table` (observed); an unwrapped table is accepted too. */
function tableOf(body: unknown): ClayTable {
	const wrapped = (body as { table?: unknown } | undefined)?.table;
	const table = (wrapped && typeof wrapped === 'object' ? wrapped : body) as Partial<ClayTable> | undefined;
	if (!table || typeof table !== 'object' || typeof table.id !== 'string') throw unexpected('the table', body);
	return {
		...table,
		id: table.id,
		fields: Array.isArray(table.fields) ? table.fields.filter((field) => field && typeof field.id === 'string') : [],
		views: Array.isArray(table.views) ? table.views.filter((view) => view && typeof view.id === 'string') : [],
	} as ClayTable;
}

/** A view's record ids: the seed shows `{recordIds}`, a public client reads `{results}`. */
function idsOf(body: unknown): string[] {
	const list = arrayIn(body, ['recordIds', 'results', 'ids']);
	if (!list) throw unexpected('the record ids of the view', body);
	return list.map((entry) => (typeof entry === 'string' ? entry : String((entry as { id?: unknown })?.id ?? ''))).filter(Boolean);
}

export const api = {
	listWorkspaces: async (ctx: RequestContext) =>
		listOf<{ id: number | string; name?: string }>(await call(ctx, 'GET', '/my-workspaces'), ['results', 'workspaces', 'data'], 'the workspaces'),
	listTables: async (ctx: RequestContext, workspaceId: string) =>
		listOf<ClayTableSummary>(await call(ctx, 'GET', `/workspaces/${enc(workspaceId)}/tables`), ['results', 'tables', 'data'], 'the tables'),
	getTable: async (ctx: RequestContext, tableId: string) => tableOf(await call(ctx, 'GET', `/tables/${enc(tableId)}`)),

	recordIds: async (ctx: RequestContext, tableId: string, viewId: string) =>
		idsOf(await call(ctx, 'GET', `/tables/${enc(tableId)}/views/${enc(viewId)}/records/ids`)),
	getRecord: async (ctx: RequestContext, tableId: string, recordId: string) =>
		await call<ClayRecord>(ctx, 'GET', `/tables/${enc(tableId)}/records/${enc(recordId)}`),
	/** Reads many records by id (a POST, but a read: safe to retry). Unknown ids are left out. */
	bulkFetch: async (ctx: RequestContext, tableId: string, recordIds: string[]) =>
		listOf<ClayRecord>(
			await call(ctx, 'POST', `/tables/${enc(tableId)}/bulk-fetch-records`, { body: { recordIds }, idempotent: true }),
			['results', 'records'],
			'the records',
		),
	count: async (ctx: RequestContext, tableId: string) => {
		const body = await call<{ count?: unknown }>(ctx, 'GET', `/tables/${enc(tableId)}/count`);
		const count = Number(body?.count);
		if (!Number.isFinite(count)) throw unexpected('the row count', body);
		return count;
	},

	/**
	 * Creates records with client-chosen ids. Clay keeps one record per id (a repeated id
	 * replaces its cells), so a create is idempotent and safe to retry after a dropped
	 * connection or a 502. The seed shows no answer: `records` is read when present.
	 */
	createRecords: async (ctx: RequestContext, tableId: string, records: Array<{ id: string; cells: IDataObject }>) => {
		const body = await call(ctx, 'POST', `/tables/${enc(tableId)}/records`, { body: { records }, idempotent: true });
		return (arrayIn(body, ['records', 'results']) ?? []) as ClayRecord[];
	},
	/** Enqueues updates: Clay applies them later (`extraData.message: "Record updates enqueued"`). */
	updateRecords: async (ctx: RequestContext, tableId: string, records: Array<{ id: string; cells: IDataObject }>) =>
		await call<IDataObject | undefined>(ctx, 'PATCH', `/tables/${enc(tableId)}/records`, { body: { records } }),
	/** Deletes the given records. Never called with an empty list: a bodyless DELETE deletes ALL rows. */
	deleteRecords: async (ctx: RequestContext, tableId: string, recordIds: string[]) => {
		if (!recordIds.length) throw new ServiceError('No record IDs to delete');
		const body = await call<{ deletedCount?: unknown } | undefined>(ctx, 'DELETE', `/tables/${enc(tableId)}/records`, { body: { recordIds } });
		const count = Number(body?.deletedCount);
		return Number.isFinite(count) ? count : undefined;
	},
	/** Deletes every row of the table (the seed's bodyless DELETE). */
	deleteAllRecords: async (ctx: RequestContext, tableId: string) => {
		const body = await call<{ deletedCount?: unknown } | undefined>(ctx, 'DELETE', `/tables/${enc(tableId)}/records`);
		const count = Number(body?.deletedCount);
		return Number.isFinite(count) ? count : undefined;
	},

	/**
	 * Starts enrichment (JSON body, as public clients send it). Without `forceRun` a repeat
	 * skips finished and running cells, so it is retried like any PATCH; with it, a repeat
	 * would run (and bill) the cells twice, so it is not.
	 */
	run: async (ctx: RequestContext, tableId: string, body: IDataObject) =>
		(await call<IDataObject | undefined>(ctx, 'PATCH', `/tables/${enc(tableId)}/run`, { body, idempotent: body.forceRun !== true })) ?? {},

	listSources: async (ctx: RequestContext, tableId: string) =>
		listOf<ClaySource>(await call(ctx, 'GET', `/tables/${enc(tableId)}/sources`), ['results', 'sources', 'data'], 'the sources'),
	/** Adds a source through the table's settings. Not idempotent: a repeat would add a second webhook. */
	addSource: async (ctx: RequestContext, tableId: string, source: IDataObject, name: string) =>
		await call<{ table?: unknown; extraData?: IDataObject } | undefined>(ctx, 'PATCH', `/tables/${enc(tableId)}`, {
			body: { tableSettings: {}, fieldGroupMap: {}, sourceSettings: { addSource: { name, source } } },
			idempotent: false,
		}),
	deleteSource: async (ctx: RequestContext, tableId: string, sourceId: string) =>
		await call<IDataObject | undefined>(ctx, 'DELETE', `/tables/${enc(tableId)}/sources/${enc(sourceId)}`),
};

/** A cell's value: cells come as `{value, metadata}`; a bare value is taken as is. */
export function cellValue(cell: unknown): unknown {
	if (cell !== null && typeof cell === 'object' && !Array.isArray(cell) && ('value' in cell || 'metadata' in cell)) {
		return (cell as ClayCell).value ?? null;
	}
	return cell;
}

export function cellStatus(cell: unknown): string | undefined {
	if (cell === null || typeof cell !== 'object') return undefined;
	const status = (cell as ClayCell).metadata?.status;
	return typeof status === 'string' ? status : undefined;
}

export const isFinished = (status: string | undefined): boolean => status === 'SUCCESS' || (status?.startsWith('ERROR_') ?? false);

// ---------------------------------------------------------------------------------------
// Reads of the trigger (ClayTrigger): with the server's clock (the `Date` header).

/** One enrichment field's run summary, from `GET /tables/{id}/fieldrun` (shape: client knowledge). */
export interface FieldRun {
	fieldId: string;
	runId?: string;
	status?: string;
	numQueued: number;
	numRunning: number;
	numSuccess: number;
	numError: number;
}

const countOf = (value: unknown): number => (Number.isFinite(Number(value)) ? Number(value) : 0);

export const pollApi = {
	/**
	 * The run summary of every enrichment field that has been run. `runs` is undefined when
	 * Clay answers in a shape this node does not know (then the trigger reads the records on
	 * every poll instead of trusting it).
	 */
	fieldRuns: async (ctx: RequestContext, tableId: string): Promise<{ runs?: FieldRun[]; serverTime?: string }> => {
		const response = await apiRequest<unknown>(ctx, clay, { method: 'GET', path: `/tables/${enc(tableId)}/fieldrun` });
		const list = arrayIn(response.body, ['runs', 'results', 'fieldRuns']);
		const runs = list
			?.filter((entry): entry is Record<string, unknown> => !!entry && typeof entry === 'object' && typeof (entry as { fieldId?: unknown }).fieldId === 'string')
			.map((entry) => ({
				fieldId: String(entry.fieldId),
				runId: entry.runId === undefined ? undefined : String(entry.runId),
				status: entry.status === undefined ? undefined : String(entry.status),
				numQueued: countOf(entry.numQueued),
				numRunning: countOf(entry.numRunning),
				numSuccess: countOf(entry.numSuccess),
				numError: countOf(entry.numError),
			}));
		return { runs, serverTime: response.headers.date };
	},
};
