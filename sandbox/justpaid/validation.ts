/** What the JustPaid sandbox refuses in a body: each check throws a 400 naming the field. */
import { isPlainObject } from '../framework';
import { badRequest, clone } from './http';
import { JUSTPAID_COLUMN_TYPES } from './types';
import type { JustPaidColumn } from './types';

/** docs: a table's row cap is 1 - 100,000 (default 10,000). */
export const MAX_ROWS_CAP = 100_000;

/** Validates and normalizes a column list; `lenient` (direct seeding) fills in a missing name and type. */
export function normalizeColumns(value: unknown, field: string, lenient = false): JustPaidColumn[] {
	if (!Array.isArray(value)) throw badRequest(`${field} must be an array of column definitions`);
	const seen = new Set<string>();
	return value.map((raw, index) => {
		const at = `${field}[${index}]`;
		if (!isPlainObject(raw)) throw badRequest(`${at} must be an object`);
		const column: Record<string, unknown> = { ...clone(raw) };
		if (lenient) {
			column.name ??= column.id;
			column.type ??= 'text';
		}
		if (typeof column.name !== 'string' || column.name.length === 0 || column.name.length > 255) {
			throw badRequest(`${at}.name is required and must be a string of 1-255 characters`);
		}
		if (column.id === undefined || column.id === null) {
			// docs: "Each column without an explicit id is assigned one matching its name".
			column.id = column.name;
		} else if (typeof column.id !== 'string' || column.id.length === 0) {
			throw badRequest(`${at}.id must be a non-empty string`);
		}
		if (typeof column.type !== 'string' || !(JUSTPAID_COLUMN_TYPES as readonly string[]).includes(column.type)) {
			throw badRequest(`${at}.type must be one of ${JUSTPAID_COLUMN_TYPES.join(', ')} (got ${JSON.stringify(column.type ?? null)})`);
		}
		if (column.required !== undefined && typeof column.required !== 'boolean') {
			throw badRequest(`${at}.required must be a boolean`);
		}
		const options = column.options;
		const validOptions = Array.isArray(options) && options.every((o) => typeof o === 'string');
		if (column.type === 'select' && !validOptions) {
			throw badRequest(`${at}.options must be an array of strings for a select column`);
		}
		if (options !== undefined && !validOptions) throw badRequest(`${at}.options must be an array of strings`);
		// docs silent: duplicate ids would make id-based references ambiguous; refuse them.
		if (seen.has(column.id as string)) throw badRequest(`${at}.id duplicates column id "${column.id as string}"`);
		seen.add(column.id as string);
		// Other keys of a column definition are kept as sent (the schema is free-form JSONB).
		return column as unknown as JustPaidColumn;
	});
}

export function parseMaxRows(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ROWS_CAP) {
		throw badRequest(`maxRows must be an integer between 1 and ${MAX_ROWS_CAP}`);
	}
	return value;
}

export function parseName(value: unknown, required: boolean): string | undefined {
	if (value === undefined && !required) return undefined;
	if (typeof value !== 'string' || value.length < 1 || value.length > 255) {
		throw badRequest('name is required and must be a string of 1-255 characters');
	}
	return value;
}

export function parseDescription(value: unknown): string | null | undefined {
	if (value === undefined) return undefined;
	// docs silent: null is accepted and clears the description.
	if (value !== null && typeof value !== 'string') throw badRequest('description must be a string');
	return value;
}

/** The fields of a table create or update, each checked in turn; undefined where the body leaves one out. */
export function parseTableFields(body: Record<string, unknown>, creating: boolean) {
	return {
		name: parseName(body.name, creating),
		description: parseDescription(body.description),
		columns: body.columns === undefined ? undefined : normalizeColumns(body.columns, 'columns'),
		schema: parseObject(body.schema, 'schema'),
		metadata: parseObject(body.metadata, 'metadata'),
		maxRows: body.maxRows === undefined ? undefined : parseMaxRows(body.maxRows),
	};
}

export function parseObject(value: unknown, field: string): Record<string, unknown> | undefined {
	if (value === undefined) return undefined;
	if (!isPlainObject(value)) throw badRequest(`${field} must be an object`);
	return clone(value);
}

/** A row's `data`, which must be an object. */
export function parseData(body: Record<string, unknown>): Record<string, unknown> {
	if (!isPlainObject(body.data)) throw badRequest('data is required and must be an object');
	// Columns are advisory (docs: storage is JSONB, undeclared keys are preserved): values are not
	// type-checked. docs silent on `required: true` columns: not enforced either.
	return body.data;
}
