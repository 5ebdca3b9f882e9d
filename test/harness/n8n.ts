/**
 * Runs our nodes through n8n's real execution engine (n8n-core's WorkflowExecute, its
 * execute/load-options contexts and HTTP helpers), with real HTTP to the sandboxes.
 *
 * The only host piece written here is the credentials helper, as n8n's own node tests
 * do: it hands out decrypted credentials and applies a credential type's `authenticate`
 * block the way n8n's server does — generic blocks resolved with n8n's expression engine
 * against `$credentials` — so the credential's own definition is what puts the secret on
 * the wire.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	ExecutionError,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));

export const PACKAGE = 'n8n-nodes-enrichment-tables';

/** Resolves `={{ ... }}` values of a generic authenticate block with n8n's expression engine. */
function resolve(value: unknown, credentials: ICredentialDataDecryptedObject, workflow: Workflow, node: INode): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as never, undefined, '');
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Map<string, ICredentialType>,
		public credentials: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const auth = type?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (auth.type !== 'generic' || !workflow || !node) return requestOptions;
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [target, entries] of Object.entries(auth.properties) as Array<[string, Record<string, unknown>]>) {
			options[target] ??= {};
			for (const [key, value] of Object.entries(entries)) {
				const resolvedKey = String(resolve(key, credentials, workflow, node));
				options[target][resolvedKey] = resolve(value, credentials, workflow, node);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by the harness');
	}

	async getDecrypted(_additional: unknown, _nodeCredentials: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`No credentials of type ${type} were given to the harness`);
		// n8n fills in defaults of the credential's properties before handing data to a node.
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.types.get(type)?.properties ?? []) {
			if (property.default !== undefined) withDefaults[property.name] = property.default as never;
		}
		return { ...withDefaults, ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return this.types.get(type)?.properties ?? [];
	}
}

/** A node that emits the items it is given: the start of every test workflow. */
class SourceNode implements INodeType {
	description = {
		displayName: 'Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string;
		const items = JSON.parse(raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

export interface ExecuteOptions {
	/** Our node's short name, e.g. `extruct`. */
	node: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
}

export interface ExecuteResult {
	/** Output items of our node (first output). */
	items: INodeExecutionData[];
	json: IDataObject[];
	/** The error the node failed with, if it did. */
	error?: ExecutionError;
	run: IRun;
}

export class Harness {
	readonly credentialTypes = new Map<string, ICredentialType>();
	readonly nodeTypes = new Map<string, INodeType>();
	readonly credentialsHelper: HarnessCredentialsHelper;
	credentials: Record<string, ICredentialDataDecryptedObject>;

	constructor(options: { nodes: INodeType[]; credentials: ICredentialType[]; data?: Record<string, ICredentialDataDecryptedObject> }) {
		for (const type of options.credentials) this.credentialTypes.set(type.name, type);
		for (const type of options.nodes) this.nodeTypes.set(`${PACKAGE}.${type.description.name}`, type);
		this.nodeTypes.set('test.source', new SourceNode());
		this.credentials = options.data ?? {};
		this.credentialsHelper = new HarnessCredentialsHelper(this.credentialTypes, this.credentials);
	}

	private get types(): INodeTypes {
		const get = (name: string) => {
			const type = this.nodeTypes.get(name);
			if (!type) throw new Error(`Unknown node type ${name}`);
			return type;
		};
		return {
			getByName: get,
			getByNameAndVersion: get,
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;
	}

	makeNode(name: string, parameters: INodeParameters, continueOnFail = false): INode {
		const type = this.nodeTypes.get(`${PACKAGE}.${name}`);
		if (!type) throw new Error(`Unknown node ${name}`);
		const credentials: INode['credentials'] = {};
		for (const credential of type.description.credentials ?? []) {
			credentials[credential.name] = { id: credential.name, name: credential.name };
		}
		return {
			id: 'node-under-test',
			name: 'Node',
			type: `${PACKAGE}.${name}`,
			typeVersion: 1,
			position: [200, 0],
			parameters,
			credentials,
			...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		};
	}

	private additionalData(hooks: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		this.credentialsHelper.credentials = this.credentials;
		return {
			hooks,
			credentialsHelper: this.credentialsHelper,
			executionId: 'test-execution',
			currentNodeParameters: undefined,
			restApiUrl: 'http://localhost:5678/rest',
			instanceBaseUrl: 'http://localhost:5678/',
			formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
			webhookBaseUrl: 'http://localhost:5678/webhook',
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	workflow(nodes: INode[], connections: Workflow['connectionsBySourceNode'] = {}): Workflow {
		return new Workflow({ id: 'test-workflow', nodes, connections, active: false, nodeTypes: this.types });
	}

	/** Executes Source → our node through n8n-core's WorkflowExecute. */
	async execute(options: ExecuteOptions): Promise<ExecuteResult> {
		const source: INode = {
			id: 'source',
			name: 'Source',
			type: 'test.source',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		};
		const node = this.makeNode(options.node, options.parameters, options.continueOnFail);
		const workflow = this.workflow([source, node], {
			Source: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		});
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: 'test-workflow',
			name: 'test',
			nodes: workflow.nodes ? Object.values(workflow.nodes) : [],
			connections: {},
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as never);
		let finish!: (run: IRun) => void;
		const finished = new Promise<IRun>((resolve) => (finish = resolve));
		hooks.addHandler('workflowExecuteAfter', (run) => finish(run));
		const runExecutionData = {
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				metadata: {},
				nodeExecutionStack: [{ node: source, data: { main: [[{ json: {} }]] }, source: null }],
				waitingExecution: {},
				waitingExecutionSource: {},
			},
		} as unknown as IRunExecutionData;
		const execution = new WorkflowExecute(this.additionalData(hooks), 'manual', runExecutionData);
		await execution.processRunExecutionData(workflow);
		const run = await finished;
		const task = run.data.resultData.runData[node.name]?.[0];
		const items = task?.data?.main?.[0] ?? [];
		return { items, json: items.map((item) => item.json), error: task?.error ?? run.data.resultData.error, run };
	}

	/** An n8n load-options context for our node with the given parameters. */
	loadOptionsContext(name: string, parameters: INodeParameters): ILoadOptionsFunctions {
		const node = this.makeNode(name, parameters);
		const workflow = this.workflow([node]);
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {} as never);
		return new LoadOptionsContext(workflow, node, this.additionalData(hooks), 'parameters') as unknown as ILoadOptionsFunctions;
	}
}
