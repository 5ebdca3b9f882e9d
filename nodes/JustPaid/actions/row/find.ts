import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ServiceError } from '../../../shared/errors';
import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { rowOutput } from '../../api';
import { columnSelector, simplifyOption, tableId, tableLocator } from '../common';
import { TableRows } from '../../tableRows';

export const description: INodeProperties[] = [
	tableLocator,
	columnSelector,
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.invoiceId }}',
		description: 'Rows whose column equals this value are found (compared as text: 42 matches "42")',
	},
	{
		displayName: 'Return',
		name: 'match',
		type: 'options',
		default: 'first',
		options: [
			{ name: 'First Match', value: 'first', description: 'The first matching row in the table order' },
			{ name: 'All Matches', value: 'all', description: 'Every matching row, in the table order' },
		],
	},
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'When Nothing Matches',
				name: 'whenNotFound',
				type: 'options',
				default: 'skip',
				options: [
					{ name: 'Output Nothing', value: 'skip', description: 'The item gives no output item' },
					{ name: 'Output an Empty Item', value: 'empty', description: 'The item gives one empty item, so the workflow can branch on it' },
					{ name: 'Fail', value: 'error', description: 'The item fails (an error item under Continue On Fail)' },
				],
			},
		],
	},
];

/**
 * JustPaid has no filter or single-row GET: the node reads each table once per execution
 * (paged at 100) and looks every item up in that index, so 500 lookups cost the same few
 * requests as one.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const tables = new TableRows(this);
	const results = await prepareEachAsync(this, items, async (i): Promise<IDataObject | IDataObject[]> => {
		const table = tableId(this, i);
		const column = String(this.getNodeParameter('column', i, '') ?? '').trim();
		if (!column) throw new Error(`Item ${i}: "Column" is empty`);
		const value = this.getNodeParameter('value', i, '') as unknown;
		if (value === undefined || value === null || value === '') throw new Error(`Item ${i}: "Value" is empty`);
		const all = (this.getNodeParameter('match', i, 'first') as string) === 'all';
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		const whenNotFound = this.getNodeParameter('options.whenNotFound', i, 'skip') as string;

		const rows = (await tables.index(table)).find(column, value);
		if (!rows.length) {
			if (whenNotFound === 'error') {
				throw new ServiceError(`No row of table ${tables.tableLabel(table)} has \`${column}\` = ${JSON.stringify(value)}`, {
					description: 'The value is compared as text with the column of every row.',
				});
			}
			return whenNotFound === 'empty' ? {} : [];
		}
		return (all ? rows : rows.slice(0, 1)).map((row) => rowOutput(row, simplify));
	});
	return results;
}
