/** The JustPaid node as an AI agent's tool: what the model reads per operation, and tables by name. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ToolDescriptions } from '../shared/tool';
import { api } from './api';

export const toolDescriptions: ToolDescriptions = {
	row: {
		create: "Creates a row in a JustPaid table from the row's values by column ID and returns the stored row with its ID.",
		getMany: 'Returns the rows of a JustPaid table, at most the limit given, optionally only those whose column equals a value.',
		find: 'Finds the rows of a JustPaid table whose column equals a value.',
		update: 'Changes the values of a JustPaid row, given by its row ID, and returns the updated row.',
		upsert: 'Updates the JustPaid row whose match column equals the given value, or creates it, and says which it did.',
		delete: 'Deletes a JustPaid row by its row ID.',
	},
	table: {
		create: 'Creates a JustPaid table with the given columns and returns it with its ID.',
		get: "Returns a JustPaid table's columns, row count and row limit.",
		getMany: 'Lists the JustPaid tables of the company with their IDs and names.',
		update: "Renames a JustPaid table or changes its description, row limit or columns.",
		delete: 'Deletes a JustPaid table and all its rows.',
	},
};

export const tableDirectory = {
	service: 'JustPaid',
	idShape: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
	/** JustPaid lists every table of the company in one answer. */
	list: async (ctx: IExecuteFunctions) => ({
		tables: (await api.listTables(ctx)).map((table) => ({ id: table.id, name: String(table.name ?? '') })),
		complete: true,
	}),
};
