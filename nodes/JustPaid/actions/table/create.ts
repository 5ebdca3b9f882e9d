import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem, prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api } from '../../api';
import { columnEditor, maxRowsProperty, readColumns, readMaxRows } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Processed Invoices',
		description: 'Display name of the table, 1 to 255 characters',
	},
	...columnEditor('Columns'),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Description', name: 'description', type: 'string', default: '', placeholder: 'e.g. Deduplicate Stripe events' },
			maxRowsProperty,
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	// Every item is checked before the first table is created.
	const bodies = prepareEach(this, items, (i) => {
		const name = String(this.getNodeParameter('name', i, '') ?? '').trim();
		if (!name) throw new Error(`Item ${i}: "Name" is empty`);
		if (name.length > 255) throw new Error(`Item ${i}: "Name" must be at most 255 characters (it has ${name.length})`);
		const additional = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
		const body: IDataObject = { name };
		const columns = readColumns(this, i);
		if (columns.length) body.columns = columns as unknown as IDataObject[];
		if (additional.description) body.description = String(additional.description);
		if (additional.maxRows !== undefined) body.maxRows = readMaxRows(additional.maxRows, i);
		return body;
	});
	return await perItem(this, items, async (i) => {
		const body = bodies[i];
		if (body instanceof Error) throw body;
		return bodyWithId<{ id: string }>('JustPaid', 'the new table', await api.createTable(this, body)) as IDataObject;
	});
}
