/**
 * Every Clay endpoint the nodes use, typed, in one place.
 *
 * Contract: seed 004 (Clay "Tables") and the Clay sections of api-notes. The v3 API is the web
 * app's own: where the seed and the clients that ran against the live API in 2026 disagree, the
 * live behaviour is spoken and the seed's shape accepted too (each place names its source:
 * "seed", "zapier" = zapier/connectors apps/clay and its live smoke test, "live reference" = a
 * public client's "Clay v3 API Reference, validated live 2026-08-04", "claycast" = a public
 * client's reference validated live March–April 2026). An answer in an unknown shape is a clear
 * error rather than a silent empty result.
 */
import type { IDataObject } from 'n8n-workflow';

import { chunk, mapConcurrent } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import { apiRequest } from '../shared/request';
import { authenticationOfNode } from './auth';
import type { RequestContext, RetryPolicy, ServiceDefinition } from '../shared/request';
import { sessionValue } from '../../credentials/ClayApi.credentials';
import { apiKeyValue } from '../../credentials/ClayApiKeyApi.credentials';

export interface ClayField {
	id: string;
	name: string;
	type?: string;
	typeSettings?: IDataObject;
	options?: unknown;
}

/** One condition of a find: an operator and, for most, the value compared with. */
export interface FindCondition {
	operator: string;
	value?: unknown;
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
	firstViewId?: string;
	fields: ClayField[];
	views: ClayView[];
	[key: string]: unknown;
}

