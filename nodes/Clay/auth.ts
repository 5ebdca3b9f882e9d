/**
 * The two ways a Clay node authenticates (n8n's usual pattern: an Authentication option that
 * picks the credential). Workflows made before API keys have no such parameter: its default,
 * the session cookie, keeps them working unchanged.
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	default: 'sessionCookie',
	options: [
		{ name: 'API Key', value: 'apiKey', description: 'A Clay API key (Settings → Account → API keys); it does not expire when you log out' },
		{ name: 'Session Cookie', value: 'sessionCookie', description: 'The claysession cookie of your browser; it expires after some days' },
	],
};

export const clayCredentials: INodeCredentialDescription[] = [
	{ name: 'clayApi', required: true, displayOptions: { show: { authentication: ['sessionCookie'] } } },
	{ name: 'clayApiKeyApi', required: true, displayOptions: { show: { authentication: ['apiKey'] } } },
];
