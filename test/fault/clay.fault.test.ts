/**
 * Clay Record → Add, 10,000 records, through a sandbox that fails 10% of requests (429/502/503)
 * and drops 1% of connections. Records carry client-chosen ids and Clay keeps one record per
 * id, so every failed batch is simply sent again: afterwards the table holds each record
 * exactly once, and every item succeeded.
 */
import { byId, clayFixture } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import { everyKindOnce, FAULTS, faultCounts, pairedOneToOne, ROWS, tally } from './faults';

let fx: ClayFixture;
beforeAll(async () => (fx = await clayFixture({ seed: 11, lightLog: true })));
afterAll(async () => await fx.sandbox.close());

test(`${ROWS.toLocaleString('en-US')} records through 10% failed requests and 1% dropped connections: each stored exactly once under its client id`, async () => {
	const table = fx.sandbox.seedTable({ name: 'Faults', fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }] });
	const items = Array.from({ length: ROWS }, (_v, i) => ({ Name: `Person ${i}`, Email: `person-${i}@example.com` }));
	fx.sandbox.server.setFaults(FAULTS);
	everyKindOnce(fx.sandbox.server, (req) => req.method === 'POST');

	const result = await fx.run(
		{ resource: 'record', operation: 'add', table: byId(table.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'generate' },
		items,
		true,
	);
	fx.sandbox.server.setFaults(undefined);

	const faults = faultCounts(fx.sandbox.server.log);
	for (const kind of ['drop-after', 'drop-before', 'status-502', 'status-503', 'status-429']) expect(faults[`POST ${kind}`]).toBeGreaterThanOrEqual(1);

	expect(result.error).toBeUndefined();
	expect(pairedOneToOne(result.items, ROWS)).toBe(true);
	expect(result.json.filter((json) => json.error)).toEqual([]);

	// exactly one record per item, under the id the item's output names
	const records = [...fx.sandbox.tables.get(table.id)!.records.values()];
	expect(records).toHaveLength(ROWS);
	const nameField = fx.sandbox.fieldId(table.id, 'Name');
	const names = tally(records.map((record) => record.cells[nameField].value as string));
	expect([...names.values()].every((count) => count === 1)).toBe(true);
	const stored = fx.sandbox.tables.get(table.id)!.records;
	const wrong = result.json.filter((json, i) => json.Name !== items[i].Name || stored.get(json.id as string)?.cells[nameField].value !== items[i].Name);
	expect(wrong).toEqual([]);
	// a batch whose answer was lost after Clay stored it was sent again: the same ids replaced the same records
	const posts = fx.sandbox.server.requests('POST');
	expect(posts.length).toBeGreaterThan(ROWS / 200);
	process.stdout.write(`clay fault run: ${fx.sandbox.server.log.length} requests, ${result.json.filter((json) => !json.error).length} added, ${result.json.filter((json) => json.error).length} failed, ${records.length} records stored, faults ${JSON.stringify(faults)}\n`);
}, 120_000);
