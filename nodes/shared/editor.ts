/**
 * The editor's look-ups (list search, load options, resource mapping) as a node offers them:
 * each runs inside `leavingNode`, so that what it answers or throws holds no secret of the
 * credential, and a failure reaches the editor as an n8n error.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import type { ServiceDefinition } from './request';
import { leavingNode } from './secrets';

// a look-up's own arguments (filter, pagination token) pass through as they are
type LookUp = (this: ILoadOptionsFunctions, ...args: never[]) => Promise<unknown>;
type LookUps = Record<string, Record<string, LookUp>>;

/** `groups` (e.g. `{ listSearch, loadOptions }`) with every look-up leaving through `leavingNode`. */
export function editorMethods<T extends LookUps>(service: ServiceDefinition | ((ctx: ILoadOptionsFunctions) => ServiceDefinition), groups: T): T {
	const wrapped: LookUps = {};
	for (const [group, lookUps] of Object.entries(groups)) {
		wrapped[group] = {};
		for (const [name, lookUp] of Object.entries(lookUps)) {
			wrapped[group][name] = async function (this: ILoadOptionsFunctions, ...args: never[]) {
				const definition = typeof service === 'function' ? service(this) : service;
				return await leavingNode(this, definition, async () => await lookUp.apply(this, args));
			};
		}
	}
	return wrapped as T;
}

/** The ID in the node's Table parameter; the error asking for one when it is empty. */
export function chosenTableId(ctx: ILoadOptionsFunctions): string {
	const id = String(ctx.getNodeParameter('table', undefined, { extractValue: true }) ?? '').trim();
	if (!id) throw new NodeOperationError(ctx.getNode(), 'Choose a table first');
	return id;
}
