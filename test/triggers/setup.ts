/** Fixtures of the trigger tests: a sandbox, a harness with the trigger node, poll runners. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ClayApi } from '../../credentials/ClayApi.credentials';
import { ClayApiKeyApi } from '../../credentials/ClayApiKeyApi.credentials';
import { ExtructApi } from '../../credentials/ExtructApi.credentials';
import { JustPaidApi } from '../../credentials/JustPaidApi.credentials';
import { ClayTrigger } from '../../nodes/Clay/ClayTrigger.node';
import { ExtructTrigger } from '../../nodes/Extruct/ExtructTrigger.node';
import { JustPaidTrigger } from '../../nodes/JustPaid/JustPaidTrigger.node';
import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox, ClaySandboxOptions } from '../../sandbox/clay';
import { startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructSandbox, ExtructSandboxOptions } from '../../sandbox/extruct';
import type { Middleware, SandboxRequest, SandboxServer } from '../../sandbox/framework';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidSandbox, JustPaidSandboxOptions } from '../../sandbox/justpaid';
import { Harness } from '../harness/n8n';
import { PollRunner } from '../harness/poll';

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

export interface TriggerFixture<S> {
	sandbox: S;
	harness: Harness;
	/** A poll runner of the trigger with these parameters (its own static data). */
	runner(parameters: INodeParameters): PollRunner;
}

export async function extructTriggerFixture(options: ExtructSandboxOptions = {}): Promise<TriggerFixture<ExtructSandbox>> {
	const sandbox = await startExtructSandbox({ cellStartMs: 5, cellDurationMs: 30, ...options });
	const harness = new Harness({
		nodes: [new ExtructTrigger()],
		credentials: [new ExtructApi()],
		data: { extructApi: { apiToken: sandbox.token, baseUrl: sandbox.url } },
	});
	return { sandbox, harness, runner: (parameters) => new PollRunner(harness, 'extructTrigger', parameters) };
}

export async function justPaidTriggerFixture(options: JustPaidSandboxOptions = {}): Promise<TriggerFixture<JustPaidSandbox>> {
	const windowMs = options.windowMs ?? 1000;
	const sandbox = await startJustPaidSandbox({ tieBreak: 'insertion', ...options, windowMs });
	const harness = new Harness({
		nodes: [new JustPaidTrigger()],
		credentials: [new JustPaidApi()],
		data: { justPaidApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url, rateWindowSeconds: windowMs / 1000 } },
	});
	return { sandbox, harness, runner: (parameters) => new PollRunner(harness, 'justPaidTrigger', parameters) };
}

export async function clayTriggerFixture(options: ClaySandboxOptions = {}): Promise<TriggerFixture<ClaySandbox>> {
	const sandbox = await startClaySandbox({ updateDelayMs: 10, runStartMs: 5, runDurationMs: 30, ...options });
	const harness = new Harness({
		nodes: [new ClayTrigger()],
		credentials: [new ClayApi(), new ClayApiKeyApi()],
		data: { clayApi: { sessionToken: sandbox.session, baseUrl: sandbox.url }, clayApiKeyApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } },
	});
	return { sandbox, harness, runner: (parameters) => new PollRunner(harness, 'clayTrigger', parameters) };
}

/** The trigger's saved state (white box: its watermark), for assertions. */
export function savedState(runner: PollRunner): IDataObject | undefined {
	return (runner.nodeState?.pollState as IDataObject | undefined)?.state as IDataObject | undefined;
}

/**
 * Runs `mutate` on some requests the trigger makes (e.g. between two pages of a read): the
 * service changes while a poll reads it. Returns a function that stops it. The sandbox
 * framework's middlewares run in order; this one runs after authentication.
 */
export function duringRequests(
	server: SandboxServer,
	when: (method: string, path: string) => boolean,
	mutate: (req: SandboxRequest) => void,
): () => void {
	let active = true;
	const middleware: Middleware = (req) => {
		if (active && when(req.method, req.path)) mutate(req);
		return undefined;
	};
	server.use(middleware);
	return () => {
		active = false;
	};
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts how often each value occurs. */
export function counts(values: string[]): Map<string, number> {
	const out = new Map<string, number>();
	for (const value of values) out.set(value, (out.get(value) ?? 0) + 1);
	return out;
}
