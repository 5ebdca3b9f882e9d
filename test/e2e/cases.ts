/**
 * What the end-to-end suite covers, service by service. Adding a service, a node, an example
 * workflow or a trigger case is adding an entry here:
 *
 * - SANDBOXES / startSandboxes: the local stand-in each service's credential points at;
 * - credentialsFor: one credential per service, imported with `n8n import:credentials`
 *   (ids and names as the workflows in examples/ reference them);
 * - EXAMPLES: one entry per file of examples/ (a test fails for a file without one): how to
 *   seed the sandbox and point the workflow at it, and what n8n's output and the sandbox's
 *   stored rows must be after `n8n execute`;
 * - TRIGGER: the one polling-trigger case (n8n's minimum poll interval is a minute): a
 *   published workflow "trigger → HTTP Request to a local receiver" must report a row added
 *   to the sandbox while n8n runs, and only that row;
 * - EDITOR_NODES: per node display name (every node of package.json is searched in the node
 *   panel, entry or not), which action to add it with and, for one node per service, which
 *   resource locator must list which seeded tables "From list".
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox } from '../../sandbox/clay';
import { startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructSandbox } from '../../sandbox/extruct';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox } from '../../sandbox/justpaid';
import type { WorkflowJson } from '../harness/n8n';

import type { CredentialImport, ExecuteResult } from './n8n';
import { ROOT } from './n8n';

// ---------------------------------------------------------------------------------------
// Sandboxes and credentials
// ---------------------------------------------------------------------------------------

export interface Sandboxes {
	extruct: ExtructSandbox;
	justpaid: JustPaidSandbox;
	clay: ClaySandbox;
	close(): Promise<void>;
}

/** Every service's sandbox on an ephemeral port of 127.0.0.1, in this (the test's) process. */
export async function startSandboxes(): Promise<Sandboxes> {
	const started: Array<{ close(): Promise<void> }> = [];
	const close = async () => {
		await Promise.all(started.map(async (sandbox) => await sandbox.close()));
	};
	try {
		// Enrichment fast enough for a test, slow enough that "wait for completion" really waits.
		const extruct = await startExtructSandbox({ cellStartMs: 100, cellDurationMs: 300 });
		started.push(extruct);
		const justpaid = await startJustPaidSandbox();
		started.push(justpaid);
		const clay = await startClaySandbox({ runStartMs: 100, runDurationMs: 300 });
		started.push(clay);
		return { extruct, justpaid, clay, close };
	} catch (error) {
		await close();
		throw error;
	}
}

export function credentialsFor(sandboxes: Sandboxes): CredentialImport[] {
	return [
		{ id: '1', name: 'Extruct account', type: 'extructApi', data: { apiToken: sandboxes.extruct.token, baseUrl: sandboxes.extruct.url } },
		{ id: '2', name: 'JustPaid account', type: 'justPaidApi', data: { apiKey: sandboxes.justpaid.apiKey, baseUrl: sandboxes.justpaid.url } },
		{ id: '3', name: 'Clay account', type: 'clayApi', data: { sessionToken: sandboxes.clay.session, baseUrl: sandboxes.clay.url } },
	];
}

// ---------------------------------------------------------------------------------------
// examples/: executed with `n8n execute --id`
// ---------------------------------------------------------------------------------------

export interface ExampleCase<Context = unknown> {
	/** Path under examples/. */
	file: string;
	/**
	 * Seeds the sandboxes and points `workflow` (a copy of the file, changed in place) at what
	 * was seeded. Returns what `verify` needs.
	 */
	prepare(sandboxes: Sandboxes, workflow: WorkflowJson): Context;
	/** Asserts n8n's output (`result.outputs` by node name) and what the sandbox stored. */
	verify(result: ExecuteResult, sandboxes: Sandboxes, context: Context): void;
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** The input items pinned on a node of an example. */
export function pinnedItems(workflow: WorkflowJson, node: string): Array<Record<string, unknown>> {
	const items = workflow.pinData?.[node] ?? [];
	return items.map((item) => ('json' in item && typeof item.json === 'object' ? (item.json as Record<string, unknown>) : (item as Record<string, unknown>)));
}

const extructEnrichCompanies: ExampleCase<{ tableId: string; companies: string[] }> = {
	file: 'extruct-enrich-companies.json',
	prepare(sandboxes, workflow) {
		const table = sandboxes.extruct.seedTable({
			name: 'E2E enrich companies',
			kind: 'company',
			columns: [
				{
					kind: 'agent',
					name: 'Funding Stage',
					key: 'funding_stage',
					value: { agent_type: 'research_pro', prompt: 'What is the latest funding stage of {input}?', output_format: 'text' },
				},
				{ kind: 'criterion_grade', name: 'Sells to Enterprises', key: 'sells_to_enterprises', value: { criterion: 'The company sells to enterprises' } },
			],
		});
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-enrichment-tables.extruct') node.parameters.table = byId(table.id) as never;
		}
		const companies = pinnedItems(workflow, 'Manual Trigger').map((item) => String(item.input));
		return { tableId: table.id, companies };
	},
	verify(result, sandboxes, { tableId, companies }) {
		expect(companies).toHaveLength(5);
		// n8n's output: every company added, then enriched (no cell left pending).
		expect(result.outputs['Add Companies']?.map((row) => row.input)).toEqual(companies);
		const enriched = result.outputs.Enrich ?? [];
		expect(enriched.map((row) => row.input)).toEqual(companies);
		for (const row of enriched) {
			expect(row._status).toBeUndefined();
			expect(row.funding_stage).toEqual(expect.objectContaining({ answer: expect.any(String) }));
			expect(row.sells_to_enterprises).toEqual(expect.objectContaining({ answer: expect.any(String) }));
		}
		// The sandbox: exactly the pinned companies, once each, every cell done.
		const table = sandboxes.extruct.tables.get(tableId)!;
		expect(table.rows.map((row) => row.data.input?.value).sort()).toEqual([...companies].sort());
		for (const row of table.rows) {
			for (const [key, cell] of Object.entries(row.data)) expect({ key, status: sandboxes.extruct.cellStatus(cell) }).toEqual({ key, status: 'done' });
		}
		expect(enriched.map((row) => row.id).sort()).toEqual(table.rows.map((row) => row.id).sort());
	},
};

