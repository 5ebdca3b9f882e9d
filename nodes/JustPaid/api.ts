/**
 * Every JustPaid Workflows Tables endpoint the node uses, typed, in one place.
 * Contract: seed 003 (the Tables page of the JustPaid Workflows docs) and the JustPaid
 * section of api-notes: paths under `/api/v1`, `x-api-key`, `{success, data}` envelopes.
 */
import type { IDataObject } from 'n8n-workflow';

import { ServiceError } from '../shared/errors';
import { unexpectedAnswer } from '../shared/shape';
import { apiRequest } from '../shared/request';
import type { RequestContext, ServiceDefinition } from '../shared/request';

export const COLUMN_TYPES = ['text', 'number', 'boolean', 'date', 'select', 'url', 'email', 'json'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
	id: string;
	name: string;
	type: ColumnType | string;
	required?: boolean;
	options?: string[];
	[key: string]: unknown;
}

export interface Table {
	id: string;
	name: string;
	description?: string | null;
	columns?: Column[];
	schema?: IDataObject & { columns?: Column[] };
	metadata?: IDataObject;
	maxRows?: number;
	rowCount?: number;
	createdAt?: string;
	updatedAt?: string;
	[key: string]: unknown;
}

export interface Row {
	id: string;
	tableId?: string;
	data: IDataObject;
	position?: number | null;
	createdAt?: string;
	updatedAt?: string;
}

export const MAX_ROWS_CAP = 100_000;
export const PAGE_SIZE = 100;

/** `{success: false, error: {code, message}}` -> its parts. */
export function envelopeError(body: unknown): { code?: string; message?: string } {
	const error = (body as { error?: unknown } | undefined)?.error;
	if (error && typeof error === 'object') {
		const { code, message } = error as { code?: unknown; message?: unknown };
		return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
	}
	const message = (body as { message?: unknown } | undefined)?.message;
	return { message: typeof message === 'string' ? message : typeof error === 'string' ? error : undefined };
}

/**
 * Whether a failed create is JustPaid's full-table answer (400 "Table has reached its maximum
 * row limit of N"), and N when it says it.
 */
export function tableFullAnswer(error: unknown): { limit?: number } | undefined {
	if (!(error instanceof ServiceError) || error.status !== 400) return undefined;
	const said = envelopeError(error.details.body).message ?? '';
	const match = /maximum row limit(?:\s+of)?\s*([\d,]+)?/i.exec(said);
	if (!match) return undefined;
	const limit = Number((match[1] ?? '').replace(/,/g, ''));
	return { limit: match[1] && Number.isFinite(limit) ? limit : undefined };
}

const SCOPE_HINT =
	'Reads need the workflows:read scope, writes (create, update, delete) need workflows:write. Create a key with the missing scope in JustPaid and put it in the credential.';

export const justPaid: ServiceDefinition = {
	credentialType: 'justPaidApi',
	displayName: 'JustPaid',
	pathPrefix: '/api/v1',
	secretFields: ['apiKey'],
	// A 429 carries Retry-After and the node must wait rather than fail, so rate-limit retries are generous.
	retry: { rateLimitRetries: 10, serverErrorRetries: 4, baseDelayMs: 500 },
	messageOf(body) {
		const { code, message } = envelopeError(body);
		return message ?? code;
	},
	describeError(status, said, _body, request) {
		switch (status) {
			case 400:
				return {
					message: `JustPaid rejected the request: ${said ?? 'bad request'}`,
					description: 'JustPaid answered 400 BAD_REQUEST: the request did not pass its validation.',
				};
			case 401:
				return {
					message: `JustPaid rejected the API key (401${said ? `: ${said}` : ''})`,
					description: 'Check the API Key of the JustPaid credential: it must be a valid key (wfk_…) of your company.',
				};
			case 403: {
				// The API key lacks the scope the call needs, which only another key mends. The message
				// names it when JustPaid's does not: reads need workflows:read, writes workflows:write.
				const scope = request.method === 'GET' ? 'workflows:read' : 'workflows:write';
				const named = said && /workflows:(read|write)/.test(said) ? said : `the API key lacks the ${scope} scope`;
				return { message: `JustPaid refused access: ${named} (403)`, description: SCOPE_HINT, failure: { cause: 'credential-invalid' } };
			}
			case 404:
				return {
					message: `Not found in JustPaid${said ? `: ${said}` : ''}`,
					description: "The table or row ID is wrong, was deleted, or belongs to another company than the API key's.",
				};
			case 429:
				return {
					message: `JustPaid's rate limit was reached (429${said ? `: ${said}` : ''})`,
					description:
						'The node waited for Retry-After and retried several times, but the bucket stayed empty: other workflows probably use the same API key. Lower "Writes per Minute" or run fewer executions at once (limits: 1,000 reads and 100 writes per minute per key).',
				};
			default:
				return undefined;
		}
	},
	/** `{success: true, data}` -> data; `{success: false, error}` fails. The docs show the envelope everywhere; a bare body is taken as the data. */
	unwrap(body) {
		const envelope = body as { success?: unknown; data?: unknown } | undefined;
		if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) return body;
		if (envelope.success === false) {
			const { code, message } = envelopeError(envelope);
			throw new ServiceError(`JustPaid reported a failure: ${message ?? code ?? 'no message'}`, { body });
		}
		return 'data' in envelope ? envelope.data : body;
	},
};

