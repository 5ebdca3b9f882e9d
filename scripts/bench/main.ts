/**
 * The benchmark's parent process: it runs the sandboxes (20 ms of latency on every request,
 * light request log), hands each case to a child process (scripts/bench/child.ts), checks the
 * sandbox's state after each case (rows stored once, requests, 429s), and prints the tables.
 *
 * Every figure printed is measured in this run: wall time and CPU time in the child around the
 * node's execution, requests and 429s from the sandbox's request log, the sandbox's own
 * completion time of an enrichment run from its run record, memory from the child's
 * `process.resourceUsage().maxRSS` and heap samples.
 */
import os from 'node:os';
import path from 'node:path';

import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox } from '../../sandbox/clay';
import { startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructSandbox } from '../../sandbox/extruct';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox } from '../../sandbox/justpaid';
import type { CaseReport, CaseRequest } from './child';
import { inChild } from './fork';
import { BUSY_ROWS, pollCosts } from './polls';
import { startProfile } from './profile';

export const LATENCY_MS = 20;
/** The latency of a slow real service, for what a poll's sequential requests would take there. */
const SLOW_SERVICE_MS = 300;
/** The nodes' default Parallel Requests for batched writes (nodes/shared/properties.ts), used by the baseline too. */
const CONCURRENCY = 3;
/** Items of the warm-up run each child makes before the measured one. */
const WARMUP = 50;
/** JustPaid's 100 writes per minute, scaled so that 2,000 creates take about a minute: 100 per 3 s. */
const JP_WRITE_LIMIT = 100;
const JP_WINDOW_MS = 3000;
/**
 * A bulk path's target against its helper floor: its median wall time at most this much above
 * the floor's median, per row. What a bulk path does beyond the floor — the table read before
 * the first write (Clay: two reads, one after the other), the items checked against the table,
 * one output item per input item, cleaned of the credential's secrets on the way out — is its own
 * work, which grows with the rows, not with the requests (they cost the helper's time in both).
 */
const FLOOR_TARGET_US_PER_ROW = 20;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const autoMap = { mappingMode: 'autoMapInputData', value: null };

interface Options {
	rows: number;
	paced: number;
	enrich: number;
	memory: number;
	only?: string[];
	/** Skip the per-item baselines (quick runs while working on the bulk paths). */
	noBaseline?: boolean;
	/** Runs of each bulk path: the table shows the median run, and every run is listed under it. */
	runs: number;
	/** Rows of the tables the triggers poll. */
	pollRows: number;
}

function parse(args: string[]): Options {
	const options: Options = { rows: 10_000, paced: 2_000, enrich: 1_000, memory: 100_000, runs: 5, pollRows: 10_000 };
	for (let i = 0; i < args.length; i++) {
		const value = () => Number(args[++i]);
		if (args[i] === '--rows') options.rows = value();
		else if (args[i] === '--paced') options.paced = value();
		else if (args[i] === '--enrich') options.enrich = value();
		else if (args[i] === '--memory') options.memory = value();
		else if (args[i] === '--only') options.only = args[++i].split(',');
		else if (args[i] === '--no-baseline') options.noBaseline = true;
		else if (args[i] === '--runs') options.runs = Math.max(1, Math.floor(value()));
		else if (args[i] === '--poll-rows') options.pollRows = value();
		else throw new Error(`unknown argument ${args[i]} (use --rows N, --paced N, --enrich N, --memory N, --poll-rows N, --only extruct,clay,justpaid,wait,memory,polls, --no-baseline, --runs N)`);
	}
	return options;
}

interface Sandboxes {
	extruct: ExtructSandbox;
	clay: ClaySandbox;
	justPaid: JustPaidSandbox;
	/** An Extruct sandbox whose enrichment takes seconds, for the waiting case. */
	slowExtruct: ExtructSandbox;
	credentials: CaseRequest['credentials'];
}

/** A case's child report plus what the parent saw: requests, 429s, its own CPU (the sandbox's work). */
interface Measured {
	report: CaseReport;
	requests: number;
	rateLimited: number;
	sandboxCpuMs: number;
}

