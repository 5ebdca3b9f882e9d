/**
 * `npm run demo`: the Quick start of docs/development.md.
 *
 * Builds the package (npm does, before this script), loads the BUILT nodes and credentials
 * from dist/ — so the demo proves what would be published —, and runs two examples through
 * n8n's own execution engine (n8n-core's WorkflowExecute, manual mode, as "Execute workflow"
 * in the editor), each against its local sandbox:
 * - Extruct: a company table with an AI agent column and a criterion grade column;
 *   examples/extruct-enrich-companies.json: Manual Trigger (5 pinned companies) → Extruct
 *   "Add Companies" → Extruct "Enrich".
 * - Clay, the sandbox answering in the live API's shapes: a lead table with two enrichment
 *   columns; examples/clay-webhook-enrich-lead.json, its webhook replaced by a Manual Trigger
 *   with 3 pinned leads: Clay "Add Lead To Clay" (keyed by Email) → Clay "Enrich Lead" (every
 *   enrichment column, waiting for the results). It runs twice: the second run finds each
 *   lead's record and adds nothing.
 * Each prints the enriched rows, the requests its sandbox received and the time taken.
 *
 * Exit code 0 on success; 1 with a message on stderr otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startClaySandbox } from '../sandbox/clay';
import { EXAMPLE_COMPANY_COLUMNS, EXAMPLE_LEAD_FIELDS, EXAMPLE_LEADS } from '../sandbox/examples';
import { startExtructSandbox } from '../sandbox/extruct';
import type { ExtructSandbox, ExtructTable } from '../sandbox/extruct';
import { clayExampleByHand } from '../test/harness/examples';
import { Harness } from '../test/harness/n8n';
import type { WorkflowJson } from '../test/harness/n8n';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = 'examples/extruct-enrich-companies.json';
const NODE_TYPE = 'n8n-nodes-enrichment-tables.extruct';
const CLAY_EXAMPLE = 'examples/clay-webhook-enrich-lead.json';

class DemoError extends Error {}

/** The nodes and credentials as built into dist/ by `npm run build`. */
function loadBuilt() {
	const files = {
		extruct: path.join(ROOT, 'dist/nodes/Extruct/Extruct.node.js'),
		extructApi: path.join(ROOT, 'dist/credentials/ExtructApi.credentials.js'),
		clay: path.join(ROOT, 'dist/nodes/Clay/Clay.node.js'),
		clayApi: path.join(ROOT, 'dist/credentials/ClayApi.credentials.js'),
	};
	for (const file of Object.values(files)) {
		if (!existsSync(file)) throw new DemoError(`${path.relative(ROOT, file)} is missing: run "npm run build" first ("npm run demo" does).`);
	}
	// Types from the sources, code from dist/.
	const { Extruct } = require(files.extruct) as typeof import('../nodes/Extruct/Extruct.node');
	const { ExtructApi } = require(files.extructApi) as typeof import('../credentials/ExtructApi.credentials');
	const { Clay } = require(files.clay) as typeof import('../nodes/Clay/Clay.node');
	const { ClayApi } = require(files.clayApi) as typeof import('../credentials/ClayApi.credentials');
	return { Extruct, ExtructApi, Clay, ClayApi, files };
}

type Built = ReturnType<typeof loadBuilt>;

/** The example workflow with both table locators pointing at `tableId` ("By ID"). */
function loadWorkflow(tableId: string): WorkflowJson {
	const workflow = JSON.parse(readFileSync(path.join(ROOT, EXAMPLE), 'utf8')) as WorkflowJson;
	const extructNodes = workflow.nodes.filter((node) => node.type === NODE_TYPE);
	if (extructNodes.length !== 2) throw new DemoError(`${EXAMPLE} should have two Extruct nodes, it has ${extructNodes.length}`);
	for (const node of extructNodes) {
		node.parameters.table = { __rl: true, mode: 'id', value: tableId } as unknown as INodeParameters[string];
	}
	return workflow;
}

function seedTable(sandbox: ExtructSandbox): ExtructTable {
	return sandbox.seedTable({
		name: 'Demo companies',
		kind: 'company',
		columns: EXAMPLE_COMPANY_COLUMNS,
	});
}