const enc = encodeURIComponent;

function listOf<T>(value: unknown): T[] {
	if (Array.isArray(value)) return value as T[];
	for (const key of ['items', 'rows', 'tables', 'results']) {
		const inner = (value as Record<string, unknown> | undefined)?.[key];
		if (Array.isArray(inner)) return inner as T[];
	}
	throw unexpectedAnswer('JustPaid', 'a list', value);
}

/** Every call answers with the envelope's data (`justPaid.unwrap`). */
export const api = {
	listTables: async (ctx: RequestContext) => listOf<Table>((await apiRequest(ctx, justPaid, { method: 'GET', path: '/tables' })).body),
	getTable: async (ctx: RequestContext, tableId: string) =>
		(await apiRequest<Table>(ctx, justPaid, { method: 'GET', path: `/tables/${enc(tableId)}` })).body,
	createTable: async (ctx: RequestContext, body: IDataObject) =>
		(await apiRequest<Table>(ctx, justPaid, { method: 'POST', path: '/tables', body, idempotent: false })).body,
	updateTable: async (ctx: RequestContext, tableId: string, body: IDataObject) =>
		(await apiRequest<Table>(ctx, justPaid, { method: 'PATCH', path: `/tables/${enc(tableId)}`, body })).body,
	deleteTable: async (ctx: RequestContext, tableId: string) =>
		(await apiRequest<IDataObject>(ctx, justPaid, { method: 'DELETE', path: `/tables/${enc(tableId)}` })).body,

	/** One page of rows, in the service's order (position, then createdAt). */
	listRows: async (ctx: RequestContext, tableId: string, offset: number, limit: number) =>
		listOf<Row>((await apiRequest(ctx, justPaid, { method: 'GET', path: `/tables/${enc(tableId)}/rows`, qs: { limit, offset } })).body),
	/** Not idempotent: retried only when JustPaid surely did not get it (429, refused connection). */
	createRow: async (ctx: RequestContext, tableId: string, data: IDataObject) =>
		(await apiRequest<Row>(ctx, justPaid, { method: 'POST', path: `/tables/${enc(tableId)}/rows`, body: { data }, idempotent: false })).body,
	/** Replaces the row's whole `data` (idempotent). */
	replaceRow: async (ctx: RequestContext, tableId: string, rowId: string, data: IDataObject) =>
		(await apiRequest<Row>(ctx, justPaid, { method: 'PATCH', path: `/tables/${enc(tableId)}/rows/${enc(rowId)}`, body: { data } })).body,
	deleteRow: async (ctx: RequestContext, tableId: string, rowId: string) =>
		(await apiRequest<IDataObject>(ctx, justPaid, { method: 'DELETE', path: `/tables/${enc(tableId)}/rows/${enc(rowId)}` })).body,
};

/**
 * Every row of a table, paging at 100. Stops at a short page, or once `expected` rows
 * (the table's rowCount, when known) were read — so a table of exactly 2,000 rows costs 20
 * requests, not 21.
 */
export async function* allRows(ctx: RequestContext, tableId: string, expected?: number): AsyncGenerator<Row[]> {
	let read = 0;
	for (let offset = 0; ; offset += PAGE_SIZE) {
		const rows = await api.listRows(ctx, tableId, offset, PAGE_SIZE);
		read += rows.length;
		if (rows.length) yield rows;
		if (rows.length < PAGE_SIZE) return;
		if (expected !== undefined && read >= expected) return;
	}
}

export function columnsOf(table: Table): Column[] {
	const columns = Array.isArray(table.columns) ? table.columns : Array.isArray(table.schema?.columns) ? table.schema!.columns! : [];
	return columns.filter((column) => column && typeof column.id === 'string');
}

const RESERVED = ['id', 'createdAt', 'updatedAt'];

/**
 * A row as `{id, ...data, createdAt, updatedAt}`. A data key that clashes with those three
 * is output as `data_<key>`, so nothing is lost.
 */
export function simplifyRow(row: Row): IDataObject {
	const out: IDataObject = { id: row.id };
	for (const [key, value] of Object.entries(row.data ?? {})) {
		out[RESERVED.includes(key) ? `data_${key}` : key] = value;
	}
	if (row.createdAt !== undefined) out.createdAt = row.createdAt;
	if (row.updatedAt !== undefined) out.updatedAt = row.updatedAt;
	return out;
}

export function rowOutput(row: Row, simplify: boolean): IDataObject {
	return simplify ? simplifyRow(row) : ({ ...row } as unknown as IDataObject);
}

// ---------------------------------------------------------------------------------------
// Reads of the trigger (JustPaidTrigger): the table with the server's clock.

export const pollApi = {
	/** `GET /tables/{id}` (row count) with the server's `Date` header (the trigger's time watermark). */
	getTable: async (ctx: RequestContext, tableId: string): Promise<{ table: Table; serverTime?: string }> => {
		const response = await apiRequest<Table>(ctx, justPaid, { method: 'GET', path: `/tables/${enc(tableId)}` });
		return { table: response.body, serverTime: response.headers.date };
	},
};
