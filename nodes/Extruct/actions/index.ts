/** Every Extruct operation, and the resource/operation selectors built from them. */
import type { INodeProperties } from 'n8n-workflow';

import { operationEntry, resourceProperties } from '../../shared/router';
import type { Operations } from '../../shared/router';
import * as columnAdd from './column/add';
import * as columnDelete from './column/delete';
import * as columnUpdate from './column/update';
import * as enrichmentRun from './enrichment/run';
import * as rowAdd from './row/add';
import * as rowDelete from './row/delete';
import * as rowGet from './row/get';
import * as rowGetMany from './row/getMany';
import * as rowUpdate from './row/update';
import * as tableClone from './table/clone';
import * as tableCreate from './table/create';
import * as tableDelete from './table/delete';
import * as tableGet from './table/get';
import * as tableGetMany from './table/getMany';
import * as tableUpdate from './table/update';

export const operations: Operations = {
	row: {
		add: operationEntry(rowAdd, 'Add', 'Add rows', 'Add one row per input item, in batches'),
		update: operationEntry(rowUpdate, 'Update', 'Update rows', 'Update rows by ID, in batches'),
		delete: operationEntry(rowDelete, 'Delete', 'Delete rows', 'Delete rows by ID, in batches'),
		get: operationEntry(rowGet, 'Get', 'Get a row', 'Get a row by ID'),
		getMany: operationEntry(rowGetMany, 'Get Many', 'Get many rows', 'List the rows of a table'),
	},
	enrichment: {
		run: operationEntry(enrichmentRun, 'Run', 'Run enrichment', 'Run enrichment columns and optionally wait for the results'),
	},
	table: {
		create: operationEntry(tableCreate, 'Create', 'Create a table', 'Create a table with its columns'),
		get: operationEntry(tableGet, 'Get', 'Get a table', 'Get a table with its columns and run status'),
		getMany: operationEntry(tableGetMany, 'Get Many', 'Get many tables', 'List tables'),
		update: operationEntry(tableUpdate, 'Update', 'Update a table', 'Rename, describe, tag or reorder a table'),
		delete: operationEntry(tableDelete, 'Delete', 'Delete a table', 'Delete a table and its rows'),
		clone: operationEntry(tableClone, 'Clone', 'Clone a table', 'Copy a table, with or without its rows'),
	},
	column: {
		add: operationEntry(columnAdd, 'Add', 'Add columns', 'Add columns to a table'),
		update: operationEntry(columnUpdate, 'Update', 'Update a column', "Replace a column's config"),
		delete: operationEntry(columnDelete, 'Delete', 'Delete a column', 'Delete a column and its cells'),
	},
};

export const properties: INodeProperties[] = resourceProperties([
	{ name: 'Row', value: 'row', defaultOperation: 'add' },
	{ name: 'Enrichment', value: 'enrichment', defaultOperation: 'run' },
	{ name: 'Table', value: 'table', defaultOperation: 'create' },
	{ name: 'Column', value: 'column', defaultOperation: 'add' },
], operations);
