/**
 * Reading a parameter for each of many items. n8n resolves a parameter anew on every
 * `getNodeParameter` call (copying it, checking it for expressions, resolving a resource
 * locator), which costs microseconds an item and adds up over 100,000 items. A parameter whose
 * saved value holds no expression is the same for every item: it is read once per execution
 * and reused. One that holds an expression is still read for each item.
 */
import type { IExecuteFunctions, IGetNodeParameterOptions, INodeParameters } from 'n8n-workflow';

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

function savedValue(parameters: INodeParameters, path: string): unknown {
	let value: unknown = parameters;
	for (const part of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}

class ItemParameters {
	private readonly saved: INodeParameters;
	readonly typeVersion: number;
	private readonly fixed = new Map<string, { value: unknown }>();
	/** Values read with `extractValue` (a resource locator's extracted ID), apart. */
	private readonly fixedExtracted = new Map<string, { value: unknown }>();

	constructor(private readonly ctx: IExecuteFunctions) {
		// n8n's getNode() copies the whole node: read once
		const node = ctx.getNode();
		this.saved = node.parameters;
		this.typeVersion = node.typeVersion;
	}

	get(name: string, itemIndex: number, fallback: unknown, options?: IGetNodeParameterOptions): unknown {
		const fixed = options?.extractValue ? this.fixedExtracted : this.fixed;
		const known = fixed.get(name);
		if (known) return known.value;
		const value = this.ctx.getNodeParameter(name, itemIndex, fallback as never, options);
		if (!holdsExpression(savedValue(this.saved, name))) fixed.set(name, { value });
		return value;
	}
}

/** One reader per execution context (a context lives for one node execution). */
const readers = new WeakMap<IExecuteFunctions, ItemParameters>();

/**
 * `ctx.getNodeParameter(name, itemIndex, fallback, options)`, read once when the parameter
 * holds no expression. The value may be shared between items: treat it as read-only.
 */
export function itemParameter<T = unknown>(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: T,
	options?: IGetNodeParameterOptions,
): T {
	return readerOf(ctx).get(name, itemIndex, fallback, options) as T;
}

/** The node's version, read once per execution. */
export function nodeVersion(ctx: IExecuteFunctions): number {
	return readerOf(ctx).typeVersion;
}

function readerOf(ctx: IExecuteFunctions): ItemParameters {
	let reader = readers.get(ctx);
	if (!reader) {
		reader = new ItemParameters(ctx);
		readers.set(ctx, reader);
	}
	return reader;
}