/** A cell value as one short line: agent and grade answers show their `answer`. */
function display(value: unknown, width = 30): string {
	let text: string;
	if (value === null || value === undefined) text = '';
	else if (Array.isArray(value)) text = value.map((entry) => display(entry, Infinity)).join(', ');
	else if (typeof value === 'object') {
		const object = value as IDataObject;
		text =
			'answer' in object
				? display(object.answer, Infinity)
				: Object.values(object)
						.filter((entry) => entry === null || typeof entry !== 'object')
						.map(String)
						.join(' · ');
	} else text = String(value);
	text = text.replace(/\s+/g, ' ').trim();
	return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function printTable(headers: string[], rows: string[][]): void {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join(' │ ').trimEnd();
	console.log(line(headers));
	console.log(widths.map((width) => '─'.repeat(width)).join('─┼─'));
	for (const row of rows) console.log(line(row));
}

async function extructDemo(built: Built): Promise<void> {
	const sandbox = await startExtructSandbox({ cellStartMs: 200, cellDurationMs: 400 });
	try {
		const table = seedTable(sandbox);
		const workflow = loadWorkflow(table.id);
		const pinned = Object.values(workflow.pinData ?? {})[0] ?? [];
		const harness = new Harness({
			nodes: [new built.Extruct()],
			credentials: [new built.ExtructApi()],
			data: { extructApi: { apiToken: sandbox.token, baseUrl: sandbox.url } },
		});

		console.log(`Extruct sandbox: ${sandbox.url} (a local stand-in for api.extruct.ai; its values are made up)`);
		console.log(`Node:       ${path.relative(ROOT, built.files.extruct)}`);
		console.log(`Credential: ${path.relative(ROOT, built.files.extructApi)}`);
		console.log(`Workflow:   ${EXAMPLE} — "${workflow.name}", ${pinned.length} pinned companies → table "${table.name}"`);
		console.log('');

		const { result, elapsed } = await runExample(harness, workflow);
		const enriched = result.outputs.Enrich ?? [];
		if (enriched.length !== pinned.length) {
			throw new DemoError(`"Enrich" output ${enriched.length} items for ${pinned.length} pinned companies`);
		}
		const pending = enriched.filter((row) => row._status !== undefined);
		if (pending.length) throw new DemoError(`${pending.length} row(s) were not fully enriched: ${JSON.stringify(pending[0]._status)}`);

		const columns = sandbox.tables.get(table.id)!.columns.map((column) => column.config);
		printTable(
			columns.map((column) => column.name),
			enriched.map((row) => columns.map((column) => display(row[column.key]))),
		);
		console.log('');

		const cells = enriched.length * columns.filter((column) => column.kind !== 'input').length;
		console.log(`${enriched.length} companies added and enriched (${cells} cells) in ${(elapsed / 1000).toFixed(1)} s.`);
		printRequests('Extruct', sandbox.server.log);
	} finally {
		await sandbox.close();
	}
}

/** Runs an example through n8n's execution engine; a failed run is the demo's error, naming the node. */
async function runExample(harness: Harness, workflow: WorkflowJson): Promise<{ result: Awaited<ReturnType<Harness['executeWorkflow']>>; elapsed: number }> {
	const started = Date.now();
	const result = await harness.executeWorkflow(workflow);
	const elapsed = Date.now() - started;
	if (result.error) {
		const error = result.error as Error & { description?: string };
		throw new DemoError(`"${workflow.name}" failed in node "${result.errorNode ?? '?'}": ${error.message}${error.description ? `\n  ${error.description}` : ''}`);
	}
	return { result, elapsed };
}

/** The requests a sandbox received, by route. */
function printRequests(service: string, log: Array<{ method: string; path: string; route?: string }>): void {
	const byRoute = new Map<string, number>();
	for (const request of log) {
		const route = request.route ?? `${request.method} ${request.path}`;
		byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
	}
	console.log(`The ${service} sandbox received ${log.length} requests:`);
	for (const [route, count] of byRoute) console.log(`  ${String(count).padStart(3)} × ${route}`);
}

async function clayDemo(built: Built): Promise<void> {
	const sandbox = await startClaySandbox({ shapes: 'live', runStartMs: 200, runDurationMs: 400 });
	try {
		const table = sandbox.seedTable({ name: 'Demo leads', fields: EXAMPLE_LEAD_FIELDS });
		const workflow = clayExampleByHand(JSON.parse(readFileSync(path.join(ROOT, CLAY_EXAMPLE), 'utf8')) as WorkflowJson, table.id);
		const harness = new Harness({
			nodes: [new built.Clay()],
			credentials: [new built.ClayApi()],
			data: { clayApi: { sessionToken: sandbox.session, baseUrl: sandbox.url } },
		});

		console.log(`Clay sandbox: ${sandbox.url} (a local stand-in for api.clay.com answering in the live API's shapes; its values are made up)`);
		console.log(`Node:       ${path.relative(ROOT, built.files.clay)}`);
		console.log(`Credential: ${path.relative(ROOT, built.files.clayApi)}`);
		console.log(`Workflow:   ${CLAY_EXAMPLE} — "${workflow.name}", its webhook replaced by ${EXAMPLE_LEADS.length} pinned leads → table "${table.name}"`);
		console.log('');

		const { result, elapsed } = await runExample(harness, workflow);
		const enriched = result.outputs['Enrich Lead'] ?? [];
		if (enriched.length !== EXAMPLE_LEADS.length) throw new DemoError(`"Enrich Lead" output ${enriched.length} items for ${EXAMPLE_LEADS.length} leads`);
		const pending = enriched.filter((record) => record._status !== undefined);
		if (pending.length) throw new DemoError(`${pending.length} record(s) were not fully enriched: ${JSON.stringify(pending[0]._status)}`);
		const names = EXAMPLE_LEAD_FIELDS.map((field) => field.name);
		printTable(names, enriched.map((record) => names.map((name) => display(record[name]))));
		console.log('');
		console.log(`${enriched.length} leads added to Clay and enriched (${enriched.length * 2} cells) in ${(elapsed / 1000).toFixed(1)} s.`);
		printRequests('Clay', sandbox.server.log);

		// the same leads again: Add finds each lead's record by its Email and creates nothing
		const { result: again } = await runExample(harness, workflow);
		const existing = (again.outputs['Add Lead To Clay'] ?? []).filter((record) => record._existing === true).length;
		if (table.records.size !== EXAMPLE_LEADS.length || existing !== EXAMPLE_LEADS.length) {
			throw new DemoError(`the second run should find the ${EXAMPLE_LEADS.length} leads; the table holds ${table.records.size} records, ${existing} found`);
		}
		console.log(`Run again with the same leads: all ${existing} found by Email, none added (the table holds ${table.records.size} records).`);
	} finally {
		await sandbox.close();
	}
}

async function main(): Promise<void> {
	const built = loadBuilt();
	await extructDemo(built);
	console.log('');
	await clayDemo(built);
}

main()
	.then(() => {
		process.exitCode = 0;
	})
	.catch((error: Error) => {
		console.error(`\nDemo failed: ${error instanceof DemoError ? error.message : (error.stack ?? String(error))}`);
		process.exitCode = 1;
	});
