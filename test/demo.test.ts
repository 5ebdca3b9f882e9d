/**
 * The Quick start workflows (docs/development.md), run whole by n8n-core's WorkflowExecute through the
 * harness with the SOURCE node classes (`npm run demo` runs the same with the built ones from
 * dist/): examples/extruct-enrich-companies.json against the Extruct sandbox, and
 * examples/clay-webhook-enrich-lead.json, started by hand, against the Clay sandbox in the live
 * API's shapes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ClayApi } from '../credentials/ClayApi.credentials';
import { ExtructApi } from '../credentials/ExtructApi.credentials';
import { Clay } from '../nodes/Clay/Clay.node';
import { Extruct } from '../nodes/Extruct/Extruct.node';
import { startClaySandbox } from '../sandbox/clay';
import type { ClaySandbox } from '../sandbox/clay';
import { EXAMPLE_COMPANY_COLUMNS, EXAMPLE_LEAD_FIELDS, EXAMPLE_LEADS } from '../sandbox/examples';
import { startExtructSandbox } from '../sandbox/extruct';
import type { ExtructSandbox } from '../sandbox/extruct';
import { clayExampleByHand } from './harness/examples';
import { Harness, MANUAL_TRIGGER } from './harness/n8n';
import type { WorkflowJson } from './harness/n8n';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'extruct-enrich-companies.json');
const NODE_TYPE = 'n8n-nodes-enrichment-tables.extruct';
const CLAY_EXAMPLE = path.join(__dirname, '..', 'examples', 'clay-webhook-enrich-lead.json');
const CLAY_TYPE = 'n8n-nodes-enrichment-tables.clay';

let sandbox: ExtructSandbox;
let harness: Harness;

beforeAll(async () => {
	sandbox = await startExtructSandbox({ cellStartMs: 20, cellDurationMs: 100 });
	harness = new Harness({ nodes: [new Extruct()], credentials: [new ExtructApi()] });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.server.clearLog());

const readExample = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as WorkflowJson;

function seedCompanyTable() {
	return sandbox.seedTable({
		name: 'Demo companies',
		kind: 'company',
		columns: EXAMPLE_COMPANY_COLUMNS,
	});
}

/** The example with both table locators set to `tableId`, as the demo does. */
function exampleFor(tableId: string): WorkflowJson {
	const workflow = readExample();
	for (const node of workflow.nodes.filter((n) => n.type === NODE_TYPE)) {
		node.parameters.table = { __rl: true, mode: 'id', value: tableId } as unknown as INodeParameters[string];
	}
	return workflow;
}

const credentials = () => ({ extructApi: { apiToken: sandbox.token, baseUrl: sandbox.url } });

