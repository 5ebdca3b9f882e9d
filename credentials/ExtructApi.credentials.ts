import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

export class ExtructApi implements ICredentialType {
	name = 'extructApi';

	displayName = 'Extruct API';

	icon = { light: 'file:../nodes/Extruct/extruct.svg', dark: 'file:../nodes/Extruct/extruct.dark.svg' } as const;

	documentationUrl = 'https://www.extruct.ai/docs/api-reference/introduction';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create a token in the Extruct app under Settings → API. It is sent as a Bearer token.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.extruct.ai',
			description: 'Change only to use a proxy or the local sandbox of this package. Paths under /v1 are added.',
		},
	];

	/** A function, not a `generic` block, whose expression n8n would evaluate again for every request (docs/benchmark.md). */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiToken ?? '')}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/v1',
			url: '/user',
			method: 'GET',
		},
	};
}
