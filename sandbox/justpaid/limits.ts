/**
 * JustPaid's rate limits, on top of the framework's generic fault injection: per API key, a read
 * bucket (GET, docs: 1000/min) and a write bucket (every other method, docs: 100/min), each a
 * fixed window; an empty bucket answers 429 RATE_LIMITED with Retry-After.
 */
import { RateLimiter } from '../framework';
import type { SandboxResponse } from '../framework';
import { fail } from './http';

export interface LimitOptions {
	readLimit?: number;
	writeLimit?: number;
	windowMs?: number;
	now: () => number;
}

export class Limits {
	readonly read: RateLimiter;
	readonly write: RateLimiter;
	private readonly windowText: string;

	constructor(private readonly options: LimitOptions) {
		const windowMs = options.windowMs ?? 60_000;
		this.read = new RateLimiter(options.readLimit ?? 1000, windowMs);
		this.write = new RateLimiter(options.writeLimit ?? 100, windowMs);
		this.windowText = windowMs === 60_000 ? 'minute' : windowMs % 1000 === 0 ? `${windowMs / 1000}s` : `${windowMs}ms`;
	}

	/** Takes one request of `method` from the key's bucket; the 429 answer when it is empty. */
	takeRequest(apiKey: string, method: string): SandboxResponse | undefined {
		const bucket = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
		const taken = this[bucket].take(apiKey, this.options.now());
		if (taken.ok) return undefined;
		return fail(
			429,
			'RATE_LIMITED',
			`Rate limit exceeded: ${this[bucket].limit} ${bucket} requests per ${this.windowText}. Retry after ${taken.retryAfterSeconds} seconds.`,
			{ 'Retry-After': String(taken.retryAfterSeconds) },
		);
	}
}
