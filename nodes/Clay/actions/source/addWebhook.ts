import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError } from '../../../shared/errors';
import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: 'n8n',
		required: true,
		placeholder: 'e.g. Leads from n8n',
		description: 'Name of the webhook source in Clay',
	},
];

/** The body the Clay app sends to add a webhook source (seed 004). */
function webhookSource(name: string, workspaceId: string): IDataObject {
	return {
		name,
		workspaceId,
		type: 'webhook',
		typeSettings: {
			urlSlugText: 'Pull in data from a Webhook',
			iconType: 'Webhook',
			name: 'Webhook',
			description: 'Send any data to Clay',
			stages: [],
		},
	};
}

/**
 * Adds a webhook source and returns its URL. Not retried after a dropped connection or a
 * 502: a repeat would add a second webhook.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const name = String(this.getNodeParameter('name', i, '') ?? '').trim() || 'n8n';
		const schema = await api.getTable(this, table);
		const workspaceId = String(schema.workspaceId ?? '');
		const answer = await api.addSource(this, table, webhookSource(name, workspaceId), 'Webhook');
		const extra = answer?.extraData ?? {};
		const sourceId = typeof extra.newlyCreatedSourceId === 'string' ? extra.newlyCreatedSourceId : undefined;
		let webhookUrl = typeof extra.webhookUrl === 'string' ? extra.webhookUrl : undefined;
		if (!webhookUrl) {
			// the answer is not documented: find the new source in the table's list
			const sources = await api.listSources(this, table);
			const source = sourceId ? sources.find((s) => s.id === sourceId) : sources.filter((s) => s.type === 'webhook' && s.name === name).pop();
			const url = source?.webhookUrl ?? source?.typeSettings?.url;
			webhookUrl = typeof url === 'string' ? url : undefined;
			if (!webhookUrl) {
				throw new ServiceError(`Clay added the webhook source${sourceId ? ` ${sourceId}` : ''} but did not tell its URL`, {
					description: 'Open the table in Clay to copy the webhook URL, or read it with Source → Get Many.',
				});
			}
			return { id: sourceId ?? source?.id, name, type: 'webhook', tableId: table, webhookUrl };
		}
		return { id: sourceId, name, type: 'webhook', tableId: table, webhookUrl };
	});
}