export interface ClayCell {
	value?: unknown;
	metadata?: { status?: string; [key: string]: unknown };
	externalContent?: { fullValue?: unknown; [key: string]: unknown };
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
	state?: IDataObject;
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
export const KEY_REJECTED = 'Clay rejected the API key — check it in the credential (Clay: Settings → Account → API keys)';

const SESSION_HELP =
	'In your browser, log in at app.clay.com, open the developer tools → Application (Firefox: Storage) → Cookies → https://app.clay.com, copy the Value of "claysession" and paste it into the Session Cookie of the Clay credential.';
const KEY_HELP = 'Create a key in Clay under Settings → Account → API keys and paste it into the credential as it is, without "Bearer".';

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

/** How a Clay node authenticates: its "Authentication" parameter (absent in workflows made before it existed). */
export type ClayAuthentication = 'sessionCookie' | 'apiKey';

// Clay support's guidance is about 10 requests/s (burst 20); no hard limit is published for v3.
const RETRY: Partial<RetryPolicy> = { rateLimitRetries: 6, serverErrorRetries: 4, baseDelayMs: 500 };

function definition(authentication: ClayAuthentication): ServiceDefinition {
	const key = authentication === 'apiKey';
	return {
		credentialType: key ? 'clayApiKeyApi' : 'clayApi',
		displayName: 'Clay',
		pathPrefix: '/v3',
		secretFields: key ? ['apiKey'] : ['sessionToken'],
		// a pasted `claysession=…` (or a whole Cookie header) hides the bare value the credential sends; a key may be pasted with "Bearer"
		secretsOf: (credentials) => (key ? [apiKeyValue(credentials.apiKey)] : [sessionValue(credentials.sessionToken)]),
		retry: RETRY,
		messageOf: clayMessage,
		describeError(status, said, body) {
			const code = clayCode(body);
			switch (status) {
				case 401:
					return key ? { message: KEY_REJECTED, description: KEY_HELP } : { message: SESSION_EXPIRED, description: SESSION_HELP };
				case 402:
					return { message: `Clay refused the request: payment required (402${said ? `: ${said}` : ''})`, description: "The workspace's plan or credits do not allow this." };
				case 403:
					return {
						message: `Clay refused access (403${said ? `: ${said}` : ''})`,
						description: `The account of this ${key ? 'API key' : 'session'} cannot see this workspace or table.`,
					};
				case 404:
					return {
						message: `Not found in Clay${said ? `: ${said}` : ''}`,
						description: 'The table, view, record or source ID is wrong, or it belongs to a workspace this account cannot see.',
					};
				case 400:
				case 409:
				case 422:
					return { message: `Clay rejected the request: ${said ?? 'bad request'}${code ? ` (${code})` : ''}` };
				case 429:
					if (code === 'SUBMISSION_LIMIT_REACHED') {
						return {
							message: `Clay refused the request: ${said ?? 'the webhook reached its lifetime submission limit'}`,
							description: 'A Clay webhook accepts 50,000 submissions in its lifetime; deleting rows does not reset it. Add a new webhook source.',
							// it never resets: waiting does not help, another source does
							failure: { cause: 'configuration-invalid' },
						};
					}
					return {
						message: `Clay refused the request: too many requests (429${said ? `: ${said}` : ''})`,
						description: 'The request was retried after the pause Clay asked for and still refused. Lower "Parallel Requests" or try again later.',
					};
				default:
					return undefined;
			}
		},
	};
}

/** The session-cookie way (credential `clayApi`), the one of workflows made before API keys. */
export const clay = definition('sessionCookie');
/** The API-key way (credential `clayApiKeyApi`). */
export const clayKey = definition('apiKey');

export function authenticationOf(ctx: RequestContext): ClayAuthentication {
	return authenticationOfNode(ctx.getNode());
}

/** The service definition of the credential the node is set to use. */
export function clayService(ctx: RequestContext): ServiceDefinition {
	return authenticationOf(ctx) === 'apiKey' ? clayKey : clay;
}

const enc = encodeURIComponent;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function call<T>(ctx: RequestContext, method: Method, path: string, extra: { qs?: IDataObject; body?: unknown; idempotent?: boolean } = {}) {
	return (await apiRequest<T>(ctx, clayService(ctx), { method, path, ...extra })).body;
}

/**
 * Whether Clay answered that the path does not exist (live reference: `404 {type: "NoMatchingURL"}`;
 * a wrong id is `{type: "NotFound"}`): the other shape of an endpoint is tried then.
 */
export function isMissingRoute(error: unknown): boolean {
	if (!(error instanceof ServiceError) || error.status !== 404) return false;
	return (error.details.body as { type?: unknown } | undefined)?.type !== 'NotFound';
}

/** Runs `live`, and `seed` when Clay says the live path does not exist. */
async function liveThenSeed<T>(live: () => Promise<T>, seed: () => Promise<T>): Promise<T> {
	let failure: unknown;
	try {
		return await live();
	} catch (error) {
		failure = error;
	}
	if (!isMissingRoute(failure)) throw failure;
	return await seed();
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

/** The schema comes wrapped in `table` (client knowledge; live reference: `{table, extraData}`); an unwrapped table is accepted too. */
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

/** A view's record ids: the seed shows `{recordIds}`, live clients read `{results}`. */
function idsOf(body: unknown): string[] {
	const list = arrayIn(body, ['recordIds', 'results', 'ids']);
	if (!list) throw unexpected('the record ids of the view', body);
	return list.map((entry) => (typeof entry === 'string' ? entry : String((entry as { id?: unknown })?.id ?? ''))).filter(Boolean);
}

/** The ids a view's list gives at most without `limit` where it pages (the records endpoint's default, api-notes). */
export const VIEW_PAGE = 100;

/** How many record ids go into one bulk read. */
export const READ_CHUNK = 200;

/** The webhook source body (seed 004's `typeSettings`). */
function webhookTypeSettings(): IDataObject {
	return { urlSlugText: 'Pull in data from a Webhook', iconType: 'Webhook', name: 'Webhook', description: 'Send any data to Clay', stages: [] };
}

/** The webhook URL of a source: live in `state.url`, else `webhookUrl` or `typeSettings.url`. */
export function webhookUrlOf(source: ClaySource | undefined): string | undefined {
	const url = source?.state?.url ?? source?.webhookUrl ?? source?.typeSettings?.url;
	return typeof url === 'string' && url ? url : undefined;
}

/**
 * Per execution context: the bulk endpoints Clay answered do not exist, by `<endpoint> <table>`
 * (a context lives for one node execution), so that each is tried once and then done record by record.
 */
const missingBulk = new WeakMap<object, Set<string>>();

/** Whether Clay answered earlier in this execution that a bulk endpoint does not exist. */
const isMissingBulk = (ctx: RequestContext, endpoint: string): boolean => missingBulk.get(ctx)?.has(endpoint) === true;

/** Remembers that a bulk endpoint does not exist, when `failure` says so; else throws it. */
function missingBulkOrThrow(ctx: RequestContext, endpoint: string, failure: unknown): void {
	if (!isMissingRoute(failure)) throw failure;
	missingBulk.set(ctx, (missingBulk.get(ctx) ?? new Set<string>()).add(endpoint));
}

export const api = {
	/** zapier (live): `GET /v3/` → `{auth: {actor: {userId}, email}}`. */
	whoAmI: async (ctx: RequestContext) => {
		const body = await call<{ auth?: { actor?: { userId?: unknown }; email?: unknown } }>(ctx, 'GET', '/');
		const userId = body?.auth?.actor?.userId;
		if (userId === undefined || userId === null || userId === '') throw unexpected('who the caller is', body);
		return { userId: String(userId), email: typeof body?.auth?.email === 'string' ? body.auth.email : undefined };
	},
	/**
	 * The caller's workspaces. zapier (live, with an API key): `GET /v3/users/{userId}/workspaces`;
	 * client knowledge (with a session): `GET /v3/my-workspaces`. Each falls back to the other.
	 */
	listWorkspaces: async (ctx: RequestContext) => {
		const byUser = async () => {
			const { userId } = await api.whoAmI(ctx);
			return listOf<{ id: number | string; name?: string }>(await call(ctx, 'GET', `/users/${enc(userId)}/workspaces`), ['results', 'workspaces', 'data'], 'the workspaces');
		};
		const mine = async () => listOf<{ id: number | string; name?: string }>(await call(ctx, 'GET', '/my-workspaces'), ['results', 'workspaces', 'data'], 'the workspaces');
		return authenticationOf(ctx) === 'apiKey' ? await liveThenSeed(byUser, mine) : await liveThenSeed(mine, byUser);
	},
	listTables: async (ctx: RequestContext, workspaceId: string) =>
		listOf<ClayTableSummary>(await call(ctx, 'GET', `/workspaces/${enc(workspaceId)}/tables`), ['results', 'tables', 'data'], 'the tables'),
	getTable: async (ctx: RequestContext, tableId: string) => tableOf(await call(ctx, 'GET', `/tables/${enc(tableId)}`)),

	/** One answer of a view's record-id list (seed: all ids, no paging). */
	recordIds: async (ctx: RequestContext, tableId: string, viewId: string, limit?: number) =>
		idsOf(await call(ctx, 'GET', `/tables/${enc(tableId)}/views/${enc(viewId)}/records/ids`, limit === undefined ? {} : { qs: { limit } })),
	/**
	 * Every record id of a view. A list of exactly one page (100 ids) may be a first page only:
	 * then the table's count says whether there are more, and the list is asked again with a
	 * `limit` that covers them. `complete` is false when it still lists one page of a larger
	 * table (a view that ignores `limit`, or a filtered view of exactly 100 records).
	 */
	viewRecordList: async (ctx: RequestContext, tableId: string, viewId: string): Promise<{ ids: string[]; complete: boolean }> => {
		const ids = await api.recordIds(ctx, tableId, viewId);
		if (ids.length !== VIEW_PAGE) return { ids, complete: true };
		const total = await api.count(ctx, tableId);
		if (total <= ids.length) return { ids, complete: true };
		const more = await api.recordIds(ctx, tableId, viewId, total);
		return more.length > ids.length ? { ids: more, complete: more.length >= total } : { ids, complete: false };
	},
	viewRecordIds: async (ctx: RequestContext, tableId: string, viewId: string): Promise<string[]> => (await api.viewRecordList(ctx, tableId, viewId)).ids,
	getRecord: async (ctx: RequestContext, tableId: string, recordId: string) =>
		await call<ClayRecord>(ctx, 'GET', `/tables/${enc(tableId)}/records/${enc(recordId)}`),
	/**
	 * Reads many records by id (a POST, but a read: safe to retry). Unknown ids are left out. live
	 * reference: action cells carry their structured result (`externalContent.fullValue`) only for
	 * the fields in `includeExternalContentFieldIds`; an empty id list is a 400 (claycast).
	 */
	bulkFetch: async (ctx: RequestContext, tableId: string, recordIds: string[], actionFieldIds: string[] = []): Promise<ClayRecord[]> => {
		if (!recordIds.length) return [];
		const body: IDataObject = { recordIds };
		if (actionFieldIds.length) body.includeExternalContentFieldIds = actionFieldIds;
		const endpoint = `bulk-fetch-records ${tableId}`;
		if (!isMissingBulk(ctx, endpoint)) {
			let failure: unknown;
			try {
				return listOf<ClayRecord>(await call(ctx, 'POST', `/tables/${enc(tableId)}/bulk-fetch-records`, { body, idempotent: true }), ['results', 'records'], 'the records');
			} catch (error) {
				failure = error;
			}
			missingBulkOrThrow(ctx, endpoint, failure);
		}
		// a Clay without bulk-fetch-records (a 404 that names no record): one record at a time, three in flight; unknown ids left out
		const one = await mapConcurrent(recordIds, 3, async (recordId) => {
			let failure: unknown;
			try {
				return await api.getRecord(ctx, tableId, recordId);
			} catch (error) {
				failure = error;
			}
			if (failure instanceof ServiceError && failure.status === 404 && !isMissingRoute(failure)) return undefined;
			throw failure;
		});
		return one.filter((record): record is ClayRecord => !!record && typeof record.id === 'string');
	},
	/** Reads any number of records by id: `READ_CHUNK` ids a request, one request at a time. */
	fetchRecords: async (ctx: RequestContext, tableId: string, recordIds: string[], actionFieldIds: string[] = []): Promise<ClayRecord[]> => {
		const records: ClayRecord[] = [];
		for (const part of chunk(recordIds, READ_CHUNK)) records.push(...(await api.bulkFetch(ctx, tableId, part, actionFieldIds)));
		return records;
	},
	/** seed: `{count}`; live reference: `{tableTotalRecordsCount}`. */
	count: async (ctx: RequestContext, tableId: string) => {
		const body = await call<{ count?: unknown; tableTotalRecordsCount?: unknown }>(ctx, 'GET', `/tables/${enc(tableId)}/count`);
		const raw = body?.tableTotalRecordsCount ?? body?.count;
		const count = raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
		if (!Number.isFinite(count)) throw unexpected('the row count', body);
		return count;
	},
	/**
	 * The records whose field meets one condition (zapier findRecord, live: an AND filter of one
	 * FIELD operand; the operator follows the column type, see keys.ts `findConditionOf`).
	 * `undefined` when Clay has no find endpoint (seed).
	 */
	findWhere: async (ctx: RequestContext, tableId: string, fieldId: string, condition: FindCondition, limit = 10): Promise<ClayRecord[] | undefined> => {
		const filter = { type: 'AND', operands: [{ fieldId, type: 'FIELD', filterConfig: { type: 'OPERATOR', ...condition } }] };
		let body: unknown;
		try {
			body = await call(ctx, 'POST', `/tables/${enc(tableId)}/find`, { qs: { limit }, body: { filter }, idempotent: true });
		} catch (error) {
			if (isMissingRoute(error)) return undefined;
			body = error;
		}
		if (body instanceof Error) throw body;
		return listOf<ClayRecord>(body, ['results', 'records'], 'the records found');
	},

	/**
	 * Creates records. The records carry ids the node chooses, but Clay may keep them, assign its
	 * own or refuse a repeated one (which live Clay does is unconfirmed), so a create is not
	 * idempotent: it is not repeated after a lost answer, the node reads back instead. The answer:
	 * zapier (live) reads the records under `records`; the seed shows none.
	 */
	createRecords: async (ctx: RequestContext, tableId: string, records: Array<{ id: string; cells: IDataObject }>) => {
		const body = await call(ctx, 'POST', `/tables/${enc(tableId)}/records`, { body: { records }, idempotent: false });
		return (arrayIn(body, ['records', 'results']) ?? []) as ClayRecord[];
	},
	/**
	 * Enqueues updates: Clay applies them later (claycast: `{records: [], extraData: {message:
	 * "Record updates enqueued"}}`). Where the bulk PATCH does not exist, each record is patched
	 * on its own (zapier, live: `PATCH /records/{id}` with the cells object as body), three at a
	 * time; then a record's own failure comes back in its place.
	 */
	updateRecords: async (ctx: RequestContext, tableId: string, records: Array<{ id: string; cells: IDataObject }>): Promise<Array<true | Error>> => {
		const endpoint = `bulk update ${tableId}`;
		if (!isMissingBulk(ctx, endpoint)) {
			let failure: unknown;
			try {
				await call(ctx, 'PATCH', `/tables/${enc(tableId)}/records`, { body: { records } });
				return records.map(() => true);
			} catch (error) {
				failure = error;
			}
			missingBulkOrThrow(ctx, endpoint, failure);
		}
		return await mapConcurrent(records, 3, async (record) => {
			try {
				await call(ctx, 'PATCH', `/tables/${enc(tableId)}/records/${enc(record.id)}`, { body: record.cells });
				return true as const;
			} catch (error) {
				return error as Error;
			}
		});
	},
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
	 * Starts enrichment (JSON body, as public clients send it). Live answer: `{recordCount,
	 * runMode}`. Without `forceRun` a repeat skips finished and running cells, so it is retried
	 * like any PATCH; with it, a repeat would run (and bill) the cells twice, so it is not.
	 */
	run: async (ctx: RequestContext, tableId: string, body: IDataObject) =>
		(await call<IDataObject | undefined>(ctx, 'PATCH', `/tables/${enc(tableId)}/run`, { body, idempotent: body.forceRun !== true })) ?? {},

	/** api-notes (live): `GET /v3/sources?tableId=`; seed: `GET /v3/tables/{t}/sources`. */
	listSources: async (ctx: RequestContext, tableId: string) =>
		listOf<ClaySource>(
			await liveThenSeed(
				async () => await call(ctx, 'GET', '/sources', { qs: { tableId } }),
				async () => await call(ctx, 'GET', `/tables/${enc(tableId)}/sources`),
			),
			['results', 'sources', 'data'],
			'the sources',
		),
	getSource: async (ctx: RequestContext, sourceId: string) => await call<ClaySource | { source?: ClaySource }>(ctx, 'GET', `/sources/${enc(sourceId)}`),
	/**
	 * Adds a webhook source: api-notes (live) `POST /v3/sources {workspaceId, tableId, name, type,
	 * typeSettings}`, the URL in `state.url`; seed: through the table's settings (`PATCH /tables/{t}`).
	 * Not idempotent: a repeat would add a second webhook. A 402: the plan has no webhooks.
	 */
	addWebhookSource: async (ctx: RequestContext, tableId: string, workspaceId: string, name: string): Promise<{ live?: ClaySource; seed?: { extraData?: IDataObject } }> => {
		const source = { name, workspaceId, type: 'webhook', typeSettings: webhookTypeSettings() };
		let failure: unknown;
		try {
			return await liveThenSeed<{ live?: ClaySource; seed?: { extraData?: IDataObject } }>(
				async () => ({ live: await call<ClaySource>(ctx, 'POST', '/sources', { body: { ...source, tableId }, idempotent: false }) }),
				async () => ({
					seed: await call<{ extraData?: IDataObject }>(ctx, 'PATCH', `/tables/${enc(tableId)}`, {
						body: { tableSettings: {}, fieldGroupMap: {}, sourceSettings: { addSource: { name: 'Webhook', source } } },
						idempotent: false,
					}),
				}),
			);
		} catch (error) {
			failure = error;
		}
		if (failure instanceof ServiceError && failure.status === 402) {
			const said = clayMessage(failure.details.body);
			failure = new ServiceError(`This Clay plan has no webhooks (402${said ? `: ${said}` : ''})`, {
				status: 402,
				description: "Clay's plans without webhooks cannot receive data from n8n this way. Upgrade the workspace's plan, or add records with Record → Add instead.",
			});
		}
		throw failure;
	},
	/** api-notes (live): `DELETE /v3/sources/{id}`; seed: `DELETE /v3/tables/{t}/sources/{id}`. */
	deleteSource: async (ctx: RequestContext, tableId: string, sourceId: string) =>
		await liveThenSeed(
			async () => await call<IDataObject | undefined>(ctx, 'DELETE', `/sources/${enc(sourceId)}`),
			async () => await call<IDataObject | undefined>(ctx, 'DELETE', `/tables/${enc(tableId)}/sources/${enc(sourceId)}`),
		),
};

/** A cell's value: cells come as `{value, metadata}`; a bare value is taken as is. */
export function cellValue(cell: unknown): unknown {
	if (cell !== null && typeof cell === 'object' && !Array.isArray(cell) && ('value' in cell || 'metadata' in cell || 'externalContent' in cell)) {
		return (cell as ClayCell).value ?? null;
	}
	return cell;
}

/** An action cell's structured result (live reference / claycast: `externalContent.fullValue`), if it came. */
export function fullValueOf(cell: unknown): { value: unknown } | undefined {
	if (cell === null || typeof cell !== 'object' || Array.isArray(cell)) return undefined;
	const external = (cell as ClayCell).externalContent;
	if (external && typeof external === 'object' && 'fullValue' in external) return { value: external.fullValue ?? null };
	return undefined;
}

export function cellStatus(cell: unknown): string | undefined {
	if (cell === null || typeof cell !== 'object') return undefined;
	const status = (cell as ClayCell).metadata?.status;
	return typeof status === 'string' ? status : undefined;
}

/**
 * Whether a cell's run has finished. Live reference: `SUCCESS`, `SUCCESS_NO_DATA` (it ran and found
 * nothing), any `ERROR_…`; the list is open, so every `SUCCESS…` and `ERROR_…` status counts.
 */
export const isFinished = (status: string | undefined): boolean => !!status && (status.startsWith('SUCCESS') || status.startsWith('ERROR_'));

/** Run statuses of cells still on their way that the node knows; another unfinished one is named when waiting times out. */
export const RUNNING_STATUSES = new Set(['QUEUED', 'RUNNING', 'PENDING', 'IN_PROGRESS', 'SCHEDULED']);

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
		const response = await apiRequest<unknown>(ctx, clayService(ctx), { method: 'GET', path: `/tables/${enc(tableId)}/fieldrun` });
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
	/** The server's clock (the `Date` header), from the cheapest read of the table: its record count. */
	serverTime: async (ctx: RequestContext, tableId: string): Promise<string | undefined> =>
		(await apiRequest<unknown>(ctx, clayService(ctx), { method: 'GET', path: `/tables/${enc(tableId)}/count` })).headers.date,
};
