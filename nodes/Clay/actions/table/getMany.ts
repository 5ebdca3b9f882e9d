import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { limitOption, readLimit, returnAllOption } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Workspace Name or ID',
		name: 'workspace',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkspaces' },
		default: '',
		required: true,
		description:
			'The workspace whose tables to list (the number after /workspaces/ in a Clay URL). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	returnAllOption,
	limitOption(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [{ displayName: 'Name Contains', name: 'search', type: 'string', default: '', description: 'Part of the table name, in any case' }],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const raw = String(this.getNodeParameter('workspace', i, '') ?? '').trim();
		const workspace = /\/workspaces\/(\d+)/.exec(raw)?.[1] ?? raw;
		if (!workspace) throw new Error(`Item ${i}: "Workspace" is empty — choose a workspace, or give its ID`);
		const search = String((this.getNodeParameter('filters', i, {}) as IDataObject).search ?? '').trim().toLowerCase();
		const tables = await api.listTables(this, workspace);
		const matching = search ? tables.filter((table) => String(table.name ?? '').toLowerCase().includes(search)) : tables;
		// the list has no paging: Limit is applied here
		return matching.slice(0, readLimit(this, i)) as unknown as IDataObject[];
	});
}
