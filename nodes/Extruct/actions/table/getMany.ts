import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { toList } from '../../../shared/validate';
import { limitOption, readLimit, returnAllOption } from '../common';

export const description: INodeProperties[] = [
	returnAllOption,
	limitOption(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Search', name: 'search', type: 'string', default: '', description: 'Part of the table name' },
			{
				displayName: 'Kind',
				name: 'kind',
				type: 'options',
				default: 'company',
				options: [
					{ name: 'Company', value: 'company' },
					{ name: 'People', value: 'people' },
					{ name: 'Generic', value: 'generic' },
				],
			},
			{
				displayName: 'Scope',
				name: 'scope',
				type: 'options',
				default: 'organization',
				options: [
					{ name: 'Mine', value: 'personal', description: 'Only your own tables' },
					{ name: 'Organization', value: 'organization', description: 'Every table you can see in your organization, yours included' },
				],
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				description: 'Comma-separated tags: a table that carries any of them is returned',
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'options',
		default: '-created_at',
		options: [
			{ name: 'Fewest Rows First', value: 'num_rows' },
			{ name: 'Most Rows First', value: '-num_rows' },
			{ name: 'Name A→Z', value: 'name' },
			{ name: 'Name Z→A', value: '-name' },
			{ name: 'Newest First', value: '-created_at' },
			{ name: 'Oldest First', value: 'created_at' },
		],
	},
];

const PAGE = 100;

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const limit = readLimit(this, i);
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const qs: IDataObject = { sort: this.getNodeParameter('sort', i, '-created_at') };
		for (const key of ['search', 'kind', 'scope']) {
			const value = String(filters[key] ?? '').trim();
			if (value) qs[key] = value;
		}
		const tags = toList(filters.tags);
		if (tags.length) qs.tags = tags;
		const out: IDataObject[] = [];
		let offset = 0;
		while (out.length < limit) {
			const size = Math.min(PAGE, limit - out.length);
			const page = await api.listTables(this, { ...qs, offset, limit: size });
			out.push(...(page.items as IDataObject[]));
			offset += page.items.length;
			if (page.items.length < size || (page.total !== undefined && offset >= page.total)) break;
		}
		return out;
	});
}
