/** listSearch / loadOptions / resourceMapping for the JustPaid node. */
import type { FieldType, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { chosenTableId } from '../shared/editor';
import { api, columnsOf } from './api';
import type { Column, Table } from './api';

async function currentTable(ctx: ILoadOptionsFunctions): Promise<Table> {
	return await api.getTable(ctx, chosenTableId(ctx));
}

export const listSearch = {
	/** JustPaid lists every table at once (newest first); the search is on the name, here. */
	async searchTables(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const wanted = (filter ?? '').trim().toLowerCase();
		const tables = await api.listTables(this);
		return {
			results: tables
				.filter((table) => !wanted || String(table.name ?? '').toLowerCase().includes(wanted) || table.id === filter?.trim())
				.map((table) => ({ name: table.name || table.id, value: table.id })),
		};
	},
};

export const loadOptions = {
	async getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return columnsOf(await currentTable(this)).map((column) => ({
			name: column.name && column.name !== column.id ? `${column.name} (${column.id})` : column.id,
			value: column.id,
			description: `Type: ${column.type}${column.required ? ', required' : ''}`,
		}));
	},
};

const FIELD_TYPES: Record<string, FieldType> = {
	text: 'string',
	number: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	select: 'options',
	url: 'url',
	email: 'string',
	json: 'object',
};

function mapperField(column: Column): ResourceMapperField {
	const type = FIELD_TYPES[column.type] ?? 'string';
	const field: ResourceMapperField = {
		id: column.id,
		displayName: `${column.name || column.id}${column.name && column.name !== column.id ? ` (${column.id})` : ''}`,
		required: column.required === true,
		defaultMatch: false,
		display: true,
		type,
		canBeUsedToMatch: column.type !== 'json',
	};
	if (type === 'options') field.options = (column.options ?? []).map((option) => ({ name: String(option), value: String(option) }));
	return field;
}

export const resourceMapping = {
	/** The table's columns with their types, for the row values mapper. */
	async getMappingColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return { fields: columnsOf(await currentTable(this)).map(mapperField) };
	},
};
