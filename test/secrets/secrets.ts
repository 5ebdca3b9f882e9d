/**
 * The secrets suite: every credential's secret is a recognisable marker, and every operation
 * of a node runs once succeeding and once per failure mode:
 * - `echo`: the service's error answer repeats the secret (a 400 whose message contains it),
 *   with Continue On Fail on and off;
 * - `html`: a 500 HTML page that contains the secret (its start is quoted in the description);
 * - `drop`: every connection is dropped (the HTTP client's error carries the request, headers included).
 * The marker — bare, URL-encoded or as the whole auth header — must appear in no output item,
 * no error message or description, nothing of the run data, and no n8n log line. The other ways
 * out are run the same way: the node as an AI agent's tool (`runAsTool`), the trigger's polls
 * (`pollShown`), the editor's look-ups (`expectMethodsClean`), and a successful answer that holds
 * the secret as data.
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';

import type { RetryPolicy, ServiceDefinition } from '../../nodes/shared/request';
import type { SandboxServer } from '../../sandbox/framework';
import { PACKAGE } from '../harness/n8n';
import type { ExecuteResult, Harness } from '../harness/n8n';
import { PollRunner } from '../harness/poll';
import { withToolVariants } from '../harness/tools';

export type Mode = 'success' | 'echo' | 'echo-strict' | 'html' | 'drop';
export const MODES: Mode[] = ['success', 'echo', 'echo-strict', 'html', 'drop'];

export interface OperationRun {
	resource: string;
	operation: string;
	/** Builds the parameters and items (tables are seeded fresh for each run). */
	prepare(): { params: Record<string, unknown>; items?: Array<Record<string, unknown>> };
}

/** Everything an execution shows a user or stores: output items, the error, the run data. */
export function visible(result: ExecuteResult): string {
	const error = result.error as (Error & { description?: string; context?: unknown }) | undefined;
	return JSON.stringify({
		json: result.json,
		error: error ? { message: error.message, description: error.description, context: error.context, stack: error.stack } : undefined,
		run: result.run.data.resultData,
	});
}

/** The forms a marker could take in text: as is, URL-encoded, JSON-escaped. */
export function forms(marker: string): string[] {
	return [...new Set([marker, encodeURIComponent(marker), JSON.stringify(marker).slice(1, -1)])];
}

export function leaked(text: string, marker: string): string | undefined {
	return forms(marker).find((form) => text.includes(form));
}

/** Makes failed reads retry quickly for the duration of the suite. */
export function fastRetries(service: ServiceDefinition): () => void {
	const saved = service.retry;
	const quick: Partial<RetryPolicy> = { ...saved, baseDelayMs: 5, maxDelayMs: 20, serverErrorRetries: 2, rateLimitRetries: 2 };
	service.retry = quick;
	return () => (service.retry = saved);
}

/** Installs the fault of a failure mode on every request. */
export function installFault(server: SandboxServer, mode: Mode, echoBody: unknown, secret: string): void {
	server.clearInjected();
	if (mode === 'success') return;
	if (mode === 'echo' || mode === 'echo-strict') {
		server.inject({ action: { kind: 'status', status: 400, body: echoBody }, times: 1000 });
	} else if (mode === 'html') {
		server.inject({ action: { kind: 'status', status: 500, raw: `<html><body>Debug: request with credential ${secret} failed</body></html>` }, times: 1000 });
	} else {
		server.inject({ action: { kind: 'drop-before' }, times: 1000 });
	}
}

export function clearFaults(server: SandboxServer): void {
	server.clearInjected();
}

/**
 * The editor methods (list search, load options, resource mapping) against a service that
 * answers every request with an error repeating the secret: each must fail, and no secret may
 * show in what it throws.
 */
export async function expectMethodsClean(ctx: SuiteContext, calls: Array<() => Promise<unknown>>, markers: string[]): Promise<void> {
	ctx.server.inject({ action: { kind: 'status', status: 400, body: ctx.echoBody }, times: 1000 });
	try {
		for (const call of calls) {
			const error = (await call().then(
				() => undefined,
				(thrown: unknown) => thrown,
			)) as (Error & { description?: string }) | undefined;
			expect(error).toBeDefined();
			const shown = JSON.stringify({ message: error!.message, description: error!.description, error });
			for (const marker of markers) expect(leaked(shown, marker)).toBeUndefined();
		}
	} finally {
		ctx.server.clearInjected();
	}
}

/** Every resource/operation pair a node offers (from its Resource and Operation selectors). */
export function operationsOf(node: INodeType): string[] {
	const pairs: string[] = [];
	for (const property of node.description.properties) {
		if (property.name !== 'operation') continue;
		const resources = (property.displayOptions?.show?.resource ?? []) as string[];
		for (const resource of resources) {
			for (const option of (property.options ?? []) as Array<{ value: string }>) pairs.push(`${resource}.${option.value}`);
		}
	}
	return pairs.sort();
}

export interface SuiteContext {
	harness: Harness;
	node: string;
	server: SandboxServer;
	/** The text to look for. */
	marker: string;
	/** The secret as the credential holds it (the marker, or a value the marker is part of). */
	secret: string;
	/** The service's error answer, repeating the secret. */
	echoBody: unknown;
}

