/**
 * Every Extruct endpoint the nodes use, typed, in one place.
 * Contract: the seeds (create table, add rows) and the Extruct section of api-notes.
 */
import type { IDataObject } from 'n8n-workflow';

import { unexpectedAnswer } from '../shared/shape';
import { apiRequest } from '../shared/request';
import type { RequestContext, ServiceDefinition } from '../shared/request';

export type CellStatus = 'created' | 'requested' | 'in_progress' | 'done' | 'failed';

export interface Cell {
	value: unknown;
	status: CellStatus;
	updated_at?: string | null;
}

export interface Row {
	id: string;
	created_at: string;
	parent_row_id?: string | null;
	company_profile_id?: string | null;
	data: Record<string, Cell>;
	metadata?: IDataObject | null;
	parent_data?: Record<string, Cell> | null;
}

export interface ColumnConfig extends IDataObject {
	kind: string;
	name: string;
	key: string;
}

export interface Column {
	id: string;
	created_at?: string;
	config: ColumnConfig;
}

export interface TableStatus {
	run_status?: 'running' | 'idle';
	num_rows?: number;
	num_cells_completed?: number;
	num_cells_in_progress?: number;
	// No counter of failed cells: a failed cell shows in its own status only.
	[key: string]: unknown;
}

export interface Table {
	id: string;
	name: string;
	kind?: string;
	description?: string | null;
	tags?: string[] | null;
	created_at?: string;
	columns: Column[];
	status?: TableStatus;
	[key: string]: unknown;
}

export interface Run {
	id: string;
	status: string;
	rows?: string[] | null;
	columns?: string[] | null;
	num_requested_cells?: number;
	mode?: string;
}

export const INPUT_KINDS = new Set(['input']);

/** FastAPI's 422 body: `{detail: [{loc, msg, type}]}`; other errors: `{detail: "text"}`. */
interface FastApiIssue {
	loc?: Array<string | number>;
	msg?: string;
	type?: string;
}

export function fastApiIssues(body: unknown): FastApiIssue[] {
	const detail = (body as { detail?: unknown } | undefined)?.detail;
	return Array.isArray(detail) ? (detail as FastApiIssue[]) : [];
}

