/**
 * The real n8n of the end-to-end suite: where scripts/e2e/install-n8n.sh put it, a fresh user
 * folder with the packed package installed as n8n's Community Nodes panel installs it, the n8n
 * CLI (`import:*`, `execute`) and `n8n start`, each run under that install's Node as a child process.
 *
 * Which n8n: N8N_E2E_N8N_VERSION (default 2.41.1; `.ci/run` runs the whole suite once more with
 * 1.123.81, the last 1.x line). Every e2e file gets it from here, so a new file runs on both
 * versions as long as it uses these helpers; where the two lines differ (a CLI command, the
 * output of `n8n execute`), the helper here speaks each one, and N8N_MAJOR tells a test which
 * line it is in.
 *
 * Everything here is bounded: a child that outlives its timeout is killed (its whole process
 * group: n8n starts task runners), so a broken n8n fails a test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

import type { WorkflowJson } from '../harness/n8n';

export const ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-enrichment-tables';
export const N8N_VERSION = process.env.N8N_E2E_N8N_VERSION ?? '2.41.1';
/** 1 or 2: the line of the n8n under test. */
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
export const CACHE = process.env.N8N_E2E_CACHE ?? path.join(homedir(), '.cache', PACKAGE_NAME, `n8n-${N8N_VERSION}`);
/** The Node.js install-n8n.sh installed beside this n8n (24 for n8n 2.x, 22 for 1.x). */
export const NODE_BIN = path.join(CACHE, 'node/bin/node');
export const N8N_BIN = path.join(CACHE, 'n8n/node_modules/n8n/bin/n8n');
/**
 * Screenshots, logs and the packed tarball of a run: test-artifacts/e2e/ for n8n 2.41.1,
 * test-artifacts/e2e-<version>/ for another version (so one run does not wipe the other's);
 * N8N_E2E_ARTIFACTS overrides (the queue-mode suite's own folder).
 */
export const ARTIFACTS = path.resolve(ROOT, process.env.N8N_E2E_ARTIFACTS ?? (N8N_VERSION === '2.41.1' ? 'test-artifacts/e2e' : `test-artifacts/e2e-${N8N_VERSION}`));
/** Set by global-setup.ts: the tarball `npm pack` made of this package. */
export const TARBALL_ENV = 'N8N_E2E_PACKAGE_TARBALL';

const INSTALL_HINT = `run "N8N_E2E_N8N_VERSION=${N8N_VERSION} bash scripts/e2e/install-n8n.sh" (npm run test:e2e does)`;

/** Throws unless install-n8n.sh completed (its marker is written last). */
export function assertN8nInstalled(): void {
	const marker = path.join(CACHE, '.install-complete');
	if (!existsSync(marker)) throw new Error(`n8n ${N8N_VERSION} is not installed in ${CACHE}: ${INSTALL_HINT}`);
	if (!existsSync(NODE_BIN) || !existsSync(N8N_BIN)) throw new Error(`The n8n install in ${CACHE} is incomplete: ${INSTALL_HINT}`);
}

export function packageTarball(): string {
	const tarball = process.env[TARBALL_ENV];
	if (!tarball || !existsSync(tarball)) throw new Error(`${TARBALL_ENV} is not set: run the e2e tests with "npm run test:e2e" (jest.e2e.config.js packs the package)`);
	return tarball;
}

