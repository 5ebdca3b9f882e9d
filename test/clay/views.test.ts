/**
 * Clay tables without a view named "All rows" (renamed, as a user may), whose first view (the
 * table's `firstViewId`) is filtered: the sandbox profile `views: filtered-first`, where "Default
 * view" hides every second record and "Every record" lists them all. Where no View is chosen, the
 * node reads the view that lists every record (its length checked against the table's count), so
 * a keyed Add finds every key, Get Many and Run reach every record, and Record Added sees every
 * new record. Under the usual views ("All rows") no count is asked for.
 */
import type { ClayProfileOptions, ClaySandbox } from '../../sandbox/clay';
import { byId as triggerById, clayTriggerFixture } from '../triggers/setup';
import type { TriggerFixture } from '../triggers/setup';
import { autoMap, byId, clayFixture, enriched, leadsTable } from './setup';
import type { ClayFixture } from './setup';

const RECORDS = 30;
const keyedAdd = (tableId: string) => ({ resource: 'record', operation: 'add', table: byId(tableId), cells: autoMap, recordIdMode: 'key', keyField: 'Email' });
const people = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({ Name: `person ${from + k}`, Email: `p${from + k}@example.com` }));

describe.each<[string, ClayProfileOptions]>([
	['live shapes, ids honoured', { shapes: 'live', ids: 'honour' }],
	['live shapes, Clay assigns ids', { shapes: 'live', ids: 'assign' }],
	['seed shapes, repeated ids refused', { shapes: 'seed', ids: 'refuse' }],
])('Clay, first view filtered and no "All rows" (%s)', (_name, profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ ...profile, views: 'filtered-first' })));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	const everyRecordView = (table: { views: Array<{ id: string; name: string }> }) => table.views.find((view) => view.name === 'Every record')!.id;

	test('a keyed Add run twice finds every key, none created twice', async () => {
		const table = leadsTable(fx.sandbox);
		const first = await fx.run(keyedAdd(table.id), people(0, RECORDS));
		expect(first.error).toBeUndefined();
		expect(table.records.size).toBe(RECORDS);
		// the filtered first view lists half of them
		expect(fx.sandbox.viewIds(table.id, table.views[0].id)).toHaveLength(RECORDS / 2);

		fx.sandbox.server.clearLog();
		const again = await fx.run(keyedAdd(table.id), [...people(0, RECORDS), ...people(RECORDS, RECORDS + 2)]);
		expect(again.error).toBeUndefined();
		expect(table.records.size).toBe(RECORDS + 2);
		expect(again.json.filter((json) => json._existing === true)).toHaveLength(RECORDS);
		// the filtered view was read, found short of the count, and the next view read instead
		const listed = fx.sandbox.server.log.filter((request) => request.path.endsWith('/records/ids')).map((request) => request.path.split('/')[5]);
		expect(listed).toEqual([table.views[0].id, everyRecordView(table)]);
	});

	test('Get Many without a View reads every record', async () => {
		const table = leadsTable(fx.sandbox, people(0, RECORDS));
		const result = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(RECORDS);
		// a View chosen is read as it is: the filtered one lists half
		const chosen = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId(table.views[0].id), returnAll: true });
		expect(chosen.json).toHaveLength(RECORDS / 2);
	});

	test('Run Enrichment on all records of the default view runs the view that lists every record', async () => {
		const table = leadsTable(fx.sandbox, people(0, 4));
		const result = await fx.run({ resource: 'enrichment', operation: 'run', table: byId(table.id), recordsSource: 'all', fieldIds: ['Headcount'] }, [{}]);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.Headcount)).toEqual(people(0, 4).map((person) => enriched(fx.sandbox, person.Name)));
		expect(fx.sandbox.server.requests('PATCH')[0].body).toMatchObject({ runRecords: { viewIdTopRecords: { viewId: everyRecordView(table) } } });
	});
});

describe('Clay, the usual views', () => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ shapes: 'live', ids: 'honour' })));
	afterAll(async () => await fx.sandbox.close());

	test('"All rows" is read by its name, without asking for the count', async () => {
		const table = leadsTable(fx.sandbox, people(0, 5));
		fx.sandbox.server.clearLog();
		const result = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(result.json).toHaveLength(5);
		const allRows = table.views.find((view) => view.name === 'All rows')!.id;
		expect(fx.sandbox.server.log.filter((request) => request.path.endsWith('/records/ids')).map((request) => request.path.split('/')[5])).toEqual([allRows]);
		expect(fx.sandbox.server.log.some((request) => request.path.endsWith('/count'))).toBe(false);
	});
});

describe('Clay Trigger, first view filtered and no "All rows"', () => {
	let fx: TriggerFixture<ClaySandbox>;
	beforeAll(async () => (fx = await clayTriggerFixture({ shapes: 'live', views: 'filtered-first' })));
	afterAll(async () => await fx.sandbox.close());

	test('Record Added emits every new record', async () => {
		const table = fx.sandbox.seedTable({ name: 'Leads', fields: [{ name: 'Name' }], records: [{ Name: 'before 1' }, { Name: 'before 2' }] });
		const runner = fx.runner({ table: triggerById(table.id), event: 'recordAdded' });
		const first = await runner.poll();
		expect(first.error).toBeUndefined();
		expect(first.empty).toBe(true);
		fx.sandbox.addRecords(table.id, [{ Name: 'A' }, { Name: 'B' }, { Name: 'C' }, { Name: 'D' }]);
		const poll = await runner.poll();
		expect(poll.error).toBeUndefined();
		expect(poll.json.map((json) => json.Name).sort()).toEqual(['A', 'B', 'C', 'D']);
	});

	test('Record Added, activated on an empty table (where every view lists every record): every new record', async () => {
		const table = fx.sandbox.seedTable({ name: 'Leads', fields: [{ name: 'Name' }], records: [] });
		const runner = fx.runner({ table: triggerById(table.id), event: 'recordAdded' });
		expect((await runner.poll()).empty).toBe(true);
		for (const batch of [['A', 'B', 'C', 'D'], ['E', 'F']]) {
			fx.sandbox.addRecords(table.id, batch.map((Name) => ({ Name })));
			const poll = await runner.poll();
			expect(poll.error).toBeUndefined();
			expect(poll.json.map((json) => json.Name).sort()).toEqual(batch);
		}
	});
});
