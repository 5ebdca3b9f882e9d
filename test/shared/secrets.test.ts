/** The credential's secrets: how they are collected, and their removal from whatever leaves the node. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { ServiceError, toNodeError } from '../../nodes/shared/errors';
import { credentialOf, credentialSecrets, leavingNode, removeSecrets, withoutSecrets } from '../../nodes/shared/secrets';

const SECRET = 'sk-live/abc+123';
const node = { id: '1', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

describe('collecting the secrets', () => {
	it('takes the named fields and the other forms the service derives, leaving out empty values', () => {
		const fields = { secretFields: ['apiKey', 'missing'], secretsOf: (c: Record<string, unknown>) => [String(c.apiKey).slice(3)] };
		expect(credentialSecrets(fields, { apiKey: SECRET })).toEqual([SECRET, 'live/abc+123']);
	});

	it('reads the credential once per execution context, with its Base URL trimmed', async () => {
		const getCredentials = jest.fn(async () => ({ baseUrl: ' https://api.example.com/ ', apiKey: SECRET }));
		const ctx = { getCredentials };
		const service = { credentialType: 'exampleApi', secretFields: ['apiKey'] };
		expect(await credentialOf(ctx, service)).toEqual({ baseUrl: 'https://api.example.com', secrets: [SECRET] });
		await credentialOf(ctx, service);
		expect(getCredentials).toHaveBeenCalledTimes(1);
	});
});

describe('removing them', () => {
	it('replaces the secret as is, URL-encoded and decoded; short values are left alone', () => {
		const text = `key ${SECRET}, in a URL ${encodeURIComponent(SECRET)}; the id abc`;
		expect(removeSecrets(text, [SECRET, 'abc'])).toBe('key ***, in a URL ***; the id abc');
		expect(removeSecrets('a id', ['id'])).toBe('a id');
	});

	it('cleans nested values without changing the original', () => {
		const body = { error: { detail: [`bad token ${SECRET}`], code: 7 } };
		expect(withoutSecrets(body, [SECRET])).toEqual({ error: { detail: ['bad token ***'], code: 7 } });
		expect(body.error.detail[0]).toContain(SECRET);
	});

	it('cleans an error in place, down to the errors it was caused by', () => {
		const error = new Error(`outer ${SECRET}`, { cause: new Error(`inner ${SECRET}`, { cause: { detail: SECRET } }) });
		expect(withoutSecrets(error, [SECRET])).toBe(error);
		expect(error.message).toBe('outer ***');
		const cause = error.cause as Error;
		expect(cause.message).toBe('inner ***');
		expect(cause.cause).toEqual({ detail: '***' });
	});

	it('copies a ServiceError clean: message, description and the answer it keeps', () => {
		const error = new ServiceError(`denied ${SECRET}`, { status: 401, description: `sent ${SECRET}`, body: { echo: SECRET } });
		const clean = withoutSecrets(error, [SECRET]);
		expect(clean).toBeInstanceOf(ServiceError);
		expect(clean.status).toBe(401);
		expect(JSON.stringify({ message: clean.message, details: clean.details })).not.toContain(SECRET);
	});

	it('leaves the node as an n8n error naming its item, with no secret anywhere in it', async () => {
		const ctx = { getCredentials: async () => ({ apiKey: SECRET }), getNode: () => node };
		const service = { credentialType: 'exampleApi', secretFields: ['apiKey'] };
		const thrown = (work: () => Promise<unknown>) => leavingNode(ctx, service, work).then(() => undefined, (error: unknown) => error as NodeApiError);
		const inner = new ServiceError(`token ${SECRET} expired`, { status: 401, body: { token: SECRET } });
		const error = (await thrown(async () => Promise.reject(toNodeError(node, inner, 3))))!;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Item 3: token *** expired');
		const shown = JSON.stringify({ error, message: error.message, description: error.description, stack: error.stack, messages: error.messages });
		expect(shown).not.toContain(SECRET);
		const plain = (await thrown(async () => Promise.reject(new Error(`bad ${SECRET}`))))!;
		expect(plain).toBeInstanceOf(NodeOperationError);
		expect(plain.stack).not.toContain(SECRET);
	});

	it('copies what it answers clean, down to nested values', async () => {
		const ctx = { getCredentials: async () => ({ apiKey: SECRET }), getNode: () => node };
		const answer = [[{ json: { webhook: `https://hooks.example/${encodeURIComponent(SECRET)}`, nested: { list: [`x ${SECRET}`] }, count: 2 } }]];
		const out = await leavingNode(ctx, { credentialType: 'exampleApi', secretFields: ['apiKey'] }, async () => answer);
		expect(out).toEqual([[{ json: { webhook: 'https://hooks.example/***', nested: { list: ['x ***'] }, count: 2 } }]]);
		expect(answer[0][0].json.nested.list[0]).toContain(SECRET);
		expect(await leavingNode(ctx, { credentialType: 'exampleApi', secretFields: ['apiKey'] }, async () => null)).toBeNull();
	});

	it('still leaves with an error when the credential cannot be read', async () => {
		const ctx = { getCredentials: async () => Promise.reject(new Error('no credential')), getNode: () => node };
		const error = await leavingNode(ctx, { credentialType: 'x', secretFields: [] }, async () => Promise.reject(new Error('failed'))).catch((thrown: Error) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('failed');
	});
});
