import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

/**
 * The key as sent: zapier/connectors apps/clay (live) sends it as the raw `authorization`
 * header — a `Bearer ` prefix fails there, so a pasted one is removed.
 */
export function apiKeyValue(raw: unknown): string {
	return String(raw ?? '')
		.trim()
		.replace(/^bearer\s+/i, '')
		.replace(/^["']+|["']+$/g, '');
}

export class ClayApiKeyApi implements ICredentialType {
	name = 'clayApiKeyApi';

	displayName = 'Clay API Key API';

	icon = { light: 'file:../nodes/Clay/clay.svg', dark: 'file:../nodes/Clay/clay.dark.svg' } as const;

	documentationUrl = 'https://github.com/enrichment-tables/n8n-nodes-enrichment-tables#clay-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Clay API key: in Clay, open Settings → Account → API keys and create one. It is sent as the authorization header, without "Bearer". Unlike a session cookie it does not expire when you log out.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.clay.com',
			description: 'Change only to use a proxy or the local sandbox of this package. Paths under /v3 are added.',
		},
	];

	/** A function, not a `generic` block, whose expression n8n would evaluate again for every request (docs/benchmark.md). */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, authorization: apiKeyValue(credentials.apiKey) } };
	}

	/** zapier/connectors apps/clay getCurrentUser (live): `GET /v3/` returns the caller; it fails for a bad key. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/v3',
			url: '/',
			method: 'GET',
		},
	};
}
