/** examples/ workflows made runnable by hand (`npm run demo`, test/demo.test.ts). */
import type { INodeParameters } from 'n8n-workflow';

import { EXAMPLE_LEADS } from '../../sandbox/examples';
import { MANUAL_TRIGGER } from './n8n';
import type { WorkflowJson } from './n8n';

const CLAY_TYPE = 'n8n-nodes-enrichment-tables.clay';

/**
 * examples/clay-webhook-enrich-lead.json started by hand: its webhook replaced by a Manual
 * Trigger of the same name with the example leads pinned (as the webhook would receive them),
 * both Clay nodes' tables set to `tableId`.
 */
export function clayExampleByHand(json: WorkflowJson, tableId: string): WorkflowJson {
	const workflow = structuredClone(json);
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
	const clayNodes = workflow.nodes.filter((node) => node.type === CLAY_TYPE);
	if (!webhook || clayNodes.length !== 2) throw new Error('the Clay example should have a webhook and two Clay nodes');
	Object.assign(webhook, { type: MANUAL_TRIGGER, typeVersion: 1, parameters: {} });
	workflow.pinData = { [webhook.name]: EXAMPLE_LEADS.map((json) => ({ json })) } as WorkflowJson['pinData'];
	for (const node of clayNodes) node.parameters.table = { __rl: true, mode: 'id', value: tableId } as unknown as INodeParameters[string];
	return workflow;
}
