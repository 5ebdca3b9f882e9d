import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { chunk } from '../../../shared/batch';
import { ServiceError, toNodeError } from '../../../shared/errors';
import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { waitOptions, waitTiming } from '../../../shared/wait';
import { api } from '../../api';
import type { ClayRecord } from '../../api';
import { readCellsBefore, readNotStarted, waitForCells } from '../../enrichmentWait';
import { ENRICHMENT_TYPES, Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { idParameter, simplifyOption, tableId, tableLocator, viewLocator, viewOf } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Column Names or IDs',
		name: 'fieldIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getEnrichmentFields', loadOptionsDependsOn: ['table.value'] },
		default: [],
		hint: 'Empty: every enrichment column of the table runs, and each spends Clay credits',
		description:
			'Enrichment columns to run; none means every enrichment column of the table. An expression may give column names as well. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Records',
		name: 'recordsSource',
		type: 'options',
		default: 'items',
		options: [
			{ name: 'Records From Input Items', value: 'items', description: 'The records named by the input items, in one run' },
			{ name: 'Top Records of a View', value: 'top', description: 'The first N records of a view' },
			{ name: 'All Records of a View', value: 'all', description: 'Every record of a view' },
		],
	},
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { show: { recordsSource: ['items'] } },
		description: 'ID of the record each input item stands for (r_…); all of them go into one run',
	},
	{ ...viewLocator, displayOptions: { show: { recordsSource: ['top', 'all'] } } },
	{
		displayName: 'Number of Records',
		name: 'numRecords',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { recordsSource: ['top'] } },
		description: 'How many records from the top of the view to run',
	},
	{
		displayName: 'Run Cells That Already Have a Result',
		name: 'forceRun',
		type: 'boolean',
		default: false,
		description:
			'Whether cells that already ran successfully run again (uses credits again). Off: Clay runs only cells without a result or with an error.',
	},
	{
		displayName: 'Wait for Completion',
		name: 'wait',
		type: 'boolean',
		default: true,
		description: 'Whether to wait until every targeted cell has finished and output the enriched records, or output the started run at once',
	},
	{ ...simplifyOption, displayOptions: { show: { wait: [true] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { wait: [true] } },
		options: waitOptions('Clay'),
	},
];

interface Prepared {
	tableId: string;
	fieldIds: string[];
	source: string;
	viewId?: string;
	numRecords?: number;
	forceRun: boolean;
	recordId?: string;
}

interface Group extends Prepared {
	items: number[];
	recordIds: string[];
}

const RUN_CHUNK = 1000;
const NOT_RUN = 'NOT_RUN';

/** The fields to run, by name or id; none = every enrichment field. */
function resolveFields(schema: TableSchema, wanted: string[], itemIndex: number): string[] {
	if (!wanted.length) {
		const all = schema.table.fields.filter((field) => ENRICHMENT_TYPES.has(String(field.type))).map((field) => field.id);
		if (!all.length) throw new Error(`Item ${itemIndex}: ${schema.describe()} has no enrichment columns to run`);
		return all;
	}
	const ids: string[] = [];
	const unknown: string[] = [];
	for (const nameOrId of wanted) {
		const field = schema.resolve(nameOrId);
		if (field) {
			if (!ids.includes(field.id)) ids.push(field.id);
		} else {
			unknown.push(`\`${nameOrId}\``);
		}
	}
	if (unknown.length) {
		throw new Error(
			`Item ${itemIndex}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of ${schema.describe()}; its enrichment columns are: ${schema.fieldNames((field) => ENRICHMENT_TYPES.has(String(field.type)))}`,
		);
	}
	return ids;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const prepared = await prepareEachAsync(this, items, async (i): Promise<Prepared> => {
		const table = tableId(this, i);
		const source = this.getNodeParameter('recordsSource', i, 'items') as string;
		const recordId = source === 'items' ? idParameter(this, i) : undefined;
		const schema = await schemas.get(table);
		const fieldIds = resolveFields(schema, toList(this.getNodeParameter('fieldIds', i, [])), i);
		const entry: Prepared = { tableId: table, fieldIds, source, forceRun: this.getNodeParameter('forceRun', i, false) as boolean, recordId };
		if (source !== 'items') entry.viewId = (await viewOf(this, i, schemas, schema)).id;
		if (source === 'top') {
			const n = Number(this.getNodeParameter('numRecords', i, 10));
			if (!Number.isInteger(n) || n < 1) throw new Error(`Item ${i}: "Number of Records" must be a whole number of at least 1`);
			entry.numRecords = n;
		}
		return entry;
	});

	const groups = new Map<string, Group>();
	prepared.forEach((entry, i) => {
		if (entry instanceof Error) return;
		const key = JSON.stringify([entry.tableId, [...entry.fieldIds].sort(), entry.source, entry.viewId, entry.numRecords, entry.forceRun]);
		const group = groups.get(key) ?? { ...entry, recordId: undefined, items: [], recordIds: [] };
		group.items.push(i);
		if (entry.recordId && !group.recordIds.includes(entry.recordId)) group.recordIds.push(entry.recordId);
		groups.set(key, group);
	});

	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : []));
	for (const group of groups.values()) {
		try {
			const output = await runGroup(this, group, await schemas.get(group.tableId), prepared as Prepared[]);
			for (const [i, value] of output) results[i] = value;
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, group.items[0]);
			for (const i of group.items) results[i] = error as Error;
		}
	}
	return results;
}

