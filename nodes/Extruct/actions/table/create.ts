import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { columnEditor, readColumns } from '../common';

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. Target Accounts' },
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		default: 'company',
		options: [
			{ name: 'Company', value: 'company', description: 'Rows are companies to enrich, score or review' },
			{ name: 'People', value: 'people', description: 'Rows are contacts or individual people' },
			{ name: 'Generic', value: 'generic', description: 'Rows fit neither companies nor people' },
		],
	},
	...columnEditor(true),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Description', name: 'description', type: 'string', default: '' },
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated tags' },
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const additional = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
		const body: IDataObject = {
			name: String(this.getNodeParameter('name', i, '')).trim() || 'Untitled Table',
			kind: this.getNodeParameter('kind', i, 'company'),
		};
		const columns = readColumns(this, i, true);
		if (columns.length) body.column_configs = columns;
		if (additional.description) body.description = additional.description;
		if (additional.tags) body.tags = toList(additional.tags);
		return bodyWithId<{ id: string }>('Extruct', 'the new table', await api.createTable(this, body)) as IDataObject;
	});
}
