import { ClayApi } from '../../credentials/ClayApi.credentials';
import { ClayApiKeyApi } from '../../credentials/ClayApiKeyApi.credentials';
import { Clay } from '../../nodes/Clay/Clay.node';
import { describeProfile, ID_BEHAVIOURS, resolveProfile, SHAPES, startClaySandbox } from '../../sandbox/clay';
import type { ClayProfileOptions, ClaySandbox, ClaySandboxOptions, ClayTable } from '../../sandbox/clay';
import { Harness } from '../harness/n8n';
import type { ExecuteOptions } from '../harness/n8n';

export interface ClayFixture {
	sandbox: ClaySandbox;
	harness: Harness;
	run(parameters: ExecuteOptions['parameters'], items?: ExecuteOptions['items'], continueOnFail?: boolean): ReturnType<Harness['execute']>;
	/** Points the session credential at the sandbox again, with the session as given (default: the bare value). */
	resetCredential(sessionToken?: string): void;
	/** Points the API-key credential at the sandbox again, with the key as given (default: the sandbox's). */
	resetKey(apiKey?: string): void;
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const byUrl = (value: string) => ({ __rl: true, mode: 'url', value });
export const emptyLocator = { __rl: true, mode: 'list', value: '' };
export const autoMap = { mappingMode: 'autoMapInputData', value: null };

/**
 * Every profile the Clay suites run under: the seed's and the live shapes, each with the three
 * things Clay may do with a sent record id. `CLAY_PROFILES=live/assign,seed/honour` runs some.
 */
export function profiles(): ClayProfileOptions[] {
	const all = SHAPES.flatMap((shapes) => ID_BEHAVIOURS.map((ids): ClayProfileOptions => ({ shapes, ids })));
	const only = process.env.CLAY_PROFILES?.split(',').map((entry) => entry.trim()).filter(Boolean);
	return only?.length ? all.filter((profile) => only.includes(`${profile.shapes}/${profile.ids}`)) : all;
}

/** `describe.each` over `profiles()` (of one shape, when given), the profile's name as the title. */
export function eachProfile(body: (profile: ClayProfileOptions) => void, shapes?: ClayProfileOptions['shapes']): void {
	const chosen = profiles().filter((profile) => !shapes || profile.shapes === shapes);
	if (!chosen.length) return test.skip(`no Clay profile of the ${shapes} shapes chosen (CLAY_PROFILES)`, () => undefined);
	describe.each(chosen.map((profile) => [describeProfile(resolveProfile(profile)), profile] as const))('Clay sandbox: %s', (_name, profile) => body(profile));
}

/** A sandbox plus a harness whose Clay credentials (both kinds) point at it. */
export async function clayFixture(options: ClaySandboxOptions = {}): Promise<ClayFixture> {
	const sandbox = await startClaySandbox({ updateDelayMs: 30, runStartMs: 20, runDurationMs: 80, ...options });
	const harness = new Harness({ nodes: [new Clay()], credentials: [new ClayApi(), new ClayApiKeyApi()], data: {} });
	const resetCredential = (sessionToken = sandbox.session) => {
		harness.credentials.clayApi = { sessionToken, baseUrl: sandbox.url };
	};
	const resetKey = (apiKey = sandbox.apiKey) => {
		harness.credentials.clayApiKeyApi = { apiKey, baseUrl: sandbox.url };
	};
	resetCredential();
	resetKey();
	return {
		sandbox,
		harness,
		resetCredential,
		resetKey,
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

/**
 * What an enrichment cell of the sandbox outputs (Simplify on) once it found `input`'s result:
 * live, its structured result (`externalContent.fullValue`); seed, the plain value.
 */
export function enriched(sandbox: ClaySandbox, input: string): unknown {
	const answer = `enriched:${input}`;
	return sandbox.profile.shapes === 'live' ? { answer, source: 'sandbox' } : answer;
}

/** The records a table holds, by Name (the sandbox's own state). */
export function namesIn(sandbox: ClaySandbox, table: ClayTable): unknown[] {
	const name = sandbox.fieldId(table.id, 'Name');
	return [...table.records.values()].map((record) => record.cells[name]?.value);
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
