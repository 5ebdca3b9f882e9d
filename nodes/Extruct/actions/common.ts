/** Parameters and helpers several Extruct operations share. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { otherFieldsOption, batchOptions as sharedBatchOptions, tableLocator as sharedTableLocator } from '../../shared/properties';
import { jsonParameter, parseWith, toList } from '../../shared/validate';
import { waitOptions } from '../../shared/wait';
import type { ColumnConfig } from '../api';
import { metadataOption } from '../rowValues';

export { limitOption, readLimit, returnAllOption, tableId } from '../../shared/properties';

export const tableLocator = sharedTableLocator({
	description: 'The Extruct table to work on',
	idPlaceholder: 'e.g. 0b1f8a3e-6c1d-4d7e-9a51-2f7c9e0d1a22',
	idPattern: '^[A-Za-z0-9_-]+$',
	idError: 'Not a valid table ID',
	urlPlaceholder: 'e.g. https://app.extruct.ai/tables/0b1f8a3e-6c1d-4d7e-9a51-2f7c9e0d1a22',
	urlExtract: 'https?://[^/]+/(?:[^?#]*/)?tables?/([A-Za-z0-9_-]+)',
	urlError: 'Not an Extruct table URL',
});

export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return each row as {column key: value} (plus _status for cells not yet done) instead of the raw cells with their statuses',
};

export const batchOptions = sharedBatchOptions('rows', 'Extruct');

/** The row an item stands for, by default the item's own `id` (as Row → Get Many outputs it). */
export function rowIdField(description: string): INodeProperties {
	return { displayName: 'Row ID', name: 'rowId', type: 'string', default: '={{ $json.id }}', required: true, description };
}

export function readRowId(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = String(ctx.getNodeParameter('rowId', itemIndex, '') ?? '').trim();
	if (!id) throw new Error(`Item ${itemIndex}: "Row ID" is empty`);
	return id;
}

/** Parameters Row → Add and Row → Update share after their own. */
export function writeOptions(runName: string, runDescription: string): INodeProperties[] {
	return [
		{ displayName: runName, name: 'run', type: 'boolean', default: false, description: runDescription },
		{
			displayName: 'Wait for Completion',
			name: 'wait',
			type: 'boolean',
			default: false,
			displayOptions: { show: { run: [true] } },
			description: 'Whether to wait until the rows are enriched and output them with their enriched values',
		},
		simplifyOption,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...batchOptions, metadataOption, otherFieldsOption(), ...waitOptions('Extruct')],
		},
	];
}

// ---------------------------------------------------------------------------------------
// Columns: one editor for Table → Create, Column → Add and Column → Update.

export const columnSelector: INodeProperties = {
	displayName: 'Column Name or ID',
	name: 'columnId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table.value'] },
	default: '',
	required: true,
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

export function readColumnId(ctx: IExecuteFunctions, itemIndex: number): string {
	const columnId = String(ctx.getNodeParameter('columnId', itemIndex, '')).trim();
	if (!columnId) throw new Error(`Item ${itemIndex}: "Column" is empty`);
	return columnId;
}

export const COLUMN_KINDS = [
	['Input', 'input', 'A value you provide, e.g. the company website'],
	['AI Agent', 'agent', 'An AI research agent answers a prompt for every row'],
	['Criterion Grade', 'criterion_grade', 'Grades every row against a criterion: Yes, Likely or No'],
	['People Finder', 'company_people_finder', 'Finds people with the given roles at each company'],
	['Discovery Scores', 'discovery_scores', 'Relevance scores of discovered companies'],
	['Company Name', 'company_name', "The company's name"],
	['Company Website', 'company_website', "The company's website"],
	['Company Profile', 'company_profile', "The company's profile"],
	['Email Finder', 'email_finder', "Finds a person's work email"],
	['Phone Finder', 'phone_finder', "Finds a person's phone number"],
	['Reverse Email Lookup', 'reverse_email_lookup', 'Finds the person behind an email address'],
] as const;

const AGENT_TYPES = ['research_pro', 'research_reasoning', 'llm', 'linkedin'] as const;
const OUTPUT_FORMATS = ['text', 'url', 'email', 'select', 'multiselect', 'numeric', 'money', 'date', 'phone', 'grade', 'json'] as const;

