/**
 * Row values for Row → Create, Update and Upsert: a resource mapper over the table's
 * columns, plus free extra keys (JustPaid stores `data` as JSONB and keeps undeclared keys).
 *
 * Every value of a declared column is checked against the column's type before anything is
 * sent, and unambiguous forms are normalized ("9900" → 9900 for a number column, "true" →
 * true for a boolean one) so that stored values and later matches stay consistent.
 */
import { DateTime } from 'luxon';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { z } from 'zod';

import { itemParameter } from '../shared/parameters';
import { noColumnFieldsError, notColumnsError, otherFieldsOf, otherFieldsOption } from '../shared/properties';
import { withJsonValues } from '../shared/tool';
import type { Column } from './api';

export function rowValuesProperty(mode: 'add' | 'map' | 'upsert'): INodeProperties {
	return {
		displayName: 'Columns',
		name: 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['table.value'],
			resourceMapper: {
				resourceMapperMethod: 'getMappingColumns',
				mode,
				fieldWords: { singular: 'column', plural: 'columns' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				...(mode === 'upsert'
					? {
							matchingFieldsLabels: {
								title: 'Column to Match On',
								description: 'A row whose value in this column equals the item\'s is merged; when none does, a row is created',
							},
						}
					: {}),
			},
		},
		description:
			'Map Automatically writes the fields of each input item whose names are column IDs of the table; the option "Fields That Are Not Columns" says what happens to the others',
	};
}

/** Options about which values are written, for Create, Update and Upsert. */
export const valueOptions: INodeProperties[] = [
	otherFieldsOption('JustPaid keeps keys no column declares: the input fields that are not columns are written into the row too'),
	{
		displayName: 'Extra Fields',
		name: 'extraFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Extra Field',
		default: {},
		description: 'Keys written in row data beyond the mapped columns (JustPaid stores them even when no column declares them)',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. source' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. {{ $json.source }}' },
				],
			},
		],
	},
];

/** Update (Merge) and Upsert: a merge that changes nothing costs no write. */
export const skipUnchangedOption: INodeProperties = {
	displayName: 'Skip Unchanged Rows',
	name: 'skipUnchanged',
	type: 'boolean',
	default: true,
	description:
		'Whether to leave out the write when merging changes nothing in the row (it saves write rate); the row is output as it is',
};

/**
 * Row → Create and Upsert: a column the node fills with a unique write id per created row. When
 * JustPaid's answer to a create is lost, the node reads the table back to find out whether the
 * row was stored; matching by this id is exact, also when other rows carry the same data.
 */
export const writeIdOption: INodeProperties = {
	displayName: 'Write ID Column',
	name: 'writeIdColumn',
	type: 'string',
	default: '',
	placeholder: 'e.g. n8n_write_id',
	description:
		'A text column the node fills with a unique ID for each row it creates. When an answer from JustPaid is lost (a server error, a time-out, a dropped connection), the node reads the table back to find out whether the row was stored: with this column it finds the row by its ID, exactly, even when other rows carry the same values. Recommended for unattended workflows.',
};

/** The Write ID Column of the node (or none), checked against the table's columns. */
export function readWriteIdColumn(ctx: IExecuteFunctions, itemIndex: number, columns: Column[]): string | undefined {
	const options = itemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	const name = String(options.writeIdColumn ?? '').trim();
	if (!name) return undefined;
	const column = columns.find((candidate) => candidate.id === name);
	if (column && column.type !== 'text') {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: the Write ID Column \`${name}\` is a ${column.type} column; it must be a text column`, {
			itemIndex,
			description: 'The node writes a text ID (e.g. "k3j9x0a1b2c3-17") into it. Choose a text column, or a name no column has: JustPaid keeps undeclared keys too.',
		});
	}
	return name;
}