export const EXAMPLES: Array<ExampleCase<any>> = [extructEnrichCompanies];

export function exampleFiles(): string[] {
	return readdirSync(path.join(ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

// ---------------------------------------------------------------------------------------
// The polling trigger (n8n start): one case, n8n's minimum poll interval is one minute
// ---------------------------------------------------------------------------------------

export interface TriggerCase<Context = unknown> {
	/** The trigger's file as package.json's `n8n.nodes` lists it: the case runs once it is listed there. */
	nodeFile: string;
	/** Seeds the sandbox; returns the trigger node (type, parameters, credentials) and what the other steps need. */
	prepare(sandboxes: Sandboxes): { node: Pick<INode, 'type' | 'typeVersion' | 'parameters' | 'credentials'>; context: Context };
	/** True once n8n's first poll (made on activation) reached the sandbox: a row added after it must be emitted. */
	polled(sandboxes: Sandboxes, context: Context): boolean;
	/** Adds one row as a user would (through the service's API); returns a value only that row's item carries. */
	addRow(sandboxes: Sandboxes, context: Context): Promise<string>;
	/** That value in an item the trigger emitted. */
	markerOf(item: Record<string, unknown>): unknown;
}

export const TRIGGER: TriggerCase<{ tableId: string }> = {
	nodeFile: 'dist/nodes/Extruct/ExtructTrigger.node.js',
	prepare(sandboxes) {
		// Rows that exist before activation must never be emitted.
		const table = sandboxes.extruct.seedTable({ name: 'E2E trigger', kind: 'company', rows: [{ input: 'https://before-activation.example.com' }] });
		return {
			node: {
				type: 'n8n-nodes-enrichment-tables.extructTrigger',
				typeVersion: 1,
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, table: byId(table.id) as never, event: 'rowAdded' },
				credentials: { extructApi: { id: '1', name: 'Extruct account' } },
			},
			context: { tableId: table.id },
		};
	},
	polled: (sandboxes, { tableId }) => sandboxes.extruct.server.log.some((request) => request.path.includes(tableId)),
	async addRow(sandboxes, { tableId }) {
		const input = 'https://added-while-active.example.com';
		const response = await fetch(`${sandboxes.extruct.url}/v1/tables/${tableId}/rows`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${sandboxes.extruct.token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ rows: [{ data: { input } }] }),
		});
		if (!response.ok) throw new Error(`Adding a row to the Extruct sandbox failed: ${response.status} ${await response.text()}`);
		return input;
	},
	markerOf: (item) => item.input,
};

// ---------------------------------------------------------------------------------------
// The editor
// ---------------------------------------------------------------------------------------

export interface TableListCase {
	/** The resource locator parameter's name (`table`). */
	parameter: string;
	/** Seeds the sandbox; returns the names the list must show. */
	seed(sandboxes: Sandboxes): string[];
}

export interface EditorNodeCase {
	/** The action to pick in the node panel (as n8n shows it, e.g. "Get many rows"); default: the first one. */
	action?: string;
	/** The credential n8n must preselect in the node's parameters. */
	credential?: string;
	/** At least one node per service: its resource locator lists the sandbox's tables. */
	tableList?: TableListCase;
}

/** By node display name. Nodes of package.json without an entry are still found and added. */
export const EDITOR_NODES: Record<string, EditorNodeCase> = {
	Extruct: {
		action: 'Get many rows',
		credential: 'Extruct account',
		tableList: {
			parameter: 'table',
			seed: (sandboxes) => {
				const names = ['E2E Extruct companies', 'E2E Extruct people'];
				sandboxes.extruct.seedTable({ name: names[0], kind: 'company' });
				sandboxes.extruct.seedTable({ name: names[1], kind: 'people' });
				return names;
			},
		},
	},
	JustPaid: {
		action: 'Get many rows',
		credential: 'JustPaid account',
		tableList: {
			parameter: 'table',
			seed: (sandboxes) => {
				const names = ['E2E JustPaid invoices', 'E2E JustPaid queue'];
				for (const name of names) sandboxes.justpaid.seedTable({ name, columns: [{ name: 'company', type: 'text' }] });
				return names;
			},
		},
	},
	Clay: {
		action: 'Get a table',
		credential: 'Clay account',
		tableList: {
			parameter: 'table',
			seed: (sandboxes) => {
				const names = ['E2E Clay leads', 'E2E Clay accounts'];
				for (const name of names) sandboxes.clay.seedTable({ name, fields: [{ name: 'Company', type: 'text' }] });
				return names;
			},
		},
	},
};
