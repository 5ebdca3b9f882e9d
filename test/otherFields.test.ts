/**
 * One rule for input fields that are not columns, in the three nodes' Map Automatically: the
 * option "Fields That Are Not Columns" — Ignore Them (the default: the column fields are written,
 * an item none of whose fields is a column fails), Fail the Item (naming the fields and the
 * table's columns), and for JustPaid, which keeps keys no column declares, Write Them Too. Clay
 * version 1 nodes, which failed the item, keep doing so where the option is not set.
 */
import { autoMap as clayAutoMap, byId as clayId, clayFixture, leadsTable, namesIn } from './clay/setup';
import type { ClayFixture } from './clay/setup';
import { extructFixture } from './extruct/setup';
import type { ExtructFixture } from './extruct/setup';
import { autoMap, byId, columnsOf, justPaidFixture, storedData } from './justpaid/setup';
import type { JustPaidFixture } from './justpaid/setup';

const items = [{ Name: 'kept', Extra: 'x' }, { Name: 'only columns' }, { Other: 1 }];
const outcome = (result: { json: Array<Record<string, unknown>> }) => result.json.map((json) => (typeof json.error === 'string' ? json.error.replace(/\(t_\w+\)|"[^"]+" \(\w+\)/, 'TABLE') : 'ok'));

describe('Fields That Are Not Columns: Clay', () => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ shapes: 'live', ids: 'honour' })));
	afterAll(async () => await fx.sandbox.close());
	const add = (tableId: string, options: Record<string, unknown>) => ({ resource: 'record', operation: 'add', table: clayId(tableId), cells: clayAutoMap, options });
	const COLUMNS = 'Name, Email, Domain, Score, Company Domain, Headcount';

	test.each([
		['version 2, option not set: ignored', 2, {}, ['ok', 'ok', `Item 2: none of its fields (Other) is a column of table TABLE; its columns are: ${COLUMNS}`]],
		['version 2, Ignore Them', 2, { otherFields: 'ignore' }, ['ok', 'ok', `Item 2: none of its fields (Other) is a column of table TABLE; its columns are: ${COLUMNS}`]],
		['version 2, Fail the Item', 2, { otherFields: 'error' }, [`Item 0: \`Extra\` is not a column of table TABLE; its columns are: ${COLUMNS}`, 'ok', `Item 2: \`Other\` is not a column of table TABLE; its columns are: ${COLUMNS}`]],
		['version 1, option not set: the item fails', 1, {}, [`Item 0: \`Extra\` is not a column of table TABLE; its columns are: ${COLUMNS}`, 'ok', `Item 2: \`Other\` is not a column of table TABLE; its columns are: ${COLUMNS}`]],
		['version 1, Ignore Them', 1, { otherFields: 'ignore' }, ['ok', 'ok', `Item 2: none of its fields (Other) is a column of table TABLE; its columns are: ${COLUMNS}`]],
	])('%s', async (_name, typeVersion, options, expected) => {
		const table = leadsTable(fx.sandbox);
		const result = await fx.harness.execute({ node: 'clay', parameters: add(table.id, options) as never, items: items as never, continueOnFail: true, typeVersion });
		expect(result.error).toBeUndefined();
		expect(outcome(result)).toEqual(expected);
		expect(namesIn(fx.sandbox, table).sort()).toEqual(expected[0] === 'ok' ? ['kept', 'only columns'] : ['only columns']);
		// a failed item is paired to its own input item
		const failed = result.items.findIndex((item) => item.json.error);
		expect(result.items[failed].pairedItem).toEqual({ item: failed });
	});

	test('Record → Update follows the same option', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
		const [id] = [...table.records.keys()];
		const update = { resource: 'record', operation: 'update', table: clayId(table.id), recordId: id, cells: clayAutoMap, options: { verify: false } };
		const ignored = await fx.harness.execute({ node: 'clay', parameters: update as never, items: [{ Name: 'b', Extra: 1 }], typeVersion: 2 });
		expect(ignored.error).toBeUndefined();
		// the column was sent, the other field left out (Clay applies an update later: its request is what counts)
		const patches = () => fx.sandbox.server.log.filter((request) => request.method === 'PATCH' && request.path.endsWith(`/tables/${table.id}/records`));
		const name = fx.sandbox.fieldId(table.id, 'Name');
		expect(patches().map((request) => request.body)).toEqual([{ records: [{ id, cells: { [name]: 'b' } }] }]);
		const failed = await fx.harness.execute({ node: 'clay', parameters: { ...update, options: { verify: false, otherFields: 'error' } } as never, items: [{ Name: 'c', Extra: 1 }], typeVersion: 2 });
		expect(failed.error?.message).toMatch(/^Item 0: `Extra` is not a column of table/);
		expect(patches()).toHaveLength(1);
	});
});

