/**
 * The packed package in n8n's queue mode (`npm run test:queue`): PostgreSQL and Redis started
 * by the test, one `n8n start` main process and two `n8n worker` processes (cluster.ts), the
 * sandboxes in this process. Each worker runs one execution at a time (`--concurrency=1`), so
 * two executions at once are surely on two workers; two executions in one process are
 * test/queue-mode/shared-key.test.ts's case.
 *
 * - 20 webhook calls at once of the Extruct example (examples/extruct-enrich-companies.json,
 *   started by a Webhook instead of its Manual Trigger): 20 successes, every row once, the
 *   executions spread over both workers — by the workers' own log lines ("Worker started
 *   execution <id>") matched to the executions n8n stored in PostgreSQL;
 * - two JustPaid executions at once, on the two workers, each creating 200 rows under one key
 *   whose write bucket is 100 per window: no failed item, 400 rows once each; the 429s and the
 *   writes per window of the bucket are printed;
 * - each polling trigger (Extruct, JustPaid, Clay: Row/Record Added), active: a row added while
 *   it runs is delivered once, then the main process is stopped, a row is added to each table,
 *   the main process starts again — and delivers that row once, and nothing twice at the next
 *   poll (the triggers' state is in PostgreSQL: n8n's workflow static data).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { credentialsFor, loadExample, startSandboxes } from '../e2e/cases';
import type { Sandboxes } from '../e2e/cases';
import {
	assertN8nInstalled,
	assertPackageLoaded,
	createUserFolder,
	importCredentials,
	logLines,
	N8N_VERSION,
	n8nCliOk,
	packageJson,
	publishWorkflow,
	startN8n,
	startReceiver,
	waitFor,
} from '../e2e/n8n';
import type { N8nServer, Receiver, UserFolder } from '../e2e/n8n';
import type { WorkflowJson } from '../harness/n8n';
import { EXAMPLE_COMPANY_COLUMNS } from '../../sandbox/examples';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox } from '../../sandbox/justpaid';

import { queueEnv, startWorker } from './cluster';
import type { Worker } from './cluster';
import { startPostgres, startRedis } from './services';
import type { Postgres, Service } from './services';

const PACKAGE = 'n8n-nodes-enrichment-tables';
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const autoMap = { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: false };

const CALLS = 20;
const COMPANIES_PER_CALL = 5;
const JUSTPAID_ROWS = 200;
/** The docs' 100 writes per minute, scaled to a window of 3 s (the credential's Rate Window says the same). */
const BUCKET = 100;
const WINDOW_SECONDS = 3;
const SHARED_KEY_CREDENTIAL = { id: '11', name: 'JustPaid shared key' };

const ID = {
	extruct: 'queueExtruct0001',
	justpaid: 'queueJustPaid001',
	extructTrigger: 'queueTrigExtruct',
	justpaidTrigger: 'queueTrigJustPd',
	clayTrigger: 'queueTrigClay001',
};

type Json = Record<string, unknown>;

function webhookNode(name: string, path: string): WorkflowJson['nodes'][number] {
	return {
		id: `${path}-webhook`,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [-400, 0],
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		webhookId: `${path}-0000-4000-8000-000000000000`,
	} as never;
}

/** Items from an array of the webhook's body (n8n's Split Out node: no task runner needed). */
function splitOutNode(name: string, field: string, destination?: string): WorkflowJson['nodes'][number] {
	return {
		id: `${name.replace(/\W/g, '')}-split`,
		name,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [-200, 0],
		parameters: { fieldToSplitOut: field, include: 'noOtherFields', options: destination ? { destinationFieldName: destination } : {} },
	} as never;
}