async function measure(
	name: string,
	server: { log: Array<{ status: number }>; clearLog(): void },
	request: CaseRequest,
): Promise<Measured> {
	let cpu = process.cpuUsage();
	let profiler: Promise<{ stop(file: string): Promise<void> }> | undefined;
	const report = await inChild(name, request, () => {
		server.clearLog();
		// BENCH_PROFILE=<dir>: the sandboxes' CPU profile during the case (see child.ts)
		if (process.env.BENCH_PROFILE) profiler = startProfile();
		cpu = process.cpuUsage();
	});
	const used = process.cpuUsage(cpu);
	if (profiler) await (await profiler).stop(path.join(process.env.BENCH_PROFILE!, `sandbox-${name}.cpuprofile`));
	if (process.env.BENCH_DEBUG) {
		const log = server.log as unknown as Array<{ method: string; startedAt: number; endedAt: number }>;
		const at = (ms: number | undefined) => (ms === undefined ? '-' : String(ms - report.startedAt));
		// the writes by arrival (an entry is logged once its body is read, so two may swap)
		const writes = log.filter((entry) => entry.method !== 'GET').sort((a, b) => a.startedAt - b.startedAt);
		process.stdout.write(
			`  [${name}] (at ${report.startedAt}) first request ${at(log[0]?.startedAt)} ms, first write ${at(writes[0]?.startedAt)} ms, last answer ${at(log[log.length - 1]?.endedAt)} ms, end ${at(report.endedAt)} ms; ${turnaround(writes)}; ${log
				.slice(0, Number(process.env.BENCH_DEBUG) > 1 ? undefined : 6)
				.map((entry) => `${entry.method} ${at(entry.startedAt)}-${at(entry.endedAt)}`)
				.join(', ')}\n`,
		);
	}
	return {
		report,
		requests: server.log.length,
		rateLimited: server.log.filter((entry) => entry.status === 429).length,
		sandboxCpuMs: (used.user + used.system) / 1000,
	};
}

/**
 * For BENCH_DEBUG: how long a slot stayed empty between rounds — from an answer to the arrival
 * of the request that took its place (the k-th write after the first `CONCURRENCY` replaces the
 * k-th answer), on average and at most. The ideal counts none of it. `writes` by arrival.
 */
function turnaround(writes: Array<{ startedAt: number; endedAt: number }>): string {
	const answers = writes.map((entry) => entry.endedAt).sort((a, b) => a - b);
	const gaps = writes.slice(CONCURRENCY).map((entry, k) => entry.startedAt - answers[k]);
	if (!gaps.length) return 'no slot reused';
	const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
	return `from an answer to the next write's arrival ${mean.toFixed(1)} ms on average, ${Math.max(...gaps)} ms at most`;
}

function check(condition: boolean, message: string, problems: string[]): void {
	if (!condition) problems.push(message);
}

// ---------------------------------------------------------------------------------------
// Formatting

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (value: number) => value.toLocaleString('en-US');
const mb = (value: number) => `${value.toFixed(0)} MB`;

