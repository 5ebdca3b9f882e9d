/**
 * A tiny HTTP framework for the local stand-ins of the three services.
 *
 * Each sandbox is an in-process `http` server on 127.0.0.1 and an ephemeral port. It
 * offers routing with path parameters, a request log (what tests assert on), latency,
 * random and scripted faults (HTTP errors with Retry-After, dropped connections before
 * or after the handler ran, slow responses), and fixed-window rate limiters.
 *
 * Sandboxes are development tooling: they are never shipped in `dist/` nor imported by
 * a node.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** What an injected fault does. */
export type FaultAction =
	| { kind: 'status'; status: number; retryAfter?: number; body?: unknown; raw?: string; headers?: Record<string, string> }
	/** Destroys the socket before the handler runs: the service surely did not process it. */
	| { kind: 'drop-before' }
	/** Runs the handler (state changes!) and then destroys the socket: ambiguous for the client. */
	| { kind: 'drop-after' }
	/** Delays the answer by `ms` (use to provoke client time-outs). */
	| { kind: 'delay'; ms: number };

export interface ScriptedFault {
	/** Which request it applies to; default: the next request. */
	match?: (req: SandboxRequest) => boolean;
	action: FaultAction;
	/** How many matching requests it applies to (default 1). */
	times?: number;
}

export interface RandomFaults {
	/** Probability (0..1) that a request gets an HTTP error from `statuses`. */
	errorRate?: number;
	statuses?: number[];
	/** Retry-After seconds sent with 429/503 faults (default 0 = header omitted). */
	retryAfter?: number;
	/** Probability that the connection is dropped before the handler runs. */
	dropBeforeRate?: number;
	/** Probability that the connection is dropped after the handler ran. */
	dropAfterRate?: number;
	/** Only requests matching this get random faults (default: all). */
	match?: (req: SandboxRequest) => boolean;
}

export interface SandboxOptions {
	/** Added before every answer, in ms. */
	latencyMs?: number;
	/** Seed of the random generator used for faults and generated values. */
	seed?: number;
	faults?: RandomFaults;
	/** Do not keep request/response bodies in the log (benchmarks with huge payloads). */
	lightLog?: boolean;
	/** Port to listen on (default 0: an ephemeral port). */
	port?: number;
	/** Address to listen on (default 127.0.0.1). */
	host?: string;
}

/** Small deterministic PRNG (mulberry32), so fault patterns repeat for a given seed. */
export function makeRandom(seed = 1): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Fixed-window rate limiter keyed by caller (e.g. API key + bucket name). */
export class RateLimiter {
	private windows = new Map<string, { start: number; count: number }>();

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/** Takes one unit; returns the seconds to wait when the bucket is empty. */
	take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
		let w = this.windows.get(key);
		if (!w || now - w.start >= this.windowMs) {
			w = { start: now, count: 0 };
			this.windows.set(key, w);
		}
		if (w.count < this.limit) {
			w.count++;
			return { ok: true };
		}
		const waitMs = w.start + this.windowMs - now;
		return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
	}

	/** Milliseconds until the current window of `key` resets (0 when none is open). */
	msUntilReset(key: string, now = Date.now()): number {
		const w = this.windows.get(key);
		return w ? Math.max(0, w.start + this.windowMs - now) : 0;
	}

	reset(): void {
		this.windows.clear();
	}
}

interface Route {
	method: string;
	pattern: string;
	regex: RegExp;
	names: string[];
	handler: Handler;
}

export const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
	status,
	body,
	headers,
});

export class SandboxServer {
	readonly log: LoggedRequest[] = [];

	private routes: Route[] = [];
	private middlewares: Middleware[] = [];
	private scripted: ScriptedFault[] = [];
	private server?: http.Server;
	private seq = 0;
	private sockets = new Set<import('node:net').Socket>();
	random: () => number;
	url = '';

	constructor(
		readonly name: string,
		public options: SandboxOptions = {},
	) {
		this.random = makeRandom(options.seed ?? 1);
	}

