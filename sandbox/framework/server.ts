/**
 * The HTTP server every sandbox runs on: an in-process `http` server on 127.0.0.1 and an
 * ephemeral port, with routing by path pattern, middlewares, the request log (what tests
 * assert on), latency and the injected faults (faults.ts).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faultAnswer, pickRandomFault, ScriptedFaults } from './faults';
import type { RandomFaults, ScriptedFault } from './faults';
import { makeRandom } from './random';
import { HttpError } from './http';
import type { Handler, LoggedRequest, Middleware, SandboxRequest, SandboxResponse } from './http';

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

interface Route {
	method: string;
	pattern: string;
	regex: RegExp;
	names: string[];
	handler: Handler;
}

interface Answer {
	status: number;
	headers: Record<string, string>;
	payload: string;
}

export const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SandboxServer {
	readonly log: LoggedRequest[] = [];

	private routes: Route[] = [];
	private middlewares: Middleware[] = [];
	private scripted = new ScriptedFaults();
	private server?: http.Server;
	private seq = 0;
	private sockets = new Set<Socket>();
	random: () => number;
	url = '';

	constructor(
		readonly name: string,
		public options: SandboxOptions = {},
	) {
		this.random = makeRandom(options.seed ?? 1);
	}

	/** Adds a route; `:name` segments of `pattern` become `req.params.name`. */
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

	/** The routes whose pattern matches `path`, whatever their method (for 404 / 405 answers). */
	routesFor(path: string): Array<{ method: string; pattern: string }> {
		return this.routes.filter((route) => route.regex.test(path)).map(({ method, pattern }) => ({ method, pattern }));
	}

	use(middleware: Middleware): this {
		this.middlewares.push(middleware);
		return this;
	}

	/** Queues a one-shot (or `times`-shot) fault for the next matching request. */
	inject(fault: ScriptedFault): this {
		this.scripted.push(fault);
		return this;
	}

	/** Drops every queued scripted fault. */
	clearInjected(): this {
		this.scripted.clear();
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

		const fault = this.scripted.take(request) ?? pickRandomFault(this.options.faults, request, this.random);
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
			const answer = this.render(faultAnswer(fault));
			if (left() > 0) await sleepMs(left());
			return this.send(res, entry, answer);
		}

		let response: SandboxResponse | undefined;
		for (const middleware of this.middlewares) {
			response = middleware(request);
			if (response) break;
		}
		if (!response) {
			response = route ? await this.run(route.handler, request) : { status: 404, body: { message: `no route ${request.method} ${request.path}` } };
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

	/** Runs a handler; an HttpError it throws is its answer. */
	private async run(handler: Handler, request: SandboxRequest): Promise<SandboxResponse> {
		try {
			return await handler(request);
		} catch (error) {
			if (error instanceof HttpError) return error.response;
			throw error;
		}
	}

	/** The answer on the wire: status, headers, and the body serialized (when the handler ran). */
	private render(response: SandboxResponse): Answer {
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

	private send(res: http.ServerResponse, entry: LoggedRequest, answer: Answer): void {
		entry.status = answer.status;
		entry.endedAt = Date.now();
		// The clock at the moment of answering: Node's own Date header is cached per second and
		// reset by a timer, so on a loaded machine it can lag by more than the triggers' tests allow.
		const hasDate = Object.keys(answer.headers).some((name) => name.toLowerCase() === 'date');
		res.writeHead(answer.status, hasDate ? answer.headers : { ...answer.headers, date: new Date(entry.endedAt).toUTCString() });
		res.end(answer.payload);
	}
}
