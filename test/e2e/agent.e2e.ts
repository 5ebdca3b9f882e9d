/**
 * The three action nodes as tools of n8n's AI Agent, in a real n8n: the packed package
 * installed as the Community Nodes panel installs it, workflows Manual Trigger → AI Agent ←
 * OpenAI Chat Model (its credential's Base URL pointing at the scripted model of
 * model-server.ts) with Extruct, JustPaid and Clay tool nodes (`<package>.<node>Tool`, the type
 * n8n makes of a node with `usableAsTool`) attached, imported and run with `n8n execute`.
 *
 * The scripted model calls the tools step by step and builds its final answer from the tool
 * results it received; the tests assert what the model was offered (tool names, descriptions,
 * the `$fromAI()` parameters), what it got back (rows, error messages), what the sandboxes
 * stored, and what the agent answered.
 */
import { writeFileSync } from 'node:fs';

import { credentialsFor, startSandboxes } from './cases';
import type { Sandboxes } from './cases';
import { SCRIPTED_MODEL } from './model-server';
import type { ChatRequest, Conversation, Script, ToolResult } from './model-server';
import {
	artifactPath,
	assertN8nInstalled,
	assertPackageLoaded,
	createUserFolder,
	errorsOf,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	N8N_VERSION,
} from './n8n';
import type { ExecuteResult, UserFolder } from './n8n';

const PACKAGE = 'n8n-nodes-enrichment-tables';
const AGENT = 'AI Agent';
const MODEL = 'OpenAI Chat Model';
/** The agent versions proven: 3 runs tool nodes as nodes of the execution (n8n 2.x's engine requests), 2.2 calls them inside the agent. */
const AGENT_VERSION = 3;

const fromAI = (key: string, description: string, type: 'string' | 'number' | 'json' = 'string') => `={{ $fromAI('${key}', \`${description}\`, '${type}') }}`;
const agentTable = (service: string) => ({ __rl: true, mode: 'id', value: fromAI('table', `Name or ID of the ${service} table`) });
const agentValues = fromAI('values', 'The row as a JSON object of column → value', 'json');

interface ToolNode {
	name: string;
	/** Our node's short type, e.g. `extruct`. */
	node: 'extruct' | 'justPaid' | 'clay';
	parameters: Record<string, unknown>;
}

const CREDENTIALS = {
	extruct: { extructApi: { id: '1', name: 'Extruct account' } },
	justPaid: { justPaidApi: { id: '2', name: 'JustPaid account' } },
	clay: { clayApi: { id: '3', name: 'Clay account' } },
};

