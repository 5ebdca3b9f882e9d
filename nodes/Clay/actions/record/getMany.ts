import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { Schemas } from '../../schema';
import { limitOption, readLimit, returnAllOption, simplifyOption, tableId, tableLocator, viewLocator, viewOf } from '../common';

export const description: INodeProperties[] = [tableLocator, viewLocator, returnAllOption, limitOption(), simplifyOption];

/**
 * Clay's records endpoint ignores offsets, so a view is read by its record ids (one
 * request) and then the records in bulk, a chunk of ids at a time, in the view's order, with
 * the structured results of enrichment columns (live: only when asked for).
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const schema = await schemas.get(table);
		const view = await viewOf(this, i, schemas, schema);
		const limit = readLimit(this, i);
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		const ids = await api.viewRecordIds(this, table, view.id);
		const records = await api.fetchRecords(this, table, ids.slice(0, limit), schema.actionFieldIds());
		return records.map((record): IDataObject => schema.output(record, simplify));
	});
}
