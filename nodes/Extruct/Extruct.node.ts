import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { route } from '../shared/router';
import { toolProperties } from '../shared/tool';
import { operations, properties } from './actions';
import { extruct } from './api';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { tableDirectory, toolDescriptions } from './tool';

export class Extruct implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Extruct',
		name: 'extruct',
		icon: { light: 'file:extruct.svg', dark: 'file:extruct.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create Extruct AI tables, add rows in bulk, run enrichment and read the results',
		defaults: { name: 'Extruct' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'extructApi', required: true }],
		properties: toolProperties(properties, 'Extruct', toolDescriptions),
	};

	methods = editorMethods(extruct, { listSearch, loadOptions, resourceMapping });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, extruct, operations, tableDirectory);
	}
}
