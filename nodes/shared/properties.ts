/** Parameters every action node offers the same way, and reading them back. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter } from './parameters';
import { runsAsTool, tableForName } from './tool';

export interface TableLocatorSpec {
	/** e.g. "The Clay table to work on". */
	description: string;
	idPlaceholder: string;
	/** Regex (source) an ID must match, with its error message. */
	idPattern: string;
	idError: string;
	urlPlaceholder: string;
	/** Regex (source) whose first group is the table ID inside a pasted URL. */
	urlExtract: string;
	urlError: string;
}

/** The Table parameter: From List (searchable, method `searchTables`), By ID, By URL. */
export function tableLocator(spec: TableLocatorSpec): INodeProperties {
	return {
		displayName: 'Table',
		name: 'table',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: spec.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTables', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: spec.idPlaceholder,
				validation: [{ type: 'regex', properties: { regex: spec.idPattern, errorMessage: spec.idError } }],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: spec.urlPlaceholder,
				extractValue: { type: 'regex', regex: spec.urlExtract },
				validation: [{ type: 'regex', properties: { regex: `.*${spec.urlExtract}.*`, errorMessage: spec.urlError } }],
			},
		],
	};
}

/** The table ID an item names (From List, By ID or By URL). */
export function tableId(ctx: IExecuteFunctions, itemIndex: number): string {
	const named = tableForName(ctx, itemIndex);
	if (named) return named;
	const id = String(itemParameter(ctx, 'table', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!id) throw new Error(`Item ${itemIndex}: "Table" is empty — choose a table, or give its ID or URL`);
	return id;
}

export const returnAllOption: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export function limitOption(show: IDisplayOptions['show'] = {}): INodeProperties {
	return {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false], ...show } },
	};
}

/**
 * Return All / Limit of an item, as a number (Infinity for Return All). As an AI agent's tool a
 * node returns at most its Limit (default 50) even with Return All: its answer goes into the
 * model's context.
 */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll && !runsAsTool(ctx) ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
}

export const DEFAULT_BATCH_SIZE = 200;
export const DEFAULT_CONCURRENCY = 3;

/** Batch Size and Parallel Requests, for operations that write in batches. */
export function batchOptions(what: string, service: string, concurrencyNote = ''): INodeProperties[] {
	return [
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: DEFAULT_BATCH_SIZE,
			description: `How many ${what} go to ${service} in one request`,
		},
		{
			displayName: 'Parallel Requests',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: DEFAULT_CONCURRENCY,
			description: `How many batches are sent at the same time${concurrencyNote}`,
		},
	];
}

export function batchSettings(ctx: IExecuteFunctions): { batchSize: number; concurrency: number } {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		batchSize: (options.batchSize as number | undefined) ?? DEFAULT_BATCH_SIZE,
		concurrency: (options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY,
	};
}

/** What Map Automatically does with an input item's fields that are not columns of the table. */
export type OtherFields = 'ignore' | 'error' | 'send';

/**
 * "Fields That Are Not Columns", the one rule of the three nodes' Map Automatically: such fields
 * are left out (an item none of whose fields is a column fails), fail their item, or — for a
 * service that keeps keys no column declares (`send` describes it) — are written too.
 */
export function otherFieldsOption(send?: string): INodeProperties {
	return {
		displayName: 'Fields That Are Not Columns',
		name: 'otherFields',
		type: 'options',
		default: 'ignore',
		options: [
			{ name: 'Ignore Them', value: 'ignore', description: 'Write the fields that are columns; an item none of whose fields is a column fails' },
			{ name: 'Fail the Item', value: 'error', description: "An item with a field that is not a column fails, naming it and the table's columns (catches a misspelt field)" },
			...(send ? [{ name: 'Write Them Too', value: 'send', description: send }] : []),
		],
		description: "What Map Automatically does with an input item's fields that are not columns of the table (Map Each Column writes only the columns you set)",
	};
}

/** The item's "Fields That Are Not Columns"; `fallback` where the option is not set (a node version's default, or an older option's value). */
export function otherFieldsOf(ctx: IExecuteFunctions, itemIndex: number, fallback: OtherFields = 'ignore'): OtherFields {
	const value = itemParameter<IDataObject>(ctx, 'options', itemIndex, {}).otherFields;
	return value === 'error' || value === 'send' || value === 'ignore' ? value : fallback;
}

/** "Item 3: none of its fields (a, b) is a column of …": an item Map Automatically finds nothing to write in. */
export function noColumnFieldsError(ctx: IExecuteFunctions, itemIndex: number, fields: string[], table: string, columns: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Item ${itemIndex}: none of its fields (${fields.slice(0, 10).join(', ') || 'none'}) is a column of ${table}; its columns are: ${columns}`,
		{ itemIndex, description: 'Rename the fields to the column names (or IDs), or map the columns with Map Each Column.' },
	);
}

const NOT_COLUMNS_HINT =
	'Rename the fields to the column names (or IDs), remove them before this node, or set the option "Fields That Are Not Columns" to Ignore Them.';

/**
 * "Item 3: `Compnay` is not a column of …": fields Map Automatically was told to fail on ("Fail
 * the Item"), or columns Map Each Column names that the table no longer has (`hint` says what to do).
 */
export function notColumnsError(ctx: IExecuteFunctions, itemIndex: number, fields: string[], table: string, columns: string, hint = NOT_COLUMNS_HINT): NodeOperationError {
	const list = fields.map((key) => `\`${key}\``).join(', ');
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${list} ${fields.length === 1 ? 'is not a column' : 'are not columns'} of ${table}; its columns are: ${columns}`, {
		itemIndex,
		description: hint,
	});
}
