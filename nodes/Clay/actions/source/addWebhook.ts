import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError } from '../../../shared/errors';
import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, webhookUrlOf } from '../../api';
import type { ClaySource } from '../../api';
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

/** A source in an answer: the object itself, or wrapped in `source`. */
function sourceIn(body: unknown): ClaySource | undefined {
	const candidate = (body as { source?: unknown } | undefined)?.source ?? body;
	return candidate && typeof candidate === 'object' && typeof (candidate as ClaySource).id === 'string' ? (candidate as ClaySource) : undefined;
}

/**
 * Adds a webhook source and returns its URL. Not retried after a dropped connection or a
 * 502: a repeat would add a second webhook.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i): Promise<IDataObject> => {
		const table = tableId(this, i);
		const name = String(this.getNodeParameter('name', i, '') ?? '').trim() || 'n8n';
		const schema = await api.getTable(this, table);
		const answer = await api.addWebhookSource(this, table, String(schema.workspaceId ?? ''), name);
		let sourceId: string | undefined;
		let webhookUrl: string | undefined;
		if (answer.live !== undefined) {
			const source = sourceIn(answer.live);
			sourceId = source?.id;
			webhookUrl = webhookUrlOf(source);
			// the answer is not documented: read the source itself for its URL
			if (!webhookUrl && sourceId) webhookUrl = webhookUrlOf(sourceIn(await api.getSource(this, sourceId)));
		} else {
			// seed: the table's answer names the new source and its URL (docs: "returns the created webhook URL")
			const extra = answer.seed?.extraData ?? {};
			sourceId = typeof extra.newlyCreatedSourceId === 'string' ? extra.newlyCreatedSourceId : undefined;
			webhookUrl = typeof extra.webhookUrl === 'string' ? extra.webhookUrl : undefined;
		}
		if (!webhookUrl) {
			// find the new source in the table's list
			const sources = await api.listSources(this, table);
			const source = sourceId ? sources.find((s) => s.id === sourceId) : sources.filter((s) => s.type === 'webhook' && s.name === name).pop();
			webhookUrl = webhookUrlOf(source);
			sourceId ??= source?.id;
		}
		if (!webhookUrl) {
			throw new ServiceError(`Clay added the webhook source${sourceId ? ` ${sourceId}` : ''} but did not tell its URL`, {
				description: 'Open the table in Clay to copy the webhook URL, or read it with Source → Get Many.',
			});
		}
		return { id: sourceId, name, type: 'webhook', tableId: table, webhookUrl };
	});
}
