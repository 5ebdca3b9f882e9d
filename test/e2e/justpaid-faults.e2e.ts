/**
 * JustPaid through server errors in a real n8n: the packed package installed into n8n, a
 * workflow imported and run with `n8n execute`, against a JustPaid sandbox that answers 10 % of
 * all requests with a 503 before processing them. Without Continue On Fail, 250 paced creates
 * and a 300-row upsert must complete, every row stored once.
 */
import type { JustPaidSandbox } from '../../sandbox/justpaid';
import { startJustPaidSandbox } from '../../sandbox/justpaid';

import { assertN8nInstalled, assertPackageLoaded, createUserFolder, errorsOf, executeWorkflow, importCredentials, importWorkflow, N8N_VERSION } from './n8n';
import type { ExecuteResult, UserFolder } from './n8n';

/** The docs' 100 writes per minute, scaled to a window of 3 s so that the run takes seconds. */
const WINDOW_SECONDS = 3;
const CREDENTIAL = { id: '21', name: 'JustPaid with faults' };

function workflow(id: string, items: string, parameters: Record<string, unknown>) {
	return {
		id,
		name: `JustPaid faults ${id}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-trigger`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-items`, name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${items};` } },
			{
				id: `${id}-justpaid`,
				name: 'JustPaid',
				type: 'n8n-nodes-enrichment-tables.justPaid',
				typeVersion: 1,
				position: [400, 0],
				parameters,
				credentials: { justPaidApi: CREDENTIAL },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'JustPaid', type: 'main', index: 0 }]] },
		},
	};
}

function assertSucceeded(result: ExecuteResult, what: string): void {
	assertPackageLoaded(result.stdout);
	if (result.code !== 0 || result.run?.status !== 'success') {
		const error = result.run?.data.resultData.error;
		throw new Error(
			`n8n execute of ${what} failed (exit ${result.code}, status ${result.run?.status ?? 'none printed'})` +
				(error ? `: ${error.message}${error.description ? `\n  ${error.description}` : ''}` : `:\n${errorsOf(result.stdout + result.stderr)}`),
		);
	}
}

describe(`JustPaid in n8n ${N8N_VERSION}: 10 % of requests answered 503, without Continue On Fail`, () => {
	let sandbox: JustPaidSandbox | undefined;
	let folder: UserFolder | undefined;

	beforeAll(async () => {
		assertN8nInstalled();
		sandbox = await startJustPaidSandbox({ seed: 14, tieBreak: 'insertion', windowMs: WINDOW_SECONDS * 1000, writeLimit: 100, readLimit: 1000 });
		folder = await createUserFolder('justpaid-faults');
		await importCredentials(folder, [
			{ ...CREDENTIAL, type: 'justPaidApi', data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url, rateWindowSeconds: WINDOW_SECONDS } },
		]);
	}, 300_000);

	afterAll(async () => {
		await sandbox?.close();
		folder?.remove();
	});

	/** Runs the workflow with the faults on; the figures of the run, printed. */
	async function runWithFaults(id: string, what: string, items: string, parameters: Record<string, unknown>): Promise<ExecuteResult> {
		await importWorkflow(folder!, workflow(id, items, parameters));
		sandbox!.server.clearLog();
		sandbox!.server.setFaults({ errorRate: 0.1, statuses: [503] });
		let result: ExecuteResult;
		try {
			result = await executeWorkflow(folder!, id, { timeoutMs: 300_000 });
		} finally {
			sandbox!.server.setFaults(undefined);
		}
		const log = sandbox!.server.log;
		const count = (method: string, status: number) => log.filter((entry) => entry.method === method && entry.status === status).length;
		console.log(
			`[e2e] ${what}: exit ${result.code} in ${(result.ms / 1000).toFixed(1)} s; ${log.length} requests, 503 on ${count('POST', 503)} creates, ${count('PATCH', 503)} updates and ${count('GET', 503)} reads`,
		);
		assertSucceeded(result, what);
		// the faults really hit the writes and the reads
		expect(count('POST', 503)).toBeGreaterThan(0);
		expect(count('GET', 503)).toBeGreaterThan(0);
		return result;
	}

	test('Row → Create of 250 rows, paced: completes, each row stored once', async () => {
		const table = sandbox!.seedTable({ name: 'E2E faults: create', columns: [{ name: 'n', type: 'number', required: true }] });
		const result = await runWithFaults('e2eJustPaidFlt01', '250 paced creates', 'Array.from({ length: 250 }, (_, n) => ({ json: { n } }))', {
			resource: 'row',
			operation: 'create',
			table: { __rl: true, mode: 'id', value: table.id },
			columns: { mappingMode: 'autoMapInputData', value: null },
			options: {},
		});
		const output = result.outputs.JustPaid ?? [];
		expect(output).toHaveLength(250);
		expect(output.map((json) => json.n)).toEqual(Array.from({ length: 250 }, (_v, n) => n));
		const stored = sandbox!.sortedRows(table.id).map((row) => Number(row.data.n)).sort((a, b) => a - b);
		expect(stored).toEqual(Array.from({ length: 250 }, (_v, n) => n));
		expect(new Set(output.map((json) => json.id)).size).toBe(250);
	});

	test('Row → Upsert of 300 rows (150 there already): completes, each key stored once with its new value', async () => {
		const table = sandbox!.seedTable({
			name: 'E2E faults: upsert',
			columns: [{ name: 'key', type: 'text', required: true }, { name: 'v', type: 'number' }],
			rows: Array.from({ length: 150 }, (_v, k) => ({ key: `k${k}`, v: 0 })),
		});
		const result = await runWithFaults('e2eJustPaidFlt02', '300-row upsert', 'Array.from({ length: 300 }, (_, k) => ({ json: { key: `k${k}`, v: 1 } }))', {
			resource: 'row',
			operation: 'upsert',
			table: { __rl: true, mode: 'id', value: table.id },
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['key'] },
			options: {},
		});
		const output = result.outputs.JustPaid ?? [];
		expect(output.map((json) => [json.key, json._action])).toEqual(Array.from({ length: 300 }, (_v, k) => [`k${k}`, k < 150 ? 'updated' : 'created']));
		// rows sent again after a 503 land later in the list: compared by key
		const stored = sandbox!.sortedRows(table.id).map((row) => row.data).sort((a, b) => Number(String(a.key).slice(1)) - Number(String(b.key).slice(1)));
		expect(stored).toHaveLength(300);
		expect(stored).toEqual(Array.from({ length: 300 }, (_v, k) => ({ key: `k${k}`, v: 1 })));
	});
});
