/**
 * Fault injection shared by every sandbox: HTTP errors with Retry-After, connections dropped
 * before or after the handler ran, and slow answers — scripted for the next matching requests,
 * or drawn at random from the server's seeded generator.
 */
import type { SandboxRequest, SandboxResponse } from './http';

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

/** The queue of scripted faults: each applies to the next `times` requests it matches. */
export class ScriptedFaults {
	private readonly queue: ScriptedFault[] = [];

	push(fault: ScriptedFault): void {
		this.queue.push({ times: 1, ...fault });
	}

	clear(): void {
		this.queue.length = 0;
	}

	/** The action of the first queued fault matching `req`, used up once. */
	take(req: SandboxRequest): FaultAction | undefined {
		const index = this.queue.findIndex((f) => !f.match || f.match(req));
		if (index === -1) return undefined;
		const fault = this.queue[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.queue.splice(index, 1);
		return fault.action;
	}
}

/** A random fault for `req`, or none; one draw per request (two for an HTTP error). */
export function pickRandomFault(faults: RandomFaults | undefined, req: SandboxRequest, random: () => number): FaultAction | undefined {
	if (!faults || (faults.match && !faults.match(req))) return undefined;
	const r = random();
	let edge = faults.dropBeforeRate ?? 0;
	if (r < edge) return { kind: 'drop-before' };
	edge += faults.dropAfterRate ?? 0;
	if (r < edge) return { kind: 'drop-after' };
	edge += faults.errorRate ?? 0;
	if (r < edge) {
		const statuses = faults.statuses?.length ? faults.statuses : [503];
		const status = statuses[Math.floor(random() * statuses.length)];
		return { kind: 'status', status, retryAfter: faults.retryAfter };
	}
	return undefined;
}

/** The answer an injected HTTP error gives. */
export function faultAnswer(fault: Extract<FaultAction, { kind: 'status' }>): SandboxResponse {
	const headers: Record<string, string> = { ...(fault.headers ?? {}) };
	if (fault.retryAfter) headers['retry-after'] = String(fault.retryAfter);
	return { status: fault.status, raw: fault.raw, body: fault.body ?? { message: `injected ${fault.status}` }, headers };
}
