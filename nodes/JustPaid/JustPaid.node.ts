import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { route } from '../shared/router';
import { toolProperties } from '../shared/tool';
import { operations, properties } from './actions';
import { justPaid } from './api';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { tableDirectory, toolDescriptions } from './tool';

export class JustPaid implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JustPaid',
		name: 'justPaid',
		icon: { light: 'file:justpaid.svg', dark: 'file:justpaid.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Keep workflow state, lookups, dedup keys and queues in JustPaid Workflows data tables',
		defaults: { name: 'JustPaid' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'justPaidApi', required: true }],
		properties: toolProperties(properties, 'JustPaid', toolDescriptions),
	};

	methods = editorMethods(justPaid, { listSearch, loadOptions, resourceMapping });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, justPaid, operations, tableDirectory);
	}
}
