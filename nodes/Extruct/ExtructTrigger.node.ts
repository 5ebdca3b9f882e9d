import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { locatorValue, triggerOptions, triggerOptionsProperty } from '../shared/trigger';
import { extruct } from './api';
import { tableLocator } from './actions/common';
import { listSearch, loadOptions } from './methods';
import { pollExtruct } from './trigger';

export class ExtructTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Extruct Trigger',
		name: 'extructTrigger',
		icon: { light: 'file:extruct.svg', dark: 'file:extruct.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "rowEnriched" ? "Row Enriched" : "Row Added" }}',
		description: 'Starts the workflow when rows are added to an Extruct table or finish enriching',
		defaults: { name: 'Extruct Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'extructApi', required: true }],
		properties: [
			{ ...tableLocator, description: 'The Extruct table to watch' },
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'rowAdded',
				options: [
					{ name: 'Row Added', value: 'rowAdded', description: 'A row was added to the table' },
					{
						name: 'Row Enriched',
						value: 'rowEnriched',
						description: 'Every cell of the chosen columns of a row is done or failed; the row is emitted once per completed run, with its values',
					},
				],
			},
			{
				displayName: 'Column Names or IDs',
				name: 'columns',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getEnrichmentColumns', loadOptionsDependsOn: ['table.value'] },
				default: [],
				displayOptions: { show: { event: ['rowEnriched'] } },
				description:
					'The columns whose cells must all be done or failed. Leave empty for every enrichment column. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			triggerOptionsProperty('rows', [
				{
					displayName: 'Recheck Every (Minutes)',
					name: 'recheckMinutes',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 60,
					displayOptions: { show: { '/event': ['rowEnriched'] } },
					description:
						"Read the whole table at least this often even when its status looks unchanged: catches a re-run that started and finished between two polls without changing the table's cell counters. 0: never.",
				},
			]),
		],
	};

	methods = editorMethods(extruct, { listSearch, loadOptions });

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const tableId = locatorValue(this, 'table');
		if (!tableId) throw new NodeOperationError(this.getNode(), '"Table" is empty — choose a table, or give its ID or URL');
		const { includeExisting, simplify } = triggerOptions(this);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const recheckMinutes = Number(options.recheckMinutes ?? 60);
		return await pollExtruct(this, {
			tableId,
			event: this.getNodeParameter('event', 'rowAdded') === 'rowEnriched' ? 'rowEnriched' : 'rowAdded',
			columns: (this.getNodeParameter('columns', []) as string[]).map(String).filter(Boolean),
			includeExisting,
			simplify,
			recheckMs: Number.isFinite(recheckMinutes) && recheckMinutes > 0 ? recheckMinutes * 60_000 : 0,
			now: () => Date.now(),
		});
	}
}