function fastApiMessage(body: unknown): string | undefined {
	const detail = (body as { detail?: unknown; message?: unknown } | undefined)?.detail;
	if (typeof detail === 'string') return detail;
	const detailMessage = (detail as { message?: unknown } | undefined)?.message;
	if (detail && typeof detail === 'object' && !Array.isArray(detail) && typeof detailMessage === 'string') return detailMessage;
	const issues = fastApiIssues(body);
	if (issues.length) {
		return issues
			.slice(0, 3)
			.map((issue) => `${(issue.loc ?? []).filter((part) => part !== 'body').join('.')}: ${issue.msg ?? 'invalid'}`)
			.join('; ');
	}
	const message = (body as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' ? message : undefined;
}

/** Extruct's billing refusals (402 with `detail.error`), each with what to do. */
const BILLING: Record<string, { what: string; todo: string }> = {
	plan_required: {
		what: 'your Extruct plan does not include this',
		todo: "Upgrade the plan of your Extruct workspace (the billing settings in the Extruct app), then run again.",
	},
	payment_failed: {
		what: "your Extruct account's last payment failed",
		todo: "Update the payment method in Extruct's billing settings; once a payment went through, run again.",
	},
	insufficient_credits: {
		what: 'your Extruct account has not enough credits',
		todo: "Top up credits in Extruct's billing settings (the credential's test shows the available credits), or enrich fewer rows or columns, then run again.",
	},
};

/** The billing code of a 402: `detail.error` (docs), or the same under `detail.code` / `error`. */
function billingCode(body: unknown): string | undefined {
	const b = body as { detail?: unknown; error?: unknown } | undefined;
	const detail = b?.detail as { error?: unknown; code?: unknown } | undefined;
	for (const value of [detail?.error, detail?.code, b?.error]) if (typeof value === 'string' && value) return value;
	return undefined;
}

export const extruct: ServiceDefinition = {
	credentialType: 'extructApi',
	displayName: 'Extruct',
	pathPrefix: '/v1',
	secretFields: ['apiToken'],
	// Extruct: a 429 is a quota or billing refusal, so it is not hammered; a 5xx may be retried after a pause.
	retry: { rateLimitRetries: 2, serverErrorRetries: 4, baseDelayMs: 1000 },
	messageOf: fastApiMessage,
	describeError(status, said, body) {
		switch (status) {
			case 401:
				return {
					message: `Extruct rejected the API token (401${said ? `: ${said}` : ''})`,
					description: 'Check the API Token of the Extruct credential: create a new one in the Extruct app under Settings → API.',
				};
			case 403:
				return { message: `Extruct refused access (403${said ? `: ${said}` : ''})`, description: 'The token has no access to this resource.' };
			case 404:
				return {
					message: `Not found in Extruct${said ? `: ${said}` : ''}`,
					description: 'The table, row or column ID is wrong, or it belongs to another workspace.',
				};
			case 422:
				return { message: `Extruct rejected the request: ${said ?? 'validation error'}`, description: 'The request did not match the shape Extruct expects.' };
			case 400:
				return { message: `Extruct rejected the request: ${said ?? 'bad request'}` };
			case 402: {
				// A billing refusal is never retried: the same request would be refused again.
				const code = billingCode(body);
				const known = code ? BILLING[code] : undefined;
				const said402 = said && said !== code ? `: ${said}` : '';
				if (known) return { message: `Extruct refused the request: ${known.what} (402 ${code}${said402})`, description: `${known.todo} The node did not retry it.` };
				return {
					message: `Extruct refused the request: payment required (402${code ? ` ${code}` : ''}${said402})`,
					description: "Check the plan, payment method and credits of your Extruct account in Extruct's billing settings, then run again. The node did not retry it.",
				};
			}
			case 429:
				return {
					message: `Extruct refused the request: quota or rate limit reached (429${said ? `: ${said}` : ''})`,
					description: 'Extruct uses 429 for quota and billing limits. Check the credits of your account (available_credits) before running again.',
					failure: { cause: 'quota-exhausted' },
				};
			default:
				return undefined;
		}
	},
};

const enc = encodeURIComponent;

export interface Page<T> {
	items: T[];
	total?: number;
}

/** Accepts an array, or an envelope `{items|data|results|tables: []}` the docs do not show. */
function listOf<T>(body: unknown): T[] {
	if (Array.isArray(body)) return body as T[];
	const envelope = body as Record<string, unknown> | undefined;
	for (const key of ['items', 'data', 'results', 'tables', 'rows']) {
		if (Array.isArray(envelope?.[key])) return envelope![key] as T[];
	}
	throw unexpectedAnswer('Extruct', 'a list', body);
}

export const api = {
	getUser: async (ctx: RequestContext) => (await apiRequest<IDataObject>(ctx, extruct, { method: 'GET', path: '/user' })).body,

	/** `tags` (an array) goes as a repeated parameter, as Extruct's docs say: `tags=a&tags=b` (a table with any of them). */
	listTables: async (ctx: RequestContext, qs: IDataObject): Promise<Page<Table>> => {
		const response = await apiRequest<unknown>(ctx, extruct, { method: 'GET', path: '/tables', qs, arrayFormat: 'repeat' });
		const total = Number(response.headers['x-extruct-pagination-total']);
		return { items: listOf<Table>(response.body), total: Number.isFinite(total) ? total : undefined };
	},
	getTable: async (ctx: RequestContext, tableId: string) => (await apiRequest<Table>(ctx, extruct, { method: 'GET', path: `/tables/${enc(tableId)}` })).body,
	createTable: async (ctx: RequestContext, body: IDataObject) => (await apiRequest<Table>(ctx, extruct, { method: 'POST', path: '/tables', body })).body,
	updateTable: async (ctx: RequestContext, tableId: string, body: IDataObject) =>
		(await apiRequest<Table>(ctx, extruct, { method: 'PATCH', path: `/tables/${enc(tableId)}`, body })).body,
	deleteTable: async (ctx: RequestContext, tableId: string) =>
		(await apiRequest<IDataObject | undefined>(ctx, extruct, { method: 'DELETE', path: `/tables/${enc(tableId)}` })).body,
	cloneTable: async (ctx: RequestContext, tableId: string, schemaOnly: boolean) =>
		(await apiRequest<Table>(ctx, extruct, { method: 'POST', path: `/tables/${enc(tableId)}/clone`, qs: { schema_only: schemaOnly } })).body,

	addColumns: async (ctx: RequestContext, tableId: string, columnConfigs: ColumnConfig[], insertAfter: boolean | string) =>
		listOf<Column>(
			(
				await apiRequest<unknown>(ctx, extruct, {
					method: 'POST',
					path: `/tables/${enc(tableId)}/columns`,
					body: { column_configs: columnConfigs, insert_after: insertAfter },
				})
			).body,
		),
	updateColumn: async (ctx: RequestContext, tableId: string, columnId: string, config: ColumnConfig) =>
		(await apiRequest<Column>(ctx, extruct, { method: 'PATCH', path: `/tables/${enc(tableId)}/columns/${enc(columnId)}`, body: config })).body,
	deleteColumn: async (ctx: RequestContext, tableId: string, columnId: string) =>
		(await apiRequest<IDataObject | undefined>(ctx, extruct, { method: 'DELETE', path: `/tables/${enc(tableId)}/columns/${enc(columnId)}` })).body,

	/** One page of rows: `GET /tables/{id}/data`. */
	getRowsPage: async (ctx: RequestContext, tableId: string, offset: number, limit: number) => {
		const path = `/tables/${enc(tableId)}/data`;
		const body = (await apiRequest<{ rows?: Row[] } & Partial<Table>>(ctx, extruct, { method: 'GET', path, qs: { offset, limit } })).body;
		return { rows: Array.isArray(body?.rows) ? body.rows : listOf<Row>(body), table: body };
	},
	getRow: async (ctx: RequestContext, tableId: string, rowId: string) =>
		(await apiRequest<Row>(ctx, extruct, { method: 'GET', path: `/tables/${enc(tableId)}/rows/${enc(rowId)}` })).body,
	addRows: async (ctx: RequestContext, tableId: string, rows: Array<{ data: IDataObject; metadata?: IDataObject }>, run: boolean) =>
		listOf<Row>((await apiRequest<unknown>(ctx, extruct, { method: 'POST', path: `/tables/${enc(tableId)}/rows`, body: { rows, run }, idempotent: false })).body),
	updateRows: async (ctx: RequestContext, tableId: string, rows: Array<{ id: string; data: IDataObject; metadata?: IDataObject }>, run: boolean) =>
		listOf<Row>((await apiRequest<unknown>(ctx, extruct, { method: 'PATCH', path: `/tables/${enc(tableId)}/rows`, body: { rows, run } })).body),
	/**
	 * The ids Extruct deleted. When the answer came to a retry after a lost one, the ids sent
	 * count as deleted: the lost attempt deleted those the retry did not find.
	 */
	deleteRows: async (ctx: RequestContext, tableId: string, rowIds: string[]) => {
		const response = await apiRequest<unknown>(ctx, extruct, { method: 'DELETE', path: `/tables/${enc(tableId)}/rows`, body: { rows: rowIds } });
		const deleted = listOf<string | { id: string }>(response.body).map((entry) => (typeof entry === 'string' ? entry : entry.id));
		return response.afterLostAnswer ? [...new Set([...deleted, ...rowIds])] : deleted;
	},
	run: async (ctx: RequestContext, tableId: string, body: IDataObject) =>
		(await apiRequest<Run>(ctx, extruct, { method: 'POST', path: `/tables/${enc(tableId)}/run`, body, idempotent: false })).body,
};

/** Every row of a table, paging `/data` at the service's maximum of 100. */
export async function* allRows(ctx: RequestContext, tableId: string, pageSize = 100): AsyncGenerator<Row[]> {
	for (let offset = 0; ; offset += pageSize) {
		const { rows } = await api.getRowsPage(ctx, tableId, offset, pageSize);
		if (rows.length) yield rows;
		if (rows.length < pageSize) return;
	}
}

export const TERMINAL: ReadonlySet<string> = new Set(['done', 'failed']);

/**
 * Flattens a row's cells to `{key: value}`. Agent answers keep their object
 * (`{answer, source, explanation}`). `_status` lists the cells that are not done.
 */
export function simplifyRow(row: Row, hiddenMetadataKey?: string): IDataObject {
	const out: IDataObject = { id: row.id };
	if (row.created_at) out.created_at = row.created_at;
	let pending: IDataObject | undefined;
	const data = (row.data ?? {}) as Record<string, unknown>;
	for (const key in data) {
		if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
		const cell = data[key];
		const isCell = cell !== null && typeof cell === 'object' && 'status' in (cell as object);
		const value = isCell ? (cell as Cell).value : cell;
		if (!(key in out)) out[key] = value as IDataObject[keyof IDataObject];
		if (isCell && (cell as Cell).status !== 'done') (pending ??= {})[key] = (cell as Cell).status;
	}
	let metadata = row.metadata;
	if (metadata && hiddenMetadataKey !== undefined && hiddenMetadataKey in metadata) {
		const { [hiddenMetadataKey]: _hidden, ...rest } = metadata;
		metadata = rest;
	}
	if (metadata && Object.keys(metadata).length) out._metadata = metadata;
	if (pending) out._status = pending;
	return out;
}

export function rowOutput(row: Row, simplify: boolean): IDataObject {
	return simplify ? simplifyRow(row) : (row as unknown as IDataObject);
}

// ---------------------------------------------------------------------------------------
// Reads of the trigger (ExtructTrigger): the same endpoints, with the server's clock.

export const pollApi = {
	/** `GET /tables/{id}` with the server's `Date` header (the trigger's time watermark). */
	getTable: async (ctx: RequestContext, tableId: string): Promise<{ table: Table; serverTime?: string }> => {
		const response = await apiRequest<Table>(ctx, extruct, { method: 'GET', path: `/tables/${enc(tableId)}` });
		return { table: response.body, serverTime: response.headers.date };
	},
};