function table(headers: string[], rows: string[][]): string {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
	return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------
// Cases

interface ThroughputRow {
	label: string;
	items: number;
	measured: Measured;
	concurrency: number;
	/** For a path run several times: every run's wall time, in the order run (`measured` is the median run). */
	runsMs?: number[];
}

/**
 * Runs a bulk case `runs` times, each in a fresh child process and into a fresh table, and
 * returns the median run (by wall time) with every run's wall time. One run on a shared
 * 2-core machine can be off by a tenth either way; the median of several is the steadier figure.
 */
async function medianOf(runs: number, run: (k: number) => Promise<ThroughputRow>): Promise<ThroughputRow> {
	const rows: ThroughputRow[] = [];
	for (let k = 0; k < runs; k++) rows.push(await run(k));
	const sorted = [...rows].sort((a, b) => a.measured.report.wallMs - b.measured.report.wallMs);
	return { ...sorted[Math.floor((sorted.length - 1) / 2)], runsMs: rows.map((row) => row.measured.report.wallMs) };
}

async function extructAdd(sb: Sandboxes, count: number, problems: string[], name = 'extruct-bulk', sampleHeap = false): Promise<ThroughputRow> {
	const table = sb.extruct.seedTable({ name: `Bench ${name}`, kind: 'company' });
	const warm = sb.extruct.seedTable({ name: `Warm-up ${name}`, kind: 'company' });
	const parameters = (tableId: string) => ({ resource: 'row', operation: 'add', table: byId(tableId), columns: autoMap });
	const measured = await measure(name, sb.extruct.server, {
		node: 'extruct',
		parameters: parameters(table.id),
		credentials: sb.credentials,
		items: { kind: 'extruct', count },
		warmup: { parameters: parameters(warm.id), count: WARMUP },
		sampleHeap,
	});
	sb.extruct.tables.delete(warm.id);
	verifyExtruct(sb.extruct, table.id, count, measured, name, problems);
	return { label: 'Extruct Row → Add (bulk)', items: count, measured, concurrency: CONCURRENCY };
}

async function extructBaseline(sb: Sandboxes, count: number, problems: string[]): Promise<ThroughputRow> {
	const table = sb.extruct.seedTable({ name: 'Bench baseline', kind: 'company' });
	const warm = sb.extruct.seedTable({ name: 'Warm-up baseline', kind: 'company' });
	const parameters = (tableId: string) => ({
		credentialType: 'extructApi',
		method: 'POST',
		url: `${sb.extruct.url}/v1/tables/${tableId}/rows`,
		body: '={{ { rows: [{ data: { input: $json.input } }] } }}',
		concurrency: CONCURRENCY,
	});
	const measured = await measure('extruct-baseline', sb.extruct.server, {
		node: 'perItemHttp',
		parameters: parameters(table.id),
		credentials: sb.credentials,
		items: { kind: 'extruct', count },
		warmup: { parameters: parameters(warm.id), count: WARMUP },
	});
	sb.extruct.tables.delete(warm.id);
	verifyExtruct(sb.extruct, table.id, count, measured, 'extruct-baseline', problems);
	return { label: 'Extruct, one request per item', items: count, measured, concurrency: CONCURRENCY };
}

/**
 * The same 50 batches through n8n's HTTP helper and nothing else (scripts/bench/baseline.ts,
 * HelperFloor): what any node using the helper pays per request, against the same ideal.
 */
async function helperFloor(sb: Sandboxes, service: 'extruct' | 'clay', count: number, problems: string[], name: string): Promise<ThroughputRow> {
	const extruct = service === 'extruct';
	const tableId = extruct ? sb.extruct.seedTable({ name: `Bench ${name}`, kind: 'company' }).id : clayTable(sb.clay, `Bench ${name}`).id;
	const warmId = extruct ? sb.extruct.seedTable({ name: `Warm-up ${name}`, kind: 'company' }).id : clayTable(sb.clay, `Warm-up ${name}`).id;
	const parameters = (id: string) => ({
		credentialType: extruct ? 'extructApi' : 'clayApi',
		url: extruct ? `${sb.extruct.url}/v1/tables/${id}/rows` : `${sb.clay.url}/v3/tables/${id}/records`,
		kind: service,
		fieldIds: extruct ? {} : { Name: sb.clay.fieldId(id, 'Name'), Email: sb.clay.fieldId(id, 'Email') },
		batchSize: 200,
		concurrency: CONCURRENCY,
	});
	const server = extruct ? sb.extruct.server : sb.clay.server;
	const measured = await measure(name, server, {
		node: 'helperFloor',
		parameters: parameters(tableId),
		credentials: sb.credentials,
		items: { kind: service, count },
		warmup: { parameters: parameters(warmId), count: WARMUP },
	});
	const stored = extruct ? sb.extruct.tables.get(tableId)!.rows.length : sb.clay.tables.get(tableId)!.records.size;
	check(stored === count && !measured.report.executionError, `${name}: the table holds ${stored} rows, expected ${count} (${measured.report.executionError ?? ''})`, problems);
	for (const id of [tableId, warmId]) (extruct ? sb.extruct.tables : sb.clay.tables).delete(id);
	const label = `${extruct ? 'Extruct' : 'Clay'}: the same batches, n8n's HTTP helper alone`;
	return { label, items: count, measured, concurrency: CONCURRENCY };
}

function verifyExtruct(sandbox: ExtructSandbox, tableId: string, count: number, measured: Measured, name: string, problems: string[]): void {
	const inputs = sandbox.tables.get(tableId)!.rows.map((row) => row.data.input.value);
	check(inputs.length === count && new Set(inputs).size === count, `${name}: the table holds ${inputs.length} rows (${new Set(inputs).size} distinct), expected ${count}`, problems);
	verifyReport(measured.report, count, name, problems);
	// the sandbox's rows: free them, the next case starts from an empty table
	sandbox.tables.delete(tableId);
}

function verifyReport(report: CaseReport, count: number, name: string, problems: string[]): void {
	check(report.outputItems === count && report.pairedInOrder, `${name}: ${report.outputItems} output items (paired in order: ${report.pairedInOrder}), expected ${count}`, problems);
	check(report.errorItems === 0 && !report.executionError, `${name}: ${report.errorItems} error items; ${report.executionError ?? report.firstError ?? ''}`, problems);
}

function clayTable(sandbox: ClaySandbox, name: string) {
	return sandbox.seedTable({ name, fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }] });
}

async function passThrough(sb: Sandboxes, count: number, problems: string[]): Promise<ThroughputRow> {
	const measured = await measure('pass-through', sb.extruct.server, {
		node: 'passThrough',
		parameters: {},
		credentials: sb.credentials,
		items: { kind: 'extruct', count },
		warmup: { parameters: {}, count: WARMUP },
	});
	verifyReport(measured.report, count, 'pass-through', problems);
	return { label: 'n8n alone: a node that outputs its items', items: count, measured, concurrency: CONCURRENCY };
}

