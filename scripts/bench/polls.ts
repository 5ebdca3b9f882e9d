/**
 * What a trigger's poll costs on a large table: requests and seconds per poll, idle (nothing
 * changed) and busy (100 rows added, updated or enriched since the last poll), for every
 * trigger and event, against the sandboxes with the benchmark's latency. The polls run in this
 * process through n8n-core's PollContext (the test harness's PollRunner), as n8n's scheduler
 * runs them; the figures are the sandbox's request log and the poll's wall time.
 *
 * n8n's durable scheduler abandons a poll after 45 s (N8N_SCHEDULER_POLL_TIMEOUT), and an
 * abandoned poll records nothing: a poll whose requests × the service's real latency come near
 * that never advances.
 */
import { ClayApi } from '../../credentials/ClayApi.credentials';
import { ClayApiKeyApi } from '../../credentials/ClayApiKeyApi.credentials';
import { ExtructApi } from '../../credentials/ExtructApi.credentials';
import { JustPaidApi } from '../../credentials/JustPaidApi.credentials';
import { ClayTrigger } from '../../nodes/Clay/ClayTrigger.node';
import { ExtructTrigger } from '../../nodes/Extruct/ExtructTrigger.node';
import { JustPaidTrigger } from '../../nodes/JustPaid/JustPaidTrigger.node';
import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox } from '../../sandbox/clay';
import { startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructSandbox } from '../../sandbox/extruct';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox } from '../../sandbox/justpaid';
import { Harness } from '../../test/harness/n8n';
import { PollRunner } from '../../test/harness/poll';

/** Rows changed between the busy poll and the one before it. */
export const BUSY_ROWS = 100;
/** The time watermarks stay 1-2 s under the server's clock: events that recent wait for the next poll. */
const WATERMARK_LAG_MS = 2100;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PollFigure {
	trigger: string;
	event: string;
	rows: number;
	/** `activation`, `idle` or `busy`. */
	poll: string;
	requests: number;
	ms: number;
	/** Items the poll emitted. */
	emitted: number;
	/** The size of the saved state after the poll (bytes of JSON). */
	stateBytes: number;
	error?: string;
}

interface Measuring {
	server: { log: unknown[]; clearLog(): void };
}

async function measure(sandbox: Measuring, runner: PollRunner, figure: Omit<PollFigure, 'requests' | 'ms' | 'emitted' | 'stateBytes'>): Promise<PollFigure> {
	sandbox.server.clearLog();
	const started = performance.now();
	const outcome = await runner.poll();
	const ms = performance.now() - started;
	return {
		...figure,
		requests: sandbox.server.log.length,
		ms,
		emitted: outcome.items.length,
		stateBytes: runner.stateBytes(),
		error: outcome.error?.message,
	};
}

/** Activation, an idle poll and a busy poll of one trigger; `change` makes the busy poll's events. */
async function cycle(sandbox: Measuring, runner: PollRunner, base: { trigger: string; event: string; rows: number }, change: () => Promise<void>): Promise<PollFigure[]> {
	const figures = [await measure(sandbox, runner, { ...base, poll: 'activation' })];
	figures.push(await measure(sandbox, runner, { ...base, poll: 'idle' }));
	await change();
	await sleep(WATERMARK_LAG_MS);
	figures.push(await measure(sandbox, runner, { ...base, poll: 'busy' }));
	return figures;
}

async function extructPolls(sandbox: ExtructSandbox, rows: number): Promise<PollFigure[]> {
	const harness = new Harness({ nodes: [new ExtructTrigger()], credentials: [new ExtructApi()], data: { extructApi: { apiToken: sandbox.token, baseUrl: sandbox.url } } });
	const agent = { kind: 'agent', name: 'Stage', key: 'stage', value: { agent_type: 'llm', prompt: 'Stage of {input}', output_format: 'text' } };
	const figures: PollFigure[] = [];
	for (const event of ['rowAdded', 'rowEnriched']) {
		const table = sandbox.seedTable({ name: `Polls ${event}`, kind: 'generic', columns: [{ name: 'Input', key: 'input' }, agent] });
		// every row enriched, a minute ago
		sandbox.seedRows(table.id, rows, (i) => ({ input: `https://company-${i}.example`, stage: `Series ${i % 5}` }), Date.now() - 60_000);
		const runner = new PollRunner(harness, 'extructTrigger', { table: byId(table.id), event });
		figures.push(
			...(await cycle(sandbox, runner, { trigger: 'Extruct Trigger', event, rows }, async () => {
				const added = sandbox.addRows(
					table.id,
					Array.from({ length: BUSY_ROWS }, (_, i) => ({ input: `https://new-${i}.example` })),
				);
				if (event !== 'rowEnriched') return;
				sandbox.runRows(table.id, { rowIds: added.map((row) => row.id) });
				while (sandbox.tableStatus(table.id).num_cells_in_progress > 0) await sleep(10);
			})),
		);
	}
	return figures;
}