/** Runs one operation in one mode; returns the result (the caller checks it). */
export async function runMode(ctx: SuiteContext, run: OperationRun, mode: Mode): Promise<ExecuteResult> {
	const { params, items } = run.prepare();
	installFault(ctx.server, mode, ctx.echoBody, ctx.secret);
	try {
		return await ctx.harness.execute({
			node: ctx.node,
			parameters: { resource: run.resource, operation: run.operation, ...params } as never,
			items: (items ?? [{}]) as never,
			continueOnFail: mode !== 'echo-strict',
		});
	} finally {
		clearFaults(ctx.server);
	}
}

/** Whether the run failed somewhere (an execution error or an error item). */
export function failed(result: ExecuteResult): boolean {
	return result.error !== undefined || result.json.some((json) => json.error !== undefined);
}

/** Runs one operation in one mode with the node as an AI agent's tool (`<node>Tool`): what the model is answered. */
export async function runAsTool(ctx: SuiteContext, run: OperationRun, mode: Mode): Promise<ExecuteResult> {
	withToolVariants(ctx.harness);
	return await runMode({ ...ctx, node: `${ctx.node}Tool` }, run, mode);
}

/**
 * One poll of `trigger` (as the scheduler runs it, or "Fetch Test Event") in one mode; returns
 * everything it shows: the emitted items and the error. `failed` tells whether it failed.
 */
export async function pollShown(
	ctx: SuiteContext,
	trigger: INodeType,
	parameters: INodeParameters,
	mode: Mode,
	pollMode: 'trigger' | 'manual',
): Promise<{ text: string; failed: boolean; emitted: number }> {
	ctx.harness.nodeTypes.set(`${PACKAGE}.${trigger.description.name}`, trigger);
	const runner = new PollRunner(ctx.harness, trigger.description.name, parameters);
	installFault(ctx.server, mode, ctx.echoBody, ctx.secret);
	try {
		const outcome = await runner.poll(pollMode);
		const error = outcome.error;
		const text = JSON.stringify({
			json: outcome.json,
			error: error ? { message: error.message, description: error.description, context: error.context, stack: error.stack } : undefined,
		});
		return { text, failed: error !== undefined, emitted: outcome.json.length };
	} finally {
		clearFaults(ctx.server);
	}
}

/** A service's other ways out, as `otherExits` runs them. */
export interface OtherExits {
	/** Seeds a table whose data holds the secret; the parameters of every run that names it. */
	holding(): Record<string, unknown>;
	/** A read whose answer holds the secret, and the text its cleaned output shows instead. */
	read: { resource: string; operation: string; params?: Record<string, unknown>; shows: string };
	/** The operation run as an AI agent's tool, and the text its cleaned answer shows. */
	tool: { resource: string; operation: string; params?: Record<string, unknown>; shows: string };
	/** The trigger; what it emits shows `read.shows` instead of the secret. */
	trigger: { node: INodeType; params: Record<string, unknown> };
}

/**
 * The ways out beside an operation's run: a successful answer that holds the secret as data,
 * the node as an AI agent's tool, and the trigger's polls (scheduled and "Fetch Test Event"),
 * each in every mode. `suite` and `exits` are read when the tests run (after `beforeAll`).
 */
export function otherExits(suite: () => SuiteContext, exits: () => OtherExits): void {
	describe('the other ways out', () => {
		test('a successful answer that holds the secret leaves with it removed', async () => {
			const ctx = suite();
			const { holding, read } = exits();
			const params = { ...holding(), ...read.params };
			const result = await runMode(ctx, { resource: read.resource, operation: read.operation, prepare: () => ({ params }) }, 'success');
			expect(failed(result)).toBe(false);
			expect(result.json).toHaveLength(1);
			expect(leaked(visible(result), ctx.marker)).toBeUndefined();
			expect(JSON.stringify(result.json)).toContain(read.shows);
		});

		test.each(MODES)('as an AI agent tool, %s: the answer holds no secret', async (mode) => {
			const ctx = suite();
			const { holding, tool } = exits();
			const params = { ...holding(), ...tool.params };
			const result = await runAsTool(ctx, { resource: tool.resource, operation: tool.operation, prepare: () => ({ params }) }, mode);
			expect(leaked(visible(result), ctx.marker)).toBeUndefined();
			expect(failed(result)).toBe(mode !== 'success');
			if (mode === 'success') expect(JSON.stringify(result.json)).toContain(tool.shows);
		});

		test.each(MODES)('the trigger, %s: neither what it emits nor its error holds the secret', async (mode) => {
			const ctx = suite();
			const { holding, trigger, read } = exits();
			const params = { ...holding(), ...trigger.params, options: { includeExisting: true } };
			for (const pollMode of ['trigger', 'manual'] as const) {
				const shown = await pollShown(ctx, trigger.node, params, mode, pollMode);
				expect(leaked(shown.text, ctx.marker)).toBeUndefined();
				expect(shown.failed).toBe(mode !== 'success');
				if (mode === 'success') expect(shown.emitted).toBe(1);
				if (mode === 'success') expect(shown.text).toContain(read.shows);
			}
		});
	});
}