export function packageJson(): { name: string; version: string; n8n: { credentials: string[]; nodes: string[] } } {
	return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

export function artifactPath(...parts: string[]): string {
	const file = path.join(ARTIFACTS, ...parts);
	mkdirSync(path.dirname(file), { recursive: true });
	return file;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 500): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}`);
		}
		await sleep(intervalMs);
	}
}

// ---------------------------------------------------------------------------------------
// A user folder with the package installed
// ---------------------------------------------------------------------------------------

export interface UserFolder {
	/** N8N_USER_FOLDER; n8n keeps its data in `<root>/.n8n`. */
	root: string;
	/** `<root>/.n8n/nodes`: where the Community Nodes panel installs packages. */
	nodesDir: string;
	packageDir: string;
	remove(): void;
}

/**
 * A fresh N8N_USER_FOLDER with the packed package installed the way n8n 2.41's Community
 * Nodes panel installs one (CommunityPackagesService.downloadPackage): the tarball unpacked
 * into `.n8n/nodes/node_modules/<name>`, devDependencies / peerDependencies /
 * optionalDependencies removed from its package.json, `npm install` of its (runtime)
 * dependencies inside it with the panel's flags, and the package recorded in
 * `.n8n/nodes/package.json`. At start n8n loads every `n8n-nodes-*` folder there; the
 * package's `n8n-workflow` / `zod` imports resolve to n8n's own copies (n8n puts its module
 * paths on NODE_PATH), not to anything installed next to the package.
 */
export async function createUserFolder(label: string, tarball = packageTarball()): Promise<UserFolder> {
	const root = mkdtempSync(path.join(tmpdir(), `n8n-e2e-${label}-`));
	const nodesDir = path.join(root, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { timeoutMs: 60_000 });
	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8'));
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: packageDir, env: nodeEnv(), timeoutMs: 180_000 },
	);
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [manifest.name]: manifest.version } }, null, 2),
	);
	return { root, nodesDir, packageDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

/** process.env with this n8n's Node first in PATH and without what would change n8n's behaviour (jest sets NODE_ENV=test). */
function nodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|JEST_|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$|npm_)/.test(key)) continue;
		env[key] = value;
	}
	env.PATH = `${path.dirname(NODE_BIN)}${path.delimiter}${process.env.PATH ?? ''}`;
	return { ...env, ...extra };
}

/** Kills a child's whole process group (it was spawned detached), SIGTERM then SIGKILL. */
async function killGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, sig);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// Task runners may outlive n8n by a moment; they are in the same group.
	signal('SIGKILL');
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs: number;
	/** Also write stdout+stderr to this file. */
	logFile?: string;
	/** Throw when the exit code is not 0 (default true). */
	check?: boolean;
}

/** Runs a command to completion (asynchronously: in-process sandboxes keep serving meanwhile). */
export async function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const started = Date.now();
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void killGroup(child, 5_000);
	}, options.timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
	}).finally(() => clearTimeout(timer));
	const result = { code, signal, stdout, stderr, ms: Date.now() - started, timedOut };
	if (options.logFile) writeFileSync(options.logFile, `$ ${command} ${args.join(' ')}\n# exit ${code ?? signal} in ${result.ms} ms\n${stdout}\n${stderr}`);
	if (timedOut) throw new Error(`"${command} ${args.join(' ')}" did not finish within ${options.timeoutMs / 1000} s:\n${tail(stdout + stderr)}`);
	if (options.check !== false && code !== 0) throw new Error(`"${command} ${args.join(' ')}" exited with ${code ?? signal}:\n${tail(stdout + stderr)}`);
	return result;
}

export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The environment of every n8n process of the suite: quiet, offline-friendly, logs as JSON lines on stdout. */
export function n8nEnv(folder: UserFolder, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return nodeEnv({
		NODE_ENV: 'production',
		N8N_USER_FOLDER: folder.root,
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// One JSON object per line on stdout: the test reads n8n's result and its loader's messages from them.
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'json',
		// debug: n8n then says which packages it loaded and how many nodes and credentials each gave.
		N8N_LOG_LEVEL: 'debug',
		...extra,
	});
}

export interface LogLine {
	level: string;
	message: string;
	metadata?: Record<string, unknown> & { file?: string; function?: string };
}

/** n8n's JSON log lines of an output (other lines are ignored). */
export function logLines(output: string): LogLine[] {
	const lines: LogLine[] = [];
	for (const line of output.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const parsed = JSON.parse(line) as LogLine;
			if (typeof parsed.level === 'string' && typeof parsed.message === 'string') lines.push(parsed);
		} catch {
			// not one of n8n's log lines
		}
	}
	return lines;
}

