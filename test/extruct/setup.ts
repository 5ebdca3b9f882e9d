import { ExtructApi } from '../../credentials/ExtructApi.credentials';
import { Extruct } from '../../nodes/Extruct/Extruct.node';
import { startExtructSandbox } from '../../sandbox/extruct';
import type { ExtructSandbox, ExtructSandboxOptions } from '../../sandbox/extruct';
import { Harness } from '../harness/n8n';
import type { ExecuteOptions } from '../harness/n8n';

export interface ExtructFixture {
	sandbox: ExtructSandbox;
	harness: Harness;
	run(parameters: ExecuteOptions['parameters'], items?: ExecuteOptions['items'], continueOnFail?: boolean): ReturnType<Harness['execute']>;
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** A sandbox plus a harness whose Extruct credential points at it. */
export async function extructFixture(options: ExtructSandboxOptions = {}): Promise<ExtructFixture> {
	const sandbox = await startExtructSandbox({ cellStartMs: 5, cellDurationMs: 30, ...options });
	const harness = new Harness({
		nodes: [new Extruct()],
		credentials: [new ExtructApi()],
		data: { extructApi: { apiToken: sandbox.token, baseUrl: sandbox.url } },
	});
	return {
		sandbox,
		harness,
		run: async (parameters, items, continueOnFail) => await harness.execute({ node: 'extruct', parameters, items, continueOnFail }),
	};
}

/** Everything a user or a log could see of an execution, as one string. */
export function visible(result: Awaited<ReturnType<Harness['execute']>>): string {
	const error = result.error as (Error & { description?: string; context?: unknown }) | undefined;
	return JSON.stringify({
		json: result.json,
		error: error ? { message: error.message, description: error.description, context: error.context } : undefined,
		run: result.run.data.resultData,
	});
}