/** Manual Trigger → AI Agent (the prompt fixed) ← OpenAI Chat Model (scripted) and the tools. */
function agentWorkflow(id: string, prompt: string, tools: ToolNode[], agentVersion = AGENT_VERSION) {
	const connections: Record<string, unknown> = {
		'When clicking Execute workflow': { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
		[MODEL]: { ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]] },
	};
	for (const tool of tools) connections[tool.name] = { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] };
	return {
		id,
		name: `E2E agent ${id}`,
		nodes: [
			{ id: `${id}-trigger`, name: 'When clicking Execute workflow', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-agent`,
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: agentVersion,
				position: [220, 0],
				parameters: { promptType: 'define', text: prompt, options: { systemMessage: 'You keep lead tables up to date with the tools you have.' } },
			},
			{
				id: `${id}-model`,
				name: MODEL,
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [100, 220],
				parameters: { model: { __rl: true, mode: 'id', value: SCRIPTED_MODEL }, options: {} },
				credentials: { openAiApi: { id: '4', name: 'OpenAI account' } },
			},
			...tools.map((tool, index) => ({
				id: `${id}-tool-${index}`,
				name: tool.name,
				type: `${PACKAGE}.${tool.node}Tool`,
				typeVersion: 1,
				position: [300 + index * 120, 220],
				parameters: tool.parameters,
				credentials: CREDENTIALS[tool.node],
			})),
		],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** n8n's tool name for a node name (`nodeNameToToolName`). */
const toolName = (name: string) => name.replace(/[^a-zA-Z0-9_-]+/g, '_');

/** The JSON items a tool answered with (n8n sends the model the tool node's output items as a JSON array). */
function items(result: ToolResult | undefined): Array<Record<string, unknown>> {
	if (!result) throw new Error('The model got no such tool result');
	if (!Array.isArray(result.json)) throw new Error(`A tool result is not a JSON array of items: ${result.content}`);
	return result.json as Array<Record<string, unknown>>;
}

const resultOf = (conversation: Conversation, tool: string) => conversation.results.find((result) => result.name === toolName(tool));

/** The agent's final answer, as n8n printed the run. */
function answerOf(result: ExecuteResult): string {
	return String(result.outputs[AGENT]?.[0]?.output ?? '');
}

/** Every run of a tool node, as n8n recorded it: the tool's output items (or its error). */
function toolRuns(result: ExecuteResult, name: string): Array<{ json?: unknown[]; error?: string }> {
	const runs = (result.run?.data.resultData.runData[name] ?? []) as Array<{ data?: { ai_tool?: Array<Array<{ json: unknown }>> }; error?: { message: string } }>;
	return runs.map((run) => ({ json: run.data?.ai_tool?.[0]?.map((item) => item.json), error: run.error?.message }));
}

describe(`the nodes as AI Agent tools in n8n ${N8N_VERSION} (scripted OpenAI-compatible model)`, () => {
	let sandboxes: Sandboxes;
	let folder: UserFolder;
	let sequence = 0;

	beforeAll(async () => {
		assertN8nInstalled();
		sandboxes = await startSandboxes();
		folder = await createUserFolder('agent');
		await importCredentials(folder, credentialsFor(sandboxes));
	}, 300_000);

	afterAll(async () => {
		await sandboxes?.close();
		folder?.remove();
	});

	/** Imports the workflow, sets the model's script, runs it with `n8n execute`; fails with n8n's words unless the run succeeded. */
	async function runAgent(prompt: string, tools: ToolNode[], script: Script, agentVersion = AGENT_VERSION): Promise<ExecuteResult> {
		const workflow = agentWorkflow(`e2eAgent${String(++sequence).padStart(8, '0')}`, prompt, tools, agentVersion);
		await importWorkflow(folder, workflow);
		sandboxes.model.setScript(script);
		sandboxes.model.requests.length = 0;
		// Community nodes as tools needed this in n8n 1.7x–1.84; n8n 1.85 and later (2.41 too) no longer read it.
		const result = await executeWorkflow(folder, workflow.id, { env: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' }, timeoutMs: 180_000 });
		// What the model received and answered, for a reader of the artifacts.
		writeFileSync(artifactPath('agent', `${workflow.id}-model-requests.json`), JSON.stringify(sandboxes.model.requests, null, 2));
		console.log(`[e2e] agent workflow ${workflow.id} (agent v${agentVersion}): exit ${result.code} in ${(result.ms / 1000).toFixed(1)} s, ${sandboxes.model.turns().length} model turns`);
		assertPackageLoaded(result.stdout);
		if (result.code !== 0 || result.run?.status !== 'success') {
			const error = result.run?.data.resultData.error;
			throw new Error(
				`n8n execute of the agent workflow failed (exit ${result.code}, status ${result.run?.status ?? 'none printed'})` +
					(error ? ` in node "${error.node?.name ?? result.run?.data.resultData.lastNodeExecuted}": ${error.message}` : `:\n${errorsOf(result.stdout + result.stderr)}`),
			);
		}
		return result;
	}

	const turns = (): ChatRequest[] => sandboxes.model.turns().map((turn) => turn.body);
	/** The tool results a model turn received, in the order of the calls. */
	const resultsIn = (request: ChatRequest): ToolResult[] => sandboxes.model.conversation(request).results;
	const lastConversation = (): Conversation => sandboxes.model.conversation(turns()[turns().length - 1]);

	test('adds a row and reads it back through each service: Extruct, JustPaid and Clay', async () => {
		const extruct = sandboxes.extruct.seedTable({ name: 'Agent companies', kind: 'company' });
		const justpaid = sandboxes.justpaid.seedTable({ name: 'Agent deals', columns: [{ name: 'company', type: 'text' }, { name: 'amountCents', type: 'number' }] });
		const clay = sandboxes.clay.seedTable({ name: 'Agent leads', fields: [{ name: 'Company' }, { name: 'Domain', type: 'url' }] });
		const tools: ToolNode[] = [
			{ name: 'Add Extruct Row', node: 'extruct', parameters: { resource: 'row', operation: 'add', table: agentTable('Extruct'), columns: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues } },
			{ name: 'Get Extruct Row', node: 'extruct', parameters: { resource: 'row', operation: 'get', table: agentTable('Extruct'), rowId: fromAI('row_id', 'ID of the row') } },
			{ name: 'Create JustPaid Row', node: 'justPaid', parameters: { resource: 'row', operation: 'create', table: agentTable('JustPaid'), columns: { mappingMode: 'defineBelow', value: null }, valuesJson: agentValues } },
			{ name: 'Get JustPaid Rows', node: 'justPaid', parameters: { resource: 'row', operation: 'getMany', table: agentTable('JustPaid'), returnAll: true } },
			{ name: 'Add Clay Record', node: 'clay', parameters: { resource: 'record', operation: 'add', table: agentTable('Clay'), cells: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues } },
			{ name: 'Get Clay Record', node: 'clay', parameters: { resource: 'record', operation: 'get', table: agentTable('Clay'), recordId: fromAI('record_id', 'ID of the record') } },
		];
		const script: Script = {
			steps: [
				// One turn, three tools at once (the model's parallel tool calls).
				[
					{ name: 'Add_Extruct_Row', arguments: { table: 'Agent companies', values: { input: 'https://acme.example' } } },
					{ name: 'Create_JustPaid_Row', arguments: { table: 'Agent deals', values: { company: 'Acme', amountCents: '125000' } } },
					{ name: 'Add_Clay_Record', arguments: { table: 'Agent leads', values: { Company: 'Acme', Domain: 'acme.example' } } },
				],
				// Then read each back, by the IDs the adds answered with.
				(conversation) => [
					{ name: 'Get_Extruct_Row', arguments: { table: 'Agent companies', row_id: items(resultOf(conversation, 'Add Extruct Row'))[0].id } },
					{ name: 'Get_JustPaid_Rows', arguments: { table: 'Agent deals' } },
					{ name: 'Get_Clay_Record', arguments: { table: 'Agent leads', record_id: items(resultOf(conversation, 'Add Clay Record'))[0].id } },
				],
			],
			answer: (conversation) => {
				const extructRow = items(resultOf(conversation, 'Get Extruct Row'))[0];
				const deal = items(resultOf(conversation, 'Get JustPaid Rows'))[0];
				const lead = items(resultOf(conversation, 'Get Clay Record'))[0];
				return `Extruct row ${extructRow.id} holds ${extructRow.input}; JustPaid row ${deal.id} holds ${deal.company} at ${deal.amountCents}; Clay record ${lead.id} holds ${lead.Company} (${lead.Domain}).`;
			},
		};
		const result = await runAgent('Add Acme (acme.example, a deal of 1,250.00) to our three tables and read it back.', tools, script);

		// What the services stored: one row each, with the values the model gave.
		const [extructRow] = sandboxes.extruct.tables.get(extruct.id)!.rows;
		expect(sandboxes.extruct.tables.get(extruct.id)!.rows.map((row) => row.data.input?.value)).toEqual(['https://acme.example']);
		const [deal] = sandboxes.justpaid.tables.get(justpaid.id)!.rows;
		expect(sandboxes.justpaid.tables.get(justpaid.id)!.rows.map((row) => row.data)).toEqual([{ company: 'Acme', amountCents: 125000 }]);
		const records = [...sandboxes.clay.tables.get(clay.id)!.records.values()];
		expect(records).toHaveLength(1);
		expect(records[0].cells[sandboxes.clay.fieldId(clay.id, 'Company')]).toEqual(expect.objectContaining({ value: 'Acme' }));

		// What the model was offered: every tool, with its one-sentence description and its $fromAI parameters.
		const [first, second, last] = turns();
		expect(turns()).toHaveLength(3);
		const offered = Object.fromEntries((first.tools ?? []).map((tool) => [tool.function.name, tool.function]));
		expect(Object.keys(offered).sort()).toEqual(tools.map((tool) => toolName(tool.name)).sort());
		expect(offered.Add_Extruct_Row.description).toBe('Adds a row to an Extruct table from its values by column key (such as input) and returns the stored row with its ID; enriching it spends Extruct credits.');
		expect(offered.Get_JustPaid_Rows.description).toBe('Returns the rows of a JustPaid table, at most the limit given, optionally only those whose column equals a value.');
		expect(Object.keys(offered.Add_Clay_Record.parameters.properties ?? {}).sort()).toEqual(['table', 'values']);
		expect(offered.Add_Clay_Record.parameters.properties?.table).toEqual(expect.objectContaining({ type: 'string', description: 'Name or ID of the Clay table' }));
		expect(Object.keys(offered.Get_Extruct_Row.parameters.properties ?? {}).sort()).toEqual(['row_id', 'table']);
		expect(first.messages.map((message) => message.role)).toEqual(['system', 'user']);
		// `n8n execute` runs the agent without streaming: n8n asks for whole answers.
		expect(turns().map((turn) => turn.stream ?? false)).toEqual([false, false, false]);
		expect(sandboxes.model.requests.every((request) => request.authorization === `Bearer ${sandboxes.model.apiKey}`)).toBe(true);

		// What it got back: the stored rows, simplified (values by column, no cell metadata).
		const added = Object.fromEntries(resultsIn(second).map((entry) => [entry.name, items(entry)]));
		expect(added.Add_Extruct_Row).toEqual([expect.objectContaining({ id: extructRow.id, input: 'https://acme.example' })]);
		expect(added.Create_JustPaid_Row).toEqual([expect.objectContaining({ id: deal.id, company: 'Acme', amountCents: 125000 })]);
		expect(added.Add_Clay_Record).toEqual([expect.objectContaining({ id: records[0].id, Company: 'Acme', Domain: 'acme.example' })]);
		const read = Object.fromEntries(resultsIn(last).slice(-3).map((entry) => [entry.name, items(entry)]));
		expect(read.Get_Extruct_Row).toEqual([expect.objectContaining({ id: extructRow.id, input: 'https://acme.example' })]);
		expect(read.Get_JustPaid_Rows).toEqual([expect.objectContaining({ id: deal.id, company: 'Acme', amountCents: 125000 })]);
		expect(read.Get_Clay_Record).toEqual([expect.objectContaining({ id: records[0].id, Company: 'Acme', Domain: 'acme.example' })]);
		expect(JSON.stringify([added, read])).not.toMatch(/"status"|"updated_at"|"metadata"|"value"/);

		// The agent's answer, built from what it read; each tool node ran once, as n8n recorded it.
		expect(answerOf(result)).toBe(
			`Extruct row ${extructRow.id} holds https://acme.example; JustPaid row ${deal.id} holds Acme at 125000; Clay record ${records[0].id} holds Acme (acme.example).`,
		);
		for (const tool of tools) expect(toolRuns(result, tool.name)).toHaveLength(1);
	});

	test('runs an Extruct enrichment and answers with the enriched row', async () => {
		const table = sandboxes.extruct.seedTable({
			name: 'Agent enrichment',
			kind: 'company',
			columns: [{ kind: 'agent', name: 'CEO', key: 'ceo', value: { agent_type: 'research_pro', prompt: 'Who is the CEO of {input}?', output_format: 'text' } }],
		});
		const tools: ToolNode[] = [
			{ name: 'Add Company', node: 'extruct', parameters: { resource: 'row', operation: 'add', table: agentTable('Extruct'), columns: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues } },
			{ name: 'Enrich Company', node: 'extruct', parameters: { resource: 'enrichment', operation: 'run', table: agentTable('Extruct'), rowsSource: 'items', rowId: fromAI('row_id', 'ID of the row to enrich'), wait: true } },
		];
		const script: Script = {
			steps: [
				{ name: 'Add_Company', arguments: { table: 'Agent enrichment', values: { input: 'https://initech.example' } } },
				(conversation) => ({ name: 'Enrich_Company', arguments: { table: 'Agent enrichment', row_id: items(conversation.last[0])[0].id } }),
			],
			answer: (conversation) => {
				const row = items(resultOf(conversation, 'Enrich Company'))[0] as { input: string; ceo: { answer: string } };
				return `The CEO of ${row.input} is ${row.ceo.answer}.`;
			},
		};
		const result = await runAgent('Find out who the CEO of initech.example is.', tools, script);

		const [row] = sandboxes.extruct.tables.get(table.id)!.rows;
		expect(sandboxes.extruct.tables.get(table.id)!.rows).toHaveLength(1);
		expect(sandboxes.extruct.cellStatus(row.data.ceo!)).toBe('done');
		const ceo = (row.data.ceo!.value as { answer: string }).answer;
		// One run, over that row only.
		expect(sandboxes.extruct.server.requests('POST', /\/run$/).filter((entry) => entry.path.includes(table.id)).map((entry) => entry.body)).toEqual([
			expect.objectContaining({ mode: 'new', rows: [row.id] }),
		]);
		// The model got the enriched row (the answer with its sources), then answered from it.
		const enriched = items(resultOf(lastConversation(), 'Enrich Company'));
		expect(enriched).toEqual([expect.objectContaining({ id: row.id, input: 'https://initech.example', ceo: expect.objectContaining({ answer: ceo }) })]);
		expect(enriched[0]).not.toHaveProperty('_status');
		expect(answerOf(result)).toBe(`The CEO of https://initech.example is ${ceo}.`);
	});

	test('a tool error (an unknown table) reaches the model as a readable message, and the run goes on', async () => {
		const table = sandboxes.extruct.seedTable({ name: 'Agent prospects', kind: 'company', rows: [{ input: 'https://globex.example' }] });
		const tools: ToolNode[] = [
			{ name: 'List Prospects', node: 'extruct', parameters: { resource: 'row', operation: 'getMany', table: agentTable('Extruct'), limit: 10 } },
		];
		const script: Script = {
			steps: [
				{ name: 'List_Prospects', arguments: { table: 'Prospects 2031' } },
				// The model reads the message and retries with a table it lists.
				(conversation) => {
					const message = String(items(conversation.last[0])[0].error);
					return { name: 'List_Prospects', arguments: { table: message.includes('"Agent prospects"') ? 'Agent prospects' : 'not listed' } };
				},
			],
			answer: (conversation) => `Prospects: ${items(conversation.last[0]).map((row) => row.input).join(', ')}.`,
		};
		const result = await runAgent('List our prospects.', tools, script);

		const [, retry] = turns();
		const [failed] = resultsIn(retry);
		expect(items(failed)).toEqual([
			{ error: expect.stringMatching(/^Extruct has no table named "Prospects 2031", and no table has that ID\. Its tables are: .*"Agent prospects".*Give a table's exact name or its ID\.$/) },
		]);
		// Both tool runs succeed: the error is the first one's answer (n8n 1.x's AI Agent 3 would end the run on a thrown one).
		expect(toolRuns(result, 'List Prospects').map((run) => Boolean(run.error))).toEqual([false, false]);
		expect(answerOf(result)).toBe('Prospects: https://globex.example.');
		expect(sandboxes.extruct.tables.get(table.id)!.rows).toHaveLength(1);
	});

	test('AI Agent 2.2 (tools called inside the agent, as n8n 1.x runs them) adds and reads a Clay record', async () => {
		const clay = sandboxes.clay.seedTable({ name: 'Agent v2 leads', fields: [{ name: 'Company' }] });
		const tools: ToolNode[] = [
			{ name: 'Add Lead', node: 'clay', parameters: { resource: 'record', operation: 'add', table: agentTable('Clay'), cells: { mappingMode: 'autoMapInputData', value: null }, valuesJson: agentValues } },
			{ name: 'Get Lead', node: 'clay', parameters: { resource: 'record', operation: 'get', table: agentTable('Clay'), recordId: fromAI('record_id', 'ID of the record') } },
		];
		const script: Script = {
			steps: [
				{ name: 'Add_Lead', arguments: { table: 'Agent v2 leads', values: { Company: 'Hooli' } } },
				(conversation) => ({ name: 'Get_Lead', arguments: { table: 'Agent v2 leads', record_id: items(conversation.last[0])[0].id } }),
			],
			answer: (conversation) => `Stored ${items(conversation.last[0])[0].Company} as ${items(conversation.last[0])[0].id}.`,
		};
		const result = await runAgent('Add Hooli as a lead.', tools, script, 2.2);
		const records = [...sandboxes.clay.tables.get(clay.id)!.records.values()];
		expect(records).toHaveLength(1);
		expect(answerOf(result)).toBe(`Stored Hooli as ${records[0].id}.`);
	});
});
