/** Every JustPaid operation, and the resource/operation selectors built from them. */
import type { INodeProperties } from 'n8n-workflow';

import { operationEntry, resourceProperties } from '../../shared/router';
import type { Operations } from '../../shared/router';
import * as rowCreate from './row/create';
import * as rowDelete from './row/delete';
import * as rowFind from './row/find';
import * as rowGetMany from './row/getMany';
import * as rowUpdate from './row/update';
import * as rowUpsert from './row/upsert';
import * as tableCreate from './table/create';
import * as tableDelete from './table/delete';
import * as tableGet from './table/get';
import * as tableGetMany from './table/getMany';
import * as tableUpdate from './table/update';

export const operations: Operations = {
	row: {
		create: operationEntry(rowCreate, 'Create', 'Create rows', 'Create one row per input item, paced to the write rate'),
		getMany: operationEntry(rowGetMany, 'Get Many', 'Get many rows', 'List the rows of a table, optionally where a column equals a value'),
		find: operationEntry(rowFind, 'Find', 'Find rows', 'Find the first or all rows where a column equals a value'),
		update: operationEntry(rowUpdate, 'Update', 'Update rows', 'Merge values into a row, or replace its data'),
		upsert: operationEntry(rowUpsert, 'Upsert', 'Create or update rows', 'Merge into the row whose column matches, or create one'),
		delete: operationEntry(rowDelete, 'Delete', 'Delete rows', 'Delete rows by ID'),
	},
	table: {
		create: operationEntry(tableCreate, 'Create', 'Create a table', 'Create a table with its columns'),
		get: operationEntry(tableGet, 'Get', 'Get a table', 'Get a table with its columns and row count'),
		getMany: operationEntry(tableGetMany, 'Get Many', 'Get many tables', 'List the tables of the company'),
		update: operationEntry(tableUpdate, 'Update', 'Update a table', 'Rename a table, change its description, row cap or columns'),
		delete: operationEntry(tableDelete, 'Delete', 'Delete a table', 'Delete a table and its rows'),
	},
};

export const properties: INodeProperties[] = resourceProperties([
	{ name: 'Row', value: 'row', defaultOperation: 'create' },
	{ name: 'Table', value: 'table', defaultOperation: 'create' },
], operations);
