/**
 * The per-item baseline of the benchmark: what n8n's HTTP Request node does with a list of
 * items — one request per item through `this.helpers.httpRequestWithAuthentication`, with the
 * same credential (so the same `authenticate` block puts the secret on the wire). The URL and
 * body are parameters evaluated for each item, as the HTTP Request node evaluates its own.
 *
 * The HTTP Request node starts every item's request at once unless its Batching option is
 * set; against a rate-limited service that means 429s, so the baseline keeps a fixed number
 * of requests in flight instead ("Parallel Requests", the same budget the bulk paths get).
 *
 * Development tooling only: it lives here, not in nodes/, and is never shipped.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export class PerItemHttp implements INodeType {
	description = {
		displayName: 'Per-item HTTP (benchmark baseline)',
		name: 'perItemHttp',
		group: ['transform'],
		version: 1,
		description: 'One request per item, like the HTTP Request node',
		defaults: { name: 'Per-item HTTP' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [
			{ name: 'extructApi', required: false },
			{ name: 'clayApi', required: false },
			{ name: 'justPaidApi', required: false },
		],
		properties: [
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'extructApi' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '{}' },
			{ displayName: 'Parallel Requests', name: 'concurrency', type: 'number', default: 3 },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentialType = this.getNodeParameter('credentialType', 0) as string;
		const method = this.getNodeParameter('method', 0) as IHttpRequestMethods;
		const concurrency = Math.max(1, this.getNodeParameter('concurrency', 0, 3) as number);
		const output = new Array<INodeExecutionData>(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const url = this.getNodeParameter('url', i) as string;
				const raw = this.getNodeParameter('body', i) as unknown;
				const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject;
				try {
					const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method,
						url,
						body,
						json: true,
					})) as IDataObject;
					output[i] = { json: response ?? {}, pairedItem: { item: i } };
				} catch (error) {
					output[i] = { json: { error: (error as Error).message }, pairedItem: { item: i } };
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
		return [output];
	}
}

/**
 * The floor of any node: it outputs its input items as they are, with no request. Its time is
 * what n8n itself spends on the items (the input node, the execution engine, pairing).
 */
export class PassThrough implements INodeType {
	description = {
		displayName: 'Pass-through (benchmark floor)',
		name: 'passThrough',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input items',
		defaults: { name: 'Pass-through' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, i) => ({ json: item.json, pairedItem: { item: i } }))];
	}
}

/**
 * The floor of a bulk path: the same batches of rows sent through n8n's HTTP helper with the
 * same number in flight, and nothing else — no table read, no checking of items, no output per
 * row (one output item per request). What it measures against the ideal is what n8n's HTTP
 * helper costs per request, which every node that uses it pays.
 */
export class HelperFloor implements INodeType {
	description = {
		displayName: 'HTTP helper floor (benchmark)',
		name: 'helperFloor',
		group: ['transform'],
		version: 1,
		description: 'Batches of rows through the HTTP helper, nothing else',
		defaults: { name: 'HTTP helper floor' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [
			{ name: 'extructApi', required: false },
			{ name: 'clayApi', required: false },
		],
		properties: [
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'extructApi' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Body Kind', name: 'kind', type: 'string', default: 'extruct' },
			{ displayName: 'Field IDs', name: 'fieldIds', type: 'json', default: '{}' },
			{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 200 },
			{ displayName: 'Parallel Requests', name: 'concurrency', type: 'number', default: 3 },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentialType = this.getNodeParameter('credentialType', 0) as string;
		const url = this.getNodeParameter('url', 0) as string;
		const kind = this.getNodeParameter('kind', 0) as string;
		const rawIds = this.getNodeParameter('fieldIds', 0) as unknown;
		const fieldIds = (typeof rawIds === 'string' ? JSON.parse(rawIds) : rawIds) as Record<string, string>;
		const batchSize = this.getNodeParameter('batchSize', 0, 200) as number;
		const concurrency = Math.max(1, this.getNodeParameter('concurrency', 0, 3) as number);
		const row = (item: INodeExecutionData, i: number): IDataObject => {
			if (kind === 'extruct') return { data: item.json };
			const cells: IDataObject = {};
			for (const [name, value] of Object.entries(item.json)) cells[fieldIds[name] ?? name] = value;
			return { id: `r_floor${i}`, cells };
		};
		const bodies: IDataObject[] = [];
		for (let start = 0; start < items.length; start += batchSize) {
			const rows = items.slice(start, start + batchSize).map((item, k) => row(item, start + k));
			bodies.push(kind === 'extruct' ? { rows, run: false } : { records: rows });
		}
		const output = new Array<INodeExecutionData>(bodies.length);
		let next = 0;
		const worker = async () => {
			while (next < bodies.length) {
				const k = next++;
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, { method: 'POST', url, body: bodies[k], json: true })) as unknown;
				output[k] = { json: { rows: Array.isArray(response) ? response.length : 0 }, pairedItem: { item: k * batchSize } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
		return [output];
	}
}
