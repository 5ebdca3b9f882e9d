/** Request and answer helpers of the Clay sandbox: errors, bodies, cookies, authentication. */
import { HttpError, isPlainObject, json } from '../framework';
import type { SandboxRequest } from '../framework';

/** A Clay error answer `{type, message, …}`, thrown from wherever the refusal is found. */
export class ClayError extends HttpError {
	constructor(status: number, body: Record<string, unknown>, headers?: Record<string, string>) {
		super(json(status, body, headers), String(body.message));
	}
}

export const badRequest = (message: string, code?: string, extra: Record<string, unknown> = {}) =>
	new ClayError(400, { type: 'BadRequest', ...(code ? { code } : {}), message, ...extra });
export const notFound = (message: string) => new ClayError(404, { type: 'NotFound', message });
/** api-notes (live): a wrong path answers `{type: "NoMatchingURL"}`, a wrong id `{type: "NotFound"}`. */
export const NO_MATCHING_URL = { type: 'NoMatchingURL', message: 'Invalid URL' } as const;

export const safeDecode = (v: string): string => {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
};

/** Parses a Cookie header (`a=1; claysession=...; b=2`). A bare value without `name=` is no cookie. */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	const text = Array.isArray(header) ? header.join('; ') : header ?? '';
	for (const part of text.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const name = part.slice(0, eq).trim();
		let value = part.slice(eq + 1).trim();
		if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
		// like cookie-parser: the first occurrence of a name wins
		if (name && !cookies.has(name)) cookies.set(name, value);
	}
	return cookies;
}

/**
 * Decodes the body of PATCH /run. The seed sends `curl --data-urlencode '<json>='`, i.e. a form whose
 * KEY is the whole JSON and whose value is empty. curl leaves the name part as is (raw JSON + '='), other
 * clients percent-encode it (`%7B%22fieldIds%22...%7D=`); clients also send plain JSON. Accept all.
 */
export function decodeFormJson(raw: string): unknown {
	const candidates: string[] = [raw, raw.endsWith('=') ? raw.slice(0, -1) : raw];
	try {
		const params = new URLSearchParams(raw);
		const entries = [...params.entries()];
		if (entries.length === 1) {
			const [key, value] = entries[0];
			candidates.push(value === '' ? key : `${key}=${value}`, value);
		}
	} catch {
		/* not a form */
	}
	const decoded = safeDecode(raw.replace(/\+/g, ' '));
	candidates.push(decoded.endsWith('=') ? decoded.slice(0, -1) : decoded);
	for (const candidate of candidates) {
		try {
			const parsed: unknown = JSON.parse(candidate);
			if (isPlainObject(parsed)) return parsed;
		} catch {
			/* next */
		}
	}
	return undefined;
}

/** JSON body; also raw JSON sent without a JSON content type (docs silent). Undefined when empty. */
export function readJson(req: SandboxRequest): unknown {
	if (req.bodyInvalid) throw badRequest('Invalid JSON body');
	if (typeof req.body !== 'string') return req.body;
	if (req.body.trim() === '') return undefined;
	try {
		return JSON.parse(req.body);
	} catch {
		throw badRequest('Invalid JSON body');
	}
}

/** Who is calling: the session cookie or the API key, or nobody. */
export function callerOf(req: SandboxRequest, session: string, apiKey: string): 'session' | 'apiKey' | undefined {
	// the session is a signed, URL-encoded cookie: compare decoded forms (as cookie-parser would)
	const cookie = parseCookies(req.headers.cookie).get('claysession');
	if (cookie !== undefined && safeDecode(cookie) === safeDecode(session)) return 'session';
	// zapier/connectors apps/clay (live): the key is the raw `authorization` header; `Bearer <key>` fails
	const authorization = req.headers.authorization;
	if (typeof authorization === 'string' && authorization === apiKey) return 'apiKey';
	return undefined;
}
