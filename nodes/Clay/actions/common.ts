/** Parameters and helpers several Clay operations share. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter } from '../../shared/parameters';
import { batchOptions as sharedBatchOptions, tableLocator as sharedTableLocator } from '../../shared/properties';
import { tableForName } from '../../shared/tool';
import { toList } from '../../shared/validate';

export { batchSettings, limitOption, readLimit, returnAllOption } from '../../shared/properties';
import type { ClayView } from '../api';
import type { Schemas, TableSchema } from '../schema';

const TABLE_IN_URL = /\/tables\/(t_[A-Za-z0-9_-]+)/;
const VIEW_IN_URL = /\/views\/(gv_[A-Za-z0-9_-]+)/;

export const tableLocator = sharedTableLocator({
	description: 'The Clay table to work on',
	idPlaceholder: 'e.g. t_abc123XYZ',
	idPattern: '^t_[A-Za-z0-9_-]+$',
	idError: 'Not a Clay table ID (t_…)',
	urlPlaceholder: 'e.g. https://app.clay.com/workspaces/12345/workbooks/wb_abc/tables/t_abc/views/gv_abc',
	urlExtract: `https?://.+${TABLE_IN_URL.source}`,
	urlError: 'Not a Clay table URL (…/tables/t_…)',
});

export const viewLocator: INodeProperties = {
	displayName: 'View',
	name: 'view',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description:
		'The view to read records from. Leave empty for the table\'s "All rows" view, or the view in the table\'s URL when the table was given by URL.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchViews', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. gv_abc123XYZ',
			validation: [{ type: 'regex', properties: { regex: '^gv_[A-Za-z0-9_-]+$', errorMessage: 'Not a Clay view ID (gv_…)' } }],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.clay.com/workspaces/12345/workbooks/wb_abc/tables/t_abc/views/gv_abc',
			extractValue: { type: 'regex', regex: VIEW_IN_URL.source },
			validation: [
				{
					type: 'regex',
					properties: { regex: `https?://.+${VIEW_IN_URL.source}.*`, errorMessage: 'Not a Clay view URL (…/views/gv_…)' },
				},
			],
		},
	],
};

interface Locator {
	mode?: string;
	value?: unknown;
}

function rawLocator(ctx: IExecuteFunctions, name: string, itemIndex: number): Locator {
	const raw = itemParameter<Locator | string>(ctx, name, itemIndex, '');
	return typeof raw === 'object' && raw !== null ? raw : { mode: 'id', value: raw };
}

/** The table id: from the locator; a pasted Clay URL works in every mode. */
export function tableId(ctx: IExecuteFunctions, itemIndex: number): string {
	const named = tableForName(ctx, itemIndex);
	if (named) return named;
	const raw = String(rawLocator(ctx, 'table', itemIndex).value ?? '').trim();
	const fromUrl = TABLE_IN_URL.exec(raw)?.[1];
	const id = fromUrl ?? raw;
	if (!id) throw new Error(`Item ${itemIndex}: "Table" is empty — choose a table, or give its ID (t_…) or URL`);
	if (/^https?:\/\//i.test(id)) throw new Error(`Item ${itemIndex}: "Table" is a URL without a table ID in it (…/tables/t_…)`);
	return id;
}

/**
 * The view: the View parameter when set; else the view of the table's URL (a pasted
 * `…/tables/t_…/views/gv_…` names both); else the view that lists every record ("All rows").
 */
export async function viewOf(ctx: IExecuteFunctions, itemIndex: number, schemas: Schemas, schema: TableSchema): Promise<ClayView | { id: string; name?: string }> {
	const raw = String(rawLocator(ctx, 'view', itemIndex).value ?? '').trim();
	if (raw) {
		const id = VIEW_IN_URL.exec(raw)?.[1] ?? raw;
		if (/^https?:\/\//i.test(id)) throw new Error(`Item ${itemIndex}: "View" is a URL without a view ID in it (…/views/gv_…)`);
		return schema.table.views.find((view) => view.id === id || view.name === id) ?? { id };
	}
	const fromTableUrl = VIEW_IN_URL.exec(String(rawLocator(ctx, 'table', itemIndex).value ?? ''))?.[1];
	if (fromTableUrl) return schema.table.views.find((view) => view.id === fromTableUrl) ?? { id: fromTableUrl };
	return (await schemas.everyRecordView(schema.id)).view;
}

export function idParameter(ctx: IExecuteFunctions, itemIndex: number, name = 'recordId', label = 'Record ID'): string {
	const id = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!id) throw new Error(`Item ${itemIndex}: "${label}" is empty`);
	return id;
}

/** One or many record ids: an array, or a comma-separated string. */
export function recordIdsParameter(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const ids = toList(ctx.getNodeParameter('recordIds', itemIndex, ''));
	if (!ids.length) throw new Error(`Item ${itemIndex}: "Record IDs" is empty`);
	return [...new Set(ids)];
}

export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return each record as {column name: value} (with _status for cells still running and _errors for cells that failed) instead of the raw record with cells keyed by field ID',
};

export const batchOptions = sharedBatchOptions('records', 'Clay', ' (Clay asks for about 10 requests per second at most)');
