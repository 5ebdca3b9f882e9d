import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

/**
 * The value sent as `claysession`: a pasted `claysession=…` (or a whole Cookie header) is
 * reduced to the cookie's value, without surrounding spaces, quotes or semicolons. The node
 * keeps both forms out of its output (`secretsOf` in nodes/Clay/api.ts).
 */
export function sessionValue(raw: unknown): string {
	const text = String(raw ?? '');
	const match = /(?:^|;)\s*claysession\s*=([^;]*)/i.exec(text);
	return (match ? match[1] : text).replace(/^[\s;"]+|[\s;"]+$/g, '');
}

export class ClayApi implements ICredentialType {
	name = 'clayApi';

	displayName = 'Clay Session Cookie API';

	icon = { light: 'file:../nodes/Clay/clay.svg', dark: 'file:../nodes/Clay/clay.dark.svg' } as const;

	documentationUrl = 'https://github.com/enrichment-tables/n8n-nodes-enrichment-tables#clay-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Session Cookie',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 's%3AAbCd…',
			description:
				'Your Clay browser session (or use a Clay API key: choose Authentication → API Key in the node). To copy it: log in at app.clay.com in Chrome, Edge or Firefox; open the developer tools (F12, or Cmd+Option+I on a Mac); go to Application (Firefox: Storage) → Cookies → https://app.clay.com; select the row named <code>claysession</code> and copy its Value (it starts with <code>s%3A</code>). Paste either the bare value or <code>claysession=…</code>. The session expires after some days or when you log out: then paste a fresh one.',
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
		return { ...requestOptions, headers: { ...requestOptions.headers, Cookie: `claysession=${sessionValue(credentials.sessionToken)}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/v3',
			url: '/my-workspaces',
			method: 'GET',
		},
	};
}
