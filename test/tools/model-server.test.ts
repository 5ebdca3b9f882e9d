/**
 * The scripted OpenAI-compatible model of the AI Agent end-to-end tests (test/e2e/model-server.ts),
 * spoken to as OpenAI's Chat Completions API is: a JSON completion, the same as server-sent
 * chunks with `stream: true`, the model list, the API key, and turns counted by the server's own
 * tool call ids (an agent may send one turn's parallel calls back as one message each).
 */
import { startModelServer, SCRIPTED_MODEL } from '../e2e/model-server';
import type { ModelServer } from '../e2e/model-server';

const tools = [
	{ type: 'function', function: { name: 'Add_Row', description: 'Adds a row.', parameters: { type: 'object', properties: { table: { type: 'string' } } } } },
	{ type: 'function', function: { name: 'Get_Row', description: 'Gets a row.', parameters: { type: 'object', properties: { id: { type: 'string' } } } } },
];

describe('the scripted model server', () => {
	let server: ModelServer;
	beforeAll(async () => {
		server = await startModelServer({
			script: {
				steps: [
					[
						{ name: 'Add_Row', arguments: { table: 'A' } },
						{ name: 'Add_Row', arguments: { table: 'B' } },
					],
					(conversation) => conversation.last.map((result) => ({ name: 'Get_Row', arguments: { id: (result.json as Array<{ id: string }>)[0].id } })),
				],
				answer: (conversation) => `read ${conversation.last.map((result) => result.content).join(' and ')}`,
			},
		});
	});
	afterAll(async () => await server.close());

	const post = async (body: Record<string, unknown>, key = server.apiKey) =>
		await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

	test('answers each turn of the script, then the final answer from the tool results it received', async () => {
		const messages: Array<Record<string, unknown>> = [{ role: 'user', content: 'add A and B' }];
		const first = (await (await post({ model: SCRIPTED_MODEL, messages, tools })).json()) as {
			object: string;
			choices: Array<{ message: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> }; finish_reason: string }>;
		};
		expect(first.object).toBe('chat.completion');
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		const calls = first.choices[0].message.tool_calls;
		expect(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
			['Add_Row', { table: 'A' }],
			['Add_Row', { table: 'B' }],
		]);
		// Sent back as n8n's V3 agent does: one assistant message per call, each with its result.
		for (const [index, call] of calls.entries()) {
			messages.push({ role: 'assistant', content: [], tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: JSON.stringify([{ id: `row-${index}` }]) });
		}
		const second = (await (await post({ model: SCRIPTED_MODEL, messages, tools })).json()) as typeof first;
		const reads = second.choices[0].message.tool_calls;
		expect(reads.map((call) => JSON.parse(call.function.arguments))).toEqual([{ id: 'row-0' }, { id: 'row-1' }]);
		messages.push({ role: 'assistant', content: null, tool_calls: reads });
		for (const call of reads) messages.push({ role: 'tool', tool_call_id: call.id, content: `"${JSON.parse(call.function.arguments).id} read"` });
		const last = (await (await post({ model: SCRIPTED_MODEL, messages, tools })).json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
		expect(last.choices[0]).toEqual(expect.objectContaining({ finish_reason: 'stop', message: expect.objectContaining({ content: 'read "row-0 read" and "row-1 read"' }) }));
		// Every turn recorded with what it answered.
		expect(server.turns().map((turn) => turn.step)).toEqual([0, 1, 2]);
		expect(server.conversation(server.turns()[2].body).results.map((result) => result.name)).toEqual(['Add_Row', 'Add_Row', 'Get_Row', 'Get_Row']);
	});

	test('with stream: true the same answer comes as chat.completion.chunk events, then [DONE]', async () => {
		const response = await post({ model: SCRIPTED_MODEL, messages: [{ role: 'user', content: 'add' }], tools, stream: true, stream_options: { include_usage: true } });
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		const events = (await response.text()).split('\n\n').filter(Boolean).map((line) => line.replace(/^data: /, ''));
		expect(events.at(-1)).toBe('[DONE]');
		const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as { object: string; choices: Array<{ delta: { tool_calls?: Array<{ index: number; id?: string; function: { name?: string; arguments?: string } }> }; finish_reason: string | null }>; usage?: unknown });
		expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
		// The calls put together from their pieces, as an OpenAI client does.
		const calls: Array<{ name: string; args: string }> = [];
		for (const chunk of chunks) {
			for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
				calls[delta.index] ??= { name: '', args: '' };
				calls[delta.index].name += delta.function.name ?? '';
				calls[delta.index].args += delta.function.arguments ?? '';
			}
		}
		expect(calls.map((call) => [call.name, JSON.parse(call.args)])).toEqual([
			['Add_Row', { table: 'A' }],
			['Add_Row', { table: 'B' }],
		]);
		expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
		expect(chunks.at(-1)?.usage).toBeDefined();
	});

	test('lists its model, refuses a wrong API key, and says why a script cannot answer', async () => {
		const models = (await (await fetch(`${server.url}/models`, { headers: { Authorization: `Bearer ${server.apiKey}` } })).json()) as { data: Array<{ id: string }> };
		expect(models.data.map((model) => model.id)).toEqual([SCRIPTED_MODEL]);
		expect((await post({ messages: [] }, 'sk-wrong')).status).toBe(401);
		const noTools = await post({ model: SCRIPTED_MODEL, messages: [{ role: 'user', content: 'add' }] });
		expect(noTools.status).toBe(500);
		expect(((await noTools.json()) as { error: { message: string } }).error.message).toBe('The script calls the tool "Add_Row", which the model was not offered (offered: none)');
	});
});
