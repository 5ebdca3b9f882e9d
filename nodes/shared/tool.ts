/**
 * The action nodes as tools of n8n's AI Agent. n8n offers every node with `usableAsTool` as a
 * tool node of type `<package>.<node>Tool` (built by n8n from the node's own description) and
 * runs the node's `execute` when the model calls it, with the tool call's arguments as input and
 * `$fromAI()` in the parameters resolved from them. What is written here:
 *
 * - `runsAsTool`: the node tells it runs as a tool by its type's `Tool` suffix;
 * - `toolProperties`: per operation, the tool's description the model reads (one sentence,
 *   editable in the tool node), and "Values (JSON)" beside each column mapper, so that a model
 *   can give a row's values as one object — both shown only in the tool node (`@tool`);
 * - table names: a table parameter that holds a name instead of an ID (what a model knows from
 *   a user's request) is looked up once per execution; the node uses the table's ID;
 * - `boundedToolAnswer`: what goes back to the model stays short.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import { itemParameter } from './parameters';
import { jsonParameter } from './validate';

/** n8n runs a node as a tool under its type name with `Tool` appended (n8n 1.x and 2.x, every agent version). */
export function runsAsTool(ctx: { getNode(): INode }): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

// ---------------------------------------------------------------------------------------
// Descriptions: the tool's sentence per operation, and row values as one JSON object

/** One sentence per operation: what the tool does, as the model reads it. */
export type ToolDescriptions = Record<string, Record<string, string>>;

export const VALUES_JSON = 'valuesJson';

/**
 * The tool node's own properties, added to a node's properties: a Description per operation
 * (n8n then adds no description fields of its own), and "Values (JSON)" after each column
 * mapper. `@tool` shows them only in the tool node; the normal node does not change.
 */
export function toolProperties(properties: INodeProperties[], service: string, sentences: ToolDescriptions): INodeProperties[] {
	const out: INodeProperties[] = [];
	for (const property of properties) {
		out.push(property);
		const show = property.displayOptions?.show ?? {};
		if (property.name === 'operation' && property.type === 'options') {
			const resource = String(show.resource?.[0] ?? '');
			for (const option of property.options ?? []) {
				if (!('value' in option)) continue;
				const operation = String(option.value);
				const sentence = sentences[resource]?.[operation] ?? `${'action' in option && option.action ? option.action : option.name} in ${service}.`;
				out.push({
					displayName: 'Description',
					name: 'toolDescription',
					type: 'string',
					typeOptions: { rows: 2 },
					default: sentence,
					description: 'What the AI agent is told this tool does. A clear, specific description helps the model call it right.',
					displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
				});
			}
		}
		if (property.type === 'resourceMapper') {
			out.push({
				displayName: 'Values (JSON)',
				name: VALUES_JSON,
				type: 'json',
				default: '',
				description:
					'The row\'s values as one JSON object keyed like the columns above, e.g. {"website": "https://acme.com"}. Let the model define it when the AI agent picks the table; when set, it is written instead of the Columns mapping (and over the values mapped there).',
				displayOptions: { show: { ...show, '@tool': [true] } },
			});
		}
	}
	return out;
}

/** The item's "Values (JSON)", when given: a JSON object (a model's arguments, or typed JSON). */
export function jsonValues(ctx: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const parsed = jsonParameter(ctx, VALUES_JSON, itemIndex, 'Values (JSON)');
	if (parsed === undefined) return undefined;
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new Error(`Item ${itemIndex}: "Values (JSON)" must be a JSON object of column → value, e.g. {"website": "https://acme.com"}`);
	}
	return Object.keys(parsed).length ? (parsed as IDataObject) : undefined;
}

/**
 * The column mapper as the row's values come: with "Values (JSON)", the values defined in the
 * mapper (Map Each Column) and, over them, the JSON's — never the input item's fields, which in
 * a tool are the agent's input, not a row.
 */
export function withJsonValues(ctx: IExecuteFunctions, itemIndex: number, mapper: ResourceMapperValue): ResourceMapperValue {
	const values = jsonValues(ctx, itemIndex);
	if (!values) return mapper;
	const defined = mapper?.mappingMode === 'defineBelow' ? (mapper.value ?? {}) : {};
	return { ...mapper, mappingMode: 'defineBelow', value: { ...defined, ...(values as ResourceMapperValue['value']) } };
}

// ---------------------------------------------------------------------------------------
// Tables by name

export interface NamedTable {
	id: string;
	name: string;
}

/** How a service's tables are found by name. */
export interface TableDirectory {
	/** The service's name in messages. */
	service: string;
	/** What a table ID looks like: a value of this shape is an ID, used without a lookup. */
	idShape: RegExp;
	/** The service's own search by name, when it has one: tried first (one request). */
	search?(ctx: IExecuteFunctions, name: string): Promise<NamedTable[]>;
	/** The account's tables; `complete` is false when only the first ones were read. */
	list(ctx: IExecuteFunctions): Promise<{ tables: NamedTable[]; complete: boolean }>;
}

interface Lookups {
	/** By item: the table ID its name stands for, or why there is none. */
	items: Map<number, string | Error>;
}

const lookups = new WeakMap<IExecuteFunctions, Lookups>();

const norm = (text: string) => text.trim().toLowerCase();
const quoted = (names: string[]): string => names.map((name) => `"${name}"`).join(', ');

