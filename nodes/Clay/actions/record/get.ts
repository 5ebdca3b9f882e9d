import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import type { ClayRecord } from '../../api';
import { Schemas } from '../../schema';
import { idParameter, simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		placeholder: 'e.g. r_abc123XYZ',
		description: 'ID of the record to get',
	},
	simplifyOption,
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const id = idParameter(this, i);
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		const record = bodyWithId<ClayRecord>('Clay', 'the record', await api.getRecord(this, table, id));
		return simplify ? (await schemas.get(table)).simplify(record) : (record as unknown as IDataObject);
	});
}
