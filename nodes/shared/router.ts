/**
 * Resource / operation plumbing every action node shares: the selectors built from a table
 * of operations, and the router that runs the chosen one.
 */
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runOperation } from './execute';
import type { Operation } from './execute';
import type { ServiceDefinition } from './request';
import { leavingNode } from './secrets';
import { boundedToolAnswer, lookUpTableNames, runsAsTool, toolError, toolErrorItems } from './tool';
import type { TableDirectory } from './tool';

export interface OperationEntry extends Operation {
	/** Shown in the Operation selector. */
	name: string;
	/** Shown in the node panel's action list, e.g. "Add rows". */
	action: string;
	summary: string;
}

export type Operations = Record<string, Record<string, OperationEntry>>;

/** An operation with what the node's selectors show of it. */
export function operationEntry(module: Operation, name: string, action: string, summary: string): OperationEntry {
	return { ...module, name, action, summary };
}

export interface ResourceEntry {
	name: string;
	value: string;
	/** The operation selected when the resource is picked. */
	defaultOperation: string;
}

/** Resource selector, one Operation selector per resource, then every operation's parameters. */
export function resourceProperties(resources: ResourceEntry[], operations: Operations): INodeProperties[] {
	const defaultResource = resources[0].value;
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			default: defaultResource,
			options: resources.map(({ name, value }) => ({ name, value })),
		},
		...resources.map((resource): INodeProperties => {
			const operationDefault = resource.defaultOperation;
			return {
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [resource.value] } },
				default: operationDefault,
				options: Object.entries(operations[resource.value])
					.map(([value, entry]) => ({ name: entry.name, value, action: entry.action, description: entry.summary }))
					.sort((a, b) => a.name.localeCompare(b.name)),
			};
		}),
		...Object.entries(operations).flatMap(([resource, byOperation]) =>
			Object.entries(byOperation).flatMap(([operation, entry]) =>
				updateDisplayOptions({ show: { resource: [resource], operation: [operation] } }, entry.description),
			),
		),
	];
}

/**
 * Runs the operation chosen in the node's Resource and Operation parameters. With `tables`, a
 * table parameter holding a table's name is looked up first. As an AI agent's tool the answer
 * is bounded and an error carries its description in its message (the agent passes on only that).
 * Everything it outputs or throws leaves through `leavingNode`, without the credential's secrets.
 */
export async function route(
	this: IExecuteFunctions,
	service: ServiceDefinition,
	operations: Operations,
	tables?: TableDirectory,
): Promise<INodeExecutionData[][]> {
	return await leavingNode(this, service, async () => {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const entry = operations[resource]?.[operation];
		if (!entry) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		}
		if (tables && entry.description.some((property) => property.name === 'table')) {
			await lookUpTableNames(this, this.getInputData(), tables);
		}
		if (!runsAsTool(this)) return await runOperation.call(this, service, entry);
		try {
			const [output] = await runOperation.call(this, service, entry);
			return [boundedToolAnswer(toolErrorItems(output), entry.description.some((property) => property.name === 'limit'))];
		} catch (error) {
			// The model gets the error as the tool's answer, so that it can correct itself: n8n 2.x's
			// agent turns a thrown error into such an answer, but 1.x's AI Agent 3 fails the whole run.
			const { message } = toolError(error as Error);
			return [this.getInputData().map((_item, i) => ({ json: { error: message }, pairedItem: { item: i } }))];
		}
	});
}
