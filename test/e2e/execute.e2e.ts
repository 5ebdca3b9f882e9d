/**
 * The packed package in a real n8n, run headless: installed into a fresh user folder as the
 * Community Nodes panel installs it, credentials pointing at the in-process sandboxes imported
 * with `n8n import:credentials`, each workflow of examples/ imported with `n8n import:workflow`
 * and run with `n8n execute --id`; then n8n's printed result and the sandbox's stored rows are
 * checked. Add cases in cases.ts. (Examples started by a webhook or a polling trigger run in
 * the n8n that editor.e2e.ts starts.)
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowJson } from '../harness/n8n';

import { credentialsFor, EXAMPLES, exampleFiles, loadExample, startSandboxes } from './cases';
import type { ExecutedExample, Sandboxes } from './cases';
import {
	assertN8nInstalled,
	assertPackageLoaded,
	createUserFolder,
	errorsOf,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	n8nCli,
	N8N_VERSION,
	PACKAGE_NAME,
} from './n8n';
import type { UserFolder } from './n8n';

/**
 * `n8n execute` runs a workflow in n8n's `cli` mode, and n8n 2.41 applies pinned data only in
 * `manual` mode (the editor's "Execute workflow"; see WorkflowRunner.resolvePinData), so a
 * trigger's pinned items would be replaced by the trigger's own single empty item. To run an
 * example as the editor would, each pinned node keeps its place and a Code node right after it
 * emits the pinned items (n8n's own node, run by n8n's task runner); nothing else changes.
 */
function pinDataAsNodes(workflow: WorkflowJson & { id: string }): WorkflowJson & { id: string } {
	const copy = structuredClone(workflow);
	const pinData = copy.pinData ?? {};
	delete copy.pinData;
	for (const [name, items] of Object.entries(pinData)) {
		const node = copy.nodes.find((candidate) => candidate.name === name);
		if (!node) throw new Error(`pinData names a node the workflow does not have: "${name}"`);
		const json = (items ?? []).map((item) => ('json' in item && typeof item.json === 'object' ? item.json : item));
		const emitter = `${name} (pinned data)`;
		copy.nodes.push({
			id: `${node.id}-pinned`,
			name: emitter,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [node.position[0], node.position[1] + 200],
			parameters: { jsCode: `return ${JSON.stringify(json.map((entry) => ({ json: entry })))};` },
		});
		copy.connections[emitter] = copy.connections[name] ?? { main: [[]] };
		copy.connections[name] = { main: [[{ node: emitter, type: 'main' as never, index: 0 }]] };
	}
	return copy;
}

/** n8n-style workflow ids: 16 letters and digits. */
const workflowId = (index: number) => `e2eExample${String(index).padStart(6, '0')}`;

describe(`the packed package in n8n ${N8N_VERSION}: examples/ run with "n8n execute"`, () => {
	let sandboxes: Sandboxes | undefined;
	let folder: UserFolder | undefined;

	beforeAll(async () => {
		assertN8nInstalled();
		sandboxes = await startSandboxes();
		const started = Date.now();
		folder = await createUserFolder('execute');
		const installed = Date.now();
		await importCredentials(folder, credentialsFor(sandboxes));
		console.log(
			`[e2e] package installed into ${folder.nodesDir} in ${((installed - started) / 1000).toFixed(1)} s; credentials imported in ${((Date.now() - installed) / 1000).toFixed(1)} s`,
		);
	}, 300_000);

	afterAll(async () => {
		await sandboxes?.close();
		folder?.remove();
	});

	test('every workflow in examples/ has a case in test/e2e/cases.ts', () => {
		expect(EXAMPLES.map((example) => example.file).sort()).toEqual(exampleFiles());
	});

	const executed = EXAMPLES.filter((example): example is ExecutedExample => example.start === 'execute');
	test.each(executed.map((example, index) => [example.file, example, index] as const))(
		'%s: imported and executed by n8n; its output and the sandbox agree',
		async (file: string, example: ExecutedExample, index: number) => {
			const workflow = loadExample(file, workflowId(index));
			const context = example.prepare(sandboxes!, workflow);
			await importWorkflow(folder!, pinDataAsNodes(workflow));

			const result = await executeWorkflow(folder!, workflow.id);
			console.log(`[e2e] n8n execute ${file}: exit ${result.code} in ${(result.ms / 1000).toFixed(1)} s`);
			assertPackageLoaded(result.stdout);
			if (result.code !== 0 || !result.run || result.run.status !== 'success') {
				const error = result.run?.data.resultData.error;
				throw new Error(
					`n8n execute of ${file} failed (exit ${result.code}, status ${result.run?.status ?? 'none printed'})` +
						(error ? ` in node "${error.node?.name ?? result.run?.data.resultData.lastNodeExecuted}": ${error.message}${error.description ? `\n  ${error.description}` : ''}` : `:\n${errorsOf(result.stdout + result.stderr)}`),
				);
			}
			example.verify(result, sandboxes!, context);
		},
	);

	test('self-check: a package n8n cannot load fails the suite with n8n\'s reason', async () => {
		const broken = await createUserFolder('broken');
		try {
			const { n8n } = JSON.parse(readFileSync(path.join(broken.packageDir, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
			// As if a node's file were missing from package.json's `files`.
			rmSync(path.join(broken.packageDir, n8n.nodes[0]));
			const result = await n8nCli(broken, ['execute', '--id=doesNotExist0001'], { log: 'execute-broken-package' });
			expect(() => assertPackageLoaded(result.stdout)).toThrow(
				new RegExp(`did not load the community package ${PACKAGE_NAME}:[\\s\\S]*Cannot find module[\\s\\S]*${path.basename(n8n.nodes[0]).replace(/\./g, '\\.')}`),
			);
		} finally {
			broken.remove();
		}
	});
});
