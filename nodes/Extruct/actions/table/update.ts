import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Description', name: 'description', type: 'string', default: '' },
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated tags; replaces the current tags' },
			{
				displayName: 'Column Order Names or IDs',
				name: 'columnsOrder',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table.value'] },
				default: [],
				description:
					'The columns in their new order. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
		const body: IDataObject = {};
		if (fields.name !== undefined && String(fields.name).trim()) body.name = String(fields.name).trim();
		if (fields.description !== undefined) body.description = fields.description;
		if (fields.tags !== undefined) body.tags = toList(fields.tags);
		if (fields.columnsOrder !== undefined && toList(fields.columnsOrder).length) body.columns_order = toList(fields.columnsOrder);
		if (!Object.keys(body).length) throw new Error(`Item ${i}: choose at least one field under "Update Fields"`);
		return bodyWithId<{ id: string }>('Extruct', 'the table', await api.updateTable(this, table, body)) as IDataObject;
	});
}
