/** listSearch / loadOptions / resourceMapping for the Clay node. */
import type { FieldType, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { api } from './api';
import type { ClayField } from './api';
import { COMPUTED_TYPES, ENRICHMENT_TYPES, TableSchema } from './schema';
import { optionsOf } from './values';

const APP = 'https://app.clay.com';

function locatorValue(ctx: ILoadOptionsFunctions, name: string): string {
	const raw = ctx.getNodeParameter(name, '') as { value?: unknown } | string;
	return String((typeof raw === 'object' && raw !== null ? raw.value : raw) ?? '').trim();
}

async function currentSchema(ctx: ILoadOptionsFunctions): Promise<TableSchema> {
	const raw = locatorValue(ctx, 'table');
	const id = /\/tables\/(t_[A-Za-z0-9_-]+)/.exec(raw)?.[1] ?? raw;
	if (!id) throw new NodeOperationError(ctx.getNode(), 'Choose a table first');
	return new TableSchema(await api.getTable(ctx, id));
}

const matches = (filter: string | undefined, ...texts: unknown[]) =>
	!filter || texts.some((text) => String(text ?? '').toLowerCase().includes(filter.trim().toLowerCase()));

export const listSearch = {
	/** Tables of every workspace of the session (Clay's lists have no paging). */
	async searchTables(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const results: INodeListSearchResult['results'] = [];
		for (const workspace of await api.listWorkspaces(this)) {
			for (const table of await api.listTables(this, String(workspace.id))) {
				if (!matches(filter, table.name, table.id)) continue;
				const wb = table.workbookId ? `/workbooks/${table.workbookId}` : '';
				results.push({
					name: workspace.name ? `${table.name || table.id} (${workspace.name})` : table.name || table.id,
					value: table.id,
					url: `${APP}/workspaces/${workspace.id}${wb}/tables/${table.id}`,
				});
			}
		}
		return { results };
	},

	async searchViews(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const schema = await currentSchema(this);
		const table = schema.table;
		const base = table.workspaceId ? `${APP}/workspaces/${table.workspaceId}${table.workbookId ? `/workbooks/${table.workbookId}` : ''}/tables/${table.id}` : undefined;
		return {
			results: table.views
				.filter((view) => matches(filter, view.name, view.id))
				.map((view) => ({ name: view.name || view.id, value: view.id, ...(base ? { url: `${base}/views/${view.id}` } : {}) })),
		};
	},
};

function fieldOption(field: ClayField): INodePropertyOptions {
	return { name: field.name, value: field.id, description: `Type: ${field.type ?? 'unknown'} · ID: ${field.id}` };
}

export const loadOptions = {
	async getWorkspaces(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await api.listWorkspaces(this)).map((workspace) => ({
			name: workspace.name ? `${workspace.name} (${workspace.id})` : String(workspace.id),
			value: String(workspace.id),
		}));
	},
	async getFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await currentSchema(this)).table.fields.map(fieldOption);
	},
	/** The columns that hold input (not enrichment or formula columns, which Clay computes): what a keyed Add's key can be. */
	async getInputFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await currentSchema(this)).table.fields.filter((field) => !COMPUTED_TYPES.has(String(field.type))).map(fieldOption);
	},
	async getEnrichmentFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await currentSchema(this)).table.fields.filter((field) => ENRICHMENT_TYPES.has(String(field.type))).map(fieldOption);
	},
};

// live field types (zapier getTable): text, email, url, number, boolean, date, select, users, image, formula, action; `checkbox` kept for an older name
const MAPPER_TYPES: Record<string, FieldType> = { number: 'number', boolean: 'boolean', checkbox: 'boolean' };

export const resourceMapping = {
	/** The columns a record can be written to (enrichment and formula columns are computed by Clay). */
	async getRecordFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const schema = await currentSchema(this);
		const fields: ResourceMapperField[] = schema.table.fields
			.filter((field) => !COMPUTED_TYPES.has(String(field.type)))
			.map((field): ResourceMapperField => {
				// a select field's options by name: the node writes them as {optionIds} (values.ts)
				const options = optionsOf(field);
				return {
					id: field.id,
					displayName: field.name,
					required: false,
					defaultMatch: false,
					display: true,
					type: options.length ? 'options' : (MAPPER_TYPES[String(field.type)] ?? 'string'),
					...(options.length ? { options: options.map((option) => ({ name: option.name, value: option.name })) } : {}),
					canBeUsedToMatch: false,
				};
			});
		return { fields };
	},
};
