/** Parameters and helpers several JustPaid operations share. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { tableLocator as sharedTableLocator } from '../../shared/properties';
import { jsonParameter, parseWith, toList } from '../../shared/validate';

export { limitOption, readLimit, returnAllOption, tableId } from '../../shared/properties';
import { COLUMN_TYPES, MAX_ROWS_CAP } from '../api';
import type { Column } from '../api';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const tableLocator = sharedTableLocator({
	description: 'The JustPaid data table to work on',
	idPlaceholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
	idPattern: '^[A-Za-z0-9_-]+$',
	idError: 'Not a valid table ID',
	urlPlaceholder: 'e.g. https://api.justpaid.io/api/v1/tables/550e8400-e29b-41d4-a716-446655440000',
	urlExtract: `https?://[^\\s]*?(${UUID})`,
	urlError: 'Not a URL with a JustPaid table ID (a UUID) in it',
});

export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return each row as {ID, its data fields, createdAt, updatedAt} instead of the raw row {ID, data, position, createdAt, updatedAt}',
};

export const rowIdProperty: INodeProperties = {
	displayName: 'Row ID',
	name: 'rowId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	description: 'ID of the row; one row per input item',
};

/** Options of every operation that writes rows: pacing to the service's write rate. */
export const writeOptions: INodeProperties[] = [
	{
		displayName: 'Writes per Minute',
		name: 'writesPerMinute',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description:
			"JustPaid's write limit for the API key (100 per minute in the docs, 200 on some plans). Row writes are paced to stay under it; a 429 is still waited for and retried.",
	},
	{
		displayName: 'Parallel Requests',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 1,
		description:
			'How many row writes may be in flight at once. With 1, rows are created in item order; more can help on a slow connection, but the write rate stays the limit.',
	},
];

export function readWriteOptions(ctx: IExecuteFunctions): { writesPerMinute: number; concurrency: number } {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const writesPerMinute = Number(options.writesPerMinute ?? 100);
	const concurrency = Number(options.concurrency ?? 1);
	return {
		writesPerMinute: Number.isFinite(writesPerMinute) && writesPerMinute >= 1 ? writesPerMinute : 100,
		concurrency: Number.isFinite(concurrency) && concurrency >= 1 ? Math.min(10, Math.floor(concurrency)) : 1,
	};
}

// ---------------------------------------------------------------------------------------
// Columns: one editor for Table → Create and Table → Update.

const TYPE_OPTIONS: Array<{ name: string; value: string; description: string }> = [
	{ name: 'Text', value: 'text', description: 'Free-form string' },
	{ name: 'Number', value: 'number', description: 'Numeric value' },
	{ name: 'Boolean', value: 'boolean', description: 'True or false' },
	{ name: 'Date', value: 'date', description: 'ISO-8601 date or date-time string' },
	{ name: 'Select', value: 'select', description: 'One value from a list of options' },
	{ name: 'URL', value: 'url', description: 'A URL' },
	{ name: 'Email', value: 'email', description: 'An email address' },
	{ name: 'JSON', value: 'json', description: 'Any nested JSON value' },
];

export const columnDefinitionSchema = z
	.object({
		id: z.string().min(1, 'must not be empty').optional(),
		name: z.string().min(1, 'is required').max(255, 'must be at most 255 characters'),
		type: z.enum(COLUMN_TYPES),
		required: z.boolean().optional(),
		options: z.array(z.string().min(1, 'must not be empty')).optional(),
	})
	.passthrough()
	.superRefine((column, context) => {
		if (column.type === 'select' && !column.options?.length) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['options'], message: 'needs at least one option for a select column' });
		}
	});

const columnFieldList: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. stripeInvoiceId' },
	{ displayName: 'Type', name: 'type', type: 'options', default: 'text', options: TYPE_OPTIONS },
	{
		displayName: 'Options',
		name: 'options',
		type: 'string',
		default: '',
		displayOptions: { show: { type: ['select'] } },
		placeholder: 'e.g. open, paid, void',
		description: 'Comma-separated values the column accepts',
	},
	{
		displayName: 'Required',
		name: 'required',
		type: 'boolean',
		default: false,
		description: 'Whether every row must have a value in this column (the node checks it before writing)',
	},
	{
		displayName: 'Column ID',
		name: 'id',
		type: 'string',
		default: '',
		description:
			'The key of the column in row data. Leave empty to use the name (JustPaid does the same); set it to keep a stable key when the display name differs.',
	},
];

