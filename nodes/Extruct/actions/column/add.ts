import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { oneEach } from '../../../shared/shape';
import { api } from '../../api';
import { columnEditor, readColumns, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	...columnEditor(true),
	{
		displayName: 'Insert',
		name: 'insert',
		type: 'options',
		default: 'end',
		options: [
			{ name: 'At the End', value: 'end' },
			{ name: 'At the Start', value: 'start' },
			{ name: 'After a Column', value: 'after' },
		],
	},
	{
		displayName: 'After Column Name or ID',
		name: 'afterColumn',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table.value'] },
		default: '',
		required: true,
		displayOptions: { show: { insert: ['after'] } },
		description:
			'The new columns go right after this one. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const columns = readColumns(this, i, true);
		if (!columns.length) throw new Error(`Item ${i}: add at least one column`);
		const insert = this.getNodeParameter('insert', i, 'end') as string;
		const insertAfter = insert === 'after' ? String(this.getNodeParameter('afterColumn', i, '')) : insert !== 'start';
		if (insertAfter === '') throw new Error(`Item ${i}: "After Column" is empty`);
		return oneEach('Extruct', 'columns', await api.addColumns(this, table, columns, insertAfter), columns.length) as unknown as IDataObject[];
	});
}