/** examples/extruct-enrich-companies.json started by a webhook: its Manual Trigger becomes Webhook → Split Out of body.companies. */
function extructByWebhook(tableId: string): WorkflowJson & { id: string } {
	const workflow = loadExample('extruct-enrich-companies.json', ID.extruct);
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!;
	const next = workflow.connections[trigger.name];
	workflow.nodes = workflow.nodes.filter((node) => node !== trigger);
	delete workflow.connections[trigger.name];
	delete workflow.pinData;
	for (const node of workflow.nodes) if (node.type === `${PACKAGE}.extruct`) node.parameters.table = byId(tableId) as never;
	workflow.nodes.push(webhookNode('Companies Webhook', 'queue-extruct'), splitOutNode('Companies', 'body.companies', 'input'));
	workflow.connections['Companies Webhook'] = { main: [[{ node: 'Companies', type: 'main' as never, index: 0 }]] };
	workflow.connections.Companies = next;
	return workflow;
}

function justPaidByWebhook(tableId: string): WorkflowJson & { id: string } {
	return {
		id: ID.justpaid,
		name: 'Queue mode: JustPaid creates under one key',
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode('Rows Webhook', 'queue-justpaid'),
			splitOutNode('Rows', 'body.rows'),
			{
				id: 'queue-justpaid-create',
				name: 'Create Rows',
				type: `${PACKAGE}.justPaid`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'row', operation: 'create', table: byId(tableId), columns: autoMap, simplify: true, options: { concurrency: 5 } },
				credentials: { justPaidApi: SHARED_KEY_CREDENTIAL },
			},
		],
		connections: {
			'Rows Webhook': { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Create Rows', type: 'main', index: 0 }]] },
		},
	} as never;
}