const keyPattern = /^[A-Za-z0-9_]+$/;
const base = {
	name: z.string().min(1, 'is required'),
	key: z.string().regex(keyPattern, 'must contain only letters, digits and underscores'),
};
const agentValue = z
	.object({
		agent_type: z.enum(AGENT_TYPES),
		prompt: z.string().min(1, 'is required'),
		output_format: z.enum(OUTPUT_FORMATS),
		labels: z.array(z.string().min(1)).optional(),
		output_schema: z.record(z.unknown()).optional(),
	})
	.passthrough()
	.superRefine((value, context) => {
		if ((value.output_format === 'select' || value.output_format === 'multiselect') && !value.labels?.length) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['labels'], message: `is required for output format ${value.output_format}` });
		}
		if (value.output_format === 'json' && !value.output_schema) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['output_schema'], message: 'is required for output format json' });
		}
	});

const simpleKinds = ['input', 'discovery_scores', 'company_name', 'company_website', 'company_profile', 'email_finder', 'phone_finder'] as const;

export const columnConfigSchema = z.discriminatedUnion('kind', [
	z.object({ ...base, kind: z.literal('agent'), value: agentValue }).passthrough(),
	z.object({ ...base, kind: z.literal('criterion_grade'), value: z.object({ criterion: z.string().min(1, 'is required') }).passthrough() }).passthrough(),
	z
		.object({
			...base,
			kind: z.literal('company_people_finder'),
			value: z.object({ roles: z.array(z.string().min(1)).min(1, 'needs at least one role') }).passthrough(),
		})
		.passthrough(),
	z.object({ ...base, kind: z.literal('reverse_email_lookup'), email_column_key: z.string().min(1, 'is required') }).passthrough(),
	...simpleKinds.map((kind) => z.object({ ...base, kind: z.literal(kind) }).passthrough()),
] as unknown as [z.ZodDiscriminatedUnionOption<'kind'>, ...Array<z.ZodDiscriminatedUnionOption<'kind'>>]);

/** `Company Size` -> `company_size`. */
export function keyFromName(name: string): string {
	return (
		name
			.trim()
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '_')
			.replace(/^_+|_+$/g, '') || 'column'
	);
}

const columnFieldList: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		default: 'agent',
		options: COLUMN_KINDS.map(([name, value, description]) => ({ name, value, description })),
	},
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. Funding Stage' },
	{
		displayName: 'Key',
		name: 'key',
		type: 'string',
		default: '',
		placeholder: 'e.g. funding_stage',
		description: 'The key of the column in row data. Leave empty to derive it from the name.',
	},
	{
		displayName: 'Agent Type',
		name: 'agentType',
		type: 'options',
		displayOptions: { show: { kind: ['agent'] } },
		default: 'research_pro',
		options: [
			{ name: 'Research Pro', value: 'research_pro', description: 'Web research agent' },
			{ name: 'Research Reasoning', value: 'research_reasoning', description: 'Web research with deeper reasoning' },
			{ name: 'LLM', value: 'llm', description: 'Answers from the row data only, no web research' },
			{ name: 'LinkedIn', value: 'linkedin', description: 'Researches LinkedIn' },
		],
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		displayOptions: { show: { kind: ['agent'] } },
		default: '',
		placeholder: 'e.g. What is the latest funding stage of {input}?',
	},
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		displayOptions: { show: { kind: ['agent'] } },
		default: 'text',
		options: OUTPUT_FORMATS.map((format) => ({ name: format.charAt(0).toUpperCase() + format.slice(1), value: format })),
	},
	{
		displayName: 'Labels',
		name: 'labels',
		type: 'string',
		displayOptions: { show: { kind: ['agent'], outputFormat: ['select', 'multiselect'] } },
		default: '',
		placeholder: 'e.g. Seed, Series A, Series B',
		description: 'Comma-separated choices the agent picks from',
	},
	{
		displayName: 'Output Schema (JSON)',
		name: 'outputSchema',
		type: 'json',
		displayOptions: { show: { kind: ['agent'], outputFormat: ['json'] } },
		default: '{\n  "type": "object",\n  "properties": {}\n}',
		description: 'JSON Schema of the answer',
	},
	{
		displayName: 'Criterion',
		name: 'criterion',
		type: 'string',
		typeOptions: { rows: 2 },
		displayOptions: { show: { kind: ['criterion_grade'] } },
		default: '',
		placeholder: 'e.g. The company sells to enterprises',
	},
	{
		displayName: 'Roles',
		name: 'roles',
		type: 'string',
		displayOptions: { show: { kind: ['company_people_finder'] } },
		default: '',
		placeholder: 'e.g. CEO, Head of Sales',
		description: 'Comma-separated roles to look for',
	},
	{
		displayName: 'Email Column Key',
		name: 'emailColumnKey',
		type: 'string',
		displayOptions: { show: { kind: ['reverse_email_lookup'] } },
		default: '',
		placeholder: 'e.g. email',
		description: 'Key of the column that holds the email addresses',
	},
];

