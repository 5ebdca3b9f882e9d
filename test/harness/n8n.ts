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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IConnections,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IPinData,
	IRun,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	ExecutionError,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

if (!process.env.N8N_USER_FOLDER) {
	// n8n-core keeps its instance settings (an encryption key) in the user folder: a temporary one, removed at exit.
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	process.env.N8N_USER_FOLDER = folder;
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
}
// n8n's logger writes to a file the tests read (no secret may ever be logged), not to the console.
process.env.N8N_LOG_OUTPUT ??= 'file';
process.env.N8N_LOG_FILE_LOCATION ??= path.join(process.env.N8N_USER_FOLDER, 'logs', 'n8n.log');

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

/** The type name of n8n's Manual Trigger, as workflows exported from the editor use it. */
export const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

/**
 * Stand-in for n8n's Manual Trigger (`n8n-nodes-base.manualTrigger`), registered under that
 * exact name. It only exists so that the trigger of a workflow exported from n8n's editor
 * has a type here: this package does not ship it and `n8n-nodes-base` is not installed.
 * It does nothing of its own. Its output is the workflow's pinData for it — WorkflowExecute
 * substitutes pinned output before a node would run, as in n8n — or, when nothing is
 * pinned, one empty item, as n8n's Manual Trigger emits.
 */
class ManualTriggerStandIn implements INodeType {
	description = {
		displayName: 'Manual Trigger (harness stand-in)',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Stand-in for n8n-nodes-base.manualTrigger',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

export interface ExecuteOptions {
	/** Our node's short name, e.g. `extruct`. */
	node: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	/** Credential data by credential type for this execution; default: the harness's `credentials`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** n8n's node setting "Retry On Fail": WorkflowExecute runs the node again when it fails (2–5 tries). */
	retryOnFail?: { maxTries?: number; waitBetweenTries?: number };
	/** The node's version (default 1). */
	typeVersion?: number;
}

export interface ExecuteResult {
	/** Output items of our node (first output). */
	items: INodeExecutionData[];
	json: IDataObject[];
	/** The error the node failed with, if it did. */
	error?: ExecutionError;
	run: IRun;
}

/** A workflow as n8n's editor exports it (the fields the harness reads). */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	/**
	 * Pinned output by node name. Items are `{ json: {...} }` as n8n exports them; a plain
	 * object is taken as the `json` of one item.
	 */
	pinData?: Record<string, Array<INodeExecutionData | IDataObject>>;
	settings?: IWorkflowSettings;
}

export interface ExecuteWorkflowOptions {
	/** Credential data by credential TYPE (e.g. `extructApi`), over the harness's `credentials`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

export interface ExecuteWorkflowResult {
	run: IRun;
	/** JSON of the first output of each node that ran (its last run), by node name. */
	outputs: Record<string, IDataObject[]>;
	/** The full items (with `pairedItem`) of the first output of each node that ran, by node name. */
	items: Record<string, INodeExecutionData[]>;
	/** The error the execution stopped with, if it did. */
	error?: ExecutionError;
	/** Name of the node the error happened in, when there is an error. */
	errorNode?: string;
}

/** `pinData` of an exported workflow as WorkflowExecute wants it: `{ json }` items. */
function normalizePinData(pinData: WorkflowJson['pinData']): IPinData | undefined {
	if (!pinData) return undefined;
	const out: IPinData = {};
	// A copy: WorkflowExecute writes pairedItem into pinned items.
	for (const [name, items] of Object.entries(structuredClone(pinData))) {
		out[name] = (items ?? []).map((item) => {
			const json = (item as INodeExecutionData).json;
			return json !== null && typeof json === 'object' && !Array.isArray(json)
				? (item as INodeExecutionData)
				: { json: item as IDataObject };
		});
	}
	return out;
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
		this.nodeTypes.set(MANUAL_TRIGGER, new ManualTriggerStandIn());
		this.credentials = options.data ?? {};
		this.credentialsHelper = new HarnessCredentialsHelper(this.credentialTypes, this.credentials);
	}

	private get types(): INodeTypes {
		const get = (name: string) => {
			const type = this.nodeTypes.get(name);
			if (!type) throw new Error(`Unknown node type ${name}; the harness knows: ${[...this.nodeTypes.keys()].join(', ')}`);
			return type;
		};
		return {
			getByName: get,
			getByNameAndVersion: get,
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;
	}

	makeNode(name: string, parameters: INodeParameters, continueOnFail = false, retryOnFail?: ExecuteOptions['retryOnFail'], typeVersion = 1): INode {
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
			typeVersion,
			position: [200, 0],
			parameters,
			credentials,
			...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(retryOnFail ? { retryOnFail: true, maxTries: retryOnFail.maxTries ?? 3, waitBetweenTries: retryOnFail.waitBetweenTries ?? 0 } : {}),
		};
	}

