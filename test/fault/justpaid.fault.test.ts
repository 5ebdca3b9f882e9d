/**
 * JustPaid Row → Create, 10,000 rows, through a sandbox that fails 10% of requests (429/502/503)
 * and drops 1% of connections. JustPaid creates one row per request and has no idempotency
 * key, no client ids and no row metadata: a create whose answer is lost (a dropped connection,
 * a 502 or 503) may or may not have been stored, and the node cannot find out without a
 * guess. So it never sends such a create again; the item ends as an error saying so.
 *
 * The write bucket is made large here (the suite is about faults, not pacing; pacing has its
 * own tests and the benchmark): 10 writes in flight, no window to wait for.
 */
import { byId, justPaidFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';
import { everyKindOnce, FAULTS, faultCounts, pairedOneToOne, ROWS, tally } from './faults';

let fx: JustPaidFixture;
beforeAll(
	async () => (fx = await justPaidFixture({ seed: 5, lightLog: true, writeLimit: 1_000_000, readLimit: 1_000_000, windowMs: 1000 })),
);
afterAll(async () => await fx.sandbox.close());

test(`${ROWS.toLocaleString('en-US')} creates through 10% failed requests and 1% dropped connections: no row stored twice, every lost answer reported`, async () => {
	const table = fx.sandbox.seedTable({ name: 'Faults', maxRows: 100_000, columns: [{ name: 'n', type: 'number', required: true }] });
	fx.sandbox.server.setFaults(FAULTS);
	everyKindOnce(fx.sandbox.server, (req) => req.method === 'POST');

	const result = await fx.run(
		{
			resource: 'row',
			operation: 'create',
			table: byId(table.id),
			columns: { mappingMode: 'autoMapInputData', value: null },
			options: { writesPerMinute: 1_000_000, concurrency: 10 },
		},
		Array.from({ length: ROWS }, (_v, n) => ({ n })),
		true,
	);
	fx.sandbox.server.setFaults(undefined);

	const faults = faultCounts(fx.sandbox.server.log);
	for (const kind of ['drop-after', 'drop-before', 'status-502', 'status-503', 'status-429']) expect(faults[`POST ${kind}`]).toBeGreaterThanOrEqual(1);

	expect(result.error).toBeUndefined();
	expect(pairedOneToOne(result.items, ROWS)).toBe(true);

	// no row is stored twice
	const stored = fx.sandbox.sortedRows(table.id);
	const counts = tally(stored.map((row) => Number(row.data.n)));
	expect([...counts.values()].every((count) => count === 1)).toBe(true);
	expect(fx.sandbox.history.filter((event) => event.type === 'created')).toHaveLength(stored.length);

	const byRowId = new Map(stored.map((row) => [row.id, row]));
	let succeeded = 0;
	let lostButStored = 0;
	const wrong: string[] = [];
	const lostMessage = (n: number) => new RegExp(`^Item ${n}: (JustPaid had a server error \\(50[23]|The connection to JustPaid failed)`);
	result.json.forEach((json, n) => {
		if (json.error === undefined) {
			// a success is its own row, stored once
			succeeded++;
			if (json.n !== n || byRowId.get(json.id as string)?.data.n !== n) wrong.push(`item ${n}: output ${JSON.stringify(json)} is not its stored row`);
			return;
		}
		// an error is a create whose answer was lost: it says so, and its row is stored once or not at all
		if (!lostMessage(n).test(String(json.error)) || !/may or may not have been processed/.test(String(json.description))) {
			wrong.push(`item ${n}: ${JSON.stringify(json)}`);
		}
		if (counts.get(n) === 1) lostButStored++;
	});
	expect(wrong).toEqual([]);
	const failed = ROWS - succeeded;
	expect(stored.length).toBe(succeeded + lostButStored);
	// the lost answers are about the share the faults predict (a create fails when its answer is lost; 429s are retried)
	expect(failed).toBeGreaterThan(ROWS * 0.03);
	expect(failed).toBeLessThan(ROWS * 0.12);
	process.stdout.write(
		`justpaid fault run: ${fx.sandbox.server.log.length} requests, ${succeeded} created, ${failed} reported as maybe-created (${lostButStored} of them stored), faults ${JSON.stringify(faults)}\n`,
	);
}, 120_000);
