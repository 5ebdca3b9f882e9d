/**
 * The shape every action runs in: an operation turns all input items into one result
 * per item (its output rows, or an Error), and `runOperation` turns those into n8n
 * output — paired to their items, error items under "Continue On Fail", or the first
 * error (naming its item) otherwise. Secrets are removed from every message here.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from './errors';
import { scrubError } from './scrub';
import { baseUrlOf } from './request';
import type { ServiceDefinition } from './request';

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
	const results: ItemResult[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			results.push(await fn(i));
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i);
			results.push(error as Error);
		}
	}
	return results;
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

/**
 * `prepareEach` for preparations that may need a request (e.g. reading a table's columns once).
 * `fn` may answer at once (no promise) when it needs none: most items then cost no turn of the
 * event loop, which adds up over many thousands of items.
 */
export async function prepareEachAsync<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => T | Promise<T>,
): Promise<Array<T | Error>> {
	const prepared: Array<T | Error> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const value = fn(i);
			prepared.push(value instanceof Promise ? await value : value);
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i);
			prepared.push(error as Error);
		}
	}
	return prepared;
}

export async function runOperation(
	this: IExecuteFunctions,
	service: ServiceDefinition,
	operation: Operation,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const { secrets } = await baseUrlOf(this, service);
	let results: ItemResult[];
	try {
		results = await operation.execute.call(this, items);
	} catch (error) {
		// Operations stop at a failed item (when "Continue On Fail" is off) by throwing an n8n
		// error that already names the item; here it only loses any secret.
		throw scrubError(toNodeError(node, error, undefined, secrets), secrets);
	}
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result instanceof Error) {
			const error = scrubError(toNodeError(node, result, i, secrets), secrets);
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
