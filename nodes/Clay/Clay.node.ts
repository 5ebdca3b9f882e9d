import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { editorMethods } from '../shared/editor';
import { route } from '../shared/router';
import { toolProperties } from '../shared/tool';
import { operations, properties } from './actions';
import { clayService } from './api';
import { authenticationProperties, clayCredentials } from './auth';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { tableDirectory, toolDescriptions } from './tool';

export class Clay implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clay',
		name: 'clay',
		icon: { light: 'file:clay.svg', dark: 'file:clay.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Add, read, update and delete Clay table records in bulk, run enrichment columns and manage webhook sources',
		defaults: { name: 'Clay' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: clayCredentials,
		properties: toolProperties([...authenticationProperties, ...properties], 'Clay', toolDescriptions),
	};

	methods = editorMethods(clayService, { listSearch, loadOptions, resourceMapping });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, clayService(this), operations, tableDirectory);
	}
}