async function clayAdd(sb: Sandboxes, count: number, problems: string[], name = 'clay-bulk', sampleHeap = false): Promise<ThroughputRow> {
	const table = clayTable(sb.clay, `Bench ${name}`);
	const warm = clayTable(sb.clay, `Warm-up ${name}`);
	const parameters = (tableId: string) => ({ resource: 'record', operation: 'add', table: byId(tableId), cells: autoMap, recordIdMode: 'generate' });
	const measured = await measure(name, sb.clay.server, {
		node: 'clay',
		parameters: parameters(table.id),
		credentials: sb.credentials,
		items: { kind: 'clay', count },
		warmup: { parameters: parameters(warm.id), count: WARMUP },
		sampleHeap,
	});
	sb.clay.tables.delete(warm.id);
	verifyClay(sb.clay, table.id, count, measured, name, problems);
	return { label: 'Clay Record → Add (bulk)', items: count, measured, concurrency: CONCURRENCY };
}

async function clayBaseline(sb: Sandboxes, count: number, problems: string[]): Promise<ThroughputRow> {
	const table = clayTable(sb.clay, 'Bench baseline');
	const warm = clayTable(sb.clay, 'Warm-up baseline');
	const parameters = (tableId: string) => ({
		credentialType: 'clayApi',
		method: 'POST',
		url: `${sb.clay.url}/v3/tables/${tableId}/records`,
		body: `={{ { records: [{ id: "r_bench_" + $itemIndex, cells: { "${sb.clay.fieldId(tableId, 'Name')}": $json.Name, "${sb.clay.fieldId(tableId, 'Email')}": $json.Email } }] } }}`,
		concurrency: CONCURRENCY,
	});
	const measured = await measure('clay-baseline', sb.clay.server, {
		node: 'perItemHttp',
		parameters: parameters(table.id),
		credentials: sb.credentials,
		items: { kind: 'clay', count },
		warmup: { parameters: parameters(warm.id), count: WARMUP },
	});
	sb.clay.tables.delete(warm.id);
	verifyClay(sb.clay, table.id, count, measured, 'clay-baseline', problems);
	return { label: 'Clay, one request per item', items: count, measured, concurrency: CONCURRENCY };
}

function verifyClay(sandbox: ClaySandbox, tableId: string, count: number, measured: Measured, name: string, problems: string[]): void {
	const table = sandbox.tables.get(tableId)!;
	const nameField = sandbox.fieldId(tableId, 'Name');
	const names = [...table.records.values()].map((record) => record.cells[nameField]?.value);
	check(names.length === count && new Set(names).size === count, `${name}: the table holds ${names.length} records (${new Set(names).size} distinct), expected ${count}`, problems);
	verifyReport(measured.report, count, name, problems);
	sandbox.tables.delete(tableId);
}

interface PacedResult {
	writes: number;
	measured: Measured;
	spanMs: number;
	bucketPerSecond: number;
	achievedPerSecond: number;
}

async function justPaidPaced(sb: Sandboxes, count: number, problems: string[]): Promise<PacedResult> {
	const table = sb.justPaid.seedTable({ name: 'Bench paced', maxRows: 100_000, columns: [{ name: 'n', type: 'number' }, { name: 'name', type: 'text' }] });
	sb.justPaid.limiter.read.reset();
	sb.justPaid.limiter.write.reset();
	const measured = await measure('justpaid-paced', sb.justPaid.server, {
		node: 'justPaid',
		parameters: { resource: 'row', operation: 'create', table: byId(table.id), columns: autoMap },
		credentials: sb.credentials,
		items: { kind: 'justpaid', count },
	});
	const posts = (sb.justPaid.server.log as Array<{ method: string; status: number; startedAt: number; endedAt: number }>).filter(
		(entry) => entry.method === 'POST' && entry.status === 201,
	);
	const spanMs = posts.length ? Math.max(...posts.map((p) => p.endedAt)) - Math.min(...posts.map((p) => p.startedAt)) : 0;
	const stored = sb.justPaid.sortedRows(table.id).map((row) => row.data.n);
	check(stored.length === count && new Set(stored).size === count, `justpaid-paced: ${stored.length} rows stored (${new Set(stored).size} distinct), expected ${count}`, problems);
	verifyReport(measured.report, count, 'justpaid-paced', problems);
	const bucketPerSecond = JP_WRITE_LIMIT / (JP_WINDOW_MS / 1000);
	return { writes: posts.length, measured, spanMs, bucketPerSecond, achievedPerSecond: spanMs ? posts.length / (spanMs / 1000) : 0 };
}

