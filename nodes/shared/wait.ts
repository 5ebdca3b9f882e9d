/**
 * Waiting for an enrichment run (Extruct and Clay "Wait for Completion"): the two options
 * every waiting operation offers, read the same way, and how the pause between checks grows.
 */
import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export interface WaitTiming {
	timeoutMs: number;
	firstIntervalMs: number;
}

const MAX_INTERVAL_MS = 30_000;

/** "First Check After" and "Timeout", for an Options collection; `service` names where the run goes on. */
export function waitOptions(service: string): INodeProperties[] {
	return [
		{
			displayName: 'First Check After (Seconds)',
			name: 'firstInterval',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: 1,
			description: 'Checks start at this interval and grow by half each time, up to 30 seconds',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 900,
			description: `How long to wait before failing; the enrichment itself goes on in ${service}`,
		},
	];
}

export function waitTiming(ctx: IExecuteFunctions, itemIndex: number): WaitTiming {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { timeout?: number; firstInterval?: number };
	return { timeoutMs: (options.timeout ?? 900) * 1000, firstIntervalMs: (options.firstInterval ?? 1) * 1000 };
}

/** The pause after `interval`: half as long again, at most 30 s. */
export function nextInterval(interval: number): number {
	return Math.min(interval * 1.5, MAX_INTERVAL_MS);
}

/** One check of a wait: done with its value, or not yet (optionally with a shorter pause before the next check). */
export type CheckResult<T> = { done: true; value: T } | { done: false; pauseMs?: number };

/**
 * The one wait loop: runs `check` until it says done, pausing in n8n's `sleep` between checks
 * (the pause starts at "First Check After" and grows by half, never past the timeout). When the
 * time is up and the check is still not done, throws what `timedOut` builds. With
 * `pauseFirst`, the first pause comes before the first check (a run that was just started is
 * not done yet).
 */
export async function waitUntil<T>(
	timing: WaitTiming,
	check: () => Promise<CheckResult<T>>,
	timedOut: () => Error,
	{ pauseFirst = false }: { pauseFirst?: boolean } = {},
): Promise<T> {
	const started = Date.now();
	const left = () => Math.max(0, timing.timeoutMs - (Date.now() - started));
	let interval = timing.firstIntervalMs;
	if (pauseFirst) {
		await sleep(Math.min(interval, left()));
		interval = nextInterval(interval);
	}
	for (;;) {
		const result = await check();
		if (result.done) return result.value;
		if (left() === 0) throw timedOut();
		await sleep(Math.min(result.pauseMs ?? interval, left()));
		interval = nextInterval(interval);
	}
}