/** Item fields that describe a row rather than its data (from Get Many, Find…): never auto-mapped. */
const ROW_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'position', 'tableId', '_action']);

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/** The `data` of an item's row, before type checks. */
export function readRowValues(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	columns: Column[],
): IDataObject {
	const mapper = withJsonValues(ctx, itemIndex, itemParameter<ResourceMapperValue>(ctx, 'columns', itemIndex));
	const options = itemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	const data: IDataObject = {};
	const declared = new Set(columns.map((column) => column.id));
	if (mapper?.mappingMode === 'autoMapInputData') {
		// a table without columns keeps whatever it is sent
		const otherFields = declared.size === 0 ? 'send' : otherFieldsOf(ctx, itemIndex);
		const other: string[] = [];
		for (const [key, value] of Object.entries(item.json)) {
			if (declared.has(key)) data[key] = value;
			else if (ROW_FIELDS.has(key) || key.startsWith('_')) continue;
			else if (otherFields === 'send') data[key] = value;
			else other.push(key);
		}
		const columnIds = [...declared].join(', ');
		if (other.length && otherFields === 'error') throw notColumnsError(ctx, itemIndex, other, 'the table', columnIds);
		if (Object.keys(data).length === 0 && !hasExtraFields(options)) throw noColumnFieldsError(ctx, itemIndex, Object.keys(item.json), 'the table', columnIds);
	} else {
		for (const [key, value] of Object.entries(mapper?.value ?? {})) {
			if (!isEmpty(value)) data[key] = value as IDataObject[string];
		}
	}
	const extra = (options.extraFields as { field?: IDataObject[] } | undefined)?.field ?? [];
	for (const field of extra) {
		const name = String(field.name ?? '').trim();
		if (!name) throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: an Extra Field has no name`, { itemIndex });
		data[name] = field.value as IDataObject[string];
	}
	return data;
}

function hasExtraFields(options: IDataObject): boolean {
	return ((options.extraFields as { field?: unknown[] } | undefined)?.field?.length ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------
// Type checks

const email = z.string().email();
const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/i;

function shown(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Checked = { ok: true; value: unknown } | { ok: false; message: string };

/** Checks (and normalizes) one value against its column's type. */
export function checkValue(column: Column, value: unknown): Checked {
	const bad = (what: string): Checked => ({ ok: false, message: `must be ${what}, got ${shown(value)}` });
	switch (column.type) {
		case 'text':
			if (typeof value === 'string') return { ok: true, value };
			if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
			return bad('text');
		case 'number':
			if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : bad('a finite number');
			if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value.trim()))) {
				return { ok: true, value: Number(value.trim()) };
			}
			return bad('a number');
		case 'boolean':
			if (typeof value === 'boolean') return { ok: true, value };
			if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() === 'true' };
			if (value === 0 || value === 1) return { ok: true, value: value === 1 };
			return bad('true or false');
		case 'date': {
			if (value instanceof Date) return Number.isNaN(value.getTime()) ? bad('a valid date') : { ok: true, value: value.toISOString() };
			if (DateTime.isDateTime(value)) return value.isValid ? { ok: true, value: value.toISO() } : bad('a valid date');
			if (typeof value === 'string' && DateTime.fromISO(value.trim(), { setZone: true }).isValid) return { ok: true, value: value.trim() };
			return bad('an ISO-8601 date or date-time (e.g. 2024-01-15 or 2024-01-15T10:30:00Z)');
		}
		case 'select': {
			const options = Array.isArray(column.options) ? column.options.map(String) : [];
			const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
			if (text !== undefined && (options.length === 0 || options.includes(text))) return { ok: true, value: text };
			return { ok: false, message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${shown(value)}` };
		}
		case 'url':
			if (typeof value === 'string' && URL_PATTERN.test(value.trim())) return { ok: true, value: value.trim() };
			return bad('a URL (e.g. https://example.com/page)');
		case 'email':
			if (typeof value === 'string' && email.safeParse(value.trim()).success) return { ok: true, value: value.trim() };
			return bad('an email address');
		case 'json':
			if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
				try {
					return { ok: true, value: JSON.parse(value) };
				} catch {
					return bad('valid JSON');
				}
			}
			return { ok: true, value };
		default:
			// A type this node does not know: JustPaid's columns are advisory, so the value goes as it is.
			return { ok: true, value };
	}
}

function label(column: Column): string {
	return column.name && column.name !== column.id ? `\`${column.id}\` (${column.name})` : `\`${column.id}\``;
}

/**
 * Checks the values of declared columns and, with `requireAll`, that every required column
 * has a value. Throws one item error listing every problem (first five).
 */
export function checkRow(
	ctx: IExecuteFunctions,
	columns: Column[],
	data: IDataObject,
	itemIndex: number,
	requireAll: boolean,
): IDataObject {
	const out: IDataObject = { ...data };
	const problems: string[] = [];
	for (const column of columns) {
		const value = out[column.id];
		if (isEmpty(value)) {
			if (requireAll && column.required === true) problems.push(`${label(column)} is required`);
			continue;
		}
		const checked = checkValue(column, value);
		if (checked.ok) out[column.id] = checked.value as IDataObject[string];
		else problems.push(`${label(column)} ${checked.message}`);
	}
	if (problems.length) throw rowError(ctx, itemIndex, problems);
	return out;
}

/** Throws an item error when a required column has no value in `data` (e.g. a merged row). */
export function checkRequired(ctx: IExecuteFunctions, columns: Column[], data: IDataObject, itemIndex: number): void {
	const problems = columns.filter((column) => column.required === true && isEmpty(data[column.id])).map((column) => `${label(column)} is required`);
	if (problems.length) throw rowError(ctx, itemIndex, problems);
}

function rowError(ctx: IExecuteFunctions, itemIndex: number, problems: string[]): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${problems.slice(0, 5).join('; ')}`, {
		itemIndex,
		description: 'Nothing was sent for this item. Its values must match the column types and required columns of the JustPaid table.',
	});
}

/** Deep equality of two JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) {
		const other = b as unknown[];
		return a.length === other.length && a.every((entry, i) => sameJson(entry, other[i]));
	}
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	const keys = Object.keys(left).filter((key) => left[key] !== undefined);
	if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
	return keys.every((key) => sameJson(left[key], right[key]));
}
