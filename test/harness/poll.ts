/**
 * Runs polling trigger nodes through n8n-core's real PollContext, as n8n's scheduler does,
 * with the workflow's static data kept between polls the way n8n stores it: as JSON saved
 * with the workflow and loaded into a fresh Workflow for every poll.
 *
 * The static data is saved after every poll, also after one that failed (stricter than n8n,
 * which may keep or drop it): a node must not change its state before a poll succeeded.
 */
import { ExecutionLifecycleHooks, PollContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Harness } from './n8n';

export interface PollOutcome {
	/** The items the poll emitted (first output); empty when it returned null. */
	items: INodeExecutionData[];
	json: IDataObject[];
	/** True when the poll returned null (nothing to start the workflow with). */
	empty: boolean;
	error?: Error & { description?: string | null; context?: IDataObject };
}

export class PollRunner {
	/** The workflow's static data as n8n saves it (JSON), carried from poll to poll. */
	staticData: IDataObject = {};
	readonly node: INode;
	polls = 0;

	constructor(
		readonly harness: Harness,
		/** Our node's short name, e.g. `extructTrigger`. */
		nodeName: string,
		parameters: INodeParameters,
	) {
		this.node = harness.makeNode(nodeName, parameters);
	}

	/**
	 * One poll: `trigger` as the scheduler runs it, `manual` as "Fetch Test Event" does.
	 */
	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<PollOutcome> {
		this.polls++;
		const workflow = this.harness.workflow([structuredClone(this.node)]);
		workflow.overrideStaticData(structuredClone(this.staticData));
		const node = workflow.getNode(this.node.name)!;
		const type = this.harness.nodeTypes.get(node.type)!;
		if (!type.poll) throw new Error(`${node.type} is not a polling node`);
		const hooks = new ExecutionLifecycleHooks(mode, 'test-poll', {} as never);
		const context = new PollContext(workflow, node, this.harness.additionalData(hooks), mode, mode === 'manual' ? 'manual' : 'activate');
		let result: INodeExecutionData[][] | null = null;
		let error: PollOutcome['error'];
		try {
			result = await type.poll.call(context);
		} catch (caught) {
			error = caught as PollOutcome['error'];
		}
		this.staticData = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		const items = result?.[0] ?? [];
		return { items, json: items.map((item) => item.json), empty: result === null, error };
	}

	/** The node's own static data (`getWorkflowStaticData('node')`). */
	get nodeState(): IDataObject | undefined {
		return this.staticData[`node:${this.node.name}`] as IDataObject | undefined;
	}

	/** Size of the node's static data as saved (bytes of JSON). */
	stateBytes(): number {
		return Buffer.byteLength(JSON.stringify(this.nodeState ?? {}));
	}
}
