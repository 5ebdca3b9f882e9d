/** Every Clay operation, and the resource/operation selectors built from them. */
import type { INodeProperties } from 'n8n-workflow';

import { operationEntry, resourceProperties } from '../../shared/router';
import type { Operations } from '../../shared/router';
import * as enrichmentRun from './enrichment/run';
import * as recordAdd from './record/add';
import * as recordCount from './record/count';
import * as recordDelete from './record/delete';
import * as recordDeleteAll from './record/deleteAll';
import * as recordGet from './record/get';
import * as recordGetMany from './record/getMany';
import * as recordUpdate from './record/update';
import * as sourceAddWebhook from './source/addWebhook';
import * as sourceDelete from './source/delete';
import * as sourceGetMany from './source/getMany';
import * as tableGet from './table/get';
import * as tableGetMany from './table/getMany';

export const operations: Operations = {
	record: {
		add: operationEntry(recordAdd, 'Add', 'Add records', 'Add one record per input item, in batches'),
		update: operationEntry(recordUpdate, 'Update', 'Update records', 'Update records by ID, in batches'),
		delete: operationEntry(recordDelete, 'Delete', 'Delete records', 'Delete records by ID, in batches'),
		deleteAll: operationEntry(recordDeleteAll, 'Delete All', 'Delete all records', 'Delete every record of a table (asks for confirmation)'),
		get: operationEntry(recordGet, 'Get', 'Get a record', 'Get a record by ID'),
		getMany: operationEntry(recordGetMany, 'Get Many', 'Get many records', 'List the records of a view'),
		count: operationEntry(recordCount, 'Count', 'Count records', 'Count the records of a table'),
	},
	table: {
		get: operationEntry(tableGet, 'Get', 'Get a table', 'Get a table with its columns and views'),
		getMany: operationEntry(tableGetMany, 'Get Many', 'Get many tables', 'List the tables of a workspace'),
	},
	enrichment: {
		run: operationEntry(enrichmentRun, 'Run', 'Run enrichment', 'Run enrichment columns and optionally wait for the results'),
	},
	source: {
		getMany: operationEntry(sourceGetMany, 'Get Many', 'Get many sources', 'List the sources of a table, with webhook URLs'),
		addWebhook: operationEntry(sourceAddWebhook, 'Add Webhook', 'Add a webhook source', 'Add a webhook source to a table and return its URL'),
		delete: operationEntry(sourceDelete, 'Delete', 'Delete a source', 'Remove a source from a table'),
	},
};

export const properties: INodeProperties[] = resourceProperties([
	{ name: 'Record', value: 'record', defaultOperation: 'add' },
	{ name: 'Enrichment', value: 'enrichment', defaultOperation: 'run' },
	{ name: 'Table', value: 'table', defaultOperation: 'get' },
	{ name: 'Source', value: 'source', defaultOperation: 'getMany' },
], operations);