interface WaitResult {
	rows: number;
	cells: number;
	measured: Measured;
	completionMs: number;
	/** The waiting phase: from the run request's answer to the first read of the rows. */
	waitMs: number;
	waitCpuMs: number;
	statusChecks: number;
}

/** CPU time (ms) the child used between two moments, from its samples (the nearest samples inside). */
function cpuBetween(samples: Array<[number, number]>, from: number, to: number): { ms: number; span: number } {
	const inside = samples.filter(([at]) => at >= from && at <= to);
	if (inside.length < 2) return { ms: 0, span: 0 };
	const [firstAt, firstCpu] = inside[0];
	const [lastAt, lastCpu] = inside[inside.length - 1];
	return { ms: (lastCpu - firstCpu) / 1000, span: lastAt - firstAt };
}

async function extructWait(sb: Sandboxes, count: number, problems: string[]): Promise<WaitResult> {
	const rows = Array.from({ length: count }, (_v, i) => ({ input: `https://enrich-${i}.example` }));
	const table = sb.slowExtruct.seedTable({ name: 'Bench enrichment', kind: 'company', rows });
	const warm = sb.slowExtruct.seedTable({ name: 'Warm-up enrichment', kind: 'company', rows: rows.slice(0, 1) });
	const parameters = (tableId: string) => ({ resource: 'enrichment', operation: 'run', table: byId(tableId), rowsSource: 'all', wait: true });
	const measured = await measure('extruct-wait', sb.slowExtruct.server, {
		node: 'extruct',
		parameters: parameters(table.id),
		credentials: { ...sb.credentials, extructApi: { apiToken: sb.slowExtruct.token, baseUrl: sb.slowExtruct.url } },
		items: { kind: 'single', count: 1 },
		warmup: { parameters: parameters(warm.id), count: 1 },
		sampleCpu: true,
	});
	const run = sb.slowExtruct.runs.find((entry) => entry.tableId === table.id);
	check(run !== undefined, 'extruct-wait: no run was started', problems);
	check(measured.report.outputItems === count && measured.report.errorItems === 0, `extruct-wait: ${measured.report.outputItems} rows output (${measured.report.errorItems} errors), expected ${count}`, problems);
	const status = sb.slowExtruct.tableStatus(table.id);
	check(status.run_status === 'idle' && status.num_cells_in_progress === 0, 'extruct-wait: the table was still running when the node returned', problems);
	const log = sb.slowExtruct.server.log as Array<{ method: string; path: string; startedAt: number; endedAt: number }>;
	const runAnswered = log.find((entry) => entry.method === 'POST' && entry.path.endsWith('/run'))?.endedAt ?? measured.report.startedAt;
	const firstRead = log.find((entry) => entry.path.endsWith('/data') || entry.path.includes('/rows/'))?.startedAt ?? measured.report.endedAt;
	const waiting = cpuBetween(measured.report.cpuSamples ?? [], runAnswered, firstRead);
	const statusChecks = log.filter((entry) => entry.method === 'GET' && /\/v1\/tables\/[^/]+$/.test(entry.path)).length;
	return {
		rows: count,
		cells: run?.num_requested_cells ?? 0,
		measured,
		completionMs: run ? run.completesAt - run.startedAt : 0,
		waitMs: waiting.span,
		waitCpuMs: waiting.ms,
		statusChecks,
	};
}

interface MemoryResult {
	label: string;
	items: number;
	measured: Measured;
}

async function memoryCase(sb: Sandboxes, count: number, problems: string[]): Promise<MemoryResult[]> {
	const extruct = await extructAdd(sb, count, problems, 'memory-extruct', true);
	const clay = await clayAdd(sb, count, problems, 'memory-clay', true);
	return [
		{ label: 'Extruct Row → Add', items: count, measured: extruct.measured },
		{ label: 'Clay Record → Add', items: count, measured: clay.measured },
	];
}

// ---------------------------------------------------------------------------------------

