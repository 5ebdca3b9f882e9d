import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, PAGE_SIZE, rowOutput } from '../../api';
import { columnSelector, limitOption, readLimit, returnAllOption, simplifyOption, tableId, tableLocator } from '../common';
import { matchKey } from '../../tableRows';

export const description: INodeProperties[] = [
	tableLocator,
	returnAllOption,
	limitOption(),
	{
		displayName: 'Filter',
		name: 'filter',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'JustPaid has no filter: the node pages through the rows and keeps those whose column equals the value',
		options: [
			{ ...columnSelector, required: false },
			{
				displayName: 'Value',
				name: 'value',
				type: 'string',
				default: '',
				description: 'Rows whose column equals this value are returned (compared as text: 42 matches "42")',
			},
		],
	},
	simplifyOption,
];

/** Rows in JustPaid's order (position, then createdAt), paged at 100 through limit/offset. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const limit = readLimit(this, i);
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		const filter = this.getNodeParameter('filter', i, {}) as IDataObject;
		const column = String(filter.column ?? '').trim();
		const wanted = column ? matchKey(filter.value ?? '') : undefined;
		if (column && wanted === undefined) throw new Error(`Item ${i}: the filter on \`${column}\` has no value`);

		const out: IDataObject[] = [];
		for (let offset = 0; out.length < limit; ) {
			// Without a filter, the last page asks only for what is still missing.
			const size = column ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - out.length);
			const rows = await api.listRows(this, table, offset, size);
			for (const row of rows) {
				if (out.length >= limit) break;
				if (!column || matchKey(row.data?.[column]) === wanted) out.push(rowOutput(row, simplify));
			}
			offset += rows.length;
			if (rows.length < size) break;
		}
		return out;
	});
}
