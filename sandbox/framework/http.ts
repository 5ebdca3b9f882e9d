/** What a sandbox handler receives and answers, what the request log keeps, and helpers every sandbox uses for both. */
import type http from 'node:http';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SandboxRequest {
	method: string;
	/** Path without the query string, e.g. `/v1/tables/abc/rows`. */
	path: string;
	/** Path parameters from the route pattern (`:id`). */
	params: Record<string, string>;
	/** Query parameters; a repeated key keeps its last value (see `queryAll`). */
	query: Record<string, string>;
	queryAll: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	/** Parsed JSON body when the content type is JSON and it parses; else the raw text. */
	body: unknown;
	rawBody: string;
	/** True when the body was sent as JSON but did not parse. */
	bodyInvalid: boolean;
}

export interface SandboxResponse {
	status: number;
	body?: unknown;
	/** Raw text body (HTML error pages, truncated JSON...). Wins over `body`. */
	raw?: string;
	headers?: Record<string, string>;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** Runs before routing; returning a response ends the request (auth checks, rate limits). */
export type Middleware = (req: SandboxRequest) => SandboxResponse | undefined;

export interface LoggedRequest {
	seq: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** The query string as it came on the wire, e.g. `?tags=a&tags=b` (empty when none). */
	rawQuery: string;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	status: number;
	/** Set when a fault replaced or interrupted the normal answer. */
	fault?: string;
	/** The route pattern that matched, e.g. `POST /v1/tables/:id/rows`. */
	route?: string;
	startedAt: number;
	endedAt: number;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
	status,
	body,
	headers,
});

/**
 * Thrown by a handler to answer with `response`: a refusal found deep in validation ends the
 * request without every caller passing it back up.
 */
export class HttpError extends Error {
	constructor(
		readonly response: SandboxResponse,
		message = `HTTP ${response.status}`,
	) {
		super(message);
	}
}
