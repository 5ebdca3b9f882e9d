import { sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/errors';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { allRows, api, INPUT_KINDS, rowOutput } from '../../api';
import type { Row, Run, Table, TableStatus } from '../../api';
import { simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'new',
		options: [
			{ name: 'New Cells', value: 'new', description: 'Cells that have never run' },
			{ name: 'All Cells', value: 'all', description: 'Every targeted cell, again (uses credits)' },
			{ name: 'Failed Cells', value: 'failed', description: 'Cells whose last run failed' },
			{ name: 'Stuck, Failed and New Cells', value: 'stuck_failed_new', description: 'Also restarts cells stuck in progress' },
		],
	},
	{
		displayName: 'Rows',
		name: 'rowsSource',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All Rows', value: 'all', description: 'One run over the whole table' },
			{ name: 'Rows From Input Items', value: 'items', description: 'One run over the rows named by the input items' },
		],
	},
	{
		displayName: 'Row ID',
		name: 'rowId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { show: { rowsSource: ['items'] } },
		description: 'ID of the row each input item stands for; all of them go into one run',
	},
	{
		displayName: 'Column Names or IDs',
		name: 'columnIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getEnrichmentColumns', loadOptionsDependsOn: ['table.value'] },
		default: [],
		description:
			'Columns to run; none means every enrichment column. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Wait for Completion',
		name: 'wait',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the run has finished and output the enriched rows, or output the started run at once',
	},
	{ ...simplifyOption, displayOptions: { show: { wait: [true] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { wait: [true] } },
		options: [
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 900,
				description: 'How long to wait before failing; the run itself goes on in Extruct',
			},
			{
				displayName: 'First Check After (Seconds)',
				name: 'firstInterval',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 1,
				description: 'Checks start at this interval and grow by half each time, up to 30 seconds',
			},
		],
	},
];

interface Group {
	tableId: string;
	mode: string;
	columns: string[];
	items: number[];
	rowIds: string[];
}

const MAX_INTERVAL_MS = 30_000;
const PENDING = new Set(['requested', 'in_progress']);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const rowsSource = this.getNodeParameter('rowsSource', 0, 'all') as string;
	const prepared = prepareEach(this, items, (i) => {
		const table = tableId(this, i);
		const rowId = rowsSource === 'items' ? String(this.getNodeParameter('rowId', i, '') ?? '').trim() : '';
		if (rowsSource === 'items' && !rowId) throw new Error(`Item ${i}: "Row ID" is empty`);
		return {
			tableId: table,
			mode: this.getNodeParameter('mode', i, 'new') as string,
			columns: toList(this.getNodeParameter('columnIds', i, [])).sort(),
			rowId,
		};
	});

	const groups = new Map<string, Group>();
	prepared.forEach((entry, i) => {
		if (entry instanceof Error) return;
		const key = JSON.stringify([entry.tableId, entry.mode, entry.columns]);
		const group = groups.get(key) ?? { tableId: entry.tableId, mode: entry.mode, columns: entry.columns, items: [], rowIds: [] };
		group.items.push(i);
		if (entry.rowId && !group.rowIds.includes(entry.rowId)) group.rowIds.push(entry.rowId);
		groups.set(key, group);
	});

	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : []));
	for (const group of groups.values()) {
		try {
			const output = await runGroup(this, group, rowsSource === 'items', prepared as Array<{ rowId: string }>);
			for (const [i, value] of output) results[i] = value;
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, group.items[0]);
			for (const i of group.items) results[i] = error as Error;
		}
	}
	return results;
}

