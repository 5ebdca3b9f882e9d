/**
 * Two executions at once writing under one JustPaid key, as two queue-mode workers do: each
 * paces its own writes to the full bucket (pacing state is per execution, never shared), so
 * together they overrun it and the service answers 429. The Retry-After path carries the
 * overlap: a 429 holds all of that execution's writes until its retry has gone out
 * (nodes/shared/pace.ts holdWrites), nothing is lost or doubled, and each refused write is
 * sent again a bounded number of times. queue-mode.e2e.ts runs the same on two real n8n workers.
 */
import { autoMap, byId, justPaidFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';

const WINDOW_MS = 1000;
const BUCKET = 100;
const ROWS = 200;

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture({ writeLimit: BUCKET, windowMs: WINDOW_MS })));
afterAll(async () => await fx.sandbox.close());

/**
 * The writes the sandbox accepted per window of its fixed-window limiter, reconstructed from
 * its request log: a window opens at the first request after the previous one expired.
 */
function perFixedWindow(posts: Array<{ startedAt: number; status: number }>, windowMs: number): number[] {
	const counts: number[] = [];
	let start = -Infinity;
	for (const request of posts) {
		if (request.startedAt - start >= windowMs) {
			start = request.startedAt;
			counts.push(0);
		}
		if (request.status === 201) counts[counts.length - 1]++;
	}
	return counts;
}

test(`two executions at once, ${ROWS} creates each with 5 in flight, one key with a bucket of ${BUCKET} per window: all ${2 * ROWS} stored once, none failed, each refused create sent again`, async () => {
	const table = fx.sandbox.seedTable({
		name: 'Shared key',
		columns: [
			{ name: 'run', type: 'text', required: true },
			{ name: 'n', type: 'number', required: true },
		],
	});
	const parameters = { resource: 'row', operation: 'create', table: byId(table.id), columns: autoMap(), options: { concurrency: 5 } };
	const items = (run: string) => Array.from({ length: ROWS }, (_v, n) => ({ run, n }));
	const started = Date.now();
	const [a, b] = await Promise.all([fx.run(parameters, items('a')), fx.run(parameters, items('b'))]);
	const seconds = (Date.now() - started) / 1000;

	for (const result of [a, b]) {
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(ROWS);
		expect(result.json.filter((json) => json.error)).toEqual([]);
	}
	const stored = fx.sandbox.tables.get(table.id)!.rows.map((row) => `${row.data.run}:${row.data.n}`);
	expect(stored).toHaveLength(2 * ROWS);
	expect(new Set(stored).size).toBe(2 * ROWS);

	const posts = fx.sandbox.server.log.filter((request) => request.method === 'POST').sort((x, y) => x.startedAt - y.startedAt);
	const refused = posts.filter((request) => request.status === 429);
	const sends = new Map<string, number>();
	for (const request of posts) {
		const { run, n } = (request.body as { data: { run: string; n: number } }).data;
		sends.set(`${run}:${n}`, (sends.get(`${run}:${n}`) ?? 0) + 1);
	}
	const mostSends = Math.max(...sends.values());
	const windows = perFixedWindow(posts, WINDOW_MS);
	console.log(
		`[shared key] ${2 * ROWS} creates by two executions at once in ${seconds.toFixed(1)} s: ${refused.length} answered 429, ` +
			`at most ${mostSends} sends of one row; accepted per ${WINDOW_MS} ms window of the bucket of ${BUCKET}: ${windows.join(', ')}`,
	);
	expect(posts.filter((request) => request.status === 201)).toHaveLength(2 * ROWS);
	// Each refused create was sent again after Retry-After, far fewer times than JustPaid's 10 rate-limit retries allow.
	expect(mostSends).toBeLessThanOrEqual(4);
});
