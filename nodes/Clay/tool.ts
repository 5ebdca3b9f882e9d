/** The Clay node as an AI agent's tool: what the model reads per operation, and tables by name. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { NamedTable, ToolDescriptions } from '../shared/tool';
import { api } from './api';

export const toolDescriptions: ToolDescriptions = {
	record: {
		add: "Adds a record to a Clay table from its values by column name and returns the record with its ID; a table that auto-runs its enrichment columns spends Clay credits on it.",
		update: 'Changes the values of a Clay record, given by its record ID, by column name.',
		delete: 'Deletes Clay records by their record IDs.',
		deleteAll: 'Deletes every record of a Clay table.',
		get: 'Returns one record of a Clay table by its record ID, with its values by column name.',
		getMany: 'Returns the records of a Clay table, at most the limit given, with their values by column name.',
		count: 'Returns how many records a Clay table has.',
	},
	table: {
		get: "Returns a Clay table's columns and views.",
		getMany: 'Lists the tables of a Clay workspace with their IDs and names.',
	},
	enrichment: {
		run: 'Runs enrichment columns of a Clay table on the given records and returns the enriched records; every enriched cell spends Clay credits.',
	},
	source: {
		getMany: 'Lists the sources of a Clay table, with their webhook URLs.',
		addWebhook: 'Adds a webhook source to a Clay table and returns its URL.',
		delete: 'Removes a source from a Clay table.',
	},
};

export const tableDirectory = {
	service: 'Clay',
	idShape: /^t_[A-Za-z0-9_-]+$/,
	/** The tables of every workspace of the account (Clay's lists have no paging). */
	list: async (ctx: IExecuteFunctions) => {
		const tables: NamedTable[] = [];
		for (const workspace of await api.listWorkspaces(ctx)) {
			for (const table of await api.listTables(ctx, String(workspace.id))) tables.push({ id: table.id, name: String(table.name ?? '') });
		}
		return { tables, complete: true };
	},
};
