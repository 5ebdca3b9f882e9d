/**
 * Request and answer helpers of the Extruct sandbox. Extruct's API is FastAPI: errors are
 * `{detail: "..."}` for 401/404/400 and, for 422, `{detail: [{type, loc, msg, input}]}` in
 * pydantic v2's shapes, which the builders below reproduce.
 */
import { HttpError, isPlainObject, json } from '../framework';
import type { SandboxRequest } from '../framework';

export type Loc = Array<string | number>;

/** One item of a 422's `detail` list. */
export interface FastApiError {
	type: string;
	loc: Loc;
	msg: string;
	input?: unknown;
	ctx?: Record<string, unknown>;
}

/** An Extruct error answer `{detail}`, thrown from wherever the refusal is found. */
export class ExtructError extends HttpError {
	constructor(status: number, detail: unknown, headers?: Record<string, string>) {
		super(json(status, { detail }, headers), typeof detail === 'string' ? detail : `HTTP ${status}`);
	}
}

export const unprocessable = (errors: FastApiError[]) => new ExtructError(422, errors);
export const badRequest = (message: string) => new ExtructError(400, message);
export const notFound = (message: string) => new ExtructError(404, message);

const enumExpected = (values: readonly string[]) => {
	const quoted = values.map((v) => `'${v}'`);
	return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
};

export const errMissing = (loc: Loc, input?: unknown): FastApiError => ({ type: 'missing', loc, msg: 'Field required', input: input ?? null });
export const errString = (loc: Loc, input: unknown): FastApiError => ({ type: 'string_type', loc, msg: 'Input should be a valid string', input });
export const errList = (loc: Loc, input: unknown): FastApiError => ({ type: 'list_type', loc, msg: 'Input should be a valid list', input });
export const errDict = (loc: Loc, input: unknown): FastApiError => ({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input });
export const errModel = (loc: Loc, input: unknown): FastApiError => ({
	type: 'model_attributes_type',
	loc,
	msg: 'Input should be a valid dictionary or object to extract fields from',
	input,
});
export const errEnum = (loc: Loc, input: unknown, values: readonly string[]): FastApiError => ({
	type: 'enum',
	loc,
	msg: `Input should be ${enumExpected(values)}`,
	input,
	ctx: { expected: enumExpected(values) },
});
export const errValue = (loc: Loc, msg: string, input: unknown): FastApiError => ({ type: 'value_error', loc, msg, input });
export const errBool = (loc: Loc, input: unknown): FastApiError => ({
	type: 'bool_parsing',
	loc,
	msg: 'Input should be a valid boolean, unable to interpret input',
	input,
});

/** Lax boolean parsing as pydantic does it; undefined when the input is not a boolean. */
export function parseBool(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (v === 0 || v === 1) return v === 1;
	if (typeof v === 'string') {
		const s = v.trim().toLowerCase();
		if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
		if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
	}
	return undefined;
}

/**
 * The JSON body as FastAPI sees it: parsed when the content type is JSON or absent.
 * `required`: a missing body is a 422; otherwise it reads as `{}`.
 */
export function readBody(req: SandboxRequest, required: boolean): Record<string, unknown> {
	const invalid = () => unprocessable([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
	if (req.bodyInvalid) throw invalid();
	let body = req.body;
	if (typeof body === 'string') {
		if (req.headers['content-type']) throw unprocessable([errModel(['body'], body)]);
		try {
			body = JSON.parse(body);
		} catch {
			throw invalid();
		}
	}
	if (body === undefined) {
		if (required) throw unprocessable([errMissing(['body'])]);
		return {};
	}
	if (!isPlainObject(body)) throw unprocessable([errModel(['body'], body)]);
	return body;
}

/** A boolean query parameter (`fallback` when absent); 422 when it is no boolean. */
export function queryBool(req: SandboxRequest, name: string, fallback: boolean): boolean {
	const raw = req.query[name];
	if (raw === undefined) return fallback;
	const parsed = parseBool(raw);
	if (parsed === undefined) throw unprocessable([errBool(['query', name], raw)]);
	return parsed;
}

/** `limit` / `offset` query parameters; limit 1..100 (400 otherwise), offset >= 0. */
export function paging(req: SandboxRequest): { limit: number; offset: number } {
	const errors: FastApiError[] = [];
	const values: Record<string, number> = { limit: 50, offset: 0 };
	for (const name of ['limit', 'offset'] as const) {
		const raw = req.query[name];
		if (raw === undefined) continue;
		if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
			errors.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw });
		} else values[name] = parseInt(raw, 10);
	}
	if (errors.length) throw unprocessable(errors);
	if (values.limit < 1 || values.limit > 100) throw badRequest('limit must be between 1 and 100');
	// docs silent: a negative offset; 400 like the limit.
	if (values.offset < 0) throw badRequest('offset must be greater than or equal to 0');
	return { limit: values.limit, offset: values.offset };
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(req: SandboxRequest): string | undefined {
	const header = req.headers.authorization;
	const match = typeof header === 'string' ? /^Bearer\s+(\S.*)$/i.exec(header.trim()) : null;
	return match ? match[1].trim() : undefined;
}
