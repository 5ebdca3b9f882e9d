import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { perItem, prepareEach } from '../../../shared/execute';
import { toList } from '../../../shared/validate';
import type { ItemResult } from '../../../shared/execute';
import { bodyWithId } from '../../../shared/shape';
import { api, columnsOf } from '../../api';
import type { Column } from '../../api';
import { columnEditor, maxRowsProperty, readColumns, readMaxRows, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'New display name, 1 to 255 characters' },
			{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'Replaces the description' },
			maxRowsProperty,
		],
	},
	{
		displayName: 'Columns',
		name: 'columnsAction',
		type: 'options',
		default: 'keep',
		options: [
			{ name: 'Keep As They Are', value: 'keep' },
			{
				name: 'Add or Remove Columns',
				value: 'addRemove',
				description: 'Reads the current columns first and changes only the ones given here; the others stay',
			},
			{ name: 'Replace All Columns', value: 'replace', description: 'The columns become exactly the ones given here' },
		],
	},
	{
		displayName: 'Every column not listed below is removed from the table schema (row data is kept: JustPaid stores it as it is).',
		name: 'replaceNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { columnsAction: ['replace'] } },
	},
	...columnEditor('Columns', { columnsAction: ['replace', 'addRemove'] }),
	{
		displayName: 'Columns to Remove Names or IDs',
		name: 'removeColumns',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table.value'] },
		default: [],
		displayOptions: { show: { columnsAction: ['addRemove'] } },
		description:
			'Columns to take out of the schema (their values stay in the rows). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

interface Change {
	tableId: string;
	body: IDataObject;
	action: string;
	columns: Column[];
	remove: string[];
}

/**
 * JustPaid's `columns` replaces the whole column list. "Add or Remove Columns" therefore
 * reads the current columns, removes and adds (a column whose ID exists is replaced in place),
 * and sends the full list, so no column is wiped by accident.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const changes = prepareEach(this, items, (i): Change => {
		const table = tableId(this, i);
		const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
		const body: IDataObject = {};
		if (fields.name !== undefined) {
			const name = String(fields.name).trim();
			if (!name || name.length > 255) throw new Error(`Item ${i}: "Name" must be 1 to 255 characters`);
			body.name = name;
		}
		if (fields.description !== undefined) body.description = String(fields.description);
		if (fields.maxRows !== undefined) body.maxRows = readMaxRows(fields.maxRows, i);
		const action = this.getNodeParameter('columnsAction', i, 'keep') as string;
		const columns = action === 'keep' ? [] : readColumns(this, i);
		const remove = action === 'addRemove' ? toList(this.getNodeParameter('removeColumns', i, [])) : [];
		if (action === 'replace' && !columns.length) {
			throw new Error(`Item ${i}: "Replace All Columns" needs at least one column; to remove some columns, use "Add or Remove Columns"`);
		}
		if (action === 'addRemove' && !columns.length && !remove.length) {
			throw new Error(`Item ${i}: add at least one column or choose one to remove`);
		}
		if (action === 'keep' && !Object.keys(body).length) {
			throw new Error(`Item ${i}: choose at least one field under "Update Fields", or change the columns`);
		}
		return { tableId: table, body, action, columns, remove };
	});

	return await perItem(this, items, async (i) => {
		const change = changes[i];
		if (change instanceof Error) throw change;
		const body = { ...change.body };
		if (change.action === 'replace') body.columns = change.columns as unknown as IDataObject[];
		if (change.action === 'addRemove') {
			const current = columnsOf(await api.getTable(this, change.tableId)).filter((column) => !change.remove.includes(column.id));
			for (const column of change.columns) {
				const id = column.id ?? column.name;
				const at = current.findIndex((existing) => existing.id === id);
				if (at === -1) current.push(column);
				else current[at] = { ...column, id };
			}
			body.columns = current as unknown as IDataObject[];
		}
		return bodyWithId<{ id: string }>('JustPaid', 'the table', await api.updateTable(this, change.tableId, body)) as IDataObject;
	});
}