/**
 * What n8n's loader said about this package: throws with n8n's own words unless it loaded
 * every node and credential package.json lists (so a missing file in `files`, a wrong path
 * in `n8n`, or an import n8n cannot resolve fails here, clearly).
 */
export function assertPackageLoaded(output: string): { nodes: number; credentials: number } {
	const lines = logLines(output);
	const { n8n } = packageJson();
	// n8n names the package in quotes ("Failed to load package \"…\"") or a file of it by path.
	const mentions = (text: string) => text.includes(`"${PACKAGE_NAME}"`) || text.includes(`\\"${PACKAGE_NAME}\\"`) || text.includes(`node_modules/${PACKAGE_NAME}/`);
	const problems = lines.filter(
		(line) => (line.level === 'error' || line.level === 'warn') && (mentions(line.message) || mentions(JSON.stringify(line.metadata ?? {}))),
	);
	const loaded = lines.find((line) => line.message === `Loaded all credentials and nodes from ${PACKAGE_NAME}`);
	const describe = () =>
		problems.map((line) => `  ${line.level}: ${line.message} ${JSON.stringify(line.metadata?.error ?? '')}`).join('\n') ||
		'  (n8n logged no error about it)';
	if (!loaded) throw new Error(`n8n did not load the community package ${PACKAGE_NAME}:\n${describe()}`);
	const counts = { nodes: Number(loaded.metadata?.nodes), credentials: Number(loaded.metadata?.credentials) };
	if (counts.nodes !== n8n.nodes.length || counts.credentials !== n8n.credentials.length) {
		throw new Error(
			`n8n loaded ${counts.nodes} node(s) and ${counts.credentials} credential(s) of ${PACKAGE_NAME}; package.json lists ${n8n.nodes.length} and ${n8n.credentials.length}:\n${describe()}`,
		);
	}
	if (problems.length) throw new Error(`n8n loaded ${PACKAGE_NAME} with problems:\n${describe()}`);
	return counts;
}

// ---------------------------------------------------------------------------------------
// The n8n CLI
// ---------------------------------------------------------------------------------------

export interface CliOptions {
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** A name for the log file under ARTIFACTS/logs/. */
	log?: string;
}

/** `n8n <args>` under this n8n's Node in the user folder. Resolves with the exit code; never throws for a non-zero one. */
export async function n8nCli(folder: UserFolder, args: string[], options: CliOptions = {}): Promise<RunResult> {
	return await run(NODE_BIN, [N8N_BIN, ...args], {
		cwd: folder.root,
		env: n8nEnv(folder, { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...options.env }),
		timeoutMs: options.timeoutMs ?? 120_000,
		logFile: options.log ? artifactPath('logs', `${options.log}.log`) : undefined,
		check: false,
	});
}

/** Like n8nCli, but throws with n8n's output when the command fails. */
export async function n8nCliOk(folder: UserFolder, args: string[], options: CliOptions = {}): Promise<RunResult> {
	const result = await n8nCli(folder, args, options);
	if (result.code !== 0) throw new Error(`"n8n ${args.join(' ')}" exited with ${result.code ?? result.signal}:\n${errorsOf(result.stdout + result.stderr)}`);
	return result;
}

/** n8n's error and warning lines of an output, or its tail when there are none. */
export function errorsOf(output: string): string {
	const errors = logLines(output).filter((line) => line.level === 'error');
	return errors.length ? errors.map((line) => `  ${line.message}`).join('\n') : tail(output);
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	/** Plain values: `n8n import:credentials` encrypts an object `data` itself. */
	data: Record<string, unknown>;
}

