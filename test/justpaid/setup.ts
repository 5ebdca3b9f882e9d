import { JustPaidApi } from '../../credentials/JustPaidApi.credentials';
import { JustPaid } from '../../nodes/JustPaid/JustPaid.node';
import { startJustPaidSandbox } from '../../sandbox/justpaid';
import type { JustPaidColumn, JustPaidSandbox, JustPaidSandboxOptions } from '../../sandbox/justpaid';
import { Harness } from '../harness/n8n';
import type { INodeParameters } from 'n8n-workflow';

export interface JustPaidFixture {
	sandbox: JustPaidSandbox;
	harness: Harness;
	/** The credential data pointing at the sandbox (its rate window scaled like the sandbox's). */
	credential: { apiKey: string; baseUrl: string; rateWindowSeconds: number };
	/** Runs Source → JustPaid with these parameters (plain objects, as a workflow file holds them). */
	run(parameters: Record<string, unknown>, items?: Array<Record<string, unknown>>, continueOnFail?: boolean): ReturnType<Harness['execute']>;
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/**
 * A sandbox plus a harness whose JustPaid credential points at it. The sandbox's rate
 * windows are scaled down (default 1 s instead of a minute) and the credential's Rate Window
 * says the same, so the node paces to the scaled window.
 */
export async function justPaidFixture(options: JustPaidSandboxOptions = {}): Promise<JustPaidFixture> {
	const windowMs = options.windowMs ?? 1000;
	const sandbox = await startJustPaidSandbox({ tieBreak: 'insertion', ...options, windowMs });
	const credential = { apiKey: sandbox.apiKey, baseUrl: sandbox.url, rateWindowSeconds: windowMs / 1000 };
	const harness = new Harness({
		nodes: [new JustPaid()],
		credentials: [new JustPaidApi()],
		data: { justPaidApi: { ...credential } },
	});
	return {
		sandbox,
		harness,
		credential,
		run: async (parameters, items, continueOnFail) =>
			await harness.execute({ node: 'justPaid', parameters: parameters as INodeParameters, items: items as never, continueOnFail }),
	};
}

/** Resets the rate buckets, the request log and the credential between tests. */
export function resetFixture(fx: JustPaidFixture): void {
	fx.sandbox.server.clearLog();
	fx.sandbox.limiter.read.reset();
	fx.sandbox.limiter.write.reset();
	fx.harness.credentials.justPaidApi = { ...fx.credential };
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

export const mapped = (value: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	mappingMode: 'defineBelow',
	value,
	...extra,
});

export const autoMap = (extra: Record<string, unknown> = {}) => ({ mappingMode: 'autoMapInputData', value: null, ...extra });

/** The stored data of a table's rows, in list order. */
export function storedData(fx: JustPaidFixture, tableId: string): Array<Record<string, unknown>> {
	return fx.sandbox.sortedRows(tableId).map((row) => row.data);
}

/** Column definitions for `seedTable`, written as plain objects. */
export const columnsOf = (columns: Array<Record<string, unknown>>) => columns as Array<Partial<JustPaidColumn>>;
