/**
 * What the end-to-end suite covers, service by service. Adding a service, a node, an example
 * workflow or a trigger case is adding an entry here:
 *
 * - SANDBOXES / startSandboxes: the local stand-in each service's credential points at;
 * - credentialsFor: one credential per service, imported with `n8n import:credentials`
 *   (ids and names as the workflows in examples/ reference them);
 * - EXAMPLES: one entry per file of examples/ (a test fails for a file without one): how to
 *   seed the sandboxes and point the workflow at them, how it is started — `n8n execute`
 *   (execute.e2e.ts), or by its own webhook or polling trigger in a running n8n
 *   (editor.e2e.ts) — and what n8n's output and the sandboxes' stored rows must be after;
 * - EDITOR_NODES: per node display name (every node of package.json is searched in the node
 *   panel, entry or not), which action to add it with and, for one node per service, which
 *   resource locator must list which seeded tables "From list".
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox } from '../../sandbox/clay';
import { EXAMPLE_COMPANY_COLUMNS } from '../../sandbox/examples';
import { extructCellValue, startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructRow, ExtructSandbox, ExtructTable } from '../../sandbox/extruct';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox } from '../../sandbox/justpaid';
import type { WorkflowJson } from '../harness/n8n';

import { startModelServer } from './model-server';
import type { Conversation, ModelServer } from './model-server';
import type { CredentialImport, ExecuteResult } from './n8n';
import { ROOT } from './n8n';

// ---------------------------------------------------------------------------------------
// Sandboxes and credentials
// ---------------------------------------------------------------------------------------

export interface Sandboxes {
	extruct: ExtructSandbox;
	justpaid: JustPaidSandbox;
	clay: ClaySandbox;
	/** The scripted OpenAI-compatible model the AI Agent workflows' OpenAI credential points at. */
	model: ModelServer;
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
		const model = await startModelServer();
		started.push(model);
		return { extruct, justpaid, clay, model, close };
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
		{ id: '4', name: 'OpenAI account', type: 'openAiApi', data: { apiKey: sandboxes.model.apiKey, url: sandboxes.model.url } },
	];
}

// ---------------------------------------------------------------------------------------
// examples/: each started as in production — `n8n execute --id`, a webhook call, or a poll
// ---------------------------------------------------------------------------------------

interface ExampleBase<Context> {
	/** Path under examples/. */
	file: string;
	/**
	 * Seeds the sandboxes and points `workflow` (a copy of the file, changed in place) at what
	 * was seeded. Returns what the other steps need.
	 */
	prepare(sandboxes: Sandboxes, workflow: WorkflowJson): Context;
}

/** An example run from the command line with `n8n execute --id` (a Manual or Schedule Trigger). */
export interface ExecutedExample<Context = unknown> extends ExampleBase<Context> {
	start: 'execute';
	/** Asserts n8n's output (`result.outputs` by node name) and what the sandboxes stored. */
	verify(result: ExecuteResult, sandboxes: Sandboxes, context: Context): void;
}

/**
 * An example started by its own trigger in a running n8n (`n8n start`; the workflow is
 * published before n8n starts, so n8n activates it then): a webhook call, or a poll.
 */
export interface PublishedExample<Context = unknown, Fired = unknown> extends ExampleBase<Context> {
	start: 'published';
	/**
	 * Whether it waits for n8n's next poll (n8n's minimum poll interval is a minute): such an
	 * example runs after the others, and the suite keeps to one.
	 */
	polls: boolean;
	/** True once n8n has set the workflow up (a polling trigger's first poll, made on activation); default: at once. */
	ready?(sandboxes: Sandboxes, context: Context): boolean;
	/** Does what starts the workflow in production (calls its webhook, adds a row); returns what the checks need. */
	fire(n8n: { url: string }, sandboxes: Sandboxes, context: Context): Promise<Fired>;
	/** True once the workflow's effect is in the sandboxes (checked every second). */
	done(sandboxes: Sandboxes, context: Context, fired: Fired): boolean;
	/** Asserts what the workflow answered or stored. */
	verify(sandboxes: Sandboxes, context: Context, fired: Fired): void;
}

export type ExampleCase = ExecutedExample<any> | PublishedExample<any, any>;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const NODE = {
	extruct: 'n8n-nodes-enrichment-tables.extruct',
	extructTrigger: 'n8n-nodes-enrichment-tables.extructTrigger',
	justPaid: 'n8n-nodes-enrichment-tables.justPaid',
	clay: 'n8n-nodes-enrichment-tables.clay',
};

