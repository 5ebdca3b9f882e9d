/** Row values for Row → Add and Row → Update: a resource mapper over the table's columns. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { z } from 'zod';

import { itemParameter } from '../../../shared/parameters';
import { jsonParameter, parseWith } from '../../../shared/validate';
import { api } from '../../api';

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
		'Map Automatically sends the fields of each input item whose names are column keys of the table (e.g. "input"); other fields are left out',
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
 * Column keys of each table, for "Map Automatically": read from the table once per
 * execution (not from the mapper's saved schema, which goes stale when columns are added).
 */
export class ColumnKeys {
	private cache = new Map<string, Promise<Set<string>>>();
	private read = new Map<string, Set<string>>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	async get(tableId: string): Promise<Set<string>> {
		let keys = this.cache.get(tableId);
		if (!keys) {
			keys = api.getTable(this.ctx, tableId).then((table) => {
				const known = new Set(table.columns.map((column) => column.config.key));
				this.read.set(tableId, known);
				return known;
			});
			this.cache.set(tableId, keys);
		}
		return await keys;
	}

	/** The keys, when they were read already. */
	loaded(tableId: string): Set<string> | undefined {
		return this.read.get(tableId);
	}
}

/**
 * The `data` object of an item's row; `exclude` lists item fields that are not values (e.g. the
 * row id). Answers at once (no promise) once the table's column keys were read.
 */
export function readRowValues(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	tableId: string,
	keys: ColumnKeys,
	exclude: string[] = [],
): IDataObject | Promise<IDataObject> {
	const mapper = itemParameter<ResourceMapperValue>(ctx, 'columns', itemIndex);
	if (mapper.mappingMode === 'defineBelow') {
		const data: IDataObject = {};
		for (const [key, value] of Object.entries(mapper.value ?? {})) {
			if (value !== undefined && value !== null && value !== '') data[key] = value as IDataObject[string];
		}
		return data;
	}
	const known = keys.loaded(tableId);
	if (known) return mapItem(item, itemIndex, known, exclude);
	return keys.get(tableId).then((read) => mapItem(item, itemIndex, read, exclude));
}

/** "Map Automatically": the item's fields that are column keys. */
function mapItem(item: INodeExecutionData, itemIndex: number, known: Set<string>, exclude: string[]): IDataObject {
	const data: IDataObject = {};
	let any = false;
	for (const key in item.json) {
		if (!Object.prototype.hasOwnProperty.call(item.json, key) || !known.has(key) || exclude.includes(key)) continue;
		data[key] = item.json[key];
		any = true;
	}
	if (!any) {
		throw new Error(
			`Item ${itemIndex}: none of its fields (${Object.keys(item.json).slice(0, 10).join(', ') || 'none'}) is a column key of the table; its column keys are: ${[...known].join(', ')}`,
		);
	}
	return data;
}

export function readMetadata(ctx: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const parsed = jsonParameter(ctx, 'options.metadata', itemIndex, 'Metadata (JSON)');
	if (parsed === undefined) return undefined;
	return parseWith(ctx.getNode(), metadataSchema, parsed, itemIndex, 'metadata') as IDataObject;
}
