/** listSearch / loadOptions / resourceMapping for the Extruct node. */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { chosenTableId } from '../shared/editor';
import { api, INPUT_KINDS } from './api';
import type { Table } from './api';

const PAGE = 100;

async function currentTable(ctx: ILoadOptionsFunctions): Promise<Table> {
	return await api.getTable(ctx, chosenTableId(ctx));
}

export const listSearch = {
	async searchTables(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const offset = Number(paginationToken ?? 0) || 0;
		const page = await api.listTables(this, { offset, limit: PAGE, sort: '-created_at', ...(filter ? { search: filter } : {}) });
		const next = offset + page.items.length;
		const more = page.total !== undefined ? next < page.total : page.items.length === PAGE;
		return {
			results: page.items.map((table) => ({
				name: table.name || table.id,
				value: table.id,
				url: `https://app.extruct.ai/tables/${table.id}`,
			})),
			paginationToken: more ? String(next) : undefined,
		};
	},
};

function columnOption(column: Table['columns'][number]): INodePropertyOptions {
	return {
		name: `${column.config.name} (${column.config.key})`,
		value: column.id,
		description: `Kind: ${column.config.kind}`,
	};
}

export const loadOptions = {
	async getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await currentTable(this)).columns.map(columnOption);
	},
	async getEnrichmentColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await currentTable(this)).columns.filter((column) => !INPUT_KINDS.has(column.config.kind)).map(columnOption);
	},
};

export const resourceMapping = {
	async getRowColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const table = await currentTable(this);
		const fields: ResourceMapperField[] = table.columns.map((column) => ({
			id: column.config.key,
			displayName: `${column.config.name}${INPUT_KINDS.has(column.config.kind) ? '' : ` (${column.config.kind})`}`,
			required: false,
			defaultMatch: false,
			display: true,
			type: 'string',
			canBeUsedToMatch: false,
		}));
		return { fields };
	},
};
