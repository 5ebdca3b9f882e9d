/**
 * The write pacer after a 429 of a bucket it shares with other executions (nodes/shared/pace.ts
 * holdWrites / hold), on a fake clock: the execution's writes wait for the refused write's
 * retry, then keep to the share of the bucket the execution got, and take back the rest
 * window by window.
 */
import { holdWrites, Pacer, RETRY_JITTER_MS } from '../../nodes/shared/pace';

function fakeClock() {
	let now = 0;
	return {
		now: () => now,
		wait: async (ms: number) => {
			await Promise.resolve();
			now += ms;
		},
		advance: (ms: number) => (now += ms),
	};
}

const flush = async () => {
	for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('Pacer after a 429 of a shared bucket', () => {
	test('holdWrites holds the pacers of that execution context only, until the retry (plus its jitter) has gone out', async () => {
		const clock = fakeClock();
		const context = {};
		const other = {};
		const held = new Pacer({ limit: 100, windowMs: 1000, concurrency: 2, context, now: clock.now, wait: clock.wait });
		const free = new Pacer({ limit: 100, windowMs: 1000, concurrency: 2, context: other, now: clock.now, wait: clock.wait });

		holdWrites(context, 400);
		expect(held.stats.holds).toBe(1);
		expect(free.stats.holds).toBe(0);

		const starts: Record<string, number[]> = { held: [], free: [] };
		await free.map([1, 2, 3], async () => void starts.free.push(clock.now()));
		await held.map([1, 2, 3], async () => void starts.held.push(clock.now()));
		expect(starts.free).toEqual([0, 0, 0]);
		expect(starts.held).toHaveLength(3);
		expect(Math.min(...starts.held)).toBeGreaterThanOrEqual(400 + RETRY_JITTER_MS);
	});

	test('a write in flight goes on during a hold; a later, shorter hold does not shorten it', async () => {
		const clock = fakeClock();
		const pacer = new Pacer({ limit: 100, windowMs: 1000, concurrency: 3, now: clock.now, wait: clock.wait });
		let release!: () => void;
		const inFlight = pacer.run(async () => await new Promise<void>((resolve) => (release = resolve)));
		await flush();
		pacer.hold(1000);
		pacer.hold(200);
		let queuedStart: number | undefined;
		const queued = pacer.run(async () => void (queuedStart = clock.now()));
		release();
		await inFlight;
		await queued;
		expect(queuedStart).toBeGreaterThanOrEqual(1000);
	});

	test("after a hold: as many writes per window as the execution got through before it (at least a quarter of the limit), a quarter more after each window without a 429", async () => {
		const clock = fakeClock();
		const pacer = new Pacer({ limit: 100, windowMs: 1000, concurrency: 1, now: clock.now, wait: clock.wait });
		const starts: number[] = [];
		const write = async () => {
			starts.push(clock.now());
			clock.advance(1);
		};
		// 40 writes go through, then the shared bucket is empty: a 429 with Retry-After 1 s.
		await pacer.map(Array.from({ length: 40 }, (_v, i) => i), write);
		pacer.hold(1000);
		await pacer.map(Array.from({ length: 200 }, (_v, i) => i), write);

		const perWindow = (from: number) => starts.filter((start) => start >= from && start < from + 1000).length;
		const resumed = starts[40];
		expect(resumed).toBeGreaterThanOrEqual(40 + 1000);
		// Its share (40) in the first window after the hold, then a quarter of the limit more per window.
		const windows: number[] = [];
		for (let from = resumed; from <= starts[starts.length - 1]; from += 1000) windows.push(perWindow(from));
		// 200 writes after the hold: 40, 65, 90, then the 5 left.
		expect(windows).toEqual([40, 65, 90, 5]);
		expect(starts).toHaveLength(240);
	});

	test('a 429 on the first write (the bucket emptied by someone else): a quarter of the limit, not one write per window', async () => {
		const clock = fakeClock();
		const pacer = new Pacer({ limit: 100, windowMs: 1000, concurrency: 1, now: clock.now, wait: clock.wait });
		pacer.hold(1000);
		const starts: number[] = [];
		await pacer.map(Array.from({ length: 30 }, (_v, i) => i), async () => {
			starts.push(clock.now());
			clock.advance(1);
		});
		const first = starts[0];
		expect(starts.filter((start) => start < first + 1000)).toHaveLength(25);
	});
});
