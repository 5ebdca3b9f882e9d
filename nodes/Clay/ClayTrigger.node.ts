import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { locatorValue, triggerOptions, triggerOptionsProperty } from '../shared/trigger';
import { clayService } from './api';
import { tableLocator, viewLocator } from './actions/common';
import { authenticationProperties, clayCredentials } from './auth';
import { listSearch, loadOptions } from './methods';
import { pollClay } from './trigger';

const TABLE_IN_URL = /\/tables\/(t_[A-Za-z0-9_-]+)/;
const VIEW_IN_URL = /\/views\/(gv_[A-Za-z0-9_-]+)/;

export class ClayTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clay Trigger',
		name: 'clayTrigger',
		icon: { light: 'file:clay.svg', dark: 'file:clay.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["event"] === "recordEnriched" ? "Record Enriched" : "Record Added" }}',
		description: 'Starts the workflow when records are added to a Clay table or finish enriching',
		defaults: { name: 'Clay Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: clayCredentials,
		properties: [
			...authenticationProperties,
			{ ...tableLocator, description: 'The Clay table to watch' },
			{
				...viewLocator,
				description:
					'The view whose records are watched. Leave empty for the table\'s "All rows" view (or the view in the table\'s URL). Record Added expects a view that lists records oldest first or newest first, as Clay\'s views do unless sorted by a column.',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'recordAdded',
				options: [
					{ name: 'Record Added', value: 'recordAdded', description: 'A record was added to the view' },
					{
						name: 'Record Enriched',
						value: 'recordEnriched',
						description: 'Every chosen enrichment cell of a record reached SUCCESS or an error',
					},
				],
			},
			{
				displayName: 'Field Names or IDs',
				name: 'fields',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getEnrichmentFields', loadOptionsDependsOn: ['table.value'] },
				default: [],
				displayOptions: { show: { event: ['recordEnriched'] } },
				description:
					'The enrichment columns whose cells must all have finished. Leave empty for every enrichment column. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			triggerOptionsProperty('records'),
		],
	};

	methods = editorMethods(clayService, { listSearch, loadOptions });

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const rawTable = locatorValue(this, 'table');
		const tableId = TABLE_IN_URL.exec(rawTable)?.[1] ?? rawTable;
		if (!tableId) throw new NodeOperationError(this.getNode(), '"Table" is empty — choose a table, or give its ID (t_…) or URL');
		if (/^https?:\/\//i.test(tableId)) throw new NodeOperationError(this.getNode(), '"Table" is a URL without a table ID in it (…/tables/t_…)');
		const rawView = locatorValue(this, 'view');
		const viewId = VIEW_IN_URL.exec(rawView)?.[1] ?? (rawView || VIEW_IN_URL.exec(rawTable)?.[1] || '');
		if (/^https?:\/\//i.test(viewId)) throw new NodeOperationError(this.getNode(), '"View" is a URL without a view ID in it (…/views/gv_…)');
		return await pollClay(this, {
			tableId,
			viewId,
			event: this.getNodeParameter('event', 'recordAdded') === 'recordEnriched' ? 'recordEnriched' : 'recordAdded',
			fields: (this.getNodeParameter('fields', []) as string[]).map(String).filter(Boolean),
			...triggerOptions(this),
		});
	}
}