	route(method: string, pattern: string, handler: Handler): this {
		const names: string[] = [];
		const source = pattern
			.split('/')
			.map((part) => {
				if (part.startsWith(':')) {
					names.push(part.slice(1));
					return '([^/]+)';
				}
				return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('/');
		this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), names, handler });
		return this;
	}

	use(middleware: Middleware): this {
		this.middlewares.push(middleware);
		return this;
	}

	/** Queues a one-shot (or `times`-shot) fault for the next matching request. */
	inject(fault: ScriptedFault): this {
		this.scripted.push({ times: 1, ...fault });
		return this;
	}

	/** Drops every queued scripted fault. */
	clearInjected(): this {
		this.scripted.length = 0;
		return this;
	}

	setFaults(faults: RandomFaults | undefined): this {
		this.options.faults = faults;
		return this;
	}

	setLatency(ms: number): this {
		this.options.latencyMs = ms;
		return this;
	}

	clearLog(): void {
		this.log.length = 0;
	}

	/** Log entries matching a method and a route pattern or path regex. */
	requests(method?: string, path?: string | RegExp): LoggedRequest[] {
		return this.log.filter(
			(entry) =>
				(!method || entry.method === method) &&
				(!path ||
					(typeof path === 'string' ? entry.route === `${entry.method} ${path}` || entry.path === path : path.test(entry.path))),
		);
	}

	async start(port = this.options.port ?? 0, host = this.options.host ?? '127.0.0.1'): Promise<string> {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ message: `sandbox crashed: ${error.message}` }));
				}
			});
		});
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, () => {
				this.server!.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		this.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
		return this.url;
	}

	async close(): Promise<void> {
		if (!this.server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	private takeScripted(req: SandboxRequest): FaultAction | undefined {
		const index = this.scripted.findIndex((f) => !f.match || f.match(req));
		if (index === -1) return undefined;
		const fault = this.scripted[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.scripted.splice(index, 1);
		return fault.action;
	}

	private pickRandomFault(req: SandboxRequest): FaultAction | undefined {
		const f = this.options.faults;
		if (!f || (f.match && !f.match(req))) return undefined;
		const r = this.random();
		let edge = f.dropBeforeRate ?? 0;
		if (r < edge) return { kind: 'drop-before' };
		edge += f.dropAfterRate ?? 0;
		if (r < edge) return { kind: 'drop-after' };
		edge += f.errorRate ?? 0;
		if (r < edge) {
			const statuses = f.statuses?.length ? f.statuses : [503];
			const status = statuses[Math.floor(this.random() * statuses.length)];
			return { kind: 'status', status, retryAfter: f.retryAfter };
		}
		return undefined;
	}

	private async readBody(req: http.IncomingMessage): Promise<string> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8');
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const startedAt = Date.now();
		const url = new URL(req.url ?? '/', 'http://sandbox.local');
		const rawBody = await this.readBody(req);
		let body: unknown = rawBody;
		let bodyInvalid = false;
		const contentType = String(req.headers['content-type'] ?? '');
		if (rawBody && contentType.includes('json')) {
			try {
				body = JSON.parse(rawBody);
			} catch {
				bodyInvalid = true;
			}
		} else if (!rawBody) {
			body = undefined;
		}
		const query: Record<string, string> = {};
		url.searchParams.forEach((value, key) => (query[key] = value));
		const request: SandboxRequest = {
			method: req.method ?? 'GET',
			path: decodeURIComponent(url.pathname),
			params: {},
			query,
			queryAll: url.searchParams,
			headers: req.headers,
			body,
			rawBody,
			bodyInvalid,
		};
		const entry: LoggedRequest = {
			seq: ++this.seq,
			method: request.method,
			path: request.path,
			query,
			rawQuery: url.search,
			headers: req.headers,
			body: this.options.lightLog ? undefined : body,
			status: 0,
			startedAt,
			endedAt: 0,
		};
		this.log.push(entry);

		const route = this.routes.find((r) => r.method === request.method && r.regex.test(url.pathname));
		if (route) {
			entry.route = `${route.method} ${route.pattern}`;
			const match = route.regex.exec(url.pathname)!;
			route.names.forEach((name, i) => (request.params[name] = decodeURIComponent(match[i + 1])));
		}

		const fault = this.takeScripted(request) ?? this.pickRandomFault(request);
		// The latency is the time the answer takes in all, from the request's arrival: the service
		// does its work meanwhile (as a real one does, on its own servers, while the request and the
		// answer travel), so requests that arrive together are answered together — not one after
		// the other because this one process handles them in turn.
		const answerAt = startedAt + (this.options.latencyMs ?? 0);
		const left = () => answerAt - Date.now();
		if (fault?.kind === 'delay') await sleepMs(fault.ms);
		if (fault?.kind === 'drop-before') {
			if (left() > 0) await sleepMs(left());
			entry.fault = 'drop-before';
			entry.endedAt = Date.now();
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'status') {
			entry.fault = `status-${fault.status}`;
			const headers: Record<string, string> = { ...(fault.headers ?? {}) };
			if (fault.retryAfter) headers['retry-after'] = String(fault.retryAfter);
			const answer = this.render({ status: fault.status, raw: fault.raw, body: fault.body ?? { message: `injected ${fault.status}` }, headers });
			if (left() > 0) await sleepMs(left());
			return this.send(res, entry, answer);
		}

		let response: SandboxResponse | undefined;
		for (const middleware of this.middlewares) {
			response = middleware(request);
			if (response) break;
		}
		if (!response) {
			response = route ? await route.handler(request) : { status: 404, body: { message: `no route ${request.method} ${request.path}` } };
		}
		if (fault?.kind === 'drop-after') {
			if (left() > 0) await sleepMs(left());
			entry.fault = 'drop-after';
			entry.status = response.status;
			entry.endedAt = Date.now();
			req.socket.destroy();
			return;
		}
		const answer = this.render(response);
		if (left() > 0) await sleepMs(left());
		this.send(res, entry, answer);
	}

	/** The answer on the wire: status, headers, and the body serialized (when the handler ran). */
	private render(response: SandboxResponse): { status: number; headers: Record<string, string>; payload: string } {
		const headers: Record<string, string> = { ...(response.headers ?? {}) };
		let payload = '';
		if (response.raw !== undefined) {
			payload = response.raw;
			headers['content-type'] ??= 'text/html; charset=utf-8';
		} else if (response.body !== undefined) {
			payload = JSON.stringify(response.body);
			headers['content-type'] ??= 'application/json';
		}
		return { status: response.status, headers, payload };
	}

	private send(res: http.ServerResponse, entry: LoggedRequest, answer: { status: number; headers: Record<string, string>; payload: string }): void {
		entry.status = answer.status;
		entry.endedAt = Date.now();
		res.writeHead(answer.status, answer.headers);
		res.end(answer.payload);
	}
}