/** Points the table of every node of `type` at `tableId` (as picking the table in the editor would). */
function pointAt(workflow: WorkflowJson, type: string, tableId: string): void {
	const nodes = workflow.nodes.filter((node) => node.type === type);
	if (!nodes.length) throw new Error(`The example has no ${type} node`);
	for (const node of nodes) node.parameters.table = byId(tableId) as never;
}

/** An example of examples/ as a workflow to import: the file, with the given id. */
export function loadExample(file: string, id: string): WorkflowJson & { id: string } {
	const workflow = JSON.parse(readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as WorkflowJson & { id: string };
	workflow.id = id;
	return workflow;
}

/** The input items pinned on a node of an example. */
export function pinnedItems(workflow: WorkflowJson, node: string): Array<Record<string, unknown>> {
	const items = workflow.pinData?.[node] ?? [];
	return items.map((item) => ('json' in item && typeof item.json === 'object' ? (item.json as Record<string, unknown>) : (item as Record<string, unknown>)));
}

/** An Extruct company table with the enrichment columns the examples read. */
function extructCompanies(sandboxes: Sandboxes, name: string): ExtructTable {
	return sandboxes.extruct.seedTable({
		name,
		kind: 'company',
		columns: EXAMPLE_COMPANY_COLUMNS,
	});
}

/** The answer the Extruct sandbox gives for a company in an agent column of the table. */
function answerOf(table: ExtructTable, key: string, company: string): unknown {
	const column = table.columns.find((candidate) => candidate.config.key === key);
	if (!column) throw new Error(`The Extruct table ${table.id} has no column ${key}`);
	return (extructCellValue(column.config, company) as { answer?: unknown }).answer;
}

/** Every row of an Extruct table stored once, with every cell done. */
function expectEnrichedOnce(sandboxes: Sandboxes, tableId: string, companies: string[]): ExtructRow[] {
	const table = sandboxes.extruct.tables.get(tableId)!;
	expect(table.rows.map((row) => row.data.input?.value).sort()).toEqual([...companies].sort());
	for (const row of table.rows) {
		for (const [key, cell] of Object.entries(row.data)) expect({ key, status: sandboxes.extruct.cellStatus(cell) }).toEqual({ key, status: 'done' });
	}
	return table.rows;
}

const answer = (cell: unknown): unknown => (cell && typeof cell === 'object' ? (cell as { answer?: unknown }).answer : undefined);

const extructEnrichCompanies: ExecutedExample<{ tableId: string; companies: string[] }> = {
	file: 'extruct-enrich-companies.json',
	start: 'execute',
	prepare(sandboxes, workflow) {
		const table = extructCompanies(sandboxes, 'E2E enrich companies');
		pointAt(workflow, NODE.extruct, table.id);
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
		const rows = expectEnrichedOnce(sandboxes, tableId, companies);
		expect(enriched.map((row) => row.id).sort()).toEqual(rows.map((row) => row.id).sort());
	},
};

const SCHEDULED = {
	/** JustPaid rows with status "new": the ones the workflow enriches, in JustPaid's order. */
	fresh: ['https://stripe.com', 'https://notion.so', 'https://figma.com'],
	earlier: { website: 'https://linear.app', status: 'enriched', funding_stage: 'Series B', extruct_row_id: 'row_from_an_earlier_run' },
};

const scheduledEnrichment: ExecutedExample<{ justPaidTableId: string; extruct: ExtructTable }> = {
	file: 'justpaid-extruct-scheduled-enrichment.json',
	start: 'execute',
	prepare(sandboxes, workflow) {
		const [first, ...rest] = SCHEDULED.fresh;
		const companies = sandboxes.justpaid.seedTable({
			name: 'E2E companies to enrich',
			columns: [
				{ name: 'website', type: 'url', required: true },
				{ name: 'status', type: 'text' },
				{ name: 'funding_stage', type: 'text' },
				{ name: 'extruct_row_id', type: 'text' },
			],
			// A row enriched earlier sits between the new ones: the filter on status leaves it out.
			rows: [{ website: first, status: 'new' }, SCHEDULED.earlier, ...rest.map((website) => ({ website, status: 'new' }))],
		});
		const extruct = extructCompanies(sandboxes, 'E2E scheduled enrichment');
		pointAt(workflow, NODE.justPaid, companies.id);
		pointAt(workflow, NODE.extruct, extruct.id);
		return { justPaidTableId: companies.id, extruct };
	},
	verify(result, sandboxes, { justPaidTableId, extruct }) {
		const { fresh, earlier } = SCHEDULED;
		// n8n's output, node by node: the new rows read, added to Extruct and enriched, saved back.
		expect(result.outputs['Companies To Enrich']?.map((row) => row.website)).toEqual(fresh);
		const enriched = result.outputs['Add To Extruct And Enrich'] ?? [];
		expect(enriched.map((row) => row.input)).toEqual(fresh);
		const answers = fresh.map((website) => answerOf(extruct, 'funding_stage', website));
		expect(answers.every((value) => typeof value === 'string' && value.length > 0)).toBe(true);
		expect(enriched.map((row) => answer(row.funding_stage))).toEqual(answers);
		expect(enriched.map((row) => row._status)).toEqual(fresh.map(() => undefined));
		expect(result.outputs['Save Results In JustPaid']?.map((row) => [row.website, row.status])).toEqual(fresh.map((website) => [website, 'enriched']));

		// JustPaid: each new row now holds its Extruct answer and row id; the earlier row is untouched.
		const stored = sandboxes.justpaid.tables.get(justPaidTableId)!.rows.map((row) => row.data);
		const saved = fresh.map((website, index) => ({ website, status: 'enriched', funding_stage: answers[index], extruct_row_id: enriched[index].id }));
		expect(stored).toEqual([saved[0], earlier, ...saved.slice(1)]);
		// Extruct: each new company once (the earlier one not sent again), every cell done.
		const rows = expectEnrichedOnce(sandboxes, extruct.id, fresh);
		expect(enriched.map((row) => row.id).sort()).toEqual(rows.map((row) => row.id).sort());
	},
};

interface WebhookResponse {
	status: number;
	body: Record<string, unknown>;
}

const LEAD = { name: 'Ada Lovelace', email: 'ada@analytical-engines.example', domain: 'analytical-engines.example' };

const webhookLead: PublishedExample<{ tableId: string; path: string }, WebhookResponse[]> = {
	file: 'clay-webhook-enrich-lead.json',
	start: 'published',
	polls: false,
	prepare(sandboxes, workflow) {
		const table = sandboxes.clay.seedTable({
			name: 'E2E webhook leads',
			fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }, { name: 'Domain', type: 'url' }, { name: 'Company Domain', type: 'action' }, { name: 'Headcount', type: 'action' }],
		});
		pointAt(workflow, NODE.clay, table.id);
		const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
		if (!webhook) throw new Error('The example has no Webhook node');
		return { tableId: table.id, path: String(webhook.parameters.path) };
	},
	async fire(n8n, _sandboxes, { path: webhookPath }) {
		const responses: WebhookResponse[] = [];
		// The same lead twice (the second time with a new name): the Email column is its key, so
		// the second call finds the record the first one added and answers with it, unchanged.
		for (const lead of [LEAD, { ...LEAD, name: 'Ada King' }]) {
			const response = await fetch(`${n8n.url}/webhook/${webhookPath}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(lead),
			});
			const text = await response.text();
			let body: Record<string, unknown>;
			try {
				body = JSON.parse(text) as Record<string, unknown>;
			} catch {
				body = { unparsable: text };
			}
			responses.push({ status: response.status, body });
		}
		return responses;
	},
	done: () => true,
	verify(sandboxes, { tableId }, responses) {
		// n8n answered each call with the last node's output: the lead's record, enriched.
		expect(responses.map((response) => response.status)).toEqual([200, 200]);
		const [first, second] = responses.map((response) => response.body);
		expect(first).toEqual(
			expect.objectContaining({
				id: expect.stringMatching(/^r_/),
				Name: LEAD.name,
				Email: LEAD.email,
				Domain: LEAD.domain,
				// the structured results of the enrichment columns (the sandbox speaks the live shapes)
				'Company Domain': expect.objectContaining({ answer: expect.stringMatching(/^enriched:/) }),
				Headcount: expect.objectContaining({ answer: expect.stringMatching(/^enriched:/) }),
			}),
		);
		expect(first).not.toHaveProperty('_errors');
		expect(second).toEqual(expect.objectContaining({ id: first.id, Name: LEAD.name, Email: LEAD.email, 'Company Domain': first['Company Domain'] }));
		// Clay: one record for the lead, every enrichment cell finished with SUCCESS.
		const table = sandboxes.clay.tables.get(tableId)!;
		expect([...table.records.keys()]).toEqual([first.id]);
		const record = table.records.get(String(first.id))!;
		const enrichment = table.fields.filter((field) => field.type === 'action');
		expect(enrichment.map((field) => [field.name, sandboxes.clay.cellStatus(record.cells[field.id])])).toEqual(enrichment.map((field) => [field.name, 'SUCCESS']));
	},
};

const ENRICHED = {
	/** Enriched before n8n starts: the trigger must never copy it. */
	before: 'https://before-activation.example.com',
	/** Added (and enriched) while the workflow is active: copied once, merged into its JustPaid row. */
	added: 'https://added-while-active.example.com',
	other: { website: 'https://unrelated.example.com', funding_stage: 'Seed' },
};

const enrichedToJustPaid: PublishedExample<{ extruct: ExtructTable; justPaidTableId: string }, { website: string }> = {
	file: 'extruct-enriched-to-justpaid.json',
	start: 'published',
	polls: true,
	prepare(sandboxes, workflow) {
		const extruct = extructCompanies(sandboxes, 'E2E enriched rows');
		sandboxes.extruct.addRows(extruct.id, [{ input: ENRICHED.before }], { run: true });
		const justpaid = sandboxes.justpaid.seedTable({
			name: 'E2E enriched companies',
			columns: [
				{ name: 'website', type: 'url', required: true },
				{ name: 'funding_stage', type: 'text' },
				{ name: 'extruct_row_id', type: 'text' },
			],
			// The added company is in JustPaid already: the upsert merges into its row.
			rows: [{ website: ENRICHED.added, funding_stage: 'unknown' }, ENRICHED.other],
		});
		pointAt(workflow, NODE.extructTrigger, extruct.id);
		pointAt(workflow, NODE.justPaid, justpaid.id);
		return { extruct, justPaidTableId: justpaid.id };
	},
	ready: (sandboxes, { extruct }) => sandboxes.extruct.server.log.some((request) => request.path.includes(extruct.id)),
	async fire(_n8n, sandboxes, { extruct }) {
		// As a user would: through Extruct's API, with enrichment started right away.
		const response = await fetch(`${sandboxes.extruct.url}/v1/tables/${extruct.id}/rows`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${sandboxes.extruct.token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ rows: [{ data: { input: ENRICHED.added } }], run: true }),
		});
		if (!response.ok) throw new Error(`Adding a row to the Extruct sandbox failed: ${response.status} ${await response.text()}`);
		return { website: ENRICHED.added };
	},
	done: (sandboxes, { justPaidTableId }) =>
		sandboxes.justpaid.tables.get(justPaidTableId)!.rows.some((row) => row.data.website === ENRICHED.added && row.data.extruct_row_id !== undefined),
	verify(sandboxes, { extruct, justPaidTableId }) {
		const [, added] = expectEnrichedOnce(sandboxes, extruct.id, [ENRICHED.before, ENRICHED.added]).sort((a, b) => a.created_at.localeCompare(b.created_at));
		expect(added.data.input?.value).toBe(ENRICHED.added);
		// JustPaid: the added company's row merged (not a second row), the row enriched before activation not copied.
		expect(sandboxes.justpaid.tables.get(justPaidTableId)!.rows.map((row) => row.data)).toEqual([
			{ website: ENRICHED.added, funding_stage: answerOf(extruct, 'funding_stage', ENRICHED.added), extruct_row_id: added.id },
			ENRICHED.other,
		]);
	},
};

const RESEARCH = { company: 'Initech', website: 'https://initech.example', domain: 'initech.example' };

/** The tool results the scripted model received from a tool, by n8n's tool name (the node name, `_` for spaces). */
function toolRows(conversation: Conversation, tool: string): Array<Record<string, unknown>> {
	const result = [...conversation.results].reverse().find((entry) => entry.name === tool.replace(/[^a-zA-Z0-9_-]+/g, '_'));
	if (!Array.isArray(result?.json)) throw new Error(`The model got no rows from the tool "${tool}": ${result?.content ?? 'no result'}`);
	return result.json as Array<Record<string, unknown>>;
}

const agentLeadResearch: ExecutedExample<{ extruct: ExtructTable; justPaidTableId: string; clayTableId: string }> = {
	file: 'agent-lead-research.json',
	start: 'execute',
	prepare(sandboxes) {
		// The tables the example's system message names; its tools take them by name from the model.
		const extruct = sandboxes.extruct.seedTable({
			name: 'Companies',
			kind: 'company',
			columns: [{ kind: 'agent', name: 'CEO', key: 'ceo', value: { agent_type: 'research_pro', prompt: 'Who is the CEO of {input}?', output_format: 'text' } }],
		});
		const justpaid = sandboxes.justpaid.seedTable({ name: 'Leads', columns: [{ name: 'website', type: 'url', required: true }, { name: 'ceo', type: 'text' }] });
		const clay = sandboxes.clay.seedTable({ name: 'Leads', fields: [{ name: 'Company' }, { name: 'Domain', type: 'url' }, { name: 'CEO' }] });
		// What a model does with the example's prompt: add the company, enrich it, save the lead twice, answer.
		sandboxes.model.setScript({
			steps: [
				{ name: 'Add_Company', arguments: { table: 'Companies', values: { input: RESEARCH.website } } },
				(conversation) => ({ name: 'Enrich_Company', arguments: { table: 'Companies', row_id: toolRows(conversation, 'Add Company')[0].id } }),
				(conversation) => {
					const ceo = (toolRows(conversation, 'Enrich Company')[0].ceo as { answer: string }).answer;
					return [
						{ name: 'Save_Lead_In_JustPaid', arguments: { table: 'Leads', values: { website: RESEARCH.website, ceo } } },
						{ name: 'Add_Lead_To_Clay', arguments: { table: 'Leads', values: { Company: RESEARCH.company, Domain: RESEARCH.domain, CEO: ceo } } },
					];
				},
			],
			answer: (conversation) => {
				const ceo = (toolRows(conversation, 'Enrich Company')[0].ceo as { answer: string }).answer;
				return `The CEO of ${RESEARCH.company} is ${ceo}. Saved as JustPaid row ${toolRows(conversation, 'Save Lead In JustPaid')[0].id} and Clay record ${toolRows(conversation, 'Add Lead To Clay')[0].id}.`;
			},
		});
		sandboxes.model.requests.length = 0;
		return { extruct, justPaidTableId: justpaid.id, clayTableId: clay.id };
	},
	verify(result, sandboxes, { extruct, justPaidTableId, clayTableId }) {
		// Extruct: the company once, enriched once (one run over its row).
		const [row] = expectEnrichedOnce(sandboxes, extruct.id, [RESEARCH.website]);
		const ceo = answerOf(extruct, 'ceo', RESEARCH.website);
		expect(sandboxes.extruct.server.requests('POST', /\/run$/).filter((entry) => entry.path.includes(extruct.id)).map((entry) => entry.body)).toEqual([
			expect.objectContaining({ rows: [row.id] }),
		]);
		// JustPaid and Clay: the lead, with the CEO Extruct found.
		const [lead] = sandboxes.justpaid.tables.get(justPaidTableId)!.rows;
		expect(sandboxes.justpaid.tables.get(justPaidTableId)!.rows.map((entry) => entry.data)).toEqual([{ website: RESEARCH.website, ceo }]);
		const records = [...sandboxes.clay.tables.get(clayTableId)!.records.values()];
		expect(records).toHaveLength(1);
		expect(records[0].cells[sandboxes.clay.fieldId(clayTableId, 'CEO')]).toEqual(expect.objectContaining({ value: ceo }));
		// The model: offered the four tools, four turns, and the agent answered with what the tools returned.
		const turns = sandboxes.model.turns();
		expect(turns.map((turn) => turn.step)).toEqual([0, 1, 2, 3]);
		expect((turns[0].body.tools ?? []).map((tool) => tool.function.name).sort()).toEqual(['Add_Company', 'Add_Lead_To_Clay', 'Enrich_Company', 'Save_Lead_In_JustPaid']);
		expect(turns[0].body.messages.find((message) => message.role === 'user')?.content).toBe('Research initech.example: who is its CEO? Save it as a lead.');
		expect(result.outputs['AI Agent']).toEqual([{ output: `The CEO of ${RESEARCH.company} is ${ceo}. Saved as JustPaid row ${lead.id} and Clay record ${records[0].id}.` }]);
	},
};

export const EXAMPLES: ExampleCase[] = [extructEnrichCompanies, scheduledEnrichment, webhookLead, enrichedToJustPaid, agentLeadResearch];

export function exampleFiles(): string[] {
	return readdirSync(path.join(ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

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
