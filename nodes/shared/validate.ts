/**
 * User input -> checked values. JSON parameters and row/column shapes are validated
 * with zod; a failure becomes an item-level error naming the item, the parameter and
 * the bad field's path ("Item 7: `columns[2].value.prompt` is required").
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import type { z } from 'zod';

import { itemParameter } from './parameters';

/** `a.b[2].c` from a zod/FastAPI path. */
export function formatPath(path: ReadonlyArray<string | number>): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out;
}

/** One line per zod issue, each naming the path under `root`. */
export function describeIssues(issues: z.ZodIssue[], root?: string): string {
	return issues
		.slice(0, 5)
		.map((issue) => {
			const path = formatPath([...(root ? [root] : []), ...issue.path]);
			return path ? `\`${path}\` ${lowerFirst(issue.message)}` : lowerFirst(issue.message);
		})
		.join('; ');
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Validates `value`; on failure throws a NodeOperationError for the item. */
export function parseWith<S extends z.ZodTypeAny>(
	node: INode,
	schema: S,
	value: unknown,
	itemIndex: number,
	root?: string,
): z.infer<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw new NodeOperationError(node, `Item ${itemIndex}: ${describeIssues(result.error.issues, root)}`, {
		itemIndex,
		description: root ? `Check the parameter "${root}".` : undefined,
	});
}

/**
 * Reads a JSON parameter, which n8n hands over as a string (typed) or as an object
 * (from an expression), and parses it.
 */
export function jsonParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): unknown {
	const raw = itemParameter(ctx, name, itemIndex, '');
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: "${label}" is not valid JSON (${(error as Error).message})`, {
			itemIndex,
		});
	}
}

/** Splits "a, b ,c" or an array into trimmed non-empty strings. */
export function toList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	const parts = Array.isArray(value) ? value : String(value).split(',');
	return parts.map((part) => String(part).trim()).filter(Boolean);
}
