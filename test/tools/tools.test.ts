/**
 * The three action nodes as AI agent tools, run through n8n-core as n8n runs a tool node
 * (`<package>.<node>Tool`, parameters with `$fromAI()` resolved from the tool call's arguments,
 * which are the tool's input item), against the sandboxes. What an agent needs: tables by name,
 * row values as one JSON object, one-sentence descriptions, short answers, readable errors — and
 * the normal node unchanged.
 */
import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { Clay } from '../../nodes/Clay/Clay.node';
import { properties as clayProperties } from '../../nodes/Clay/actions';
import { authenticationProperties as clayAuthentication } from '../../nodes/Clay/auth';
import { Extruct } from '../../nodes/Extruct/Extruct.node';
import { properties as extructProperties } from '../../nodes/Extruct/actions';
import { JustPaid } from '../../nodes/JustPaid/JustPaid.node';
import { properties as justPaidProperties } from '../../nodes/JustPaid/actions';
import { TOOL_ANSWER_MAX_ITEMS } from '../../nodes/shared/tool';
import { clayFixture } from '../clay/setup';
import type { ClayFixture } from '../clay/setup';
import type { ExecuteResult } from '../harness/n8n';
import { extructFixture } from '../extruct/setup';
import type { ExtructFixture } from '../extruct/setup';
import { fromAI, toolVariant, withToolVariants } from '../harness/tools';
import { justPaidFixture, resetFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const agentTable = { __rl: true, mode: 'id', value: fromAI('table', 'Name or ID of the table') };
const agentValues = fromAI('values', 'The row as a JSON object of column → value', 'json');
/** A tool node's input item: the agent's own input (n8n 2.x adds it) and the call's arguments. */
const call = (args: Record<string, unknown>) => [{ chatInput: 'Find Acme and add it', sessionId: 's1', ...args, toolCallId: 'call_1' }];

// ---------------------------------------------------------------------------------------
// Descriptions

/** The parameters n8n resolves for a node of this description and these values (defaults filled in, hidden ones dropped). */
function resolved(description: INodeTypeDescription, values: Record<string, unknown>) {
	const node = { name: 'N', type: `n8n-nodes-enrichment-tables.${description.name}`, typeVersion: 1, parameters: values } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, values as never, true, false, node, description) ?? {};
}

/** The error a tool answered with: the run succeeds, and its one item is `{error}` for the model. */
function answeredError(result: ExecuteResult): string {
	expect(result.error).toBeUndefined();
	expect(result.json).toEqual([{ error: expect.any(String) }]);
	return String(result.json[0].error);
}

function operationsOf(properties: INodeProperties[]): Array<[string, string]> {
	return properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => (property.options ?? []).map((option) => [String(property.displayOptions?.show?.resource?.[0]), String((option as { value: unknown }).value)] as [string, string]));
}

describe.each([
	['Extruct', new Extruct() as INodeType, extructProperties],
	['JustPaid', new JustPaid() as INodeType, justPaidProperties],
	['Clay', new Clay() as INodeType, [...clayAuthentication, ...clayProperties]],
])('%s: the tool description', (service, node, original) => {
	const tool = toolVariant(node).description;
	const operations = operationsOf(original);

	test.each(operations)('%s → %s: one sentence for the model, in the tool node only', (resource, operation) => {
		const asTool = resolved(tool, { resource, operation });
		const sentence = String(asTool.toolDescription);
		expect(sentence).toMatch(/^[A-Z][^\n]{20,240}\.$/);
		expect(sentence.slice(0, -1)).not.toMatch(/\.\s/); // one sentence
		expect(sentence).toContain(service);
		expect(resolved(node.description, { resource, operation })).not.toHaveProperty('toolDescription');
	});

	test('the normal node resolves exactly the parameters it had before, for every operation', () => {
		const before = { ...node.description, properties: original };
		for (const [resource, operation] of operations) {
			expect(resolved(node.description, { resource, operation })).toEqual(resolved(before, { resource, operation }));
		}
	});

	test('"Values (JSON)" follows every column mapper, in the tool node only', () => {
		const mappers = tool.properties.filter((property) => property.type === 'resourceMapper');
		expect(mappers.length).toBeGreaterThan(0);
		for (const mapper of mappers) {
			const next = tool.properties[tool.properties.indexOf(mapper) + 1];
			expect(next).toEqual(expect.objectContaining({ name: 'valuesJson', type: 'json' }));
			expect(next.displayOptions?.show).toEqual({ ...mapper.displayOptions?.show, '@tool': [true] });
		}
	});

	test('an enrichment sentence says that it spends credits', () => {
		const enrichment = operations.filter(([resource]) => resource === 'enrichment');
		for (const [resource, operation] of enrichment) expect(String(resolved(tool, { resource, operation }).toolDescription)).toMatch(/credits/);
	});
});

