/**
 * The fault model of the fault-tolerance suite: 10% of requests fail with 429, 502 or 503
 * (with a short Retry-After), and 1% of connections are dropped — half before the service
 * processed the request, half after it did (the answer is lost: the client cannot know).
 * Latency is 0 here: the suite is about faults, not speed.
 *
 * On top of the random faults, a few scripted ones make sure that every kind of fault hits a
 * write at least once, whatever the random draw (`everyKindOnce`).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { LoggedRequest, RandomFaults, SandboxRequest, SandboxServer } from '../../sandbox/framework';

export const ROWS = 10_000;

export const FAULTS: RandomFaults = {
	errorRate: 0.1,
	statuses: [429, 502, 503],
	retryAfter: 0.05,
	dropBeforeRate: 0.005,
	dropAfterRate: 0.005,
};

/** Scripted faults on the 3rd, 5th, ... write: one of each kind, so that each surely happens. */
export function everyKindOnce(server: SandboxServer, isWrite: (req: SandboxRequest) => boolean): void {
	let writes = 0;
	// Counts the writes. It never matches, so it never fires; it is asked first for every request.
	server.inject({
		match: (req) => {
			if (isWrite(req)) writes++;
			return false;
		},
		action: { kind: 'delay', ms: 0 },
		times: Infinity,
	});
	const at = (n: number) => (req: SandboxRequest) => isWrite(req) && writes === n;
	server.inject({ match: at(3), action: { kind: 'drop-after' } });
	server.inject({ match: at(5), action: { kind: 'drop-before' } });
	server.inject({ match: at(7), action: { kind: 'status', status: 502 } });
	server.inject({ match: at(9), action: { kind: 'status', status: 503, retryAfter: 0.05 } });
	server.inject({ match: at(11), action: { kind: 'status', status: 429, retryAfter: 0.05 } });
}

/** How many requests each kind of fault hit, writes and reads apart: `{"POST drop-after": 3, ...}`. */
export function faultCounts(log: LoggedRequest[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const entry of log) {
		if (!entry.fault) continue;
		const key = `${entry.method} ${entry.fault}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

/** Every output item is paired to its own input item, one each, in order. */
export function pairedOneToOne(items: INodeExecutionData[], count: number): boolean {
	return items.length === count && items.every((item, k) => (item.pairedItem as { item?: number } | undefined)?.item === k);
}

/** How many times each value occurs. */
export function tally<T>(values: T[]): Map<T, number> {
	const counts = new Map<T, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return counts;
}