describe('Fields That Are Not Columns: Extruct', () => {
	let fx: ExtructFixture;
	beforeAll(async () => (fx = await extructFixture()));
	afterAll(async () => await fx.sandbox.close());
	const add = (tableId: string, options: Record<string, unknown>) => ({ resource: 'row', operation: 'add', table: { __rl: true, mode: 'id', value: tableId }, columns: { mappingMode: 'autoMapInputData', value: null }, options });
	const input = [{ input: 'https://a.example', Extra: 'x' }, { input: 'https://b.example' }, { Other: 1 }];

	test.each([
		['option not set: ignored', {}, ['ok', 'ok', 'Item 2: none of its fields (Other) is a column of the table; its columns are: input']],
		['Fail the Item', { otherFields: 'error' }, ['Item 0: `Extra` is not a column of the table; its columns are: input', 'ok', 'Item 2: `Other` is not a column of the table; its columns are: input']],
	])('%s', async (_name, options, expected) => {
		const table = fx.sandbox.seedTable({ name: 'Sites', kind: 'generic', columns: [{ kind: 'input', name: 'Input', key: 'input' }] });
		const result = await fx.run(add(table.id, options) as never, input as never, true);
		expect(result.error).toBeUndefined();
		expect(outcome(result)).toEqual(expected);
		expect(table.rows.map((row) => row.data.input?.value).sort()).toEqual(expected[0] === 'ok' ? ['https://a.example', 'https://b.example'] : ['https://b.example']);
	});
});

describe('Fields That Are Not Columns: JustPaid', () => {
	let fx: JustPaidFixture;
	beforeAll(async () => (fx = await justPaidFixture()));
	afterAll(async () => await fx.sandbox.close());
	const create = (tableId: string, options: Record<string, unknown>) => ({ resource: 'row', operation: 'create', table: byId(tableId), columns: autoMap(), options });
	const input = [{ Name: 'kept', Extra: 'x', id: 'from-another-node', _meta: 1 }, { Name: 'only columns' }, { Other: 1 }];

	test.each([
		['option not set: ignored', {}, ['ok', 'ok', 'Item 2: none of its fields (Other) is a column of the table; its columns are: Name'], [{ Name: 'kept' }, { Name: 'only columns' }]],
		['Fail the Item', { otherFields: 'error' }, ['Item 0: `Extra` is not a column of the table; its columns are: Name', 'ok', 'Item 2: `Other` is not a column of the table; its columns are: Name'], [{ Name: 'only columns' }]],
		['Write Them Too', { otherFields: 'send' }, ['ok', 'ok', 'ok'], [{ Name: 'kept', Extra: 'x' }, { Name: 'only columns' }, { Other: 1 }]],
	])('%s', async (_name, options, expected, stored) => {
		const table = fx.sandbox.seedTable({ name: 'People', columns: columnsOf([{ id: 'Name', name: 'Name', type: 'text' }]) });
		const result = await fx.run(create(table.id, options), input, true);
		expect(result.error).toBeUndefined();
		expect(outcome(result)).toEqual(expected);
		expect(storedData(fx, table.id)).toEqual(stored);
	});
});