/** The column editor: a list of columns, or the same as JSON; `extraShow` adds display conditions. */
export function columnEditor(label: string, extraShow: NonNullable<IDisplayOptions['show']> = {}): INodeProperties[] {
	const show = (more: NonNullable<IDisplayOptions['show']>): IDisplayOptions => ({ show: { ...extraShow, ...more } });
	return [
		{
			displayName: `Define ${label}`,
			name: 'columnsMode',
			type: 'options',
			default: 'fields',
			displayOptions: Object.keys(extraShow).length ? show({}) : undefined,
			options: [
				{ name: 'Using Fields Below', value: 'fields' },
				{ name: 'Using JSON', value: 'json' },
			],
		},
		{
			displayName: label,
			name: 'columns',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Column',
			default: {},
			displayOptions: show({ columnsMode: ['fields'] }),
			options: [{ displayName: 'Column', name: 'column', values: columnFieldList }],
		},
		{
			displayName: `${label} (JSON)`,
			name: 'columnsJson',
			type: 'json',
			default:
				'[\n  { "name": "stripeInvoiceId", "type": "text", "required": true },\n  { "name": "amountCents", "type": "number" },\n  { "name": "status", "type": "select", "options": ["open", "paid"] }\n]',
			displayOptions: show({ columnsMode: ['json'] }),
			description: 'An array of JustPaid column definitions: {ID?, name, type, required?, options?}',
		},
	];
}

function fromFields(field: IDataObject): IDataObject {
	const column: IDataObject = { name: String(field.name ?? '').trim(), type: String(field.type ?? 'text') };
	const id = String(field.id ?? '').trim();
	if (id) column.id = id;
	if (field.required === true) column.required = true;
	if (column.type === 'select') column.options = toList(field.options);
	return column;
}

/** Reads and validates the column editor of an item (ids must be unique). */
export function readColumns(ctx: IExecuteFunctions, itemIndex: number): Column[] {
	const node = ctx.getNode();
	const mode = ctx.getNodeParameter('columnsMode', itemIndex, 'fields') as string;
	let raw: unknown[];
	if (mode === 'json') {
		const parsed = jsonParameter(ctx, 'columnsJson', itemIndex, 'Columns (JSON)');
		raw = parseWith(node, z.array(z.unknown(), { invalid_type_error: 'must be an array' }), parsed ?? [], itemIndex, 'columns');
	} else {
		const value = ctx.getNodeParameter('columns', itemIndex, {}) as { column?: IDataObject | IDataObject[] };
		const fields = value.column === undefined ? [] : Array.isArray(value.column) ? value.column : [value.column];
		raw = fields.map(fromFields);
	}
	const columns = raw.map((config, i) => parseWith(node, columnDefinitionSchema, config, itemIndex, `columns[${i}]`) as Column);
	assertUniqueIds(columns, itemIndex);
	return columns;
}

export function assertUniqueIds(columns: Array<{ id?: string; name: string }>, itemIndex: number): void {
	const seen = new Set<string>();
	columns.forEach((column, i) => {
		const id = column.id ?? column.name;
		if (seen.has(id)) throw new Error(`Item ${itemIndex}: \`columns[${i}]\` has the ID "${id}" of another column; column IDs must be unique`);
		seen.add(id);
	});
}

export const maxRowsProperty: INodeProperties = {
	displayName: 'Max Rows',
	name: 'maxRows',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_ROWS_CAP },
	default: 10000,
	description: 'Row cap of the table, 1 to 100,000; creates are refused once it is reached',
};

export function readMaxRows(value: unknown, itemIndex: number): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < 1 || number > MAX_ROWS_CAP) {
		throw new Error(`Item ${itemIndex}: "Max Rows" must be a whole number from 1 to 100,000 (got ${JSON.stringify(value)})`);
	}
	return number;
}

/** A column of the chosen table (or, by expression, any key of row data). */
export const columnSelector: INodeProperties = {
	displayName: 'Column Name or ID',
	name: 'column',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table.value'] },
	default: '',
	required: true,
	description:
		'A key of row data that no column declares works too, given by expression. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
