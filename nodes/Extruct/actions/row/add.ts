import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { tableId, tableLocator } from '../common';
import { writeAndOutput, writeOptions } from './bulk';
import { ColumnKeys, readMetadata, readRowValues, rowValuesProperty } from './values';

export const description: INodeProperties[] = [
	tableLocator,
	rowValuesProperty,
	...writeOptions('Run Enrichment After Adding', 'Whether Extruct starts enriching the new rows right away (run=true)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const keys = new ColumnKeys(this);

	const prepared = await prepareEachAsync(this, items, async (i) => {
		const table = tableId(this, i);
		const data = await readRowValues(this, items[i], i, table, keys);
		const metadata = readMetadata(this, i);
		return { tableId: table, payload: metadata ? { data, metadata } : { data } };
	});

	return await writeAndOutput(this, prepared, async (table, rows, run) => await api.addRows(this, table, rows, run));
}
