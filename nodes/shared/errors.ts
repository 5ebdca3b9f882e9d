/**
 * Service errors -> n8n errors. Every message a user sees is built here, from the
 * service's own words plus a hint; secrets.ts removes the credential's secrets from it on the
 * way out of the node.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { Failure, INode, JsonObject } from 'n8n-workflow';

/** What a service says about one failed response: its own message, plus what to do. */
export interface ErrorDescription {
	message: string;
	description?: string;
	/** Why it failed, where the status alone would say it wrongly (see `failureOf`). */
	failure?: Failure;
}

/**
 * Why a request failed, as n8n reads it (`failure` on its errors, n8n-workflow 2.41): it decides
 * how a polling trigger backs off (a timed cause waits and tries again, an actionable one waits
 * the longest, until someone acts) and what n8n tells the user. From the status of the final
 * answer, after the node's own retries; a service's `describeError` may declare another.
 */
export function failureOf(status: number): Failure | undefined {
	if (status === 401) return { cause: 'credential-invalid' };
	if (status === 402) return { cause: 'quota-exhausted' };
	// the credential works but may not use this table (any more), or the table, view, column or row is gone
	if (status === 403 || status === 404 || status === 410) return { cause: 'configuration-invalid' };
	if (status === 429) return { cause: 'rate-limited' };
	if (status >= 500) return { cause: 'temporarily-unavailable' };
	return undefined;
}

/** A declared failure with the wait the service asked for (its `Retry-After`), when it is a cause a wait can help. */
export function withRetryAfter(failure: Failure | undefined, retryAfterMs: number | undefined): Failure | undefined {
	if (!failure || retryAfterMs === undefined || retryAfterMs <= 0) return failure;
	// n8n-workflow's TIMED_CAUSES, written out: that value does not exist in the n8n-workflow of n8n 1.x
	if (failure.cause !== 'rate-limited' && failure.cause !== 'quota-exhausted' && failure.cause !== 'temporarily-unavailable') return failure;
	return { retryAfterMs, ...failure };
}

/**
 * A failed call, before it is tied to an item. `ambiguous` marks a write whose fate is
 * unknown (the connection dropped after the request was sent, a 502/504): the service
 * may or may not have processed it.
 */
export class ServiceError extends Error {
	constructor(
		message: string,
		readonly details: {
			status?: number;
			body?: unknown;
			description?: string;
			ambiguous?: boolean;
			code?: string;
			/** The failure came to a retry, after an attempt the service may have processed. */
			afterLostAnswer?: boolean;
			/** Why it failed, declared to n8n on the error the node throws (`failureOf`). */
			failure?: Failure;
		} = {},
	) {
		super(message);
		this.name = 'ServiceError';
	}

	get status(): number | undefined {
		return this.details.status;
	}
}

/** Prefixes a message with the item it belongs to, once. */
export function forItem(message: string, itemIndex: number | undefined): string {
	if (itemIndex === undefined || message.startsWith('Item ')) return message;
	return `Item ${itemIndex}: ${message}`;
}

/** Turns a ServiceError (or anything thrown) into the n8n error shown for an item. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) {
			error.context.itemIndex = itemIndex;
		}
		error.message = forItem(error.message, itemIndex);
		return error;
	}
	if (error instanceof ServiceError) {
		const message = forItem(error.message, itemIndex);
		const description = error.details.description || undefined;
		const failure = error.details.failure;
		const response: JsonObject = { message };
		if (error.details.status !== undefined) response.httpCode = String(error.details.status);
		if (error.details.code) response.code = error.details.code;
		if (error.details.status !== undefined) {
			return new NodeApiError(node, response, {
				message,
				description,
				httpCode: String(error.details.status),
				itemIndex,
				...(failure ? { failure } : {}),
			});
		}
		return new NodeOperationError(node, message, { description, itemIndex, ...(failure ? { failure } : {}) });
	}
	if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
		// A JavaScript error, not one written for a user: most likely an answer in a shape the
		// node did not expect. The technical text goes into the description.
		return new NodeOperationError(node, forItem('The service answered in a way this node did not expect', itemIndex), {
			itemIndex,
			description: `Internal detail: ${error.message}. Check that the credential's Base URL points at the service's API; if it does, please report this.`,
		});
	}
	const message = forItem(error instanceof Error ? error.message : String(error), itemIndex);
	return new NodeOperationError(node, message, { itemIndex });
}
