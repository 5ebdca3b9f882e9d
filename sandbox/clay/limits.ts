/**
 * Clay's own limits and refusals, on top of the framework's generic fault injection (HTTP
 * errors, dropped connections, slow answers): an optional rate limit per caller, a webhook's
 * lifetime submission limit, a plan without webhooks. Enrichment credits are in enrichment.ts.
 */
import { json, RateLimiter } from '../framework';
import type { SandboxResponse } from '../framework';
import { ClayError } from './http';
import type { ClaySource } from './types';

export interface LimitOptions {
	rateLimit?: { limit: number; windowMs: number };
	webhookSubmissionLimit?: number;
	webhookLimitStatus?: number;
	webhooksInPlan: boolean;
}

export class Limits {
	private readonly limiter?: RateLimiter;
	/** Lifetime submissions a webhook source accepts; may be changed by tests. */
	webhookSubmissionLimit: number;

	constructor(private readonly options: LimitOptions) {
		this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs) : undefined;
		this.webhookSubmissionLimit = options.webhookSubmissionLimit ?? 50_000;
	}

	/** Clay support's guidance is about 10 requests/s; no hard limit is observed on v3 (off unless configured). */
	takeRequest(caller: string): SandboxResponse | undefined {
		if (!this.limiter) return undefined;
		const taken = this.limiter.take(caller);
		if (taken.ok) return undefined;
		return json(429, { type: 'TooManyRequests', message: 'Too many requests, please slow down' }, { 'retry-after': String(taken.retryAfterSeconds) });
	}

	/** api-notes (live): a plan without webhooks answers 402 when one is added (body docs silent). */
	assertWebhooksInPlan(type: string): void {
		if (type !== 'webhook' || this.options.webhooksInPlan) return;
		throw new ClayError(402, { type: 'PaymentRequired', message: 'Webhooks are not included in your current plan. Upgrade to use webhook sources.' });
	}

	/** doc: 50,000 submissions per webhook over its lifetime; deleting rows does not reset it. The answer is docs silent. */
	takeSubmission(source: ClaySource): void {
		if (source.submissions >= this.webhookSubmissionLimit) {
			throw new ClayError(this.options.webhookLimitStatus ?? 429, {
				type: 'TooManyRequests',
				code: 'SUBMISSION_LIMIT_REACHED',
				message: `This webhook has reached its lifetime limit of ${this.webhookSubmissionLimit} submissions; deleting rows does not reset it. Create a new webhook source.`,
			});
		}
		source.submissions++;
	}
}
