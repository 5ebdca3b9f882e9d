/**
 * Cells for Record → Add and Record → Update: values by column name or field id, mapped to
 * field ids from the table's schema (read once per execution per table), in the shape each
 * field type takes (values.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import { itemParameter, nodeVersion } from '../shared/parameters';
import { noColumnFieldsError, notColumnsError, otherFieldsOf, otherFieldsOption as sharedOtherFieldsOption } from '../shared/properties';
import type { OtherFields } from '../shared/properties';
import { withJsonValues } from '../shared/tool';
import { RECORD_KEYS } from './schema';
import type { TableSchema } from './schema';
import { cellForWrite } from './values';

export const cellsProperty: INodeProperties = {
	displayName: 'Columns',
	name: 'cells',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'autoMapInputData', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['table.value'],
		resourceMapper: {
			resourceMapperMethod: 'getRecordFields',
			mode: 'add',
			fieldWords: { singular: 'column', plural: 'columns' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	description:
		'Map Automatically sends every field of each input item whose name is a column name (or field ID) of the table; the option "Fields That Are Not Columns" says what happens to the others. The record fields of a read record (ID, createdAt, updatedAt) and fields starting with "_" are skipped.',
};

/** "Fields That Are Not Columns" (shared/properties.ts): Clay has no place for a field that is no column. */
export const otherFieldsOption = sharedOtherFieldsOption();

/** The item's "Fields That Are Not Columns"; where it is not set, Ignore Them — on version 1 nodes, Fail the Item, as they did. */
export function otherFieldsOfClay(ctx: IExecuteFunctions, itemIndex: number): OtherFields {
	return otherFieldsOf(ctx, itemIndex, nodeVersion(ctx) < 2 ? 'error' : 'ignore');
}

const isWrapped = (value: unknown): boolean =>
	value !== null && typeof value === 'object' && !Array.isArray(value) && 'value' in (value as object);

/** A key of an input item that is not a cell when it matches no column (record id, timestamps, `_status`…). */
const skippable = (key: string): boolean => (RECORD_KEYS as readonly string[]).includes(key) || key.startsWith('_');

/**
 * The cells of an item, keyed by field id. Throws an item error naming the unknown column
 * (with the table's column names) or the wrapped value.
 */
export function readCells(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	schema: TableSchema,
	otherFields: OtherFields,
): IDataObject {
	const mapper = withJsonValues(ctx, itemIndex, itemParameter<ResourceMapperValue>(ctx, 'cells', itemIndex));
	const auto = mapper.mappingMode !== 'defineBelow';
	const source: IDataObject = auto ? item.json : ((mapper.value ?? {}) as IDataObject);
	const cells: IDataObject = {};
	const unknown: string[] = [];
	for (const key in source) {
		if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
		const value = source[key];
		// Map Each Column lists every column: the ones left empty are not sent
		if (!auto && (value === undefined || value === null || value === '')) continue;
		const field = schema.resolve(key);
		if (!field) {
			if (auto && (skippable(key) || otherFields !== 'error')) continue;
			unknown.push(key);
			continue;
		}
		if (isWrapped(value)) {
			throw new Error(
				`Item ${itemIndex}: \`${key}\` is a {value: …} object; Clay wants the plain value of a cell (e.g. {{ $json["${key}"].value }})`,
			);
		}
		// select cells by option name → {optionIds}, users cells → {userIds} (values.ts)
		cells[field.id] = cellForWrite(field, value, itemIndex) as IDataObject[string];
	}
	if (unknown.length) {
		const hint = auto ? undefined : 'The table changed since the columns were mapped: open the Columns mapper to refresh it.';
		throw notColumnsError(ctx, itemIndex, unknown, schema.describe(), schema.fieldNames(), hint);
	}
	if (auto && !Object.keys(cells).length && Object.keys(source).some((key) => !skippable(key))) {
		throw noColumnFieldsError(ctx, itemIndex, Object.keys(source), schema.describe(), schema.fieldNames());
	}
	return cells;
}
