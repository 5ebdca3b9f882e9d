import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api, rowOutput } from '../../api';
import { limitOption, readLimit, returnAllOption, simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [tableLocator, returnAllOption, limitOption(), simplifyOption];

const PAGE = 100;

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	return await perItem(this, items, async (i) => {
		const table = tableId(this, i);
		const limit = readLimit(this, i);
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		const out: IDataObject[] = [];
		let offset = 0;
		while (out.length < limit) {
			const size = Math.min(PAGE, limit - out.length);
			const { rows } = await api.getRowsPage(this, table, offset, size);
			for (const row of rows) out.push(rowOutput(row, simplify));
			offset += rows.length;
			if (rows.length < size) break;
		}
		return out;
	});
}
