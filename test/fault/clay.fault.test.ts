/**
 * Clay Record → Add, 10,000 records, through a sandbox that fails 10% of requests (429/502/503)
 * and drops 1% of connections — under every behaviour profile: Clay keeping the ids the node
 * sends, assigning its own, or refusing a repeated one; answers in the live shape (the created
 * records) or the seed's (none). A batch whose answer was lost is read back before anything is
 * sent again, so afterwards the table holds each record exactly once, every item succeeded, and
 * every output carries the id Clay stored the item's record under.
 */
import { describeProfile, resolveProfile } from '../../sandbox/clay';
import { byId, clayFixture, eachProfile } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import { everyKindOnce, FAULTS, faultCounts, pairedOneToOne, ROWS, tally } from './faults';

const KEYED_ROWS = 2_000;

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ ...profile, seed: 11, lightLog: true })));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	const isCreate = (req: { method: string; path: string }) => req.method === 'POST' && req.path.endsWith('/records');

	test(`${ROWS.toLocaleString('en-US')} records through 10% failed requests and 1% dropped connections: each stored exactly once, under the id its output names`, async () => {
		const table = fx.sandbox.seedTable({ name: 'Faults', fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }] });
		const items = Array.from({ length: ROWS }, (_v, i) => ({ Name: `Person ${i}`, Email: `person-${i}@example.com` }));
		fx.sandbox.server.setFaults(FAULTS);
		everyKindOnce(fx.sandbox.server, isCreate);

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
		const stored = fx.sandbox.tables.get(table.id)!.records;
		const records = [...stored.values()];
		expect(records).toHaveLength(ROWS);
		const nameField = fx.sandbox.fieldId(table.id, 'Name');
		const names = tally(records.map((record) => record.cells[nameField].value as string));
		expect([...names.values()].every((count) => count === 1)).toBe(true);
		const wrong = result.json.filter((json, i) => json.Name !== items[i].Name || stored.get(json.id as string)?.cells[nameField].value !== items[i].Name);
		expect(wrong).toEqual([]);
		const creates = fx.sandbox.server.log.filter(isCreate);
		process.stdout.write(
			`clay fault run (${describeProfile(resolveProfile(profile))}): ${fx.sandbox.server.log.length} requests (${creates.length} creates), ${result.json.filter((json) => !json.error).length} added, ${result.json.filter((json) => json.error).length} failed, ${records.length} records stored, faults ${JSON.stringify(faults)}\n`,
		);
	}, 180_000);

	test(`${KEYED_ROWS.toLocaleString('en-US')} records by a key column, twice, through the same faults: each key stored once`, async () => {
		const table = fx.sandbox.seedTable({ name: 'Keyed faults', fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }] });
		const items = Array.from({ length: KEYED_ROWS }, (_v, i) => ({ Name: `Person ${i}`, Email: `person-${i}@example.com` }));
		const parameters = { resource: 'record', operation: 'add', table: byId(table.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'key', keyField: 'Email' };
		const outputs: string[][] = [];
		for (let run = 0; run < 2; run++) {
			fx.sandbox.server.setFaults(FAULTS);
			everyKindOnce(fx.sandbox.server, isCreate);
			const result = await fx.run(parameters, items, true);
			fx.sandbox.server.setFaults(undefined);
			expect(result.error).toBeUndefined();
			expect(pairedOneToOne(result.items, KEYED_ROWS)).toBe(true);
			expect(result.json.filter((json) => json.error)).toEqual([]);
			outputs.push(result.json.map((json) => String(json.id)));
		}
		const stored = fx.sandbox.tables.get(table.id)!.records;
		expect(stored.size).toBe(KEYED_ROWS);
		const emailField = fx.sandbox.fieldId(table.id, 'Email');
		expect(outputs[1]).toEqual(outputs[0]);
		expect(outputs[0].map((id) => stored.get(id)?.cells[emailField].value)).toEqual(items.map((item) => item.Email));
	}, 180_000);
});
