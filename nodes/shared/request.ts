/**
 * One HTTP call to a service, with retries. Every call goes through
 * `helpers.httpRequestWithAuthentication`, so the credential's own `authenticate` block
 * puts the secret on the wire and n8n's proxy and TLS settings apply.
 *
 * Retry rules:
 * - 429: always retried (the service refused it, so it did not process it), after
 *   `Retry-After` when given, up to `rateLimitRetries` times.
 * - a refused connection (ECONNREFUSED, DNS failure): the request never reached the
 *   service, so it is retried whatever the method.
 * - 502/503/504, a dropped connection or a time-out: retried only when the request is
 *   idempotent; for a non-idempotent create the call fails as `ambiguous`, because the
 *   service may have processed it and a retry could create it twice.
 */
import { sleep } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { failureOf, ServiceError, withRetryAfter } from './errors';
import type { ErrorDescription } from './errors';
import { holdWrites, RETRY_JITTER_MS } from './pace';
import { credentialOf } from './secrets';
import type { SecretFields } from './secrets';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions;

export interface RetryPolicy {
	/** Retries after a 5xx, a dropped connection or a time-out (idempotent calls only). */
	serverErrorRetries: number;
	/** Retries after a 429. */
	rateLimitRetries: number;
	/** First back-off delay; doubles each attempt, with jitter. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** A `Retry-After` longer than this is not waited for: the call fails with the service's message. */
	maxRetryAfterMs: number;
	/** Per-request time-out. */
	timeoutMs: number;
}

/** What the shared engine needs to know about a service. No service is named in `shared/`. */
export interface ServiceDefinition extends SecretFields {
	credentialType: string;
	/** Name used in messages ("Extruct answered ..."). */
	displayName: string;
	/** Path prefix appended to the credential's base URL, e.g. `/v1`. */
	pathPrefix: string;
	/**
	 * The service's own message for a failed response to `request` (`said`: its words, from
	 * `messageOf`), plus what to do about it; nothing for a status it has no more to say about.
	 */
	describeError(status: number, said: string | undefined, body: unknown, request: ApiRequest): ErrorDescription | undefined;
	/** The service's own words in an answer that failed, if it has any. */
	messageOf(body: unknown): string | undefined;
	/**
	 * The data of a successful (2xx) answer, for a service that wraps it in an envelope; throws a
	 * `ServiceError` when the envelope says the call failed. Without it, the body is the data.
	 */
	unwrap?(body: unknown): unknown;
	retry?: Partial<RetryPolicy>;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path after the service's prefix, e.g. `/tables/abc/rows`. */
	path: string;
	qs?: IDataObject;
	/** How an array in `qs` is written; n8n's default is `indices` (`tags[0]=a&tags[1]=b`), `repeat` gives `tags=a&tags=b`. */
	arrayFormat?: IHttpRequestOptions['arrayFormat'];
	body?: unknown;
	/** Defaults to true for GET, PUT, PATCH and DELETE, false for POST. */
	idempotent?: boolean;
	/** Per-call override of the retry policy (e.g. pacing writes). */
	retry?: Partial<RetryPolicy>;
}

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Record<string, string>;
	body: T;
	/**
	 * The answer came to a retry, after an attempt the service may have processed (its answer was
	 * lost, or a 502/503/504): e.g. a delete then finds nothing left to delete.
	 */
	afterLostAnswer?: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = {
	serverErrorRetries: 4,
	rateLimitRetries: 6,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 120_000,
	timeoutMs: 120_000,
};

/** Network error codes meaning the request never reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Network error codes meaning the request may have reached the service. */
const MAYBE_SENT_CODES = new Set([
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
	const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
	}
	return out;
}

function networkCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown; cause?: { code?: unknown } }; message?: string };
	const code = e?.cause?.code ?? e?.code ?? e?.cause?.cause?.code;
	if (typeof code === 'string' && code) return code;
	const message = String(e?.message ?? '');
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/refused/i.test(message)) return 'ECONNREFUSED';
	return undefined;
}

function describeCode(code: string | undefined): string {
	switch (code) {
		case undefined:
			return 'no answer';
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found';
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_SOCKET':
			return 'connection closed before an answer came';
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
		case 'ESOCKETTIMEDOUT':
		case 'ERR_SOCKET_CONNECTION_TIMEOUT':
			return 'no answer in time';
		default:
			return 'network error';
	}
}

/** Parses a body that arrived as text; HTML pages and truncated JSON become a clear error. */
function parseBody(raw: unknown, status: number, service: ServiceDefinition): unknown {
	if (typeof raw !== 'string') return raw;
	const text = raw.trim();
	if (text === '') return undefined;
	const parsed = tryParseJson(text);
	if (parsed.ok) return parsed.value;
	const kind = /^<(!doctype|html)/i.test(text) ? 'an HTML page' : 'a body that is not valid JSON';
	throw new ServiceError(`${service.displayName} answered ${kind} (HTTP ${status}) instead of JSON`, {
		status: status >= 400 ? status : undefined,
		description:
			'The Base URL of the credential may point at a web page or a proxy rather than the API, or the service had an outage. First characters: ' +
			JSON.stringify(text.slice(0, 120)),
	});
}

