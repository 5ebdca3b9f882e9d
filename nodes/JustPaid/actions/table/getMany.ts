import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
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
			{
				displayName: 'Name Contains',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Only tables whose name contains this text (not case-sensitive)',
			},
		],
	},
];

/** Every table of the key's company, newest first (JustPaid returns them in one list). */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	let tables: IDataObject[] | undefined;
	return await perItem(this, items, async (i) => {
		const limit = readLimit(this, i);
		const search = String((this.getNodeParameter('filters', i, {}) as IDataObject).search ?? '').trim().toLowerCase();
		// One list per execution: JustPaid answers every table at once.
		tables ??= (await api.listTables(this)) as IDataObject[];
		return tables.filter((table) => !search || String(table.name ?? '').toLowerCase().includes(search)).slice(0, limit);
	});
}
