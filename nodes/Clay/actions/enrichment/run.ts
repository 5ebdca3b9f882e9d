import { sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { chunk } from '../../../shared/batch';
import { ServiceError, toNodeError } from '../../../shared/errors';
import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { nextInterval, waitOptions, waitTiming } from '../../../shared/wait';
import type { WaitTiming } from '../../../shared/wait';
import { api, cellStatus, isFinished, RUNNING_STATUSES } from '../../api';
import type { ClayRecord } from '../../api';
import { ENRICHMENT_TYPES, Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { READ_CHUNK, idParameter, simplifyOption, tableId, tableLocator, viewLocator, viewOf } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Column Names or IDs',
		name: 'fieldIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getEnrichmentFields', loadOptionsDependsOn: ['table.value'] },
		default: [],
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
/** A targeted cell that shows no run status at all for this long, while all others finished, was not run. */
const NO_STATUS_GRACE_MS = 30_000;
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
		if (source !== 'items') entry.viewId = viewOf(this, i, schema).id;
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
	const { records, notRun } = await waitForCells(ctx, schema, targets.filter((id) => !notStarted.has(id)), group.fieldIds, waitTiming(ctx, first));
	const once = await readOnce(ctx, schema, targets.filter((id) => notStarted.has(id)), group.fieldIds);
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

/**
 * Waits until every targeted cell has finished: its `metadata.status` is `SUCCESS…`
 * (`SUCCESS_NO_DATA`: it ran and found nothing) or `ERROR_…`. Each check re-reads (in bulk) only the records with unfinished cells; the
 * pauses grow by half each time and are spent in n8n's `sleep`. A cell that never shows a
 * status while all others finished (Clay did not run it, e.g. a run condition) is reported
 * as NOT_RUN after a grace period instead of waiting for the timeout.
 */
async function waitForCells(
	ctx: IExecuteFunctions,
	schema: TableSchema,
	recordIds: string[],
	fieldIds: string[],
	timing: WaitTiming,
): Promise<{ records: Map<string, ClayRecord>; notRun: Map<string, string[]> }> {
	const started = Date.now();
	const records = new Map<string, ClayRecord>();
	let pending = [...new Set(recordIds)];
	let interval = timing.firstIntervalMs;
	let onlyStatuslessSince: number | undefined;
	const unfinished = (record: ClayRecord) => fieldIds.filter((fieldId) => !isFinished(cellStatus(record.cells?.[fieldId])));
	if (!pending.length) return { records, notRun: new Map() };

	for (;;) {
		await sleep(Math.max(0, Math.min(interval, timing.timeoutMs - (Date.now() - started))));
		const seen = new Set<string>();
		for (const part of chunk(pending, READ_CHUNK)) {
			for (const record of await api.bulkFetch(ctx, schema.id, part, schema.actionFieldIds())) {
				records.set(record.id, record);
				seen.add(record.id);
			}
		}
		// a record that is gone (deleted meanwhile, or a wrong id) is not waited for
		pending = pending.filter((id) => seen.has(id) && unfinished(records.get(id)!).length > 0);
		if (!pending.length) return { records, notRun: new Map() };

		const allStatusless = pending.every((id) => {
			const record = records.get(id)!;
			return unfinished(record).every((fieldId) => cellStatus(record.cells?.[fieldId]) === undefined);
		});
		onlyStatuslessSince = allStatusless ? (onlyStatuslessSince ?? Date.now()) : undefined;
		if (onlyStatuslessSince !== undefined && Date.now() - onlyStatuslessSince >= Math.min(NO_STATUS_GRACE_MS, timing.timeoutMs / 2)) {
			return { records, notRun: new Map(pending.map((id) => [id, unfinished(records.get(id)!)])) };
		}

		if (Date.now() - started >= timing.timeoutMs) throw timeoutError(schema, recordIds, fieldIds, records, timing.timeoutMs);
		interval = nextInterval(interval);
	}
}

/** The records of a run Clay did not start, read once: their targeted cells without a finished run are NOT_RUN. */
async function readOnce(
	ctx: IExecuteFunctions,
	schema: TableSchema,
	recordIds: string[],
	fieldIds: string[],
): Promise<{ records: Map<string, ClayRecord>; notRun: Map<string, string[]> }> {
	const records = new Map<string, ClayRecord>();
	const notRun = new Map<string, string[]>();
	for (const part of chunk([...new Set(recordIds)], READ_CHUNK)) {
		for (const record of await api.bulkFetch(ctx, schema.id, part, schema.actionFieldIds())) {
			records.set(record.id, record);
			const open = fieldIds.filter((fieldId) => !isFinished(cellStatus(record.cells?.[fieldId])));
			if (open.length) notRun.set(record.id, open);
		}
	}
	return { records, notRun };
}

function timeoutError(schema: TableSchema, recordIds: string[], fieldIds: string[], records: Map<string, ClayRecord>, timeoutMs: number): ServiceError {
	let success = 0;
	let noData = 0;
	let failed = 0;
	let open = 0;
	const unknown = new Map<string, number>();
	for (const id of new Set(recordIds)) {
		const record = records.get(id);
		if (!record) continue;
		for (const fieldId of fieldIds) {
			const status = cellStatus(record.cells?.[fieldId]);
			if (status === 'SUCCESS_NO_DATA') noData++;
			else if (status?.startsWith('SUCCESS')) success++;
			else if (status?.startsWith('ERROR_')) failed++;
			else {
				open++;
				if (status !== undefined && !RUNNING_STATUSES.has(status)) unknown.set(status, (unknown.get(status) ?? 0) + 1);
			}
		}
	}
	const total = success + noData + failed + open;
	// the list of statuses is open (live reference): a status this node does not know is named, as it may mean "finished"
	const strange = [...unknown].map(([status, n]) => `${status} (${n})`).join(', ');
	return new ServiceError(
		`The enrichment run on ${schema.describe()} did not finish within ${Math.round(timeoutMs / 1000)} s: ${success + noData + failed} of ${total} cells finished (${success} succeeded, ${noData} found no data, ${failed} failed), ${open} still queued or running${strange ? `; run statuses this node does not know: ${strange}` : ''}`,
		{
			description:
				'The run goes on in Clay. Raise "Timeout" under Options, or read the records later with Record → Get or Get Many.' +
				(strange ? ' If Clay reports a finished run with a status named above, please report it: this node waits only for SUCCESS… and ERROR_… statuses.' : ''),
		},
	);
}