function pick(tables: NamedTable[], value: string, service: string): string | Error | undefined {
	for (const same of [(t: NamedTable) => t.name === value, (t: NamedTable) => norm(t.name) === norm(value)]) {
		const found = tables.filter(same);
		if (found.length === 1) return found[0].id;
		if (found.length > 1) {
			return new Error(`${found.length} ${service} tables are named "${value}" (${found.map((t) => t.id).join(', ')}): give the table's ID instead`);
		}
	}
	return undefined;
}

/** A value that names a table rather than identifying it: not of the ID's shape, not a URL. */
function isName(value: string, directory: TableDirectory): boolean {
	return value !== '' && !value.startsWith('=') && !/^https?:\/\//i.test(value) && !directory.idShape.test(value);
}

/** The raw value of an item's table parameter (any mode), before n8n extracts anything from it. */
function tableValue(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = itemParameter<unknown>(ctx, 'table', itemIndex, '');
	const value = raw !== null && typeof raw === 'object' ? (raw as { value?: unknown }).value : raw;
	return String(value ?? '').trim();
}

/**
 * Looks up the tables the items name (By ID or From List with a name in it, as a model gives
 * it through `$fromAI()`), one lookup per name and execution. Exact name first, then ignoring
 * case; a table whose ID is the value also matches. When nothing matches, the value goes on as
 * an ID (the service then says it does not know it) — except in a tool, where the item fails
 * saying which tables there are, when the account's list was read to its end.
 */
export async function lookUpTableNames(ctx: IExecuteFunctions, items: INodeExecutionData[], directory: TableDirectory): Promise<void> {
	const names = new Map<string, number[]>();
	for (let i = 0; i < items.length; i++) {
		let value: string;
		try {
			value = tableValue(ctx, i);
		} catch {
			continue; // the operation reports a bad parameter itself
		}
		if (isName(value, directory)) names.set(value, [...(names.get(value) ?? []), i]);
	}
	if (!names.size) return;
	// A model gets the list of tables to choose from; the normal node sends the value on as an ID,
	// as it always did, and reports the service's own "not found".
	const strict = runsAsTool(ctx);
	const found: Lookups = { items: new Map() };
	lookups.set(ctx, found);
	let listing: Promise<{ tables: NamedTable[]; complete: boolean }> | undefined;
	for (const [value, indexes] of names) {
		let result: string | Error;
		try {
			let id = directory.search ? pick(await directory.search(ctx, value), value, directory.service) : undefined;
			if (id === undefined) {
				listing ??= directory.list(ctx);
				const { tables, complete } = await listing;
				id = pick(tables, value, directory.service) ?? tables.find((table) => table.id === value)?.id;
				if (id === undefined && complete && strict) {
					const all = [...new Set(tables.map((table) => table.name || table.id))];
					const shown = all.slice(0, 20);
					const more = all.length > shown.length ? ` and ${all.length - shown.length} more` : '';
					id = new Error(
						`${directory.service} has no table named "${value}", and no table has that ID. ` +
							(tables.length ? `Its tables are: ${quoted(shown)}${more}. ` : 'The account has no tables. ') +
							"Give a table's exact name or its ID.",
					);
				}
			}
			result = id ?? value;
		} catch (error) {
			result = error as Error;
		}
		for (const i of indexes) found.items.set(i, result);
	}
}

/** The table ID an item's table name was looked up as (throws why it was not found), or undefined. */
export function tableForName(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const result = lookups.get(ctx)?.items.get(itemIndex);
	if (result instanceof Error) throw result;
	return result;
}

// ---------------------------------------------------------------------------------------
// Answers

/** At most this many items go back to the model from an operation without a Limit. */
export const TOOL_ANSWER_MAX_ITEMS = 100;

/**
 * A tool's answer, bounded: an operation with a Limit is bounded by it already; any other
 * answer longer than `TOOL_ANSWER_MAX_ITEMS` items keeps its first ones and says so.
 */
export function boundedToolAnswer(output: INodeExecutionData[], hasLimit: boolean): INodeExecutionData[] {
	if (hasLimit || output.length <= TOOL_ANSWER_MAX_ITEMS) return output;
	const kept = output.slice(0, TOOL_ANSWER_MAX_ITEMS);
	kept.push({
		json: {
			_note: `Showing the first ${TOOL_ANSWER_MAX_ITEMS} of ${output.length} items. Use a Get Many tool with a Limit to read rows in smaller parts.`,
		},
		pairedItem: { item: 0 },
	});
	return kept;
}

/** "Item 0: " says nothing to a model: a tool call is one item. */
const withoutItem = (message: string) => message.replace(/^Item \d+: /, '');

/**
 * An error for the model: n8n's agent passes on only the message, so the description (what to
 * do) goes into it; the item number goes.
 */
export function toolError<E extends Error & { description?: string | null }>(error: E): E {
	const description = typeof error.description === 'string' ? error.description.trim() : '';
	error.message = withoutItem(error.message);
	if (description && !error.message.includes(description)) error.message = `${error.message} — ${description}`;
	return error;
}

/** Error items (Continue On Fail) of a tool's answer, worded for the model as `toolError` words an error. */
export function toolErrorItems(output: INodeExecutionData[]): INodeExecutionData[] {
	return output.map((item) => {
		const { error, description } = item.json;
		if (typeof error !== 'string') return item;
		const message = withoutItem(error);
		const json: IDataObject = { ...item.json, error: typeof description === 'string' && description && !message.includes(description) ? `${message} — ${description}` : message };
		delete json.description;
		return { ...item, json };
	});
}