/** A failed answer the service has no more to say about: its words and the status. */
function describeStatus(service: string, status: number, said: string | undefined, retried: boolean): ErrorDescription {
	const answer = `${status}${said ? `: ${said}` : ''}`;
	if (status < 500) return { message: `${service} answered ${answer}` };
	return {
		message: `${service} had a server error (${answer})`,
		description: retried ? 'The request was retried with back-off and still failed. Try again later.' : 'Try again later.',
	};
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/**
 * Sends one request, retrying as the policy allows; throws `ServiceError` on failure. The
 * error keeps the service's answer as it came; the secrets leave it on the way out of the
 * package (`leavingNode`).
 */
export async function apiRequest<T = unknown>(
	ctx: RequestContext,
	service: ServiceDefinition,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const { baseUrl } = await credentialOf(ctx, service);
	return await send<T>(ctx, service, request, baseUrl);
}

async function send<T>(ctx: RequestContext, service: ServiceDefinition, request: ApiRequest, baseUrl: string): Promise<ApiResponse<T>> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY, ...service.retry, ...request.retry };
	const idempotent = request.idempotent ?? request.method !== 'POST';
	if (!/^https?:\/\//i.test(baseUrl)) {
		throw new ServiceError(`The ${service.displayName} credential has no valid Base URL`, {
			description: 'Set Base URL in the credential to an http(s) address, e.g. the default one.',
			failure: { cause: 'configuration-invalid' },
		});
	}
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${service.pathPrefix}${request.path}`,
		qs: request.qs,
		...(request.arrayFormat ? { arrayFormat: request.arrayFormat } : {}),
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: policy.timeoutMs,
	};
	if (request.body !== undefined) options.body = request.body as IDataObject;

	let serverRetries = 0;
	let rateRetries = 0;
	let afterLostAnswer = false;
	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; headers: unknown; body: unknown } | undefined;
		let networkError: unknown;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				service.credentialType,
				options,
			)) as typeof response;
		} catch (error) {
			networkError = error;
		}
		if (!response) {
			const code = networkCode(networkError);
			const notSent = code !== undefined && NOT_SENT_CODES.has(code);
			const maybeSent = !notSent && (code === undefined || MAYBE_SENT_CODES.has(code));
			const retryable = notSent || (maybeSent && idempotent);
			if (retryable && serverRetries < policy.serverErrorRetries) {
				serverRetries++;
				afterLostAnswer ||= maybeSent;
				await sleep(backoffDelay(attempt, policy));
				continue;
			}
			// The code goes into the description: n8n replaces a message that contains one.
			const what = notSent
				? `Could not connect to ${service.displayName} (${describeCode(code)})`
				: `The connection to ${service.displayName} failed (${describeCode(code)})`;
			throw new ServiceError(what, {
				code,
				afterLostAnswer,
				ambiguous: maybeSent && !idempotent,
				failure: { cause: 'temporarily-unavailable' },
				description:
					(maybeSent && !idempotent
						? 'The request was sent but no answer came back, so it may or may not have been processed. It was not retried, to avoid creating the same data twice: check the table before running this item again.'
						: `Check the Base URL of the credential and that ${service.displayName} is reachable.`) + (code ? ` (network error ${code})` : ''),
			});
		}

		const status = response.statusCode;
		const headers = lowerCaseHeaders(response.headers);
		if (status >= 200 && status < 300) {
			const parsed = parseBody(response.body, status, service);
			const data = service.unwrap ? service.unwrap(parsed) : parsed;
			return { status, headers, body: data as T, ...(afterLostAnswer ? { afterLostAnswer } : {}) };
		}

		let body: unknown;
		try {
			body = parseBody(response.body, status, service);
		} catch {
			body = typeof response.body === 'string' ? response.body.slice(0, 200) : undefined;
		}

		// the wait the service asked for, in ms: for a retry here, or declared on the error
		const wait = parseRetryAfter(headers['retry-after']);
		if (status === 429 && rateRetries < policy.rateLimitRetries) {
			if (wait === undefined || wait <= policy.maxRetryAfterMs) {
				rateRetries++;
				const delay = wait !== undefined ? wait + Math.round(Math.random() * RETRY_JITTER_MS) : backoffDelay(attempt, policy);
				// The bucket is shared and empty: the execution's other writes wait for this retry.
				if (request.method !== 'GET') holdWrites(ctx, wait ?? delay);
				await sleep(delay);
				continue;
			}
		}
		const transient = status === 502 || status === 503 || status === 504;
		if (transient && idempotent && serverRetries < policy.serverErrorRetries) {
			serverRetries++;
			afterLostAnswer = true;
			await sleep(wait !== undefined && wait <= policy.maxRetryAfterMs ? wait : backoffDelay(attempt, policy));
			continue;
		}

		const said = service.messageOf(body);
		const described = service.describeError(status, said, body, request) ?? describeStatus(service.displayName, status, said, serverRetries > 0);
		const ambiguous = transient && !idempotent;
		throw new ServiceError(described.message, {
			status,
			body,
			afterLostAnswer,
			ambiguous,
			failure: withRetryAfter(described.failure ?? failureOf(status), wait),
			description: ambiguous
				? `${described.description ? described.description + ' ' : ''}The gateway failed after the request was sent, so it may or may not have been processed; it was not retried to avoid duplicates. Check the table before running this item again.`
				: described.description,
		});
	}
}
