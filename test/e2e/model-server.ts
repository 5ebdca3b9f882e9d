/**
 * A scripted OpenAI-compatible model for the AI Agent tests: n8n's OpenAI Chat Model node is
 * pointed at it through its credential's Base URL (`<url>`, which ends in `/v1`).
 *
 * It answers `POST /v1/chat/completions` as OpenAI's Chat Completions API does (a JSON
 * `chat.completion`, or with `stream: true` server-sent `chat.completion.chunk` events and
 * `data: [DONE]`), and `GET /v1/models` (the model list of the node's "From list" and the
 * credential test). What it answers comes from a script: the steps of tool calls to make, one
 * step per model turn, then a final answer built from the tool results the agent sent back.
 * The step is read from the conversation itself (how many assistant turns it holds), so a
 * repeated request gets the same answer. Every request is recorded, so a test can assert what
 * the model received: the tool definitions, the tool results, the error messages.
 *
 * Node's `http` on an ephemeral port of 127.0.0.1, in the test's process.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SCRIPTED_MODEL = 'scripted-model';

/** A tool as the model was offered it (`tools[]` of the request, OpenAI's function format). */
export interface ToolDefinition {
	name: string;
	description: string;
	/** JSON Schema of the arguments. */
	parameters: { type?: string; properties?: Record<string, { type?: string; description?: string }>; required?: string[] } & Record<string, unknown>;
}

export interface ToolCall {
	/** The tool's name as offered (n8n makes it from the node's name: `Add Row` → `Add_Row`). */
	name: string;
	arguments: Record<string, unknown>;
}

/** A tool's answer as the agent sent it back to the model (a `tool` message). */
export interface ToolResult {
	callId: string;
	name: string;
	arguments: Record<string, unknown>;
	/** The message content as received. */
	content: string;
	/** `content` parsed as JSON, when it is JSON. */
	json: unknown;
}

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: Array<{ type: string; function: ToolDefinition }>;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	[key: string]: unknown;
}

/** What the script sees when it decides a turn. */
export interface Conversation {
	/** 0 for the first model turn, 1 after the first round of tool calls, … */
	step: number;
	request: ChatRequest;
	tools: ToolDefinition[];
	/** The user's messages, in order. */
	prompts: string[];
	/** Every tool result so far, in the order the calls were made. */
	results: ToolResult[];
	/** The results of the last round of tool calls. */
	last: ToolResult[];
}

/** One model turn: the tool calls to make (in parallel when several), fixed or from the conversation. */
export type Step = ToolCall | ToolCall[] | ((conversation: Conversation) => ToolCall | ToolCall[]);

export interface Script {
	steps: Step[];
	/** The final answer, once every step is done; default: the tool results, one line each. */
	answer?(conversation: Conversation): string;
}

export interface RecordedRequest {
	method: string;
	path: string;
	authorization?: string;
	body?: unknown;
	/** The turn the server answered (chat completions only). */
	step?: number;
	/** What it answered: tool calls, or the final answer. */
	reply?: { toolCalls: ToolCall[] } | { content: string };
	/** Why the script could not answer (the server answered 500 with it). */
	error?: string;
}

export interface ModelServer {
	/** The Base URL for n8n's OpenAI credential: `http://127.0.0.1:<port>/v1`. */
	url: string;
	apiKey: string;
	requests: RecordedRequest[];
	/** The script the next conversations follow. */
	setScript(script: Script): void;
	/** The recorded chat completion requests (the model's turns), in order. */
	turns(): Array<RecordedRequest & { body: ChatRequest }>;
	/** The conversation a recorded request carried, as the script saw it. */
	conversation(request: ChatRequest): Conversation;
	close(): Promise<void>;
}

const defaultAnswer = (conversation: Conversation) =>
	conversation.results.map((result) => `${result.name}: ${result.content}`).join('\n') || 'No tool was called.';

function text(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown })?.text ?? ''))).join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

function parseJson(value: string): unknown {
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
}

/**
 * The conversation a request carries: its step, tools, prompts and the tool results paired to
 * their calls. `stepOf` gives the step a tool call was made in (the server knows its calls' ids):
 * an agent may send one turn's parallel calls back as one assistant message each (n8n's V3 agent
 * does), so counting assistant messages would not count turns. Without it, each assistant
 * message is a turn.
 */
export function conversationOf(request: ChatRequest, stepOf: (callId: string) => number | undefined = () => undefined): Conversation {
	const calls = new Map<string, { name: string; arguments: Record<string, unknown> }>();
	const results: ToolResult[] = [];
	let counted = 0;
	const steps = new Map<string, number>();
	for (const message of request.messages ?? []) {
		if (message.role === 'assistant') {
			counted++;
			for (const call of message.tool_calls ?? []) {
				calls.set(call.id, { name: call.function.name, arguments: (parseJson(call.function.arguments) as Record<string, unknown>) ?? {} });
				steps.set(call.id, stepOf(call.id) ?? counted - 1);
			}
		} else if (message.role === 'tool' && message.tool_call_id) {
			const call = calls.get(message.tool_call_id);
			const content = text(message.content);
			results.push({ callId: message.tool_call_id, name: call?.name ?? '?', arguments: call?.arguments ?? {}, content, json: parseJson(content) });
		}
	}
	const lastStep = Math.max(-1, ...steps.values());
	return {
		step: lastStep + 1,
		request,
		tools: (request.tools ?? []).map((tool) => tool.function),
		prompts: (request.messages ?? []).filter((message) => message.role === 'user').map((message) => text(message.content)),
		results,
		last: results.filter((result) => steps.get(result.callId) === lastStep),
	};
}