async function runGroup(
	ctx: IExecuteFunctions,
	group: Group,
	byItems: boolean,
	prepared: Array<{ rowId: string }>,
): Promise<Map<number, ItemResult>> {
	const first = group.items[0];
	const body: IDataObject = { mode: group.mode };
	if (byItems) body.rows = group.rowIds;
	if (group.columns.length) body.columns = group.columns;
	const run = await api.run(ctx, group.tableId, body);
	const out = new Map<number, ItemResult>();

	if (!(ctx.getNodeParameter('wait', first, true) as boolean)) {
		for (const i of group.items) out.set(i, { ...(run as unknown as IDataObject), tableId: group.tableId });
		return out;
	}

	const options = ctx.getNodeParameter('options', first, {}) as { timeout?: number; firstInterval?: number };
	const simplify = ctx.getNodeParameter('simplify', first, true) as boolean;
	const rows = await waitForRun(ctx, group, run, byItems ? group.rowIds : undefined, {
		timeoutMs: (options.timeout ?? 900) * 1000,
		firstIntervalMs: (options.firstInterval ?? 1) * 1000,
	});
	if (byItems) {
		const byId = new Map(rows.map((row) => [row.id, row]));
		for (const i of group.items) {
			const row = byId.get(prepared[i].rowId);
			out.set(i, row ? rowOutput(row, simplify) : new Error(`Row ${prepared[i].rowId} was not found in table ${group.tableId}`));
		}
	} else {
		out.set(
			first,
			rows.map((row) => rowOutput(row, simplify)),
		);
	}
	return out;
}

/** Reads the rows a run targets: by id when there are few, else by paging the table. */
async function readRows(ctx: IExecuteFunctions, tableId: string, rowIds: string[] | undefined): Promise<Row[]> {
	if (rowIds && rowIds.length <= 10) {
		const rows: Row[] = [];
		for (const id of rowIds) {
			try {
				rows.push(await api.getRow(ctx, tableId, id));
			} catch (error) {
				if ((error as { status?: number }).status !== 404) throw toNodeError(ctx.getNode(), error);
			}
		}
		return rows;
	}
	const wanted = rowIds ? new Set(rowIds) : undefined;
	const rows: Row[] = [];
	for await (const page of allRows(ctx, tableId)) rows.push(...page.filter((row) => !wanted || wanted.has(row.id)));
	return rows;
}

function targetKeys(table: Table, columnIds: string[]): string[] {
	return table.columns
		.filter((column) => (columnIds.length ? columnIds.includes(column.id) : !INPUT_KINDS.has(column.config.kind)))
		.map((column) => column.config.key);
}

function progress(status: TableStatus | undefined): string {
	if (!status) return 'no progress reported';
	const parts = [
		status.num_cells_completed !== undefined ? `${status.num_cells_completed} cells done` : undefined,
		status.num_cells_failed !== undefined ? `${status.num_cells_failed} failed` : undefined,
		status.num_cells_in_progress !== undefined ? `${status.num_cells_in_progress} still in progress` : undefined,
	].filter(Boolean);
	return parts.join(', ') || `run status ${status.run_status ?? 'unknown'}`;
}

/**
 * Waits until no targeted cell is requested or in progress. Each check is one request
 * for the table's status; the rows are read only once the table says it is idle. The
 * pauses between checks grow by half each time, and are spent in n8n's `sleep`.
 */
async function waitForRun(
	ctx: IExecuteFunctions,
	group: Group,
	run: Run,
	rowIds: string[] | undefined,
	timing: { timeoutMs: number; firstIntervalMs: number },
): Promise<Row[]> {
	const started = Date.now();
	let interval = timing.firstIntervalMs;
	let idleChecks = 0;
	let sawRunning = false;
	let lastStatus: TableStatus | undefined;
	for (;;) {
		const table = await api.getTable(ctx, group.tableId);
		lastStatus = table.status;
		const idle = lastStatus?.run_status !== 'running' && !((lastStatus?.num_cells_in_progress ?? 0) > 0);
		if (!idle) sawRunning = true;
		if (idle && (sawRunning || idleChecks > 0 || run.num_requested_cells === 0)) {
			const rows = await readRows(ctx, group.tableId, rowIds);
			const keys = targetKeys(table, group.columns);
			const pending = rows.some((row) => keys.some((key) => PENDING.has(row.data?.[key]?.status)));
			if (!pending) return rows;
		}
		if (idle) idleChecks++;
		const elapsed = Date.now() - started;
		if (elapsed >= timing.timeoutMs) {
			throw new Error(
				`The enrichment run ${run.id} on table ${group.tableId} did not finish within ${Math.round(timing.timeoutMs / 1000)} s: ${progress(lastStatus)} (of ${run.num_requested_cells ?? '?'} requested cells). It goes on in Extruct: raise "Timeout", or read the rows later with Row → Get Many.`,
			);
		}
		await sleep(Math.min(interval, timing.timeoutMs - elapsed));
		interval = Math.min(interval * 1.5, MAX_INTERVAL_MS);
	}
}