const COLUMN_JSON_EXAMPLE =
	'{ "kind": "agent", "name": "Funding Stage", "key": "funding_stage",\n  "value": { "agent_type": "research_pro", "prompt": "Latest funding stage of {input}", "output_format": "text" } }';

/** The column editor: a list of columns (or one), or the same as JSON. */
export function columnEditor(multiple: boolean): INodeProperties[] {
	const jsonExample = multiple ? `[\n  ${COLUMN_JSON_EXAMPLE.replace(/\n/g, '\n  ')}\n]` : COLUMN_JSON_EXAMPLE;
	return [
		{
			displayName: multiple ? 'Define Columns' : 'Define Column',
			name: 'columnsMode',
			type: 'options',
			default: 'fields',
			options: [
				{ name: 'Using Fields Below', value: 'fields' },
				{ name: 'Using JSON', value: 'json' },
			],
		},
		{
			displayName: multiple ? 'Columns' : 'Column',
			name: 'columns',
			type: 'fixedCollection',
			typeOptions: { multipleValues: multiple, sortable: multiple },
			placeholder: multiple ? 'Add Column' : 'Set Column',
			default: {},
			displayOptions: { show: { columnsMode: ['fields'] } },
			options: [{ displayName: 'Column', name: 'column', values: columnFieldList }],
		},
		{
			displayName: multiple ? 'Columns (JSON)' : 'Column (JSON)',
			name: 'columnsJson',
			type: 'json',
			default: jsonExample,
			displayOptions: { show: { columnsMode: ['json'] } },
			description: multiple ? 'An array of Extruct column configs' : 'One Extruct column config (it replaces the whole column config)',
		},
	];
}

function fromFields(field: IDataObject): IDataObject {
	const name = String(field.name ?? '').trim();
	const kind = String(field.kind ?? '');
	const config: IDataObject = { kind, name, key: String(field.key ?? '').trim() || keyFromName(name) };
	if (kind === 'agent') {
		const value: IDataObject = {
			agent_type: field.agentType ?? 'research_pro',
			prompt: String(field.prompt ?? '').trim(),
			output_format: field.outputFormat ?? 'text',
		};
		if (value.output_format === 'select' || value.output_format === 'multiselect') value.labels = toList(field.labels);
		if (value.output_format === 'json') {
			try {
				value.output_schema = typeof field.outputSchema === 'string' ? JSON.parse(field.outputSchema) : field.outputSchema;
			} catch {
				value.output_schema = 'not valid JSON';
			}
		}
		config.value = value;
	} else if (kind === 'criterion_grade') {
		config.value = { criterion: String(field.criterion ?? '').trim() };
	} else if (kind === 'company_people_finder') {
		config.value = { roles: toList(field.roles) };
	} else if (kind === 'reverse_email_lookup') {
		config.email_column_key = String(field.emailColumnKey ?? '').trim();
	}
	return config;
}

/** Reads and validates the column editor of an item. */
export function readColumns(ctx: IExecuteFunctions, itemIndex: number, multiple: boolean): ColumnConfig[] {
	const node = ctx.getNode();
	const mode = ctx.getNodeParameter('columnsMode', itemIndex, 'fields') as string;
	if (mode === 'json') {
		const parsed = jsonParameter(ctx, 'columnsJson', itemIndex, multiple ? 'Columns (JSON)' : 'Column (JSON)');
		if (multiple) {
			const list = parseWith(node, z.array(z.unknown()), parsed ?? [], itemIndex, 'columns');
			return list.map((config, i) => parseWith(node, columnConfigSchema, config, itemIndex, `columns[${i}]`) as ColumnConfig);
		}
		return [parseWith(node, columnConfigSchema, parsed, itemIndex, 'column') as ColumnConfig];
	}
	const raw = ctx.getNodeParameter('columns', itemIndex, {}) as { column?: IDataObject | IDataObject[] };
	const fields = raw.column === undefined ? [] : Array.isArray(raw.column) ? raw.column : [raw.column];
	return fields.map(
		(field, i) => parseWith(node, columnConfigSchema, fromFields(field), itemIndex, multiple ? `columns[${i}]` : 'column') as ColumnConfig,
	);
}