// ---------------------------------------------------------------------------------------
// Extruct

describe('Extruct as a tool', () => {
	let fx: ExtructFixture;
	beforeAll(async () => {
		fx = await extructFixture();
		withToolVariants(fx.harness);
	});
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	const tool = async (parameters: Record<string, unknown>, args: Record<string, unknown>, continueOnFail = false) =>
		await fx.harness.execute({ node: 'extructTool', parameters: parameters as never, items: call(args), continueOnFail });

	test('adds a row to the table the model names, with the values it gives as one JSON object', async () => {
		const table = fx.sandbox.seedTable({ name: 'Agent leads', kind: 'company' });
		fx.sandbox.seedTable({ name: 'Agent leads (old)', kind: 'company' });
		const result = await tool(
			{ resource: 'row', operation: 'add', table: agentTable, columns: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues },
			{ table: 'Agent leads', values: { input: 'https://acme.example' } },
		);
		expect(result.error).toBeUndefined();
		const stored = fx.sandbox.tables.get(table.id)!.rows;
		expect(stored.map((row) => row.data.input?.value)).toEqual(['https://acme.example']);
		// The answer is the simplified row: values by column key, no cell metadata.
		expect(result.json).toEqual([expect.objectContaining({ id: stored[0].id, input: 'https://acme.example' })]);
		expect(JSON.stringify(result.json)).not.toMatch(/"status"|updated_at/);
		// The name cost one search; the agent's own input fields were not sent as row values.
		expect(fx.sandbox.server.requests('GET', /\/v1\/tables$/).map((entry) => entry.query?.search)).toEqual(['Agent leads']);
		expect(fx.sandbox.server.requests('POST', /\/rows$/).map((entry) => entry.body)).toEqual([
			expect.objectContaining({ rows: [expect.objectContaining({ data: { input: 'https://acme.example' } })] }),
		]);
	});

	test('a table named in another case, or by its ID, is the same table; an ID costs no lookup', async () => {
		const table = fx.sandbox.seedTable({ name: 'Case Table', kind: 'company', rows: [{ input: 'a.example' }] });
		const get = { resource: 'row', operation: 'getMany', table: agentTable };
		expect((await tool(get, { table: 'case table' })).json.map((row) => row.input)).toEqual(['a.example']);
		fx.sandbox.server.clearLog();
		expect((await tool(get, { table: table.id })).json.map((row) => row.input)).toEqual(['a.example']);
		expect(fx.sandbox.server.requests('GET', /\/v1\/tables$/)).toHaveLength(0);
	});

	test('Get Many returns at most its Limit, also with Return All; the normal node returns all', async () => {
		const table = fx.sandbox.seedTable({ name: 'Big', kind: 'company', rows: Array.from({ length: 120 }, (_, i) => ({ input: `c${i}.example` })) });
		const all = { resource: 'row', operation: 'getMany', table: byId(table.id), returnAll: true };
		expect((await tool(all, {})).json).toHaveLength(50);
		expect((await tool({ ...all, returnAll: false, limit: fromAI('limit', 'How many rows', 'number') }, { limit: 7 })).json).toHaveLength(7);
		expect((await fx.run(all)).json).toHaveLength(120);
	});

	test('an unknown table name reaches the model as a message listing the tables; the normal node reports Extruct\'s 404', async () => {
		fx.sandbox.seedTable({ name: 'Known table', kind: 'company' });
		const params = { resource: 'row', operation: 'getMany', table: agentTable };
		const result = await tool(params, { table: 'Prospects 2031' });
		expect(answeredError(result)).toMatch(/^Extruct has no table named "Prospects 2031", and no table has that ID\. Its tables are: .*"Known table".*Give a table's exact name or its ID\.$/);
		const onFail = await tool(params, { table: 'Prospects 2031' }, true);
		expect(onFail.json).toEqual(result.json);
		const normal = await fx.run({ ...params, table: byId('={{ $json.t }}') }, [{ t: 'Prospects 2031' }]);
		expect(normal.error?.message).toBe('Item 0: Not found in Extruct: Table not found');
	});

	test('two tables of one name: the item fails naming both IDs', async () => {
		const [a, b] = [fx.sandbox.seedTable({ name: 'Twin', kind: 'company' }), fx.sandbox.seedTable({ name: 'Twin', kind: 'company' })];
		const result = await tool({ resource: 'row', operation: 'getMany', table: agentTable }, { table: 'Twin' });
		expect(answeredError(result)).toContain('2 Extruct tables are named "Twin"');
		expect(answeredError(result)).toContain(a.id);
		expect(answeredError(result)).toContain(b.id);
	});

	test('a service error carries its advice in the message (the agent passes on only the message)', async () => {
		const table = fx.sandbox.seedTable({ name: 'Gone', kind: 'company' });
		const result = await tool({ resource: 'row', operation: 'get', table: byId(table.id), rowId: fromAI('row_id') }, { row_id: '00000000-0000-4000-8000-000000000000' });
		expect(answeredError(result)).toBe('Not found in Extruct: Row not found — The table, row or column ID is wrong, or it belongs to another workspace.');
	});

	test('runs enrichment of the row the model names and answers with the enriched row', async () => {
		const table = fx.sandbox.seedTable({
			name: 'Enrich me',
			kind: 'company',
			columns: [{ kind: 'agent', name: 'CEO', key: 'ceo', value: { agent_type: 'research_pro', prompt: 'Who is the CEO of {input}?', output_format: 'text' } }],
		});
		const [row] = fx.sandbox.addRows(table.id, [{ input: 'acme.example' }]);
		const result = await tool(
			{ resource: 'enrichment', operation: 'run', table: agentTable, rowsSource: 'items', rowId: fromAI('row_id'), wait: true },
			{ table: 'Enrich me', row_id: row.id },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([expect.objectContaining({ id: row.id, input: 'acme.example', ceo: expect.objectContaining({ answer: expect.any(String) }) })]);
		expect(result.json[0]).not.toHaveProperty('_status');
	});
});

// ---------------------------------------------------------------------------------------
// JustPaid

describe('JustPaid as a tool', () => {
	let fx: JustPaidFixture;
	beforeAll(async () => {
		fx = await justPaidFixture();
		withToolVariants(fx.harness);
	});
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => resetFixture(fx));

	const tool = async (parameters: Record<string, unknown>, args: Record<string, unknown>) =>
		await fx.harness.execute({ node: 'justPaidTool', parameters: parameters as never, items: call(args) });

	test('creates a row in the table the model names; values are checked against the columns as always', async () => {
		const table = fx.sandbox.seedTable({ name: 'Deals', columns: [{ name: 'company', type: 'text' }, { name: 'amountCents', type: 'number' }] });
		const create = { resource: 'row', operation: 'create', table: agentTable, columns: { mappingMode: 'defineBelow', value: null }, valuesJson: agentValues };
		const result = await tool(create, { table: 'Deals', values: { company: 'Acme', amountCents: '9900' } });
		expect(result.error).toBeUndefined();
		expect(fx.sandbox.tables.get(table.id)!.rows.map((row) => row.data)).toEqual([{ company: 'Acme', amountCents: 9900 }]);
		expect(result.json).toEqual([expect.objectContaining({ id: expect.any(String), company: 'Acme', amountCents: 9900 })]);

		const bad = await tool(create, { table: 'Deals', values: { company: 'Acme', amountCents: 'lots' } });
		expect(answeredError(bad)).toMatch(/^`amountCents` must be a number, got "lots" — Nothing was sent for this item\./);
		const notAnObject = await tool(create, { table: 'Deals', values: ['Acme'] });
		expect(answeredError(notAnObject)).toMatch(/"Values \(JSON\)" must be a JSON object/);
	});

	test('an answer without a Limit keeps its first 100 items and says how many there were', async () => {
		const table = fx.sandbox.seedTable({ name: 'Queue', columns: [{ name: 'status', type: 'text' }], rows: Array.from({ length: 130 }, () => ({ status: 'open' })) });
		const find = { resource: 'row', operation: 'find', table: byId(table.id), column: 'status', value: fromAI('status'), match: 'all' };
		const result = await tool(find, { status: 'open' });
		expect(result.json).toHaveLength(TOOL_ANSWER_MAX_ITEMS + 1);
		expect(result.json.at(-1)).toEqual({ _note: `Showing the first ${TOOL_ANSWER_MAX_ITEMS} of 130 items. Use a Get Many tool with a Limit to read rows in smaller parts.` });
		expect((await fx.run(find, call({ status: 'open' }))).json).toHaveLength(130);
	});

	test('an unknown table name lists the company\'s tables', async () => {
		fx.sandbox.seedTable({ name: 'Invoices', columns: [] });
		const result = await tool({ resource: 'row', operation: 'getMany', table: agentTable }, { table: 'Invoicez' });
		expect(answeredError(result)).toMatch(/^JustPaid has no table named "Invoicez", and no table has that ID\. Its tables are: .*"Invoices"/);
	});
});

// ---------------------------------------------------------------------------------------
// Clay

describe('Clay as a tool', () => {
	let fx: ClayFixture;
	beforeAll(async () => {
		fx = await clayFixture();
		withToolVariants(fx.harness);
	});
	afterAll(async () => await fx.sandbox.close());

	const tool = async (parameters: Record<string, unknown>, args: Record<string, unknown>) =>
		await fx.harness.execute({ node: 'clayTool', parameters: parameters as never, items: call(args) });

	test('adds a record to the table the model names, by column names, and reads it back', async () => {
		const table = fx.sandbox.seedTable({ name: 'Agent prospects', fields: [{ name: 'Company' }, { name: 'Domain', type: 'url' }] });
		const added = await tool(
			{ resource: 'record', operation: 'add', table: agentTable, cells: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues },
			{ table: 'Agent prospects', values: { Company: 'Acme', Domain: 'acme.example' } },
		);
		expect(added.error).toBeUndefined();
		const [record] = [...fx.sandbox.tables.get(table.id)!.records.values()];
		expect(record.cells[fx.sandbox.fieldId(table.id, 'Company')]).toEqual(expect.objectContaining({ value: 'Acme' }));
		expect(added.json).toEqual([expect.objectContaining({ id: record.id, Company: 'Acme', Domain: 'acme.example' })]);

		const read = await tool({ resource: 'record', operation: 'get', table: agentTable, recordId: fromAI('record_id') }, { table: 'Agent prospects', record_id: record.id });
		expect(read.json).toEqual([expect.objectContaining({ id: record.id, Company: 'Acme', Domain: 'acme.example' })]);
		expect(JSON.stringify(read.json)).not.toMatch(/metadata/);
	});

	test('an unknown column in the JSON fails with the table\'s column names', async () => {
		fx.sandbox.seedTable({ name: 'Strict', fields: [{ name: 'Company' }] });
		const result = await tool(
			{ resource: 'record', operation: 'add', table: agentTable, cells: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues },
			{ table: 'Strict', values: { Compnay: 'Acme' } },
		);
		expect(answeredError(result)).toMatch(/`Compnay` is not a column of table "Strict".*its columns are: Company/);
	});
});
