/** The Extruct node as an AI agent's tool: what the model reads per operation, and tables by name. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { NamedTable, ToolDescriptions } from '../shared/tool';
import { api } from './api';

export const toolDescriptions: ToolDescriptions = {
	row: {
		add: 'Adds a row to an Extruct table from its values by column key (such as input) and returns the stored row with its ID; enriching it spends Extruct credits.',
		update: 'Changes the values of an Extruct row, given by its row ID, and returns the updated row.',
		delete: 'Deletes an Extruct row by its row ID.',
		get: 'Returns one row of an Extruct table by its row ID, with the value of every column.',
		getMany: 'Returns the rows of an Extruct table, at most the limit given, with the value of every column.',
	},
	enrichment: {
		run: "Runs the enrichment columns of an Extruct table (all rows, or the rows given by ID) and returns the enriched rows; every enriched cell spends Extruct credits.",
	},
	table: {
		create: 'Creates an Extruct table with the given columns and returns it with its ID.',
		get: "Returns an Extruct table's columns and enrichment run status.",
		getMany: 'Lists Extruct tables with their IDs, names and kinds.',
		update: "Renames an Extruct table or changes its description, tags or column order.",
		delete: 'Deletes an Extruct table and all its rows.',
		clone: 'Copies an Extruct table, with or without its rows, and returns the copy.',
	},
	column: {
		add: 'Adds columns to an Extruct table.',
		update: "Replaces the configuration of a column of an Extruct table.",
		delete: 'Deletes a column of an Extruct table and its cells.',
	},
};

const PAGE = 100;
/** Tables read at most when looking for a name (then the name is tried as an ID). */
const MAX_PAGES = 10;

const named = (table: { id: string; name?: string | null }): NamedTable => ({ id: table.id, name: String(table.name ?? '') });

export const tableDirectory = {
	service: 'Extruct',
	idShape: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
	search: async (ctx: IExecuteFunctions, name: string) => (await api.listTables(ctx, { search: name, offset: 0, limit: PAGE })).items.map(named),
	list: async (ctx: IExecuteFunctions) => {
		const tables: NamedTable[] = [];
		for (let page = 0; page < MAX_PAGES; page++) {
			const { items, total } = await api.listTables(ctx, { offset: tables.length, limit: PAGE });
			tables.push(...items.map(named));
			if (items.length < PAGE || (total !== undefined && tables.length >= total)) return { tables, complete: true };
		}
		return { tables, complete: false };
	},
};
