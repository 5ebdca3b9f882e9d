import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { columnEditor, columnSelector, readColumnId, readColumns, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	columnSelector,
	{
		displayName: 'The new config replaces the whole column config, as Extruct does.',
		name: 'replaceNotice',
		type: 'notice',
		default: '',
	},
	...columnEditor(false),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const columnId = readColumnId(this, i);
		const [config] = readColumns(this, i, false);
		if (!config) throw new Error(`Item ${i}: set the column's new config`);
		return bodyWithId<{ id: string }>('Extruct', 'the column', await api.updateColumn(this, table, columnId, config)) as unknown as IDataObject;
	});
}
