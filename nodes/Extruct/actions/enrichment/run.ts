import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/errors';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { api, rowOutput } from '../../api';
import { simplifyOption, tableId, tableLocator } from '../common';
import { waitForCells, waitOptions, waitTiming } from './wait';

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
		options: waitOptions,
	},
];

interface Group {
	tableId: string;
	mode: string;
	columns: string[];
	items: number[];
	rowIds: string[];
}

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

	const simplify = ctx.getNodeParameter('simplify', first, true) as boolean;
	const rows = await waitForCells(
		ctx,
		{
			tableId: group.tableId,
			columnIds: group.columns,
			rowIds: byItems ? group.rowIds : undefined,
			what: `The enrichment run ${run.id}`,
			requestedCells: run.num_requested_cells,
		},
		waitTiming(ctx, first),
	);
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
