/**
 * Clay Trigger, Record Enriched, where Clay has no run summary (`GET /tables/{t}/fieldrun`
 * answers 404 NoMatchingURL; no live-tested client confirms that endpoint): the trigger still
 * emits each enriched record once, reading the records on every poll, and asks for the summary
 * only once.
 */
import type { ClaySandbox, ClayTable } from '../../sandbox/clay';
import { enriched } from '../clay/setup';
import { byId, clayTriggerFixture, savedState, sleep } from './setup';
import type { TriggerFixture } from './setup';

describe.each([['live' as const], ['seed' as const]])('Clay Trigger without /fieldrun (%s shapes)', (shapes) => {
	let fx: TriggerFixture<ClaySandbox>;
	beforeAll(async () => (fx = await clayTriggerFixture({ shapes, fieldRun: false })));
	afterAll(async () => await fx.sandbox.close());

	const settled = async (table: ClayTable) => {
		const busy = () => [...table.records.values()].some((record) => Object.values(record.cells).some((cell) => ['QUEUED', 'RUNNING'].includes(fx.sandbox.cellStatus(cell) ?? '')));
		while (busy()) await sleep(10);
	};

	test('Record Enriched emits each enriched record once; the summary is asked for once, then every poll reads the records', async () => {
		const table = fx.sandbox.seedTable({ name: 'Leads', fields: [{ name: 'Name' }, { name: 'Headcount', type: 'action' }], records: [{ Name: 'Before' }] });
		fx.sandbox.runFields(table.id, ['Headcount']);
		await settled(table);
		const runner = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
		const first = await runner.poll();
		expect(first.error).toBeUndefined();
		expect(first.empty).toBe(true);

		const [a, b] = fx.sandbox.addRecords(table.id, [{ Name: 'A' }, { Name: 'B' }]);
		fx.sandbox.runFields(table.id, ['Headcount'], [a.id, b.id]);
		await settled(table);
		await sleep(2100); // the time watermark stays 1-2 s under the newest time seen
		const poll = await runner.poll();
		expect(poll.error).toBeUndefined();
		expect(poll.json.map((json) => [json.Name, json.Headcount])).toEqual(
			expect.arrayContaining([
				['A', enriched(fx.sandbox, 'A')],
				['B', enriched(fx.sandbox, 'B')],
			]),
		);
		expect(poll.json).toHaveLength(2);

		fx.sandbox.server.clearLog();
		const idle = await runner.poll();
		expect(idle.error).toBeUndefined();
		expect(idle.empty).toBe(true);
		expect(fx.sandbox.server.log.some((request) => request.path.endsWith('/fieldrun'))).toBe(false);
		expect(fx.sandbox.server.log.some((request) => request.path.includes('/records'))).toBe(true);

		// an hour after Clay last answered 404, the summary is asked for again
		const state = savedState(runner)!;
		expect(typeof state.noSummaryAt).toBe('number');
		state.noSummaryAt = Date.now() - 3_700_000;
		fx.sandbox.server.clearLog();
		expect((await runner.poll()).error).toBeUndefined();
		expect(fx.sandbox.server.log.filter((request) => request.path.endsWith('/fieldrun'))).toHaveLength(1);
		expect(savedState(runner)!.noSummaryAt).toBeGreaterThan(Date.now() - 60_000);
	});
});
