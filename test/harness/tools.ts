/**
 * Our nodes as AI agent tools in the harness. n8n makes a tool of a node with `usableAsTool`
 * under the type `<package>.<node>Tool` (its CLI's NodeTypes: a copy of the node whose
 * description is renamed `<node>Tool`, its `execute` unchanged) and runs that `execute` when
 * the model calls the tool, `$fromAI()` in the parameters resolved from the call's arguments
 * (the tool node's input item). The harness registers the same renamed copy: the node sees the
 * same type name, and n8n's parameter resolution evaluates `@tool` display options and
 * `$fromAI()` the same way. Its input and output stay `main` here, so that Source → tool runs
 * in WorkflowExecute; the real wiring to an AI Agent is proven by test/e2e/agent.e2e.ts.
 */
import type { INodeType } from 'n8n-workflow';

import { PACKAGE } from './n8n';
import type { Harness } from './n8n';

export function toolVariant(type: INodeType): INodeType {
	const { usableAsTool: _usable, ...description } = type.description;
	return Object.create(type, {
		description: { value: { ...description, name: `${type.description.name}Tool`, displayName: `${type.description.displayName} Tool` } },
	}) as INodeType;
}

/** Registers `<node>Tool` for every node of the harness that is usable as a tool; returns the harness. */
export function withToolVariants(harness: Harness): Harness {
	for (const [name, type] of [...harness.nodeTypes]) {
		if (name.startsWith(`${PACKAGE}.`) && type.description.usableAsTool) harness.nodeTypes.set(`${name}Tool`, toolVariant(type));
	}
	return harness;
}

/** A parameter an agent fills: `={{ $fromAI('key', 'description', 'type') }}`, as n8n's editor writes it. */
export const fromAI = (key: string, description = '', type: 'string' | 'number' | 'boolean' | 'json' = 'string'): string =>
	`={{ $fromAI('${key}', \`${description}\`, '${type}') }}`;
