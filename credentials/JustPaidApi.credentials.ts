import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

export class JustPaidApi implements ICredentialType {
	name = 'justPaidApi';

	displayName = 'JustPaid API';

	icon = { light: 'file:../nodes/JustPaid/justpaid.svg', dark: 'file:../nodes/JustPaid/justpaid.dark.svg' } as const;

	documentationUrl = 'https://github.com/enrichment-tables/n8n-nodes-enrichment-tables#justpaid-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. wfk_…',
			description:
				'A JustPaid Workflows API key (wfk_…). It is scoped to one company; reading tables needs the workflows:read scope, writing needs workflows:write. Sent in the x-api-key header.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.justpaid.io',
			description: 'Change only to use a proxy or the local sandbox of this package. Paths under /api/v1 are added.',
		},
		{
			displayName: 'Rate Window (Seconds)',
			name: 'rateWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			default: 60,
			description:
				'The length of the window of the service\'s rate limits: 60 for JustPaid ("per minute"). Change only for a sandbox or proxy with a shorter window; the "Writes per Minute" of the node then counts per this window.',
		},
	];

	/** A function, not a `generic` block, whose expression n8n would evaluate again for every request (docs/benchmark.md). */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, 'x-api-key': String(credentials.apiKey ?? '') } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/api/v1',
			url: '/tables',
			method: 'GET',
			qs: { limit: 1 },
		},
	};
}