export async function main(args: string[]): Promise<number> {
	const options = parse(args);
	const want = (name: string) => !options.only || options.only.includes(name);
	const light = { latencyMs: LATENCY_MS, lightLog: true };
	const extruct = await startExtructSandbox(light);
	const clay = await startClaySandbox(light);
	const justPaid = await startJustPaidSandbox({ ...light, writeLimit: JP_WRITE_LIMIT, windowMs: JP_WINDOW_MS, tieBreak: 'insertion' });
	// 3 enrichment columns × rows, 100 cells at a time, 600 ms each: about 18 s for 1,000 rows
	const slowExtruct = await startExtructSandbox({ ...light, cellStartMs: 20, cellDurationMs: 600, cellParallelism: 100 });
	const sb: Sandboxes = {
		extruct,
		clay,
		justPaid,
		slowExtruct,
		credentials: {
			extructApi: { apiToken: extruct.token, baseUrl: extruct.url },
			clayApi: { sessionToken: clay.session, baseUrl: clay.url },
			justPaidApi: { apiKey: justPaid.apiKey, baseUrl: justPaid.url, rateWindowSeconds: JP_WINDOW_MS / 1000 },
		},
	};
	const problems: string[] = [];
	const out: string[] = [];
	const say = (text = '') => {
		out.push(text);
		process.stdout.write(`${text}\n`);
	};
	const began = Date.now();
	/** The targets, each with the measured figure and whether it was met. */
	const verdicts: Array<{ target: string; measured: string; met: boolean }> = [];
	say(`Benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model?.trim()}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}, ${os.platform()} ${os.release()}`);
	say(`Sandbox latency ${LATENCY_MS} ms per request; each case in its own process; sandboxes in the parent process.`);
	say(`Load average at the start: ${os.loadavg().map((value) => value.toFixed(2)).join(', ')} (other work on the machine slows every figure down).`);
	say();

	try {
		const throughput: ThroughputRow[] = [];
		/** [bulk path, its one-request-per-item baseline] */
		const pairs: Array<[string, string]> = [];
		/** [bulk path, its helper floor] */
		const floors: Array<[string, string]> = [];
		if (want('extruct') || want('clay')) throughput.push(await passThrough(sb, options.rows, problems));
		if (want('extruct')) {
			say('… Extruct: bulk, then one request per item');
			const bulk = await medianOf(options.runs, async (k) => await extructAdd(sb, options.rows, problems, `extruct-bulk-${k + 1}`));
			throughput.push(bulk);
			const floor = await medianOf(options.runs, async (k) => await helperFloor(sb, 'extruct', options.rows, problems, `extruct-floor-${k + 1}`));
			throughput.push(floor);
			floors.push([bulk.label, floor.label]);
			if (!options.noBaseline) {
				const base = await extructBaseline(sb, options.rows, problems);
				throughput.push(base);
				pairs.push([bulk.label, base.label]);
			}
		}
		if (want('clay')) {
			say('… Clay: bulk, then one request per item');
			const bulk = await medianOf(options.runs, async (k) => await clayAdd(sb, options.rows, problems, `clay-bulk-${k + 1}`));
			throughput.push(bulk);
			const floor = await medianOf(options.runs, async (k) => await helperFloor(sb, 'clay', options.rows, problems, `clay-floor-${k + 1}`));
			throughput.push(floor);
			floors.push([bulk.label, floor.label]);
			if (!options.noBaseline) {
				const base = await clayBaseline(sb, options.rows, problems);
				throughput.push(base);
				pairs.push([bulk.label, base.label]);
			}
		}
		if (throughput.length) {
			say();
			say(`Throughput: ${n(options.rows)} rows added (ideal = requests ÷ parallel requests × ${LATENCY_MS} ms)`);
			say();
			say(
				table(
					['path', 'requests', 'parallel', 'ideal', 'measured', '× ideal', 'rows/s', 'speed-up', 'node CPU', 'sandbox CPU', 'peak RSS'],
					throughput.map((row) => {
						const m = row.measured;
						const ideal = (m.requests / row.concurrency) * LATENCY_MS;
						if (!m.requests) {
							return [row.label, '0', '', '', s(m.report.wallMs), '', n(Math.round(row.items / (m.report.wallMs / 1000))), '', s(m.report.cpuUserMs + m.report.cpuSystemMs), '', mb(m.report.rssPeakMb)];
						}
						const pair = pairs.find(([bulk]) => bulk === row.label);
						const base = pair ? throughput.find((other) => other.label === pair[1]) : undefined;
						return [
							row.label,
							n(m.requests),
							String(row.concurrency),
							s(ideal),
							s(m.report.wallMs),
							`${(m.report.wallMs / ideal).toFixed(2)}×`,
							n(Math.round(row.items / (m.report.wallMs / 1000))),
							base ? `${(base.measured.report.wallMs / m.report.wallMs).toFixed(0)}×` : '',
							s(m.report.cpuUserMs + m.report.cpuSystemMs),
							s(m.sandboxCpuMs),
							mb(m.report.rssPeakMb),
						];
					}),
				),
			);
			say();
			for (const row of throughput.filter((entry) => entry.runsMs && entry.runsMs.length > 1)) {
				const ideal = (row.measured.requests / row.concurrency) * LATENCY_MS;
				const runs = row.runsMs!;
				say(
					`${row.label}: the median of ${runs.length} runs, each in a fresh process; every run: ${runs.map((ms) => s(ms)).join(', ')} (${(Math.min(...runs) / ideal).toFixed(2)}–${(Math.max(...runs) / ideal).toFixed(2)}× ideal)`,
				);
			}
			if (throughput.some((entry) => entry.runsMs && entry.runsMs.length > 1)) say();
			for (const [bulkLabel, baseLabel] of pairs) {
				const bulk = throughput.find((row) => row.label === bulkLabel)!;
				const base = throughput.find((row) => row.label === baseLabel)!;
				const speedUp = base.measured.report.wallMs / bulk.measured.report.wallMs;
				verdicts.push({ target: `${bulkLabel}: at least 50× faster than one request per item`, measured: `${speedUp.toFixed(0)}×`, met: speedUp >= 50 });
			}
			for (const [bulkLabel, floorLabel] of floors) {
				const bulk = throughput.find((row) => row.label === bulkLabel)!;
				const floor = throughput.find((row) => row.label === floorLabel)!;
				const aboveMs = bulk.measured.report.wallMs - floor.measured.report.wallMs;
				const perRowUs = (aboveMs * 1000) / options.rows;
				const runs = bulk.runsMs && bulk.runsMs.length > 1 ? `, medians of ${bulk.runsMs.length} runs` : '';
				verdicts.push({
					target: `${bulkLabel}: at most ${FLOOR_TARGET_US_PER_ROW} µs per row above n8n's HTTP helper alone (the same batches; ${s((FLOOR_TARGET_US_PER_ROW * options.rows) / 1000)} for ${n(options.rows)} rows)`,
					measured: `${perRowUs.toFixed(1)} µs per row: ${s(bulk.measured.report.wallMs)} against ${s(floor.measured.report.wallMs)} (${(bulk.measured.report.wallMs / floor.measured.report.wallMs).toFixed(2)}×${runs})`,
					met: perRowUs <= FLOOR_TARGET_US_PER_ROW,
				});
			}
		}

		if (want('justpaid')) {
			say(`… JustPaid: ${n(options.paced)} creates paced to ${JP_WRITE_LIMIT} writes per ${JP_WINDOW_MS / 1000} s`);
			const paced = await justPaidPaced(sb, options.paced, problems);
			const m = paced.measured;
			const latencyIdeal = (m.requests / 1) * LATENCY_MS;
			const bucketIdeal = (options.paced / paced.bucketPerSecond) * 1000;
			say();
			say(`Pacing: JustPaid Row → Create, ${n(options.paced)} rows, write bucket ${JP_WRITE_LIMIT} per ${JP_WINDOW_MS / 1000} s (the docs' 100/min, scaled), node defaults (Writes per Minute 100, Rate Window ${JP_WINDOW_MS / 1000} s in the credential, 1 write in flight)`);
			say();
			say(
				table(
					['requests', 'ideal', 'measured', 'write rate', 'bucket', 'share of bucket', '429s', 'failed items', 'node CPU'],
					[
						[
							n(m.requests),
							`${s(Math.max(latencyIdeal, bucketIdeal))} (bucket; requests ÷ 1 × ${LATENCY_MS} ms = ${s(latencyIdeal)})`,
							s(m.report.wallMs),
							`${paced.achievedPerSecond.toFixed(2)}/s`,
							`${paced.bucketPerSecond.toFixed(2)}/s`,
							`${((paced.achievedPerSecond / paced.bucketPerSecond) * 100).toFixed(1)} %`,
							String(m.rateLimited),
							String(m.report.errorItems),
							s(m.report.cpuUserMs + m.report.cpuSystemMs),
						],
					],
				),
			);
			say(`(write rate = ${n(paced.writes)} stored creates ÷ ${s(paced.spanMs)} from the first create's arrival to the last one's answer)`);
			const share = paced.achievedPerSecond / paced.bucketPerSecond;
			verdicts.push({
				target: 'JustPaid: at least 90 % of the write bucket, no item failed',
				measured: `${(share * 100).toFixed(1)} %, ${m.report.errorItems} failed, ${m.rateLimited} × 429`,
				met: share >= 0.9 && m.report.errorItems === 0,
			});
			say();
		}

		if (want('wait')) {
			say(`… Extruct: Enrichment → Run with Wait for Completion on ${n(options.enrich)} rows`);
			const wait = await extructWait(sb, options.enrich, problems);
			const m = wait.measured;
			const cpu = m.report.cpuUserMs + m.report.cpuSystemMs;
			say();
			say(`Waiting: Extruct Enrichment → Run, Wait for Completion, ${n(wait.rows)} rows, ${n(wait.cells)} cells (100 at a time, 600 ms each)`);
			say();
			say(
				table(
					['requests', 'status checks', 'ideal (sandbox completion)', 'measured', 'overshoot', 'CPU while waiting', 'share of the wait', 'CPU, whole execution'],
					[
						[
							n(m.requests),
							n(wait.statusChecks),
							`${s(wait.completionMs)} (requests ÷ 1 × ${LATENCY_MS} ms = ${s(m.requests * LATENCY_MS)})`,
							s(m.report.wallMs),
							s(m.report.wallMs - wait.completionMs),
							`${s(wait.waitCpuMs)} in ${s(wait.waitMs)}`,
							`${((wait.waitCpuMs / Math.max(1, wait.waitMs)) * 100).toFixed(2)} %`,
							`${s(cpu)} (${((cpu / m.report.wallMs) * 100).toFixed(2)} %)`,
						],
					],
				),
			);
			say(`(waiting: from the run request's answer to the first read of the enriched rows; the whole execution also reads the ${n(wait.rows)} rows and builds the output)`);
			const waitShare = wait.waitCpuMs / Math.max(1, wait.waitMs);
			verdicts.push({ target: 'Waiting for enrichment: under 5 % CPU', measured: `${(waitShare * 100).toFixed(2)} %`, met: waitShare < 0.05 });
			say();
		}

		if (want('memory')) {
			say(`… Memory: ${n(options.memory)} items added, each node in a fresh process`);
			const memory = await memoryCase(sb, options.memory, problems);
			say();
			say(`Memory: ${n(options.memory)} items added (the child process's resident memory before the execution, and its peak)`);
			say();
			say(
				table(
					['path', 'requests', 'measured', 'RSS before', 'peak RSS', 'raised by', 'heap before', 'peak heap'],
					memory.map((row) => {
						const r = row.measured.report;
						return [row.label, n(row.measured.requests), s(r.wallMs), mb(r.rssBeforeMb), mb(r.rssPeakMb), mb(r.rssPeakMb - r.rssBeforeMb), mb(r.heapBeforeMb), mb(r.heapPeakMb)];
					}),
				),
			);
			say();
			for (const row of memory) {
				const raised = row.measured.report.rssPeakMb - row.measured.report.rssBeforeMb;
				verdicts.push({ target: `${row.label}, ${n(row.items)} items: peak memory raised by less than 300 MB`, measured: mb(raised), met: raised < 300 });
			}
		}

		if (want('polls')) {
			say(`… Triggers: activation, an idle and a busy poll on ${n(options.pollRows)}-row tables`);
			const figures = await pollCosts(options.pollRows, LATENCY_MS);
			say();
			say(`Polls: each trigger on a table of ${n(options.pollRows)} rows; busy = ${n(BUSY_ROWS)} rows added, updated or enriched since the poll before (n8n's durable scheduler abandons a poll after 45 s)`);
			say();
			say(
				table(
					['trigger', 'event', 'poll', 'requests', 'measured', `at ${SLOW_SERVICE_MS} ms a request`, 'emitted', 'saved state'],
					figures.map((f) => [f.trigger, f.event, f.poll, n(f.requests), s(f.ms), s(f.requests * SLOW_SERVICE_MS), n(f.emitted), `${n(f.stateBytes)} B`]),
				),
			);
			say(`(a poll sends its requests one after the other: "at ${SLOW_SERVICE_MS} ms a request" is requests × ${SLOW_SERVICE_MS} ms, a slow real service)`);
			say();
			for (const f of figures) {
				if (f.error) problems.push(`${f.trigger} ${f.event}, ${f.poll} poll: ${f.error}`);
				if (f.poll === 'busy' && f.emitted !== BUSY_ROWS) problems.push(`${f.trigger} ${f.event}: the busy poll emitted ${f.emitted} items, not ${BUSY_ROWS}`);
				if (f.poll !== 'busy' && f.emitted !== 0) problems.push(`${f.trigger} ${f.event}: the ${f.poll} poll emitted ${f.emitted} items`);
			}
		}
	} finally {
		await Promise.all([extruct.close(), clay.close(), justPaid.close(), slowExtruct.close()]);
	}
	if (verdicts.length) {
		say('Targets');
		say();
		say(table(['target', 'measured', 'verdict'], verdicts.map((verdict) => [verdict.target, verdict.measured, verdict.met ? 'met' : 'MISSED'])));
		say();
	}
	say(`Benchmark took ${s(Date.now() - began)}; load average at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(', ')}.`);
	if (problems.length) {
		say();
		say('PROBLEMS (the run did not do what it should):');
		for (const problem of problems) say(`- ${problem}`);
		return 1;
	}
	return 0;
}
