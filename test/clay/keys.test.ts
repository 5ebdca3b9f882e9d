/**
 * Keyed Add's look-up of the keys a table holds already, by column type: Clay's find is sent
 * typed as the live-tested client sends it (zapier findRecord: SELECT_EQUAL with an option id,
 * USER_EQUAL, EQUAL with a number for a number column), under a sandbox whose find compares as
 * text and one whose find compares typed; a find that fails falls back to reading the key column.
 */
import { autoMap, byId, clayFixture } from './setup';
import type { ClayFixture } from './setup';
import type { ClayProfileOptions } from '../../sandbox/clay';

const keyedAdd = (tableId: string, keyField: string) => ({ resource: 'record', operation: 'add', table: byId(tableId), cells: autoMap, recordIdMode: 'key', keyField });

describe.each<[string, ClayProfileOptions]>([
	['find compares as text', { shapes: 'live', ids: 'honour', findCompare: 'text' }],
	['find compares typed', { shapes: 'live', ids: 'honour', findCompare: 'typed' }],
	['find compares typed, Clay assigns ids', { shapes: 'live', ids: 'assign', findCompare: 'typed' }],
])('Clay keyed Add, %s', (_name, profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture(profile)));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	/** A table of 1,200 records (so that three keys are looked up with find, not by reading the column). */
	const dealsTable = () =>
		fx.sandbox.seedTable({
			name: 'Deals',
			fields: [{ name: 'Name' }, { name: 'Stage', type: 'select', options: ['New', 'Won', 'Lost'] }, { name: 'Deal No', type: 'number' }, { name: 'Owner', type: 'users' }],
			records: Array.from({ length: 1200 }, (_, i) => ({ Name: `filler ${i}` })),
		});
	const finds = (tableId: string) => fx.sandbox.server.requests('POST', `/v3/tables/${tableId}/find`);

	test('a select key given by option name is found again, not created twice', async () => {
		const table = dealsTable();
		const items = [{ Name: 'first new', Stage: 'New' }, { Name: 'first won', Stage: 'won' }];
		const one = await fx.run(keyedAdd(table.id, 'Stage'), items);
		expect(one.error).toBeUndefined();
		expect(table.records.size).toBe(1202);
		const again = await fx.run(keyedAdd(table.id, 'Stage'), [{ Name: 'again', Stage: 'NEW' }, { Name: 'again', Stage: 'Won' }]);
		expect(again.error).toBeUndefined();
		expect(again.json.map((json) => [json.Name, json._existing])).toEqual([
			['first new', true],
			['first won', true],
		]);
		expect(table.records.size).toBe(1202);
		const sent = finds(table.id).map((request) => (request.body as { filter: { operands: Array<{ filterConfig: unknown }> } }).filter.operands[0].filterConfig);
		expect(sent).toContainEqual({ type: 'OPERATOR', operator: 'SELECT_EQUAL', value: fx.sandbox.optionId(table.id, 'Stage', 'New') });
	});

	test('a number key given as text one time and as a number the next is one record', async () => {
		const table = dealsTable();
		await fx.run(keyedAdd(table.id, 'Deal No'), [{ Name: 'deal 42', 'Deal No': '42' }, { Name: 'deal 7', 'Deal No': 7 }]);
		expect(table.records.size).toBe(1202);
		const again = await fx.run(keyedAdd(table.id, 'Deal No'), [{ Name: 'x', 'Deal No': 42 }, { Name: 'y', 'Deal No': ' 7 ' }]);
		expect(again.error).toBeUndefined();
		expect(again.json.map((json) => [json.Name, json['Deal No'], json._existing])).toEqual([
			['deal 42', 42, true],
			['deal 7', 7, true],
		]);
		expect(table.records.size).toBe(1202);
		const sent = finds(table.id).map((request) => (request.body as { filter: { operands: Array<{ filterConfig: { value?: unknown } }> } }).filter.operands[0].filterConfig.value);
		expect(sent).toEqual(expect.arrayContaining([42, 7]));
	});

	test('a users key is found with USER_EQUAL', async () => {
		const table = dealsTable();
		await fx.run(keyedAdd(table.id, 'Owner'), [{ Name: 'owned by 5', Owner: 5 }]);
		const again = await fx.run(keyedAdd(table.id, 'Owner'), [{ Name: 'again', Owner: '5' }]);
		expect(again.json[0]).toMatchObject({ Name: 'owned by 5', _existing: true });
		expect(table.records.size).toBe(1201);
		const operators = finds(table.id).map((request) => (request.body as { filter: { operands: Array<{ filterConfig: { operator: string } }> } }).filter.operands[0].filterConfig.operator);
		expect(new Set(operators)).toEqual(new Set(['USER_EQUAL']));
	});

	test('a find Clay refuses falls back to reading the key column: nothing is created twice', async () => {
		const table = dealsTable();
		await fx.run(keyedAdd(table.id, 'Stage'), [{ Name: 'lost one', Stage: 'Lost' }]);
		fx.sandbox.server.clearLog();
		fx.sandbox.server.inject({ match: (req) => req.path.endsWith('/find'), times: 10, action: { kind: 'status', status: 400, body: { message: 'Unknown operator' } } });
		const again = await fx.run(keyedAdd(table.id, 'Stage'), [{ Name: 'again', Stage: 'Lost' }]);
		expect(again.error).toBeUndefined();
		expect(again.json[0]).toMatchObject({ Name: 'lost one', _existing: true });
		expect(table.records.size).toBe(1201);
		expect(finds(table.id).length).toBeGreaterThan(0);
		expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`).length).toBeGreaterThanOrEqual(3);
	});
});

describe.each<[string, ClayProfileOptions]>([
	['live', { shapes: 'live', ids: 'honour', bulkFetch: false }],
	['seed', { shapes: 'seed', ids: 'honour', bulkFetch: false }],
])('Clay without bulk-fetch-records (%s shapes)', (_name, profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture(profile)));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	test('a keyed Add run twice reads the records one at a time and stores each key once; Get Many reads them too', async () => {
		const table = fx.sandbox.seedTable({ name: 'Leads', fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }], records: Array.from({ length: 20 }, (_, i) => ({ Name: `old ${i}`, Email: `old${i}@x.example` })) });
		const items = Array.from({ length: 30 }, (_, i) => ({ Name: `lead ${i}`, Email: `e${i}@x.example` }));
		const one = await fx.run(keyedAdd(table.id, 'Email'), items);
		expect(one.error).toBeUndefined();
		expect(table.records.size).toBe(50);
		const again = await fx.run(keyedAdd(table.id, 'Email'), [...items, { Name: 'old again', Email: 'old3@x.example' }]);
		expect(again.error).toBeUndefined();
		expect(again.json.every((json) => json._existing === true)).toBe(true);
		expect(again.json[30]).toMatchObject({ Name: 'old 3' });
		expect(table.records.size).toBe(50);
		// bulk-fetch-records was tried once per execution and table, then each record was read on its own
		expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`).length).toBeLessThanOrEqual(2);
		expect(fx.sandbox.server.log.filter((request) => request.method === 'GET' && request.path.startsWith(`/v3/tables/${table.id}/records/`)).length).toBeGreaterThanOrEqual(50);

		const many = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
		expect(many.error).toBeUndefined();
		expect(many.json).toHaveLength(50);
	});
});
