/** The generic write pacer (nodes/shared/pace.ts), on a fake clock. */
import { Pacer } from '../../nodes/shared/pace';

/** A fake clock: `wait` advances it; tasks take `latency` ms of fake time. */
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

describe('Pacer', () => {
	test('never more than `limit` writes in any window, counted to their end; the first `limit` go at once', async () => {
		const clock = fakeClock();
		const pacer = new Pacer({ limit: 10, windowMs: 1000, concurrency: 3, now: clock.now, wait: clock.wait });
		const spans: Array<[number, number]> = [];
		await pacer.map(
			Array.from({ length: 35 }, (_v, i) => i),
			async () => {
				const start = clock.now();
				await Promise.resolve();
				clock.advance(7);
				spans.push([start, clock.now()]);
			},
		);
		expect(spans).toHaveLength(35);
		// The first 10 started before any wait.
		expect(spans.slice(0, 10).every(([start]) => start < 100)).toBe(true);
		// For every start, fewer than `limit` other writes were in flight or ended within the window before it.
		for (const [start] of spans) {
			const busy = spans.filter(([s, e]) => s < start && e > start - 1000).length;
			expect(busy).toBeLessThan(10);
		}
		expect(pacer.stats.windowWaits).toBeGreaterThan(0);
	});

	test('runs every task exactly once, in order, with at most `concurrency` in flight', async () => {
		const pacer = new Pacer({ limit: 1000, windowMs: 60_000, concurrency: 2 });
		let inFlight = 0;
		let most = 0;
		const started: number[] = [];
		const results = await pacer.map(
			Array.from({ length: 20 }, (_v, i) => i),
			async (i) => {
				started.push(i);
				inFlight++;
				most = Math.max(most, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 2));
				inFlight--;
				return i * 2;
			},
		);
		expect(results).toEqual(Array.from({ length: 20 }, (_v, i) => i * 2));
		expect(started).toEqual(Array.from({ length: 20 }, (_v, i) => i));
		expect(most).toBe(2);
	});

	test('a failing task rejects its own promise only; `skip` drops a queued task without running it', async () => {
		const pacer = new Pacer({ limit: 100, windowMs: 1000, concurrency: 1 });
		let stop = false;
		const ran: number[] = [];
		const outcomes = await Promise.allSettled(
			[0, 1, 2, 3].map((i) =>
				pacer.run(
					async () => {
						ran.push(i);
						if (i === 1) {
							stop = true;
							throw new Error('boom');
						}
						return i;
					},
					() => (stop ? new Error(`skipped ${i}`) : undefined),
				),
			),
		);
		expect(ran).toEqual([0, 1]);
		expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([0, 'boom', 'skipped 2', 'skipped 3']);
	});

	test('poke re-checks skips while the pacer waits for the window', async () => {
		const pacer = new Pacer({ limit: 1, windowMs: 60_000, concurrency: 1 });
		let stop = false;
		await pacer.run(async () => 'first');
		const waiting = pacer.run(async () => 'second', () => (stop ? new Error('stopped') : undefined));
		stop = true;
		pacer.poke();
		await expect(waiting).rejects.toThrow('stopped');
	});
});
