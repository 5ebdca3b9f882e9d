/**
 * Checks of the answers the node relies on. A service that answers a 200 with an empty body or
 * in another shape (a proxy's page parsed as JSON, an API change) gets a clear item error that
 * says what was expected and shows the start of what came, instead of an output item built
 * from nothing.
 */
import { ServiceError } from './errors';

export function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The error for an answer the node cannot use: `service` answered `what` … */
export function unexpectedAnswer(service: string, what: string, body: unknown): ServiceError {
	const empty = body === undefined || body === null || body === '';
	const shown = typeof body === 'string' ? body : JSON.stringify(body ?? null);
	return new ServiceError(
		empty ? `${service} answered ${what} with an empty body` : `${service} answered ${what} in a shape this node does not know`,
		{
			description: `${empty ? 'The request went through but nothing came back. ' : ''}Check that the credential's Base URL points at the ${service} API, not a proxy or web page; if it does, the API may have changed. First characters of the answer: ${JSON.stringify(shown.slice(0, 160))}`,
		},
	);
}

/** `body` when it is an object with a string `id`; else the error saying so. */
export function bodyWithId<T extends { id: string }>(service: string, what: string, body: unknown): T {
	if (isObject(body) && typeof body.id === 'string' && body.id) return body as unknown as T;
	throw unexpectedAnswer(service, what, body);
}

/** `list` when it has one entry per thing sent; else the error saying so. */
export function oneEach<T>(service: string, what: string, list: T[], expected: number): T[] {
	if (Array.isArray(list) && list.length === expected) return list;
	throw new ServiceError(`${service} answered ${Array.isArray(list) ? list.length : 'no'} ${what} for the ${expected} sent`, {
		description: `The request may have succeeded: check in ${service} before running this item again.`,
	});
}
