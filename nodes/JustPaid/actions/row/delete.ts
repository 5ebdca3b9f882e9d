import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError } from '../../../shared/errors';
import { prepareEach } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { api } from '../../api';
import { readWriteOptions, rowIdProperty, tableId, tableLocator, writeOptions } from '../common';
import { PacedRowWriter } from '../../rowWrites';

/** A 404 that came to a retry after an attempt whose answer was lost: that attempt deleted the row. */
const goneAfterLostAnswer = (error: unknown) => error instanceof ServiceError && error.status === 404 && error.details.afterLostAnswer === true;

export const description: INodeProperties[] = [
	tableLocator,
	rowIdProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: writeOptions,
	},
];

/**
 * One DELETE per item (idempotent, so retried on 5xx and dropped connections), paced to the write
 * rate. A retry that finds the row gone, after an attempt whose answer was lost, means that
 * attempt deleted it.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const writer = new PacedRowWriter(this, readWriteOptions(this));
	const prepared = prepareEach(this, items, (i) => {
		const table = tableId(this, i);
		const rowId = String(this.getNodeParameter('rowId', i, '') ?? '').trim();
		if (!rowId) throw new Error(`Item ${i}: "Row ID" is empty`);
		return { tableId: table, rowId };
	});

	return await writer.writeEach(
		prepared,
		async (i, { tableId: table, rowId }) => {
			await writer.write(async () => {
				let failure: unknown;
				try {
					await api.deleteRow(this, table, rowId);
				} catch (error) {
					failure = error;
				}
				if (failure !== undefined && !goneAfterLostAnswer(failure)) throw failure as Error;
			});
			return { id: rowId, tableId: table, deleted: true };
		},
		(entry) => `${entry.tableId}\n${entry.rowId}`,
	);
}
