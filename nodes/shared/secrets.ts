/**
 * The credential's secrets: which values of a credential they are, and their removal from
 * whatever leaves the node. An n8n error carries more than its message and description (a
 * NodeApiError also keeps `messages`, `errorResponse` and `stack`, shown in the editor and saved
 * with the execution), and a service's answer kept in an error may repeat a secret: all of it
 * is cleaned, down to nested values.
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

import { ServiceError, toNodeError } from './errors';

/** Where a service's credential keeps its secrets. */
export interface SecretFields {
	/** Credential fields whose values must never appear in outputs or errors. */
	secretFields: string[];
	/** Other forms a secret takes on the wire (e.g. a cookie value cut out of a pasted header). */
	secretsOf?(credentials: ICredentialDataDecryptedObject): string[];
}

/** The credential as the shared engine uses it: its Base URL and its secrets. */
export interface CredentialInfo {
	baseUrl: string;
	secrets: string[];
}

interface CredentialContext {
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

/** The secrets of a credential, as the service's definition names them. */
export function credentialSecrets(fields: SecretFields, credentials: ICredentialDataDecryptedObject): string[] {
	return [...fields.secretFields.map((field) => String(credentials[field] ?? '')), ...(fields.secretsOf?.(credentials) ?? [])].filter(Boolean);
}

/**
 * The credential's Base URL and secrets, read once per execution context: each context
 * object lives for one node execution, so this memo holds no state across executions
 * or workers.
 */
const perContext = new WeakMap<object, Promise<CredentialInfo>>();

export async function credentialOf(ctx: CredentialContext, service: SecretFields & { credentialType: string }): Promise<CredentialInfo> {
	let entry = perContext.get(ctx);
	if (!entry) {
		entry = ctx.getCredentials(service.credentialType).then((credentials) => ({
			baseUrl: String(credentials.baseUrl ?? '').trim().replace(/\/+$/, ''),
			secrets: credentialSecrets(service, credentials),
		}));
		perContext.set(ctx, entry);
		entry.catch(() => perContext.delete(ctx));
	}
	return await entry;
}

/** Shorter values are not treated as secrets: removing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of every secret (and its URL-encoded and decoded forms) with `***`. */
export function removeSecrets(text: string, secrets: readonly string[]): string {
	return strip(text, formsOf(secrets));
}

/** The forms the secrets take in text (as they are, URL-encoded, decoded), the longest first. */
function formsOf(secrets: readonly string[]): string[] {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
		for (const form of [secret, encodeURIComponent(secret), decodeSafe(secret)]) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
	}
	return [...forms].sort((a, b) => b.length - a.length);
}

function strip(text: string, forms: readonly string[]): string {
	let out = text;
	for (const form of forms) if (out.includes(form)) out = out.split(form).join('***');
	return out;
}

function decodeSafe(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** Fields of an error that n8n shows or saves, beside its message. */
const ERROR_TEXTS = ['message', 'description', 'stack'];
const ERROR_VALUES = ['messages', 'errorResponse', 'cause'];
/** Nested values deeper than this are left as they are (no answer or output is this deep). */
const MAX_DEPTH = 32;

/**
 * `value` without any secret: a string cleaned; a plain object or array that holds one copied
 * clean, keys and values (one that holds none is returned as it is); a ServiceError copied clean
 * (message, description, the answer's body); any other error cleaned in place (so that it keeps
 * its class, context and item). The original is never changed, but for such an error.
 */
export function withoutSecrets<T>(value: T, secrets: readonly string[]): T {
	const forms = formsOf(secrets);
	if (!forms.length) return value;
	return clean(value, forms, 0) as T;
}

function clean(value: unknown, forms: readonly string[], depth: number): unknown {
	if (typeof value === 'string') return strip(value, forms);
	if (value === null || typeof value !== 'object') return value;
	if (value instanceof ServiceError) {
		const { description, body } = value.details;
		return new ServiceError(strip(value.message, forms), {
			...value.details,
			description: description === undefined ? undefined : strip(description, forms),
			body: clean(body, forms, 0),
		});
	}
	if (value instanceof Error) {
		const target = value as unknown as Record<string, unknown>;
		for (const key of ERROR_TEXTS) if (typeof target[key] === 'string') target[key] = strip(target[key] as string, forms);
		for (const key of ERROR_VALUES) {
			const entry = target[key];
			if (entry !== null && typeof entry === 'object' && depth < MAX_DEPTH) target[key] = clean(entry, forms, depth + 1);
		}
		return value;
	}
	if (depth > MAX_DEPTH) return value;
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		for (let i = 0; i < value.length; i++) {
			const entry: unknown = value[i];
			const cleaned = clean(entry, forms, depth + 1);
			if (cleaned === entry) continue;
			copy ??= value.slice();
			copy[i] = cleaned;
		}
		return copy ?? value;
	}
	const prototype = Object.getPrototypeOf(value) as unknown;
	if (prototype !== Object.prototype && prototype !== null) return value;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record);
	let copy: Record<string, unknown> | undefined;
	for (let k = 0; k < keys.length; k++) {
		const key = keys[k];
		const entry = record[key];
		const cleanKey = strip(key, forms);
		const cleaned = clean(entry, forms, depth + 1);
		if (!copy && cleanKey === key && cleaned === entry) continue;
		if (!copy) {
			copy = {};
			for (let earlier = 0; earlier < k; earlier++) copy[keys[earlier]] = record[keys[earlier]];
		}
		copy[cleanKey] = cleaned;
	}
	return copy ?? value;
}

/**
 * The one way out of the package: `work` (an execution, a trigger's poll, an editor look-up)
 * runs, and what it returns or throws leaves without any secret of the credential. Its answer
 * is copied clean; what it throws becomes an n8n error (see `toNodeError`), cleaned in place.
 * Errors inside `work` keep the service's words as they are, secrets and all, until here.
 */
export async function leavingNode<T>(
	ctx: CredentialContext & { getNode(): INode },
	service: SecretFields & { credentialType: string },
	work: () => Promise<T>,
): Promise<T> {
	let answer: T;
	let failure: unknown;
	let failed = false;
	try {
		answer = await work();
	} catch (error) {
		failure = error;
		failed = true;
	}
	const { secrets } = await credentialOf(ctx, service).catch(() => ({ secrets: [] as string[] }));
	if (failed) throw withoutSecrets(toNodeError(ctx.getNode(), failure), secrets);
	return withoutSecrets(answer!, secrets);
}