/** `env`: more environment for the CLI, e.g. the database of a queue-mode setup. */
export async function importCredentials(folder: UserFolder, credentials: CredentialImport[], env?: NodeJS.ProcessEnv): Promise<void> {
	const file = path.join(folder.root, 'credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, 2));
	await n8nCliOk(folder, ['import:credentials', `--input=${file}`], { log: 'import-credentials', env });
}

export async function importWorkflow(folder: UserFolder, workflow: { id: string; name?: string }, env?: NodeJS.ProcessEnv): Promise<void> {
	const file = path.join(folder.root, `workflow-${workflow.id}.json`);
	writeFileSync(file, JSON.stringify(workflow, null, 2));
	await n8nCliOk(folder, ['import:workflow', `--input=${file}`], { log: `import-workflow-${workflow.id}`, env });
}

/**
 * Makes the workflow active when n8n starts next: `n8n publish:workflow` in n8n 2.x (which
 * activates the published version), `n8n update:workflow --active=true` in n8n 1.x (which has
 * no publishing).
 */
export async function publishWorkflow(folder: UserFolder, id: string, options: CliOptions = {}): Promise<void> {
	const args = N8N_MAJOR >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
	await n8nCliOk(folder, args, { log: `publish-workflow-${id}`, ...options });
}

/** A local HTTP endpoint that records the JSON bodies POSTed to it (a workflow's HTTP Request node reports there). */
export interface Receiver {
	url: string;
	received: Array<Record<string, unknown>>;
	close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
	const received: Receiver['received'] = [];
	const server = createHttpServer((request, response) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString()));
		request.on('end', () => {
			try {
				received.push(JSON.parse(body) as Record<string, unknown>);
			} catch {
				received.push({ unparsable: body });
			}
			response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/report`,
		received,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** An n8n run (IRun) as `n8n execute` prints it. */
export interface N8nRun {
	status: string;
	mode: string;
	data: {
		resultData: {
			error?: { message: string; description?: string; node?: { name: string } };
			runData: Record<string, Array<{ executionStatus?: string; error?: { message: string }; data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> } }>>;
			lastNodeExecuted?: string;
		};
	};
}

export interface ExecuteResult extends RunResult {
	/** The run n8n printed, when it printed one. */
	run?: N8nRun;
	/** JSON of the first output of each node's last run, by node name. */
	outputs: Record<string, Array<Record<string, unknown>>>;
}

/** The run `n8n execute` printed: it logs `JSON.stringify(run)` as one log message (on success and on failure). */
export function parseRun(output: string): N8nRun | undefined {
	let found: N8nRun | undefined;
	for (const line of logLines(output)) {
		if (!line.message.startsWith('{')) continue;
		try {
			const value = JSON.parse(line.message) as N8nRun;
			if (value?.data?.resultData?.runData) found = value;
		} catch {
			// another message
		}
	}
	return found;
}

export async function executeWorkflow(folder: UserFolder, id: string, options: CliOptions = {}): Promise<ExecuteResult> {
	let result = await n8nCli(folder, ['execute', `--id=${id}`, '--rawOutput'], { log: `execute-${id}`, ...options });
	const runData = parseRun(result.stdout);
	// n8n 1.x under Node 22 now and then dies with SIGSEGV while it shuts down (a native module
	// disposing), after the run was printed and saved: that run is the result, its exit is n8n's.
	if (result.code === null && result.signal === 'SIGSEGV' && runData && /Shutting down/.test(result.stdout + result.stderr)) {
		console.warn(`[e2e] n8n execute ${id} crashed (SIGSEGV) while shutting down, after it printed the run; taking that run`);
		result = { ...result, code: runData.status === 'success' ? 0 : 1 };
	}
	const outputs: ExecuteResult['outputs'] = {};
	for (const [name, tasks] of Object.entries(runData?.data.resultData.runData ?? {})) {
		const task = tasks[tasks.length - 1];
		outputs[name] = (task?.data?.main?.[0] ?? []).map((item) => item.json);
	}
	return { ...result, run: runData, outputs };
}

// ---------------------------------------------------------------------------------------
// n8n start
// ---------------------------------------------------------------------------------------

export interface N8nServer {
	url: string;
	port: number;
	/** Everything n8n printed so far. */
	output(): string;
	stop(): Promise<void>;
}

/**
 * `n8n start` on a free port of 127.0.0.1. Resolves once /healthz answers and the editor
 * serves its HTML page (right after /healthz, n8n may still answer "Cannot GET /" a while).
 */
export async function startN8n(folder: UserFolder, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; log?: string } = {}): Promise<N8nServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(NODE_BIN, [N8N_BIN, 'start'], {
		cwd: folder.root,
		env: n8nEnv(folder, {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			WEBHOOK_URL: `${url}/`,
			...options.env,
		}),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exited: string | undefined;
	child.once('exit', (code, signal) => (exited = `n8n start exited with ${code ?? signal}`));
	const logFile = options.log ? artifactPath('logs', `${options.log}.log`) : undefined;
	const server: N8nServer = {
		url,
		port,
		output: () => output,
		stop: async () => {
			await killGroup(child);
			if (logFile) writeFileSync(logFile, output);
		},
	};
	try {
		const timeoutMs = options.timeoutMs ?? 180_000;
		const started = Date.now();
		await waitFor(
			'n8n start to answer /healthz',
			async () => {
				if (exited) throw new Error(`${exited}:\n${errorsOf(output)}`);
				const response = await fetch(`${url}/healthz`);
				return response.ok;
			},
			timeoutMs,
		);
		await waitFor(
			"n8n's editor to serve its page",
			async () => {
				if (exited) throw new Error(`${exited}:\n${errorsOf(output)}`);
				const response = await fetch(`${url}/`);
				const text = await response.text();
				return response.ok && /<html/i.test(text);
			},
			Math.max(30_000, timeoutMs - (Date.now() - started)),
		);
		return server;
	} catch (error) {
		await server.stop();
		throw error;
	}
}

/**
 * Manual Trigger → a Code node emitting `items` → the Clay nodes given, in a row, each of
 * `typeVersion` with the API-key credential and `parameters` (plus the step's own).
 */
export function clayChain(
	id: string,
	clay: { credential: { id: string; name: string }; typeVersion: number; parameters?: Record<string, unknown> },
	items: Array<Record<string, unknown>>,
	steps: Array<{ name: string; parameters: Record<string, unknown> }>,
): WorkflowJson & { id: string } {
	const nodes: WorkflowJson['nodes'] = [
		{ id: `${id}-trigger`, name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-items`, name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` } },
	];
	steps.forEach((step, k) =>
		nodes.push({
			id: `${id}-clay-${k}`,
			name: step.name,
			type: `${PACKAGE_NAME}.clay`,
			typeVersion: clay.typeVersion,
			position: [400 + 200 * k, 0],
			parameters: { ...clay.parameters, ...step.parameters } as never,
			credentials: { clayApiKeyApi: clay.credential },
		}),
	);
	const order = nodes.map((node) => node.name);
	const connections: WorkflowJson['connections'] = {};
	for (let k = 0; k + 1 < order.length; k++) connections[order[k]] = { main: [[{ node: order[k + 1], type: 'main' as never, index: 0 }]] };
	return { id, name: id, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Runs a workflow with `n8n execute`; throws with n8n's own words unless it succeeded. */
export async function executeOrThrow(folder: UserFolder, id: string): Promise<ExecuteResult> {
	const result = await executeWorkflow(folder, id, { timeoutMs: 240_000 });
	assertPackageLoaded(result.stdout);
	if (result.code !== 0 || result.run?.status !== 'success') {
		const error = result.run?.data.resultData.error;
		throw new Error(`n8n execute ${id} failed (exit ${result.code}, status ${result.run?.status ?? 'none printed'})${error ? `: ${error.message}` : `:\n${errorsOf(result.stdout + result.stderr)}`}`);
	}
	return result;
}
