import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api, rowOutput } from '../../api';
import type { Row } from '../../api';
import { readRowId, simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Row ID',
		name: 'rowId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 4f1c2d9e-0a7b-4c3e-9d51-6b2f8e1a7c40',
		description: 'ID of the row to get',
	},
	simplifyOption,
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const row = bodyWithId<Row>('Extruct', 'the row', await api.getRow(this, table, readRowId(this, i)));
		return rowOutput(row, this.getNodeParameter('simplify', i, true) as boolean);
	});
}
