/**
 * The two ways a Clay node authenticates (n8n's usual pattern: an Authentication option that
 * picks the credential). Version 1 of the Clay nodes defaults to the session cookie, as workflows
 * made before API keys have no such parameter and keep working unchanged; version 2 (new nodes)
 * defaults to an API key, which does not expire within days as the cookie does.
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

const authentication: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	default: 'apiKey',
	options: [
		{ name: 'API Key', value: 'apiKey', description: 'A Clay API key (Settings → Account → API keys); it does not expire when you log out' },
		{ name: 'Session Cookie', value: 'sessionCookie', description: 'The claysession cookie of your browser; it expires after some days' },
	],
};

/** The Authentication option of each node version: the session cookie by default in version 1, an API key from version 2 on. */
export const authenticationProperties: INodeProperties[] = [
	{ ...authentication, default: 'sessionCookie', displayOptions: { show: { '@version': [1] } } },
	{ ...authentication, displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } } },
];

/** The authentication a node uses: its parameter, else its version's default. */
export function authenticationOfNode(node: { parameters: Record<string, unknown>; typeVersion: number }): 'apiKey' | 'sessionCookie' {
	const chosen = node.parameters.authentication;
	if (chosen === 'apiKey' || chosen === 'sessionCookie') return chosen;
	return node.typeVersion >= 2 ? 'apiKey' : 'sessionCookie';
}

export const clayCredentials: INodeCredentialDescription[] = [
	{ name: 'clayApi', required: true, displayOptions: { show: { authentication: ['sessionCookie'] } } },
	{ name: 'clayApiKeyApi', required: true, displayOptions: { show: { authentication: ['apiKey'] } } },
];
