/** Row values for Row → Add and Row → Update: a resource mapper over the table's columns. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { z } from 'zod';

import { itemParameter } from '../shared/parameters';
import { noColumnFieldsError, notColumnsError, otherFieldsOf } from '../shared/properties';
import { withJsonValues } from '../shared/tool';
import { jsonParameter, parseWith } from '../shared/validate';
import { api } from './api';

export const rowValuesProperty: INodeProperties = {
	displayName: 'Columns',
	name: 'columns',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'autoMapInputData', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['table.value'],
		resourceMapper: {
			resourceMapperMethod: 'getRowColumns',
			mode: 'add',
			fieldWords: { singular: 'column', plural: 'columns' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	description:
		'Map Automatically sends the fields of each input item whose names are column keys of the table (e.g. "input"); the option "Fields That Are Not Columns" says what happens to the others',
};

export const metadataOption: INodeProperties = {
	displayName: 'Metadata (JSON)',
	name: 'metadata',
	type: 'json',
	default: '',
	description: 'Free-form metadata stored with each row, e.g. {"source": "crm"}',
};

const metadataSchema = z.record(z.unknown(), { invalid_type_error: 'must be a JSON object' });

/**
 * The column keys of a table, for "Map Automatically": read from the table once per
 * execution (not from the mapper's saved schema, which goes stale when columns are added).
 */
export async function columnKeys(ctx: IExecuteFunctions, tableId: string): Promise<Set<string>> {
	const table = await api.getTable(ctx, tableId);
	return new Set(table.columns.map((column) => column.config.key));
}

/** The item's Columns parameter (with a tool's "Values (JSON)" over it): its mapping mode, and the values when they are defined below. */
export function rowMapper(ctx: IExecuteFunctions, itemIndex: number): ResourceMapperValue {
	return withJsonValues(ctx, itemIndex, itemParameter<ResourceMapperValue>(ctx, 'columns', itemIndex));
}

/** Whether the row values come from the item's fields, which needs the table's column keys. */
export function mapsAutomatically(mapper: ResourceMapperValue): boolean {
	return mapper.mappingMode !== 'defineBelow';
}

/** Item fields that describe a row rather than its data (from Get Many, Add…): never written by Map Automatically. */
const skippable = (key: string): boolean => key === 'id' || key === 'created_at' || key.startsWith('_');

/**
 * The `data` object of an item's row: the values defined below, or (Map Automatically) the
 * item's fields that are column keys (`known`), the others as "Fields That Are Not Columns" says
 * (`otherFields`); `exclude` lists item fields that are not values (e.g. the row id).
 */
export function rowValues(
	ctx: IExecuteFunctions,
	mapper: ResourceMapperValue,
	item: INodeExecutionData,
	itemIndex: number,
	known: Set<string> | undefined,
	exclude: string[] = [],
): IDataObject {
	if (!mapsAutomatically(mapper)) {
		const data: IDataObject = {};
		for (const [key, value] of Object.entries(mapper.value ?? {})) {
			if (value !== undefined && value !== null && value !== '') data[key] = value as IDataObject[string];
		}
		return data;
	}
	const keys = known ?? new Set<string>();
	const data: IDataObject = {};
	const other: string[] = [];
	for (const key in item.json) {
		if (!Object.prototype.hasOwnProperty.call(item.json, key) || exclude.includes(key)) continue;
		if (keys.has(key)) data[key] = item.json[key];
		else if (!skippable(key)) other.push(key);
	}
	const columns = [...keys].join(', ') || '(none)';
	if (other.length && otherFieldsOf(ctx, itemIndex) === 'error') throw notColumnsError(ctx, itemIndex, other, 'the table', columns);
	if (!Object.keys(data).length) throw noColumnFieldsError(ctx, itemIndex, Object.keys(item.json), 'the table', columns);
	return data;
}

export function readMetadata(ctx: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const parsed = jsonParameter(ctx, 'options.metadata', itemIndex, 'Metadata (JSON)');
	if (parsed === undefined) return undefined;
	return parseWith(ctx.getNode(), metadataSchema, parsed, itemIndex, 'metadata') as IDataObject;
}
