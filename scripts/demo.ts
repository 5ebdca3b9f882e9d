/**
 * `npm run demo`: the README's Quick start.
 *
 * Builds the package (npm does, before this script), loads the BUILT Extruct node and
 * credential from dist/ — so the demo proves what would be published —, starts the local
 * Extruct sandbox, seeds a company table with an AI agent column and a criterion grade
 * column, and runs examples/extruct-enrich-companies.json through n8n's own execution
 * engine (n8n-core's WorkflowExecute, manual mode, as "Execute workflow" in the editor):
 * Manual Trigger (5 pinned companies) → Extruct "Add Companies" → Extruct "Enrich".
 * Then it prints the enriched rows, the requests the sandbox received and the time taken.
 *
 * Exit code 0 on success; 1 with a message on stderr otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EXAMPLE_COMPANY_COLUMNS } from '../sandbox/examples';
import { startExtructSandbox } from '../sandbox/extruct';
import type { ExtructSandbox, ExtructTable } from '../sandbox/extruct';
import { Harness } from '../test/harness/n8n';
import type { WorkflowJson } from '../test/harness/n8n';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = 'examples/extruct-enrich-companies.json';
const NODE_TYPE = 'n8n-nodes-enrichment-tables.extruct';

class DemoError extends Error {}

/** The Extruct node and credential as built into dist/ by `npm run build`. */
function loadBuilt() {
	const nodeFile = path.join(ROOT, 'dist/nodes/Extruct/Extruct.node.js');
	const credentialFile = path.join(ROOT, 'dist/credentials/ExtructApi.credentials.js');
	for (const file of [nodeFile, credentialFile]) {
		if (!existsSync(file)) throw new DemoError(`${path.relative(ROOT, file)} is missing: run "npm run build" first ("npm run demo" does).`);
	}
	// Types from the sources, code from dist/.
	const { Extruct } = require(nodeFile) as typeof import('../nodes/Extruct/Extruct.node');
	const { ExtructApi } = require(credentialFile) as typeof import('../credentials/ExtructApi.credentials');
	return { Extruct, ExtructApi, nodeFile, credentialFile };
}

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

async function main(): Promise<void> {
	const built = loadBuilt();
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
		console.log(`Node:       ${path.relative(ROOT, built.nodeFile)}`);
		console.log(`Credential: ${path.relative(ROOT, built.credentialFile)}`);
		console.log(`Workflow:   ${EXAMPLE} — "${workflow.name}", ${pinned.length} pinned companies → table "${table.name}"`);
		console.log('');

		const started = Date.now();
		const result = await harness.executeWorkflow(workflow);
		const elapsed = Date.now() - started;

		if (result.error) {
			const error = result.error as Error & { description?: string };
			throw new DemoError(
				`the workflow failed in node "${result.errorNode ?? '?'}": ${error.message}${error.description ? `\n  ${error.description}` : ''}`,
			);
		}
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

		const byRoute = new Map<string, number>();
		for (const request of sandbox.server.log) {
			const route = request.route ?? `${request.method} ${request.path}`;
			byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
		}
		const cells = enriched.length * columns.filter((column) => column.kind !== 'input').length;
		console.log(`${enriched.length} companies added and enriched (${cells} cells) in ${(elapsed / 1000).toFixed(1)} s.`);
		console.log(`The Extruct sandbox received ${sandbox.server.log.length} requests:`);
		for (const [route, count] of byRoute) console.log(`  ${String(count).padStart(3)} × ${route}`);
	} finally {
		await sandbox.close();
	}
}

main()
	.then(() => {
		process.exitCode = 0;
	})
	.catch((error: Error) => {
		console.error(`\nDemo failed: ${error instanceof DemoError ? error.message : (error.stack ?? String(error))}`);
		process.exitCode = 1;
	});
