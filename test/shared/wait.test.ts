/** The one wait loop, with pauses of milliseconds. */
import { nextInterval, waitUntil } from '../../nodes/shared/wait';
import type { CheckResult } from '../../nodes/shared/wait';

/** A check that is done on its `doneAt`-th call, recording when each call came. */
function counting(doneAt: number, pauseMs?: number) {
	const calls: number[] = [];
	const started = Date.now();
	const check = async (): Promise<CheckResult<string>> => {
		calls.push(Date.now() - started);
		return calls.length >= doneAt ? { done: true, value: 'finished' } : { done: false, pauseMs };
	};
	return { calls, check };
}

describe('waitUntil', () => {
	it('checks until done, with pauses that grow by half', async () => {
		const { calls, check } = counting(4);
		await expect(waitUntil({ timeoutMs: 5000, firstIntervalMs: 20 }, check, () => new Error('timed out'))).resolves.toBe('finished');
		expect(calls).toHaveLength(4);
		const pauses = calls.slice(1).map((at, i) => at - calls[i]);
		// 20, 30, 45 ms (timers may fire a little late, never early)
		expect(pauses[0]).toBeGreaterThanOrEqual(19);
		expect(pauses[1]).toBeGreaterThanOrEqual(29);
		expect(pauses[2]).toBeGreaterThanOrEqual(44);
	});

	it('checks at once without pauseFirst, and after the first pause with it', async () => {
		// an interval far longer than any delay of a loaded machine: a first check under half of it came without a pause
		const first = counting(1);
		await waitUntil({ timeoutMs: 20_000, firstIntervalMs: 10_000 }, first.check, () => new Error('timed out'));
		expect(first.calls[0]).toBeLessThan(5000);
		const paused = counting(1);
		await waitUntil({ timeoutMs: 1000, firstIntervalMs: 40 }, paused.check, () => new Error('timed out'), { pauseFirst: true });
		expect(paused.calls[0]).toBeGreaterThanOrEqual(39);
	});

	it("pauses as long as a check's pauseMs asks instead of the interval", async () => {
		const { calls, check } = counting(3, 5);
		await waitUntil({ timeoutMs: 100_000, firstIntervalMs: 20_000 }, check, () => new Error('timed out'));
		expect(calls[2]).toBeLessThan(10_000);
	});

	it('throws what timedOut builds once the time is up, never pausing past it', async () => {
		const { calls, check } = counting(Infinity);
		const started = Date.now();
		// the pause is cut at the time-out, with one last check there, instead of lasting its 10 s
		await expect(waitUntil({ timeoutMs: 60, firstIntervalMs: 10_000 }, check, () => new Error('still running'))).rejects.toThrow('still running');
		expect(Date.now() - started).toBeLessThan(5000);
		expect(calls.length).toBeGreaterThanOrEqual(2);
	});

	it('grows the interval to at most 30 s', () => {
		expect(nextInterval(1000)).toBe(1500);
		expect(nextInterval(25_000)).toBe(30_000);
	});
});