/** A polling trigger whose every item is POSTed to the receiver (n8n's HTTP Request node, once per item). */
function triggerToReceiver(id: string, source: string, node: { type: string; parameters: Json; credentials: Json }, receiver: Receiver): WorkflowJson & { id: string } {
	return {
		id,
		name: `Queue mode: ${source} trigger`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-trigger`, name: 'Trigger', typeVersion: 1, position: [0, 0], ...node, parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...node.parameters } },
			{
				id: `${id}-report`,
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: receiver.url,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: `={{ JSON.stringify({ source: ${JSON.stringify(source)}, id: $json.id, event: $json._event }) }}`,
					options: {},
				},
			},
		],
		connections: { Trigger: { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
	} as never;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.text();
	try {
		return { status: response.status, body: JSON.parse(text) };
	} catch {
		return { status: response.status, body: text };
	}
}

describe(`the packed package in n8n ${N8N_VERSION}'s queue mode: PostgreSQL, Redis, a main process and two workers`, () => {
	let postgres: Postgres | undefined;
	let redis: Service | undefined;
	let sandboxes: Sandboxes | undefined;
	let sharedKey: JustPaidSandbox | undefined;
	let receiver: Receiver | undefined;
	const folders: UserFolder[] = [];
	let main: N8nServer | undefined;
	const workers: Worker[] = [];
	let env: NodeJS.ProcessEnv = {};
	const tables = { extruct: '', justpaid: '', extructTrigger: '', justpaidTrigger: '', clayTrigger: '' };
	/** What the main process printed, over its restarts. */
	const mainOutputs: string[] = [];

	const startMain = async (log: string) => {
		main = await startN8n(folders[0], { env, log });
		return main;
	};
	/** n8n activates published workflows after it answers /healthz: wait for its "Added webhook" lines. */
	const webhooksRegistered = async () =>
		await waitFor(
			'n8n to register the webhooks',
			() => ['Companies Webhook', 'Rows Webhook'].every((name) => logLines(main!.output()).some((line) => line.message.startsWith(`Added webhook "${name}"`))),
			120_000,
		);
	const stopMain = async () => {
		if (!main) return;
		mainOutputs.push(main.output());
		await main.stop();
		main = undefined;
	};

	beforeAll(async () => {
		assertN8nInstalled();
		const started = Date.now();
		[postgres, redis, sandboxes, sharedKey, receiver] = await Promise.all([
			startPostgres(),
			startRedis(),
			startSandboxes(),
			startJustPaidSandbox({ writeLimit: BUCKET, windowMs: WINDOW_SECONDS * 1000 }),
			startReceiver(),
		]);
		const servicesMs = Date.now() - started;
		env = queueEnv(postgres, redis);
		folders.push(...(await Promise.all(['main', 'worker-1', 'worker-2'].map(async (label) => await createUserFolder(`queue-${label}`)))));

		tables.extruct = sandboxes.extruct.seedTable({ name: 'Queue companies', kind: 'company', columns: EXAMPLE_COMPANY_COLUMNS }).id;
		tables.justpaid = sharedKey.seedTable({ name: 'Queue shared key', columns: [{ name: 'run', type: 'text', required: true }, { name: 'n', type: 'number', required: true }] }).id;
		// Trigger tables, each with a row from before activation (never delivered).
		const extructWatched = sandboxes.extruct.seedTable({ name: 'Queue watched', kind: 'company' });
		sandboxes.extruct.addRows(extructWatched.id, [{ input: 'https://before.example.com' }]);
		tables.extructTrigger = extructWatched.id;
		tables.justpaidTrigger = sandboxes.justpaid.seedTable({ name: 'Queue watched', columns: [{ name: 'company', type: 'text' }], rows: [{ company: 'before' }] }).id;
		tables.clayTrigger = sandboxes.clay.seedTable({ name: 'Queue watched', fields: [{ name: 'Name' }], records: [{ Name: 'before' }] }).id;

		// Into PostgreSQL through the CLI (the main's user folder; the key is the same everywhere).
		const importStarted = Date.now();
		await importCredentials(folders[0], [
			...credentialsFor(sandboxes),
			{ ...SHARED_KEY_CREDENTIAL, type: 'justPaidApi', data: { apiKey: sharedKey.apiKey, baseUrl: sharedKey.url, rateWindowSeconds: WINDOW_SECONDS } },
		], env);
		const workflows = [
			extructByWebhook(tables.extruct),
			justPaidByWebhook(tables.justpaid),
			triggerToReceiver(ID.extructTrigger, 'extruct', { type: `${PACKAGE}.extructTrigger`, parameters: { table: byId(tables.extructTrigger), event: 'rowAdded', options: {} }, credentials: { extructApi: { id: '1', name: 'Extruct account' } } }, receiver),
			triggerToReceiver(ID.justpaidTrigger, 'justpaid', { type: `${PACKAGE}.justPaidTrigger`, parameters: { table: byId(tables.justpaidTrigger), event: 'rowAdded', options: {} }, credentials: { justPaidApi: { id: '2', name: 'JustPaid account' } } }, receiver),
			triggerToReceiver(ID.clayTrigger, 'clay', { type: `${PACKAGE}.clayTrigger`, parameters: { table: byId(tables.clayTrigger), event: 'recordAdded', options: {} }, credentials: { clayApi: { id: '3', name: 'Clay account' } } }, receiver),
		];
		// One import for all (a folder of files), then each published: n8n activates them at start.
		const dir = path.join(folders[0].root, 'workflows');
		mkdirSync(dir);
		for (const workflow of workflows) writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		await n8nCliOk(folders[0], ['import:workflow', '--separate', `--input=${dir}`], { env, log: 'queue-import-workflows' });
		for (const workflow of workflows) await publishWorkflow(folders[0], workflow.id, { env });
		const importMs = Date.now() - importStarted;

		const processesStarted = Date.now();
		await Promise.all([
			startMain('queue-main'),
			...folders.slice(1).map(async (folder, index) => workers.push(await startWorker(`worker-${index + 1}`, folder, env, 1))),
		]);
		workers.sort((a, b) => a.name.localeCompare(b.name));
		await webhooksRegistered();
		console.log(
			`[queue] PostgreSQL on :${postgres.port}, Redis on :${redis.port}, sandboxes up in ${(servicesMs / 1000).toFixed(1)} s; ` +
				`credentials and ${workflows.length} workflows into PostgreSQL in ${(importMs / 1000).toFixed(1)} s; main and 2 workers ready in ${((Date.now() - processesStarted) / 1000).toFixed(1)} s`,
		);
	}, 600_000);

	afterAll(async () => {
		await stopMain();
		await Promise.all(workers.map(async (worker) => await worker.stop()));
		await Promise.all([sandboxes?.close(), sharedKey?.close(), receiver?.close(), redis?.stop(), postgres?.stop()]);
		for (const folder of folders) folder.remove();
	}, 120_000);

	/** The executions n8n stored for a workflow: id, status, start and end (ms). */
	const executionsOf = async (workflowId: string) =>
		(
			await postgres!.query(
				`select id, status, (extract(epoch from "startedAt") * 1000)::bigint, (extract(epoch from "stoppedAt") * 1000)::bigint from execution_entity where "workflowId" = '${workflowId}' order by id`,
			)
		).map(([id, status, startedAt, stoppedAt]) => ({ id, status, startedAt: Number(startedAt), stoppedAt: Number(stoppedAt) }));

	/** Which worker started each execution, by its log. */
	const workerOf = (executionId: string) => workers.filter((worker) => worker.startedExecutions().includes(executionId)).map((worker) => worker.name);

	test('the main process and each worker loaded every node and credential of the package from its own user folder', () => {
		for (const output of [main!.output(), ...workers.map((worker) => worker.output())]) {
			const { n8n } = packageJson();
			expect(assertPackageLoaded(output)).toEqual({ nodes: n8n.nodes.length, credentials: n8n.credentials.length });
		}
	});

	test(`${CALLS} webhook calls at once of the Extruct example: ${CALLS} executions succeed on both workers, every row stored once`, async () => {
		const calls = Array.from({ length: CALLS }, (_v, call) => Array.from({ length: COMPANIES_PER_CALL }, (_w, i) => `https://call${call}-company${i}.example.com`));
		const started = Date.now();
		const responses = await Promise.all(calls.map(async (companies) => await postJson(`${main!.url}/webhook/queue-extruct`, { companies })));
		const seconds = (Date.now() - started) / 1000;

		// Each call answered with its own companies, added and enriched.
		responses.forEach((response, call) => {
			expect(response.status).toBe(200);
			const rows = response.body as Json[];
			expect(rows.map((row) => row.input)).toEqual(calls[call]);
			for (const row of rows) expect(row.funding_stage).toEqual(expect.objectContaining({ answer: expect.any(String) }));
		});
		// The sandbox: every company once, every cell done.
		const table = sandboxes!.extruct.tables.get(tables.extruct)!;
		expect(table.rows.map((row) => row.data.input?.value).sort()).toEqual(calls.flat().sort());
		for (const row of table.rows) for (const cell of Object.values(row.data)) expect(sandboxes!.extruct.cellStatus(cell)).toBe('done');

		// PostgreSQL: 20 successful executions; the workers' logs: each started by exactly one worker, both workers used.
		const executions = await waitFor('n8n to store 20 finished executions', async () => {
			const stored = await executionsOf(ID.extruct);
			return stored.length === CALLS && stored.every((execution) => execution.status !== 'running' && execution.status !== 'new') && stored;
		}, 30_000);
		expect(executions.map((execution) => execution.status)).toEqual(executions.map(() => 'success'));
		const assigned = executions.map((execution) => workerOf(execution.id));
		expect(assigned.filter((names) => names.length !== 1)).toEqual([]);
		const perWorker = workers.map((worker) => assigned.filter(([name]) => name === worker.name).length);
		console.log(
			`[queue] ${CALLS} Extruct webhook executions (${CALLS * COMPANIES_PER_CALL} rows) in ${seconds.toFixed(1)} s: ${executions.length} succeeded (PostgreSQL), ` +
				`${workers.map((worker, index) => `${worker.name} ran ${perWorker[index]}`).join(', ')} (their "Worker started execution" log lines); ${table.rows.length} rows stored, each once`,
		);
		expect(perWorker.every((count) => count > 0)).toBe(true);
	});

	test(`two JustPaid executions at once on the two workers, ${JUSTPAID_ROWS} creates each under one key (bucket ${BUCKET} per ${WINDOW_SECONDS} s): none failed, ${2 * JUSTPAID_ROWS} rows once each`, async () => {
		const rows = (run: string) => Array.from({ length: JUSTPAID_ROWS }, (_v, n) => ({ run, n }));
		sharedKey!.server.clearLog();
		const started = Date.now();
		const [a, b] = await Promise.all(['a', 'b'].map(async (run) => await postJson(`${main!.url}/webhook/queue-justpaid`, { rows: rows(run) })));
		const seconds = (Date.now() - started) / 1000;

		for (const [response, run] of [[a, 'a'], [b, 'b']] as const) {
			expect(response.status).toBe(200);
			const output = response.body as Json[];
			expect(output.filter((item) => item.error)).toEqual([]);
			expect(output.map((item) => `${item.run}:${item.n}`)).toEqual(rows(run).map((row) => `${row.run}:${row.n}`));
		}
		const stored = sharedKey!.tables.get(tables.justpaid)!.rows.map((row) => `${row.data.run}:${row.data.n}`);
		expect(stored).toHaveLength(2 * JUSTPAID_ROWS);
		expect(new Set(stored).size).toBe(2 * JUSTPAID_ROWS);

		const executions = await executionsOf(ID.justpaid);
		expect(executions.map((execution) => execution.status)).toEqual(['success', 'success']);
		const assigned = executions.map((execution) => workerOf(execution.id));
		expect(assigned.map((names) => names.length)).toEqual([1, 1]);
		expect(new Set(assigned.flat()).size).toBe(2);
		// At once: each started before the other finished.
		expect(executions[0].startedAt < executions[1].stoppedAt && executions[1].startedAt < executions[0].stoppedAt).toBe(true);

		// The bucket's side, from the sandbox's log: its fixed windows open at the first request after the last one expired.
		const posts = sharedKey!.server.log.filter((request) => request.method === 'POST').sort((x, y) => x.startedAt - y.startedAt);
		const refused = posts.filter((request) => request.status === 429).length;
		const windows: number[] = [];
		let windowStart = -Infinity;
		for (const request of posts) {
			if (request.startedAt - windowStart >= WINDOW_SECONDS * 1000) {
				windowStart = request.startedAt;
				windows.push(0);
			}
			if (request.status === 201) windows[windows.length - 1]++;
		}
		const accepted = posts.filter((request) => request.status === 201);
		const spanSeconds = (accepted[accepted.length - 1].startedAt - accepted[0].startedAt) / 1000;
		const sends = new Map<string, number>();
		for (const request of posts) {
			const { run, n } = (request.body as { data: Json }).data;
			sends.set(`${run}:${n}`, (sends.get(`${run}:${n}`) ?? 0) + 1);
		}
		console.log(
			`[queue] 2 JustPaid executions at once (${assigned.map((names, index) => `execution ${executions[index].id} on ${names[0]}`).join(', ')}), ${2 * JUSTPAID_ROWS} creates in ${seconds.toFixed(1)} s: ` +
				`0 failed items, ${stored.length} rows each once; ${refused} answered 429, at most ${Math.max(...sends.values())} sends of one row; ` +
				`accepted per ${WINDOW_SECONDS} s window of the bucket of ${BUCKET}: ${windows.join(', ')} (combined ${((accepted.length / (spanSeconds + WINDOW_SECONDS)) * WINDOW_SECONDS).toFixed(0)} per window over the run)`,
		);
		expect(accepted).toHaveLength(2 * JUSTPAID_ROWS);
	});

	test('each polling trigger delivers a row added while the main process was stopped, once, after it starts again (its state is in PostgreSQL)', async () => {
		const delivered = (source: string, id: string) => receiver!.received.filter((body) => body.source === source && body.id === id).length;
		const polled = () => ({
			extruct: sandboxes!.extruct.server.log.filter((request) => request.path.includes(tables.extructTrigger)).length,
			justpaid: sandboxes!.justpaid.server.log.filter((request) => request.path.includes(tables.justpaidTrigger)).length,
			clay: sandboxes!.clay.server.log.filter((request) => request.path.includes(tables.clayTrigger)).length,
		});
		await waitFor("each trigger's first poll (made when n8n activates it)", () => Object.values(polled()).every((count) => count > 0), 90_000, 1000);

		// 1. While the main process runs: a row each, delivered at the next poll.
		const whileRunning = {
			extruct: sandboxes!.extruct.addRows(tables.extructTrigger, [{ input: 'https://while-running.example.com' }])[0].id,
			justpaid: sandboxes!.justpaid.createRow(tables.justpaidTrigger, { company: 'while running' }).id,
			clay: sandboxes!.clay.addRecords(tables.clayTrigger, [{ Name: 'while running' }])[0].id,
		};
		await waitFor('the rows added while n8n runs to be delivered (n8n polls every minute)', () => Object.entries(whileRunning).every(([source, id]) => delivered(source, id) === 1), 150_000, 1000);

		// 2. Main stopped (the workers stay): a row each.
		const stopStarted = Date.now();
		await stopMain();
		const whileStopped = {
			extruct: sandboxes!.extruct.addRows(tables.extructTrigger, [{ input: 'https://while-stopped.example.com' }])[0].id,
			justpaid: sandboxes!.justpaid.createRow(tables.justpaidTrigger, { company: 'while stopped' }).id,
			clay: sandboxes!.clay.addRecords(tables.clayTrigger, [{ Name: 'while stopped' }])[0].id,
		};

		// 3. Main started again: it activates the triggers, which poll with the state from PostgreSQL.
		await startMain('queue-main-restarted');
		const restarted = Date.now();
		assertPackageLoaded(main!.output());
		await waitFor('the rows added while n8n was stopped to be delivered', () => Object.entries(whileStopped).every(([source, id]) => delivered(source, id) >= 1), 150_000, 1000);
		const deliveredAfter = (Date.now() - restarted) / 1000;

		// 4. One more poll of each table, and its executions' time: nothing is delivered twice.
		const before = polled();
		await waitFor('the next poll of each trigger', () => {
			const now = polled();
			return now.extruct > before.extruct && now.justpaid > before.justpaid && now.clay > before.clay;
		}, 150_000, 1000);
		await new Promise((resolve) => setTimeout(resolve, 5000));

		const rows = Object.fromEntries(
			(['extruct', 'justpaid', 'clay'] as const).map((source) => [source, receiver!.received.filter((body) => body.source === source).map((body) => body.id)]),
		);
		expect(rows).toEqual({
			extruct: [whileRunning.extruct, whileStopped.extruct],
			justpaid: [whileRunning.justpaid, whileStopped.justpaid],
			clay: [whileRunning.clay, whileStopped.clay],
		});
		const state = await postgres!.query(`select id, length("staticData"::text) from workflow_entity where id in ('${ID.extructTrigger}', '${ID.justpaidTrigger}', '${ID.clayTrigger}') order by id`);
		console.log(
			`[queue] triggers: main stopped ${((restarted - stopStarted) / 1000).toFixed(0)} s (restart included); the rows added meanwhile delivered ${deliveredAfter.toFixed(0)} s after it was up, ` +
				`each once (Extruct, JustPaid, Clay), nothing again at the next poll; state in PostgreSQL (workflow_entity.staticData): ${state.map(([id, size]) => `${id} ${size} bytes`).join(', ')}`,
		);
		expect(state.every(([, size]) => Number(size) > 2)).toBe(true);
	}, 600_000);
});