describe('examples/extruct-enrich-companies.json', () => {
	test('is an importable n8n workflow: Manual Trigger (pinned companies) → Add Companies → Enrich', () => {
		const workflow = readExample();
		expect(workflow.settings).toEqual({ executionOrder: 'v1' });
		expect(workflow.nodes.map((node) => [node.name, node.type, node.typeVersion])).toEqual([
			['Manual Trigger', MANUAL_TRIGGER, 1],
			['Add Companies', NODE_TYPE, 1],
			['Enrich', NODE_TYPE, 1],
		]);
		for (const node of workflow.nodes) {
			expect(typeof node.id).toBe('string');
			expect(node.position).toHaveLength(2);
		}
		const [, add, enrich] = workflow.nodes;
		for (const node of [add, enrich]) {
			expect(node.credentials).toEqual({ extructApi: { id: '1', name: 'Extruct account' } });
			expect(node.parameters.table).toEqual({ __rl: true, mode: 'list', value: '', cachedResultName: '' });
		}
		expect(add.parameters).toMatchObject({ resource: 'row', operation: 'add', columns: { mappingMode: 'autoMapInputData' } });
		expect(enrich.parameters).toMatchObject({ resource: 'enrichment', operation: 'run', rowsSource: 'items', rowId: '={{ $json.id }}', wait: true, simplify: true });
		expect(workflow.connections).toEqual({
			'Manual Trigger': { main: [[{ node: 'Add Companies', type: 'main', index: 0 }]] },
			'Add Companies': { main: [[{ node: 'Enrich', type: 'main', index: 0 }]] },
		});
		const pinned = workflow.pinData?.['Manual Trigger'] ?? [];
		expect(pinned.length).toBeGreaterThanOrEqual(3);
		for (const item of pinned) expect(item).toEqual({ json: { input: expect.stringMatching(/^https:\/\//) } });
	});

	test('runs end to end: each pinned company is added once and comes out enriched, paired to its item', async () => {
		const table = seedCompanyTable();
		const workflow = exampleFor(table.id);
		const before = JSON.stringify(workflow);
		const pinned = (workflow.pinData!['Manual Trigger'] as Array<{ json: IDataObject }>).map((item) => item.json.input as string);

		const result = await harness.executeWorkflow(workflow, { credentials: credentials() });

		expect(result.error).toBeUndefined();
		expect(JSON.stringify(workflow)).toBe(before); // the harness works on a copy
		expect(result.outputs['Manual Trigger']).toEqual(pinned.map((input) => ({ input })));

		// every pinned company became a row exactly once
		const stored = sandbox.tables.get(table.id)!.rows.map((row) => row.data.input.value);
		expect([...stored].sort()).toEqual([...pinned].sort());
		expect(sandbox.server.requests('POST', '/v1/tables/:id/rows')).toHaveLength(1);
		expect(sandbox.server.requests('POST', '/v1/tables/:id/run')).toHaveLength(1);
		expect(sandbox.server.log.every((request) => request.headers.authorization === `Bearer ${sandbox.token}`)).toBe(true);

		// Add Companies: one row per pinned item, paired to it
		const added = result.items['Add Companies'];
		expect(added).toHaveLength(pinned.length);
		added.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.input).toBe(pinned[i]);
		});

		// Enrich: one enriched row per company, paired to the Add Companies item of the same row
		const enriched = result.items.Enrich;
		expect(enriched).toHaveLength(pinned.length);
		enriched.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.id).toBe(added[i].json.id);
			expect(item.json.input).toBe(pinned[i]);
			expect(item.json._status).toBeUndefined();
			expect(item.json.funding_stage).toEqual(
				expect.objectContaining({ answer: expect.stringMatching(/\S/), source: expect.any(Array), explanation: expect.any(String) }),
			);
			expect(['Yes', 'Likely', 'No']).toContain((item.json.sells_to_enterprises as IDataObject).answer);
		});
		expect(result.outputs.Enrich).toEqual(enriched.map((item) => item.json));
	});

	test('without pinData the Manual Trigger stand-in emits one empty item (and Add Companies says what is missing)', async () => {
		const table = seedCompanyTable();
		const workflow = exampleFor(table.id);
		delete workflow.pinData;

		const result = await harness.executeWorkflow(workflow, { credentials: credentials() });

		expect(result.outputs['Manual Trigger']).toEqual([{}]);
		expect(result.errorNode).toBe('Add Companies');
		expect(result.error?.message).toMatch(/^Item 0: none of its fields/);
		expect(result.outputs.Enrich).toBeUndefined();
		expect(sandbox.tables.get(table.id)!.rows).toHaveLength(0);
	});

	test('credentials come from the harness map when the options give none', async () => {
		const table = seedCompanyTable();
		const withData = new Harness({ nodes: [new Extruct()], credentials: [new ExtructApi()], data: credentials() });
		const result = await withData.executeWorkflow(exampleFor(table.id));
		expect(result.error).toBeUndefined();
		expect(result.outputs.Enrich).toHaveLength(sandbox.tables.get(table.id)!.rows.length);

		const none = await harness.executeWorkflow(exampleFor(table.id));
		expect(none.errorNode).toBe('Add Companies');
		expect(none.error?.message).toContain('No credentials of type extructApi');
	});
});

describe('examples/clay-webhook-enrich-lead.json, started by hand as the demo does', () => {
	let clay: ClaySandbox;
	let clayHarness: Harness;
	beforeAll(async () => {
		clay = await startClaySandbox({ shapes: 'live', runStartMs: 20, runDurationMs: 100 });
		clayHarness = new Harness({ nodes: [new Clay()], credentials: [new ClayApi()], data: { clayApi: { sessionToken: clay.session, baseUrl: clay.url } } });
	});
	afterAll(async () => await clay.close());

	test('each lead is added once, keyed by Email, and comes out enriched; run again, none is added', async () => {
		const table = clay.seedTable({ name: 'Demo leads', fields: EXAMPLE_LEAD_FIELDS });
		const workflow = clayExampleByHand(JSON.parse(readFileSync(CLAY_EXAMPLE, 'utf8')) as WorkflowJson, table.id);
		expect(workflow.nodes.map((node) => node.type)).toEqual([MANUAL_TRIGGER, CLAY_TYPE, CLAY_TYPE]);

		const result = await clayHarness.executeWorkflow(workflow);
		expect(result.error).toBeUndefined();
		const enriched = result.outputs['Enrich Lead'];
		expect(enriched.map((record) => [record.Name, record.Email])).toEqual(EXAMPLE_LEADS.map(({ body }) => [body.name, body.email]));
		for (const record of enriched) {
			expect(record._status).toBeUndefined();
			expect(record['Company Domain']).toEqual(expect.objectContaining({ answer: expect.any(String) }));
			expect(record.Headcount).toEqual(expect.objectContaining({ answer: expect.any(String) }));
		}
		expect(table.records.size).toBe(EXAMPLE_LEADS.length);
		expect(clay.server.requests('PATCH', `/v3/tables/${table.id}/run`)).toHaveLength(1);

		const again = await clayHarness.executeWorkflow(workflow);
		expect(again.error).toBeUndefined();
		expect(again.outputs['Add Lead To Clay'].map((record) => record._existing)).toEqual(EXAMPLE_LEADS.map(() => true));
		expect(table.records.size).toBe(EXAMPLE_LEADS.length);
	});
});
