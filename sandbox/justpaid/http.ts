/** Request and answer helpers of the JustPaid sandbox: the envelopes, errors, bodies, query parameters, API keys. */
import { HttpError, isPlainObject, json } from '../framework';
import type { SandboxRequest, SandboxResponse } from '../framework';
import type { JustPaidKey } from './types';

/** Every path of the API starts here. */
export const API = '/api/v1';

export const ok = (data: unknown, status = 200): SandboxResponse => json(status, { success: true, data });

export const fail = (status: number, code: string, message: string, headers?: Record<string, string>): SandboxResponse =>
	json(status, { success: false, error: { code, message } }, headers);

/** A JustPaid error answer `{success: false, error: {code, message}}`, thrown from wherever the refusal is found. */
export class JustPaidError extends HttpError {
	constructor(status: number, code: string, message: string) {
		super(fail(status, code, message), message);
	}
}

export const badRequest = (message: string) => new JustPaidError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new JustPaidError(404, 'NOT_FOUND', message);

export const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The body as an object; an absent body reads as `{}`. */
export function bodyObject(req: SandboxRequest): Record<string, unknown> {
	if (req.body === undefined) return {};
	if (!isPlainObject(req.body)) throw badRequest('Request body must be a JSON object');
	return req.body;
}

/** Parses an integer query parameter; undefined when absent. */
export function intParam(query: Record<string, string>, name: string): number | undefined | 'invalid' {
	if (!(name in query)) return undefined;
	const raw = query[name];
	if (!/^-?\d+$/.test(raw.trim())) return 'invalid';
	return Number(raw);
}

/** The key the caller presented (`x-api-key`) and what it grants, if the sandbox knows it. */
export function callerOf(req: SandboxRequest, keys: Record<string, JustPaidKey>): { presented?: string; key?: JustPaidKey } {
	const header = req.headers['x-api-key'];
	const presented = Array.isArray(header) ? header[0] : header;
	const key = presented && Object.prototype.hasOwnProperty.call(keys, presented) ? keys[presented] : undefined;
	return { presented, key };
}
