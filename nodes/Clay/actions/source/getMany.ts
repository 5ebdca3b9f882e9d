import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, webhookUrlOf } from '../../api';
import { limitOption, readLimit, returnAllOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator, returnAllOption, limitOption()];

/** The table's sources (webhooks, imports…), each with its webhook URL when it has one. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const sources = await api.listSources(this, table);
		return sources.slice(0, readLimit(this, i)).map((source) => {
			const url = webhookUrlOf(source);
			return { ...source, ...(url ? { webhookUrl: url } : {}), tableId: source.tableId ?? table } as IDataObject;
		});
	});
}