async function justPaidPolls(sandbox: JustPaidSandbox, rows: number): Promise<PollFigure[]> {
	const harness = new Harness({
		nodes: [new JustPaidTrigger()],
		credentials: [new JustPaidApi()],
		data: { justPaidApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } },
	});
	const figures: PollFigure[] = [];
	for (const event of ['rowAdded', 'rowUpdated']) {
		const table = sandbox.seedTable({
			name: `Polls ${event}`,
			maxRows: rows + 10 * BUSY_ROWS,
			rows: Array.from({ length: rows }, (_, i) => ({ invoiceId: `in_${i}`, amountCents: i })),
		});
		const runner = new PollRunner(harness, 'justPaidTrigger', { table: byId(table.id), event });
		figures.push(
			...(await cycle(sandbox, runner, { trigger: 'JustPaid Trigger', event, rows }, async () => {
				if (event === 'rowAdded') {
					for (let i = 0; i < BUSY_ROWS; i++) sandbox.createRow(table.id, { invoiceId: `new_${i}`, amountCents: i });
					return;
				}
				// updates spread over the table
				const listed = sandbox.sortedRows(table.id);
				await sleep(5); // an update a few ms after the seed's createdAt
				for (let i = 0; i < BUSY_ROWS; i++) {
					const row = listed[Math.floor((i * listed.length) / BUSY_ROWS)];
					sandbox.updateRow(table.id, row.id, { ...row.data, amountCents: -i });
				}
			})),
		);
	}
	return figures;
}

async function clayPolls(sandbox: ClaySandbox, rows: number): Promise<PollFigure[]> {
	const harness = new Harness({
		nodes: [new ClayTrigger()],
		credentials: [new ClayApi(), new ClayApiKeyApi()],
		data: { clayApi: { sessionToken: sandbox.session, baseUrl: sandbox.url }, clayApiKeyApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } },
	});
	const figures: PollFigure[] = [];
	for (const event of ['recordAdded', 'recordEnriched']) {
		const table = sandbox.seedTable({
			name: `Polls ${event}`,
			fields: [{ name: 'Name' }, { name: 'Domain', type: 'url' }, { name: 'Company Domain', type: 'action' }],
			records: Array.from({ length: rows }, (_, i) => ({ Name: `lead ${i}`, Domain: `lead-${i}.example` })),
		});
		const runner = new PollRunner(harness, 'clayTrigger', { table: byId(table.id), event });
		figures.push(
			...(await cycle(sandbox, runner, { trigger: 'Clay Trigger', event, rows }, async () => {
				const added = sandbox.addRecords(
					table.id,
					Array.from({ length: BUSY_ROWS }, (_, i) => ({ Name: `new ${i}`, Domain: `new-${i}.example` })),
				);
				if (event !== 'recordEnriched') return;
				sandbox.runFields(table.id, ['Company Domain'], added.map((record) => record.id));
				const busy = () =>
					[...table.records.values()].some((record) => Object.values(record.cells).some((cell) => ['QUEUED', 'RUNNING'].includes(sandbox.cellStatus(cell) ?? '')));
				while (busy()) await sleep(10);
				sandbox.settle();
			})),
		);
	}
	return figures;
}

/** Every trigger's activation, idle and busy poll on tables of `rows` rows, with `latencyMs` per request. */
export async function pollCosts(rows: number, latencyMs: number): Promise<PollFigure[]> {
	const light = { latencyMs, lightLog: true };
	const extruct = await startExtructSandbox({ ...light, cellStartMs: 5, cellDurationMs: 30 });
	const justPaid = await startJustPaidSandbox({ ...light, tieBreak: 'insertion', cacheOrder: true });
	const clay = await startClaySandbox({ ...light, updateDelayMs: 10, runStartMs: 5, runDurationMs: 30 });
	try {
		return [...(await extructPolls(extruct, rows)), ...(await justPaidPolls(justPaid, rows)), ...(await clayPolls(clay, rows))];
	} finally {
		await Promise.all([extruct.close(), justPaid.close(), clay.close()]);
	}
}
