import { ClayApi } from '../../credentials/ClayApi.credentials';
import { Clay } from '../../nodes/Clay/Clay.node';
import { startClaySandbox } from '../../sandbox/clay';
import type { ClaySandbox, ClaySandboxOptions, ClayTable } from '../../sandbox/clay';
import { Harness } from '../harness/n8n';
import type { ExecuteOptions } from '../harness/n8n';

export interface ClayFixture {
	sandbox: ClaySandbox;
	harness: Harness;
	run(parameters: ExecuteOptions['parameters'], items?: ExecuteOptions['items'], continueOnFail?: boolean): ReturnType<Harness['execute']>;
	/** Points the credential at the sandbox again, with the session as given (default: the bare value). */
	resetCredential(sessionToken?: string): void;
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const byUrl = (value: string) => ({ __rl: true, mode: 'url', value });
export const emptyLocator = { __rl: true, mode: 'list', value: '' };
export const autoMap = { mappingMode: 'autoMapInputData', value: null };

/** A sandbox plus a harness whose Clay credential points at it. */
export async function clayFixture(options: ClaySandboxOptions = {}): Promise<ClayFixture> {
	const sandbox = await startClaySandbox({ updateDelayMs: 30, runStartMs: 20, runDurationMs: 80, ...options });
	const harness = new Harness({ nodes: [new Clay()], credentials: [new ClayApi()], data: {} });
	const resetCredential = (sessionToken = sandbox.session) => {
		harness.credentials.clayApi = { sessionToken, baseUrl: sandbox.url };
	};
	resetCredential();
	return {
		sandbox,
		harness,
		resetCredential,
		run: async (parameters, items, continueOnFail) => await harness.execute({ node: 'clay', parameters, items, continueOnFail }),
	};
}

/** A table like the ones in the Clay app: inputs, an enrichment column, a formula. */
export function leadsTable(sandbox: ClaySandbox, records: Array<Record<string, unknown>> = []): ClayTable {
	return sandbox.seedTable({
		name: 'Leads',
		fields: [
			{ name: 'Name' },
			{ name: 'Email', type: 'email' },
			{ name: 'Domain', type: 'url' },
			{ name: 'Score', type: 'number' },
			{ name: 'Company Domain', type: 'action' },
			{ name: 'Headcount', type: 'action' },
		],
		records,
	});
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

/** A Clay app URL of a table (and view). */
export function appUrl(sandbox: ClaySandbox, table: ClayTable, viewId?: string): string {
	return `https://app.clay.com/workspaces/${sandbox.workspaceId}/workbooks/${table.workbookId}/tables/${table.id}${viewId ? `/views/${viewId}` : ''}`;
}