async function runGroup(ctx: IExecuteFunctions, group: Group, schema: TableSchema, prepared: Prepared[]): Promise<Map<number, ItemResult>> {
	const first = group.items[0];
	const wait = ctx.getNodeParameter('wait', first, true) as boolean;
	const base: IDataObject = { fieldIds: group.fieldIds, forceRun: group.forceRun, callerName: 'API' };
	const out = new Map<number, ItemResult>();

	// the records a view-based run targets, read before it starts (only needed to wait for them)
	let targets = group.recordIds;
	if (group.source !== 'items' && wait) {
		const ids = await api.viewRecordIds(ctx, group.tableId, group.viewId!);
		targets = group.source === 'top' ? ids.slice(0, group.numRecords) : ids;
	}

	// the cells Clay may run again although they show a finished status, as they are before the run
	const before = wait ? await readCellsBefore(ctx, schema, targets, group.fieldIds, group.forceRun) : undefined;

	// live: the answer is {recordCount, runMode}; runMode "NONE" means Clay ran nothing for those records
	const answers: IDataObject[] = [];
	const notStarted = new Set<string>();
	if (group.source === 'items') {
		for (const part of chunk(group.recordIds, RUN_CHUNK)) {
			const answer = await api.run(ctx, group.tableId, { ...base, runRecords: { recordIds: part } });
			answers.push(answer);
			if (answer.runMode === 'NONE') for (const id of part) notStarted.add(id);
		}
	} else {
		const viewIdTopRecords: IDataObject = { viewId: group.viewId };
		if (group.source === 'top') viewIdTopRecords.numRecords = group.numRecords;
		const answer = await api.run(ctx, group.tableId, { ...base, runRecords: { viewIdTopRecords } });
		answers.push(answer);
		if (answer.runMode === 'NONE') for (const id of targets) notStarted.add(id);
	}

	if (!wait) {
		const answer = answers.length === 1 ? answers[0] : { runs: answers };
		const started: IDataObject = { tableId: group.tableId, fieldIds: group.fieldIds, ...answer };
		if (group.source === 'items') for (const i of group.items) out.set(i, { ...started, recordId: prepared[i].recordId });
		else for (const i of group.items) out.set(i, started);
		return out;
	}

	const simplify = ctx.getNodeParameter('simplify', first, true) as boolean;
	// what Clay did not start is read once, not waited for: its unfinished cells are reported NOT_RUN at once
	const { records, notRun } = await waitForCells(ctx, schema, targets.filter((id) => !notStarted.has(id)), group.fieldIds, waitTiming(ctx, first), before?.cells);
	const once = await readNotStarted(ctx, schema, targets.filter((id) => notStarted.has(id)), group.fieldIds, before?.records);
	for (const [id, record] of once.records) records.set(id, record);
	for (const [id, fields] of once.notRun) notRun.set(id, fields);
	const render = (record: ClayRecord): IDataObject => {
		if (!simplify) return record as unknown as IDataObject;
		const extra: Record<string, string> = {};
		for (const fieldId of notRun.get(record.id) ?? []) extra[fieldId] = NOT_RUN;
		return schema.simplify(record, extra);
	};

	if (group.source === 'items') {
		for (const i of group.items) {
			const record = records.get(prepared[i].recordId!);
			out.set(
				i,
				record
					? render(record)
					: new ServiceError(`Record ${prepared[i].recordId} was not found in ${schema.describe()}`, {
							status: 404,
							description: 'Clay ran nothing for it. Check the Record ID.',
						}),
			);
		}
	} else {
		out.set(
			first,
			targets.filter((id) => records.has(id)).map((id) => render(records.get(id)!)),
		);
		for (const i of group.items.slice(1)) out.set(i, []);
	}
	return out;
}
