import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { locatorValue, triggerOptions, triggerOptionsProperty } from '../shared/trigger';
import { justPaid } from './api';
import { tableLocator } from './actions/common';
import { listSearch } from './methods';
import { pollJustPaid } from './trigger';

export class JustPaidTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JustPaid Trigger',
		name: 'justPaidTrigger',
		icon: { light: 'file:justpaid.svg', dark: 'file:justpaid.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "rowUpdated" ? "Row Updated" : "Row Added" }}',
		description: 'Starts the workflow when rows are added to or updated in a JustPaid Workflows data table',
		defaults: { name: 'JustPaid Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'justPaidApi', required: true }],
		properties: [
			{ ...tableLocator, description: 'The JustPaid data table to watch' },
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'rowAdded',
				options: [
					{ name: 'Row Added', value: 'rowAdded', description: 'A row was created in the table' },
					{
						name: 'Row Updated',
						value: 'rowUpdated',
						description:
							'A row was updated (its updatedAt changed). JustPaid has no filter, so every poll reads the whole table: 1 request per 100 rows.',
					},
				],
			},
			triggerOptionsProperty('rows'),
		],
	};

	methods = editorMethods(justPaid, { listSearch });

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const tableId = locatorValue(this, 'table');
		if (!tableId) throw new NodeOperationError(this.getNode(), '"Table" is empty — choose a table, or give its ID or URL');
		return await pollJustPaid(this, {
			tableId,
			event: this.getNodeParameter('event', 'rowAdded') === 'rowUpdated' ? 'rowUpdated' : 'rowAdded',
			...triggerOptions(this),
		});
	}
}