async function readBody(request: IncomingMessage): Promise<string> {
	let body = '';
	for await (const chunk of request) body += (chunk as Buffer).toString();
	return body;
}

function send(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const newId = (prefix: string) => `${prefix}${randomBytes(9).toString('base64url')}`;

export async function startModelServer(options: { apiKey?: string; script?: Script } = {}): Promise<ModelServer> {
	const apiKey = options.apiKey ?? `sk-scripted-${randomBytes(6).toString('hex')}`;
	const requests: RecordedRequest[] = [];
	let script: Script = options.script ?? { steps: [] };

	/** The step each tool call this server made was made in, by call id. */
	const issued = new Map<string, number>();
	const conversation = (request: ChatRequest) => conversationOf(request, (callId) => issued.get(callId));

	function reply(request: ChatRequest): { step: number; toolCalls: ToolCall[]; content?: string } {
		const conversation = conversationOf(request, (callId) => issued.get(callId));
		const step = script.steps[conversation.step];
		if (step === undefined) return { step: conversation.step, toolCalls: [], content: (script.answer ?? defaultAnswer)(conversation) };
		const calls = typeof step === 'function' ? step(conversation) : step;
		const toolCalls = Array.isArray(calls) ? calls : [calls];
		const offered = new Set(conversation.tools.map((tool) => tool.name));
		for (const call of toolCalls) {
			if (!offered.has(call.name)) {
				throw new Error(`The script calls the tool "${call.name}", which the model was not offered (offered: ${[...offered].join(', ') || 'none'})`);
			}
		}
		return { step: conversation.step, toolCalls };
	}

	function completion(model: string, toolCalls: ToolCall[], content: string | undefined) {
		const calls = toolCalls.map((call) => ({ id: newId('call_'), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
		return {
			id: newId('chatcmpl-'),
			created: Math.floor(Date.now() / 1000),
			model,
			calls,
			finish: calls.length ? 'tool_calls' : 'stop',
			content: calls.length ? null : (content ?? ''),
		};
	}

	function streamCompletion(response: ServerResponse, request: ChatRequest, answer: ReturnType<typeof completion>): void {
		response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
		const base = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model };
		const event = (choices: unknown[], extra: Record<string, unknown> = {}) => response.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
		event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
		answer.calls.forEach((call, index) => {
			// As OpenAI streams a call: its id and name first, then the arguments in pieces.
			event([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, finish_reason: null }]);
			const args = call.function.arguments;
			const half = Math.ceil(args.length / 2);
			for (const part of [args.slice(0, half), args.slice(half)]) {
				if (part) event([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, finish_reason: null }]);
			}
		});
		if (answer.content) {
			for (const word of answer.content.match(/\S+\s*|\s+/g) ?? []) event([{ index: 0, delta: { content: word }, finish_reason: null }]);
		}
		event([{ index: 0, delta: {}, finish_reason: answer.finish }]);
		if (request.stream_options?.include_usage) event([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
		response.end('data: [DONE]\n\n');
	}

	const server = createServer((request, response) => {
		void (async () => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const recorded: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, authorization: request.headers.authorization };
			requests.push(recorded);
			const raw = await readBody(request);
			if (raw) recorded.body = parseJson(raw) ?? raw;
			if (request.headers.authorization !== `Bearer ${apiKey}`) {
				return send(response, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
			}
			if (request.method === 'GET' && url.pathname === '/v1/models') {
				return send(response, 200, { object: 'list', data: [{ id: SCRIPTED_MODEL, object: 'model', created: 0, owned_by: 'n8n-nodes-enrichment-tables' }] });
			}
			if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
				return send(response, 404, { error: { message: `The scripted model serves GET /v1/models and POST /v1/chat/completions, not ${request.method} ${url.pathname}`, type: 'invalid_request_error' } });
			}
			const body = recorded.body as ChatRequest;
			if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
				return send(response, 400, { error: { message: 'messages is required', type: 'invalid_request_error' } });
			}
			let turn: ReturnType<typeof reply>;
			try {
				turn = reply(body);
			} catch (error) {
				recorded.error = (error as Error).message;
				return send(response, 500, { error: { message: recorded.error, type: 'script_error' } });
			}
			recorded.step = turn.step;
			recorded.reply = turn.toolCalls.length ? { toolCalls: turn.toolCalls } : { content: turn.content ?? '' };
			const answer = completion(body.model ?? SCRIPTED_MODEL, turn.toolCalls, turn.content);
			for (const call of answer.calls) issued.set(call.id, turn.step);
			if (body.stream) return streamCompletion(response, body, answer);
			send(response, 200, {
				id: answer.id,
				object: 'chat.completion',
				created: answer.created,
				model: answer.model,
				choices: [{ index: 0, message: { role: 'assistant', content: answer.content, ...(answer.calls.length ? { tool_calls: answer.calls } : {}) }, finish_reason: answer.finish }],
				usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
			});
		})().catch((error: Error) => {
			if (!response.headersSent) send(response, 500, { error: { message: error.message, type: 'server_error' } });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/v1`,
		apiKey,
		requests,
		setScript: (next) => (script = next),
		conversation,
		turns: () => requests.filter((entry): entry is RecordedRequest & { body: ChatRequest } => entry.path === '/v1/chat/completions' && entry.step !== undefined),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
