/**
 * Removes secrets from everything an n8n error carries, not only its message and
 * description: a NodeApiError also keeps `messages`, `errorResponse` (shown in the editor
 * and saved with the execution) and `stack`. `runOperation` applies it to every error.
 */

import { redact } from './errors';

/** A copy of `value` with every secret removed from every string in it (six levels deep). */
export function scrubValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (depth > 6 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((entry) => scrubValue(entry, secrets, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) out[key] = scrubValue(entry, secrets, depth + 1);
	return out;
}

export function scrubError<E>(error: E, secrets: readonly string[]): E {
	if (!secrets.length || error === null || typeof error !== 'object') return error;
	const target = error as unknown as Record<string, unknown>;
	for (const key of ['message', 'description', 'stack']) {
		if (typeof target[key] === 'string') target[key] = redact(target[key] as string, secrets);
	}
	for (const key of ['messages', 'errorResponse', 'cause']) {
		if (target[key] !== undefined && target[key] !== null && typeof target[key] === 'object' && !(target[key] instanceof Error)) {
			target[key] = scrubValue(target[key], secrets);
		}
	}
	return error;
}
