/**
 * One benchmark case, run in a process of its own (spawned by scripts/bench.ts with
 * `--case <name>`): the node under test runs here, through n8n-core's real execution (the
 * test harness), while the sandboxes run in the parent process — as a real service would run
 * elsewhere. So this process's CPU time and memory are the node's (and n8n's) alone.
 */
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { ClayApi } from '../../credentials/ClayApi.credentials';
import { ExtructApi } from '../../credentials/ExtructApi.credentials';
import { JustPaidApi } from '../../credentials/JustPaidApi.credentials';
import { Clay } from '../../nodes/Clay/Clay.node';
import { Extruct } from '../../nodes/Extruct/Extruct.node';
import { JustPaid } from '../../nodes/JustPaid/JustPaid.node';
import { Harness } from '../../test/harness/n8n';
import { HelperFloor, PassThrough, PerItemHttp } from './baseline';
import { startProfile } from './profile';

/** What the parent asks a child to run. */
export interface CaseRequest {
	/** Short node name under the harness: `extruct`, `clay`, `justPaid`, `perItemHttp`. */
	node: string;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Items are generated here (not shipped over IPC): which generator, how many. */
	items: { kind: 'extruct' | 'clay' | 'justpaid' | 'single'; count: number };
	continueOnFail?: boolean;
	/**
	 * A small run first (other parameters, e.g. another table), so that code n8n loads on first
	 * use is loaded before the measured run — as in a running n8n instance.
	 */
	warmup?: { parameters: INodeParameters; count: number };
	/** Record the process's CPU time every 100 ms (to measure a phase of the run). */
	sampleCpu?: boolean;
	/** Sample the heap every 50 ms for its peak (memory cases only: sampling costs CPU time). */
	sampleHeap?: boolean;
}

/** What a child reports. */
export interface CaseReport {
	wallMs: number;
	cpuUserMs: number;
	cpuSystemMs: number;
	/** Resident set size right before the execution, and the process's peak (MB). */
	rssBeforeMb: number;
	rssPeakMb: number;
	heapBeforeMb: number;
	heapPeakMb: number;
	outputItems: number;
	errorItems: number;
	firstError?: string;
	executionError?: string;
	/** Whether output item k is paired to input item k, for every k. */
	pairedInOrder: boolean;
	/** Epoch ms when the execution started and ended (to line up with the sandbox's request log). */
	startedAt: number;
	endedAt: number;
	/** `[epoch ms, CPU µs used so far]` every 50 ms, when asked for. */
	cpuSamples?: Array<[number, number]>;
}

const MB = 1024 * 1024;

/**
 * The harness's Source node, handing the items over as objects. The harness's own Source gets
 * them as a JSON string it parses (for 10,000 items about 2 ms to write and 2–3 ms to parse,
 * inside the measured window): a cost of the test set-up, not of n8n, which hands a node the
 * items the previous node made as they are.
 */
class InMemorySource implements INodeType {
	description = {
		displayName: 'Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'Benchmark input',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	items: IDataObject[] = [];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [source.items.map((json) => ({ json }))];
	}
}

const source = new InMemorySource();

/** Runs the node under test on `items`, handed over by the in-memory Source. */
async function execute(harness: Harness, request: CaseRequest, parameters: INodeParameters, items: IDataObject[], continueOnFail: boolean) {
	source.items = items;
	try {
		return await harness.execute({ node: request.node, parameters, items: [], continueOnFail });
	} finally {
		source.items = [];
	}
}

export function makeItems(spec: CaseRequest['items']): IDataObject[] {
	const items: IDataObject[] = new Array(spec.count);
	for (let i = 0; i < spec.count; i++) {
		switch (spec.kind) {
			case 'extruct':
				items[i] = { input: `https://company-${i}.example` };
				break;
			case 'clay':
				items[i] = { Name: `Person ${i}`, Email: `person-${i}@example.com` };
				break;
			case 'justpaid':
				items[i] = { n: i, name: `row ${i}` };
				break;
			default:
				items[i] = {};
		}
	}
	return items;
}

export async function runCase(request: CaseRequest): Promise<CaseReport> {
	const harness = new Harness({
		nodes: [new Extruct(), new Clay(), new JustPaid(), new PerItemHttp(), new PassThrough(), new HelperFloor()],
		credentials: [new ExtructApi(), new ClayApi(), new JustPaidApi()],
		data: request.credentials,
	});
	harness.nodeTypes.set('test.source', source);
	const items = makeItems(request.items);

	if (request.warmup) {
		await execute(harness, request, request.warmup.parameters, makeItems({ kind: request.items.kind, count: request.warmup.count }), true);
	}
	global.gc?.();
	// tell the parent, and wait for its go (it resets its request log and CPU clock)
	if (process.send) {
		await new Promise<void>((resolve) => {
			process.once('message', () => resolve());
			process.send!({ ready: true });
		});
	}
	const before = process.memoryUsage();
	let heapPeak = before.heapUsed;
	const sampler = request.sampleHeap
		? setInterval(() => {
				const heap = process.memoryUsage().heapUsed;
				if (heap > heapPeak) heapPeak = heap;
			}, 50)
		: undefined;

	const cpu = process.cpuUsage();
	const cpuSamples: Array<[number, number]> = [];
	const sample = () => {
		const used = process.cpuUsage(cpu);
		cpuSamples.push([Date.now(), used.user + used.system]);
	};
	const cpuSampler = request.sampleCpu ? setInterval(sample, 100) : undefined;
	const profiler = process.env.BENCH_PROFILE ? await startProfile() : undefined;
	const startedAt = Date.now();
	const started = performance.now();
	const result = await execute(harness, request, request.parameters, items, request.continueOnFail ?? true);
	const wallMs = performance.now() - started;
	const used = process.cpuUsage(cpu);
	if (profiler) await profiler.stop(path.join(process.env.BENCH_PROFILE!, `child-${request.node}-${process.pid}.cpuprofile`));
	clearInterval(sampler);
	if (cpuSampler) {
		clearInterval(cpuSampler);
		sample();
	}
	heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);

	const errors = result.json.filter((json) => json.error !== undefined);
	const pairedInOrder = result.items.every((item, k) => (item.pairedItem as { item?: number } | undefined)?.item === k);
	return {
		wallMs,
		cpuUserMs: used.user / 1000,
		cpuSystemMs: used.system / 1000,
		rssBeforeMb: before.rss / MB,
		rssPeakMb: (process.resourceUsage().maxRSS * 1024) / MB,
		heapBeforeMb: before.heapUsed / MB,
		heapPeakMb: heapPeak / MB,
		outputItems: result.items.length,
		errorItems: errors.length,
		firstError: errors[0] ? String(errors[0].error) : undefined,
		executionError: result.error?.message,
		pairedInOrder,
		startedAt,
		endedAt: Date.now(),
		cpuSamples: request.sampleCpu ? cpuSamples : undefined,
	};
}
