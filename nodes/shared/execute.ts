/**
 * The shape every action runs in: an operation turns all input items into one result
 * per item (its output rows, or an Error), and `runOperation` turns those into n8n
 * output — paired to their items, error items under "Continue On Fail", or the first
 * error (naming its item) otherwise. Every error leaves through `errorLeavingNode`, without
 * the credential's secrets.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from './errors';
import type { ServiceDefinition } from './request';
import { credentialOf, errorLeavingNode } from './secrets';

/** One item's result: its output row(s), or the error it ended with. */
export type ItemResult = IDataObject | IDataObject[] | Error;

export interface Operation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]>;
}

/**
 * Runs `fn` for each item in turn. A failure stops the execution at once when
 * "Continue On Fail" is off, and becomes that item's result when it is on.
 */
export async function perItem(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<ItemResult[]> {
	return await prepareEachAsync(ctx, items, fn);
}

/**
 * Prepares every item before anything is sent (reading and checking its parameters).
 * With "Continue On Fail" off, the first bad item stops the execution before any request.
 */
export function prepareEach<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => T,
): Array<T | Error> {
	return items.map((_item, i) => {
		try {
			return fn(i);
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i);
			return error as Error;
		}
	});
}

/** `prepareEach` for preparations that may need a request (e.g. reading a table's columns once). */
export async function prepareEachAsync<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => T | Promise<T>,
): Promise<Array<T | Error>> {
	const prepared: Array<T | Error> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			prepared.push(await fn(i));
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i);
			prepared.push(error as Error);
		}
	}
	return prepared;
}

/** How `prepareWithTable` prepares one item, in two steps around its table's read. */
export interface TableSteps<S, A, T> {
	/** The item's table. */
	table(itemIndex: number): string;
	/** What needs nothing of the table; `needsTable` false when the second step won't use it. */
	start(itemIndex: number, tableId: string): { value: A; needsTable: boolean };
	/** Reads what the items of a table share (its columns, its schema): once per table. */
	read(tableId: string): Promise<S>;
	/** The rest, with the table's data (`undefined` when the first step did not need it). */
	finish(itemIndex: number, tableId: string, started: A, table: S | undefined): T;
}

/**
 * `prepareEach` for items that need a read of their table (its columns, its schema) before they
 * are complete: each table is read once, by the first item that needs it. As with `prepareEach`,
 * every item is prepared before anything is written, and with "Continue On Fail" off the first
 * bad item stops the execution.
 */
export async function prepareWithTable<S, A, T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	steps: TableSteps<S, A, T>,
): Promise<Array<T | Error>> {
	const reads = new Map<string, Promise<S>>();
	const tableOf = (tableId: string) => {
		let read = reads.get(tableId);
		if (!read) reads.set(tableId, (read = steps.read(tableId)));
		return read;
	};
	return await prepareEachAsync(ctx, items, async (i) => {
		const tableId = steps.table(i);
		const { value, needsTable } = steps.start(i, tableId);
		return steps.finish(i, tableId, value, needsTable ? await tableOf(tableId) : undefined);
	});
}

export async function runOperation(
	this: IExecuteFunctions,
	service: ServiceDefinition,
	operation: Operation,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// a credential that cannot be read fails here, before any item
	await credentialOf(this, service);
	let results: ItemResult[];
	try {
		results = await operation.execute.call(this, items);
	} catch (error) {
		// Operations stop at a failed item (when "Continue On Fail" is off) by throwing an n8n
		// error that already names the item; here it only loses any secret.
		throw await errorLeavingNode(this, service, error);
	}
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result instanceof Error) {
			const error = await errorLeavingNode(this, service, result, i);
			if (!this.continueOnFail()) throw error;
			const json: IDataObject = { error: error.message };
			if (error.description) json.description = error.description;
			output.push({ json, pairedItem: { item: i } });
			continue;
		}
		if (result === undefined) continue;
		if (!Array.isArray(result)) {
			output.push({ json: result, pairedItem: { item: i } });
			continue;
		}
		for (const json of result) output.push({ json, pairedItem: { item: i } });
	}
	return [output];
}