	/** The additional data n8n hands an execution context (public for test/harness/poll.ts). */
	additionalData(
		hooks: ExecutionLifecycleHooks,
		credentials: Record<string, ICredentialDataDecryptedObject> = this.credentials,
	): IWorkflowExecuteAdditionalData {
		let credentialsHelper = this.credentialsHelper;
		if (credentials === this.credentials) {
			// `credentials` may have been replaced since the constructor ran.
			credentialsHelper.credentials = this.credentials;
		} else {
			// A helper of its own, so that concurrent executions do not see each other's data.
			credentialsHelper = new HarnessCredentialsHelper(this.credentialTypes, credentials);
		}
		return {
			hooks,
			credentialsHelper,
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

	workflow(nodes: INode[], connections: Workflow['connectionsBySourceNode'] = {}, extra: { name?: string; settings?: IWorkflowSettings; pinData?: IPinData } = {}): Workflow {
		return new Workflow({ id: 'test-workflow', nodes, connections, active: false, nodeTypes: this.types, ...extra });
	}

	/**
	 * Runs a workflow from `startNode` through n8n-core's WorkflowExecute in manual mode, as
	 * n8n runs "Execute workflow" from the editor; resolves when the workflowExecuteAfter hook fired.
	 */
	private async runWorkflow(
		workflow: Workflow,
		startNode: INode,
		options: { pinData?: IPinData; credentials?: Record<string, ICredentialDataDecryptedObject> } = {},
	): Promise<IRun> {
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: workflow.id,
			name: workflow.name ?? 'test',
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			settings: workflow.settings,
			pinData: options.pinData,
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as never);
		let finish!: (run: IRun) => void;
		const finished = new Promise<IRun>((resolve) => (finish = resolve));
		hooks.addHandler('workflowExecuteAfter', (run) => finish(run));
		const execution = new WorkflowExecute(this.additionalData(hooks, options.credentials), 'manual');
		await execution.run({ workflow, startNode, pinData: options.pinData });
		return await finished;
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
		const node = this.makeNode(options.node, options.parameters, options.continueOnFail, options.retryOnFail, options.typeVersion);
		const workflow = this.workflow([source, node], {
			Source: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		});
		const run = await this.runWorkflow(workflow, source, { credentials: options.credentials });
		const task = run.data.resultData.runData[node.name]?.[0];
		const items = task?.data?.main?.[0] ?? [];
		return { items, json: items.map((item) => item.json), error: task?.error ?? run.data.resultData.error, run };
	}

	/**
	 * Executes a whole workflow as exported from n8n's editor (e.g. one of `examples/`) through
	 * n8n-core's WorkflowExecute in manual mode, from its trigger node, with its `pinData`.
	 * Node types are ours (`n8n-nodes-enrichment-tables.*`) plus the Manual Trigger stand-in.
	 * Credentials referenced by the nodes (`{ extructApi: { id, name } }`) are handed out by
	 * credential type from `options.credentials`, then the harness's `credentials`.
	 * The workflow object is not modified.
	 */
	async executeWorkflow(json: WorkflowJson, options: ExecuteWorkflowOptions = {}): Promise<ExecuteWorkflowResult> {
		// n8n's Workflow fills in parameter defaults in place: work on a copy.
		const nodes = structuredClone(json.nodes);
		const pinData = normalizePinData(json.pinData);
		const workflow = this.workflow(nodes, structuredClone(json.connections ?? {}), {
			name: json.name,
			settings: json.settings,
			pinData,
		});
		const startNode = workflow.getStartNode();
		if (!startNode) throw new Error('The workflow has no trigger node to start from (e.g. a Manual Trigger)');
		const credentials = options.credentials ? { ...this.credentials, ...options.credentials } : this.credentials;
		const run = await this.runWorkflow(workflow, startNode, { pinData, credentials });

		const outputs: Record<string, IDataObject[]> = {};
		const items: Record<string, INodeExecutionData[]> = {};
		for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
			const task = tasks[tasks.length - 1];
			const main = task?.data?.main?.[0] ?? [];
			items[name] = main;
			outputs[name] = main.map((item) => item.json);
		}
		const error = run.data.resultData.error;
		return { run, outputs, items, error, errorNode: error ? run.data.resultData.lastNodeExecuted : undefined };
	}

	/** An n8n load-options context for our node with the given parameters. */
	loadOptionsContext(name: string, parameters: INodeParameters): ILoadOptionsFunctions {
		const node = this.makeNode(name, parameters);
		const workflow = this.workflow([node]);
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {} as never);
		return new LoadOptionsContext(workflow, node, this.additionalData(hooks), 'parameters') as unknown as ILoadOptionsFunctions;
	}
}
