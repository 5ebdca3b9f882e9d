import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError, toNodeError } from '../../../shared/errors';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { bodyWithId } from '../../../shared/shape';
import { api, fastApiIssues, rowOutput } from '../../api';
import type { Run } from '../../api';
import { readRowId, rowIdField, simplifyOption, tableId, tableLocator } from '../common';
import { waitOptions, waitTiming } from '../../../shared/wait';
import { waitForCells } from '../../enrichmentWait';

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
	{ ...rowIdField('ID of the row each input item stands for; all of them go into one run'), displayOptions: { show: { rowsSource: ['items'] } } },
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
		options: waitOptions('Extruct'),
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
		const rowId = rowsSource === 'items' ? readRowId(this, i) : '';
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
	const out = new Map<number, ItemResult>();
	const body: IDataObject = { mode: group.mode };
	if (group.columns.length) body.columns = group.columns;
	let run: Run | undefined;
	while (!run) {
		if (byItems) body.rows = group.rowIds;
		let failure: unknown;
		try {
			run = bodyWithId<Run>('Extruct', 'the run', await api.run(ctx, group.tableId, body));
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined) {
			// rows Extruct refused by name (unknown ids) fail alone; the run starts over the others
			const refused = byItems ? refusedRows(failure, group.rowIds) : new Map<string, string>();
			if (!refused.size) throw failure;
			for (const i of group.items.filter((item) => refused.has(prepared[item].rowId))) {
				const id = prepared[i].rowId;
				const said = refused.get(id)!;
				const message = /not found/i.test(said) ? `Row ${id} was not found in table ${group.tableId}` : `Extruct refused row ${id} in the run request: ${said}`;
				out.set(i, new ServiceError(message, { status: 422, description: `Extruct refused it in the run request ("${said}"); the other rows ran without it.` }));
			}
			group.items = group.items.filter((item) => !refused.has(prepared[item].rowId));
			group.rowIds = group.rowIds.filter((id) => !refused.has(id));
			if (!group.rowIds.length) return out;
		}
	}
	const first = group.items[0];

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

/** Row ids a refused run request names (`loc: ["body", "rows", k]`), with Extruct's message for each. */
function refusedRows(error: unknown, rowIds: string[]): Map<string, string> {
	const refused = new Map<string, string>();
	if (!(error instanceof ServiceError) || (error.status !== 422 && error.status !== 400)) return refused;
	for (const issue of fastApiIssues(error.details.body)) {
		const loc = issue.loc ?? [];
		const at = loc.indexOf('rows');
		const position = loc[at + 1];
		if (at !== -1 && typeof position === 'number' && rowIds[position] !== undefined) refused.set(rowIds[position], issue.msg ?? 'refused');
	}
	return refused;
}
