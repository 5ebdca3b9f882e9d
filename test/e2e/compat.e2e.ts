/**
 * What the package and its examples take from the n8n under test, checked against that n8n's
 * own files (the suite runs on n8n 2.41.1 and on 1.123.81, see n8n.ts):
 *
 * - every value the built nodes and credentials read from `n8n-workflow`, `zod` and `luxon`
 *   (e.g. `NodeConnectionTypes.Main`, `sleep`, `z.discriminatedUnion`) exists in the copy this
 *   n8n resolves them to — n8n's own copies, not the ones this repository develops against;
 * - every n8n core node of examples/ (and the Code node execute.e2e.ts adds for pinned data)
 *   exists in this n8n at the typeVersion the workflow names, so an imported example opens
 *   with the node it was written with, not a "node version not installed" placeholder.
 *
 * That n8n loads every node and credential of the package (icons, `usableAsTool`, inputs and
 * outputs included) is checked where n8n loads it: assertPackageLoaded in the other files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { exampleFiles, loadExample } from './cases';
import { assertN8nInstalled, CACHE, N8N_VERSION, NODE_BIN, ROOT, run } from './n8n';

const N8N_DIR = path.join(CACHE, 'n8n');
const IMPORTED = ['n8n-workflow', 'zod', 'luxon'];
/** The Code node execute.e2e.ts puts after a node with pinned data. */
const HARNESS_NODES = [{ type: 'n8n-nodes-base.code', typeVersion: 2, where: 'test/e2e/execute.e2e.ts (pinned data)' }];

function builtFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const file = path.join(dir, entry.name);
		if (entry.isDirectory()) return builtFiles(file);
		return entry.name.endsWith('.js') ? [file] : [];
	});
}

/**
 * The member paths the compiled files read of each module: tsc's CommonJS output names an
 * import `<module>_1` (`n8n_workflow_1.NodeConnectionTypes.Main`, `zod_1.z.object`).
 */
function importedPaths(): Record<string, string[]> {
	const found: Record<string, Set<string>> = {};
	for (const file of builtFiles(path.join(ROOT, 'dist'))) {
		const code = readFileSync(file, 'utf8');
		for (const module of IMPORTED) {
			const binding = `${module.replace(/[^A-Za-z0-9]/g, '_')}_\\d+`;
			for (const match of code.matchAll(new RegExp(`\\b${binding}((?:\\.[A-Za-z_$][\\w$]*)+)`, 'g'))) {
				(found[module] ??= new Set()).add(match[1].slice(1));
			}
		}
	}
	return Object.fromEntries(Object.entries(found).map(([module, paths]) => [module, [...paths].sort()]));
}

describe(`what the package and its examples take from n8n ${N8N_VERSION}`, () => {
	beforeAll(() => assertN8nInstalled());

	test('every n8n-workflow, zod and luxon value the built files read exists in the copies this n8n resolves them to', async () => {
		const wanted = importedPaths();
		expect(Object.keys(wanted).sort()).toEqual([...IMPORTED].sort());
		// Under this n8n's Node, resolved from n8n's own package as its loader does.
		const script = `
			const wanted = ${JSON.stringify(wanted)};
			const from = require.resolve('n8n/package.json', { paths: [${JSON.stringify(N8N_DIR)}] });
			const out = {};
			for (const [module, paths] of Object.entries(wanted)) {
				const exports = require(require.resolve(module, { paths: [from] }));
				const { version } = require(require.resolve(module + '/package.json', { paths: [from] }));
				const missing = paths.filter((p) => p.split('.').reduce((value, key) => (value == null ? undefined : value[key]), exports) === undefined);
				out[module] = { version, checked: paths.length, missing };
			}
			console.log(JSON.stringify(out));
		`;
		const result = await run(NODE_BIN, ['-e', script], { timeoutMs: 60_000 });
		const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, { version: string; checked: number; missing: string[] }>;
		console.log(
			`[e2e] n8n ${N8N_VERSION} resolves ${Object.entries(report)
				.map(([module, { version, checked }]) => `${module} ${version} (${checked} values read)`)
				.join(', ')}`,
		);
		expect(Object.fromEntries(Object.entries(report).map(([module, entry]) => [module, entry.missing]))).toEqual(
			Object.fromEntries(IMPORTED.map((module) => [module, []])),
		);
	});

	test("every n8n core node of examples/ exists in this n8n at the example's typeVersion", () => {
		const known = JSON.parse(readFileSync(path.join(N8N_DIR, 'node_modules/n8n-nodes-base/dist/types/nodes.json'), 'utf8')) as Array<{
			name: string;
			version: number | number[];
		}>;
		const versionsOf = (type: string) =>
			known.filter((node) => `n8n-nodes-base.${node.name}` === type).flatMap((node) => (Array.isArray(node.version) ? node.version : [node.version]));
		const used = [
			...exampleFiles().flatMap((file) =>
				loadExample(file, 'compat')
					.nodes.filter((node) => node.type.startsWith('n8n-nodes-base.'))
					.map((node) => ({ type: node.type, typeVersion: Number(node.typeVersion), where: `examples/${file}` })),
			),
			...HARNESS_NODES,
		];
		expect(used.length).toBeGreaterThan(0);
		const unknown = used.filter((node) => !versionsOf(node.type).includes(node.typeVersion));
		console.log(`[e2e] n8n ${N8N_VERSION} has every core node the examples use (${used.length} uses): ${[...new Set(used.map((node) => `${node.type.replace('n8n-nodes-base.', '')} v${node.typeVersion}`))].join(', ')}`);
		expect(unknown.map((node) => ({ ...node, available: versionsOf(node.type) }))).toEqual([]);
	});
});
