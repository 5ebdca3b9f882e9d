/**
 * Extruct Row → Add, 10,000 rows, through a sandbox that fails 10% of requests (429/502/503)
 * and drops 1% of connections. Adding rows is not idempotent: a batch whose answer is lost is
 * looked up by the write id each row carries, found rows count as added, the others are sent
 * again. Afterwards every row is stored exactly once, and every item has one output item.
 */
import { byId, extructFixture } from '../extruct/setup';
import type { ExtructFixture } from '../extruct/setup';
import { everyKindOnce, FAULTS, faultCounts, pairedOneToOne, ROWS, tally } from './faults';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture({ seed: 7, lightLog: true })));
afterAll(async () => await fx.sandbox.close());

test(`${ROWS.toLocaleString('en-US')} rows through 10% failed requests and 1% dropped connections: each stored exactly once, one output item per input item`, async () => {
	const table = fx.sandbox.seedTable({ name: 'Faults', kind: 'company' });
	const inputs = Array.from({ length: ROWS }, (_v, i) => `https://row-${i}.example`);
	fx.sandbox.server.setFaults(FAULTS);
	everyKindOnce(fx.sandbox.server, (req) => req.method === 'POST');

	const result = await fx.run(
		{ resource: 'row', operation: 'add', table: byId(table.id), columns: { mappingMode: 'autoMapInputData', value: null } },
		inputs.map((input) => ({ input })),
		true,
	);
	fx.sandbox.server.setFaults(undefined);

	// every kind of fault hit a write, and reads too
	const faults = faultCounts(fx.sandbox.server.log);
	for (const kind of ['drop-after', 'drop-before', 'status-502', 'status-503', 'status-429']) expect(faults[`POST ${kind}`]).toBeGreaterThanOrEqual(1);
	expect(Object.entries(faults).filter(([key]) => key.startsWith('GET')).length).toBeGreaterThanOrEqual(1);

	// one output item per input item, paired to it
	expect(result.error).toBeUndefined();
	expect(pairedOneToOne(result.items, ROWS)).toBe(true);

	// the table holds every row exactly once
	const stored = fx.sandbox.tables.get(table.id)!.rows;
	const counts = tally(stored.map((row) => row.data.input.value as string));
	expect([...counts.values()].every((count) => count === 1)).toBe(true);
	expect(stored).toHaveLength(ROWS);

	// every item succeeded with its own stored row: the lost answers were found by write id or sent again
	const byRowId = new Map(stored.map((row) => [row.id, row]));
	const errors = result.json.filter((json) => json.error);
	expect(errors).toEqual([]);
	const wrong = result.json.filter(
		(json, i) => json.input !== inputs[i] || byRowId.get(json.id as string)?.data.input.value !== inputs[i] || json._metadata !== undefined,
	);
	expect(wrong).toEqual([]);
	// the read-backs happened (one per round), and no batch was sent more often than the faults explain
	expect(fx.sandbox.server.requests('GET', `/v1/tables/${table.id}/data`).length).toBeGreaterThanOrEqual(1);
	const readBacks = fx.sandbox.server.requests('GET', `/v1/tables/${table.id}/data`).length;
	process.stdout.write(
		`extruct fault run: ${fx.sandbox.server.log.length} requests (${readBacks} of them reading back), ${ROWS - errors.length} added, ${errors.length} failed, ${stored.length} rows stored, faults ${JSON.stringify(faults)}\n`,
	);
}, 120_000);
