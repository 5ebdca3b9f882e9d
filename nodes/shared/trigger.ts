/**
 * The runner of polling triggers, written once for every service. A trigger only says how to
 * read its service (a `TriggerSpec`); this file decides what the saved state is and when it
 * may be written.
 *
 * Rules every trigger follows:
 * - The state lives in `getWorkflowStaticData('node')` (n8n saves it with the workflow, so it
 *   survives restarts and is shared by every worker in queue mode). It holds watermarks
 *   (watermark.ts), never the table.
 * - The state is written once, at the end of a poll that succeeded. A poll that throws
 *   (auth, 5xx after retries) leaves it untouched, so no row is skipped.
 * - Manual mode ("Fetch Test Event") reads a sample and never touches the state.
 * - A change of what the trigger watches (table, event, columns, view) starts over from now.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

import type { ServiceDefinition } from './request';
import { leavingNode } from './secrets';

/** Layout version of the saved state; a state of another version starts over from now. */
const STATE_VERSION = 1;
/** The key of the state inside the node's static data. */
const STATE_KEY = 'pollState';

/** The saved state of a trigger, read from the node's static data (a plain copy), if it belongs to `key`. */
export function loadState<S>(ctx: IPollFunctions, key: string): S | undefined {
	const saved = ctx.getWorkflowStaticData('node')[STATE_KEY] as IDataObject | undefined;
	if (!saved || saved.v !== STATE_VERSION || saved.key !== key || saved.state === undefined) return undefined;
	return JSON.parse(JSON.stringify(saved.state)) as S;
}

/** Writes the state, only when it changed (an unchanged state does not make n8n save the workflow). */
export function saveState<S>(ctx: IPollFunctions, key: string, state: S): void {
	const data = ctx.getWorkflowStaticData('node');
	const next = { v: STATE_VERSION, key, state: JSON.parse(JSON.stringify(state)) as IDataObject };
	const current = data[STATE_KEY];
	if (current !== undefined && JSON.stringify(current) === JSON.stringify(next)) return;
	data[STATE_KEY] = next;
}

export interface PollResult<S> {
	/** Rows to emit, in the order they happened. */
	rows: IDataObject[];
	/** The state after this poll. */
	state: S;
}

export interface TriggerSpec<S> {
	service: ServiceDefinition;
	/** What the state belongs to (table, event, columns, view): a change starts over from now. */
	key: string;
	/** Event name put on every output item (`_event`). */
	event: string;
	/** First activation: the state as of now, without emitting anything. */
	start(): Promise<S>;
	/**
	 * A scheduled poll. `state` undefined: first activation with "Include Existing Rows": emit
	 * every row that qualifies now.
	 */
	poll(state: S | undefined): Promise<PollResult<S>>;
	/** Manual mode: the latest qualifying rows, as a sample. */
	sample(): Promise<IDataObject[]>;
	/** Manual mode found nothing: what to tell the user. */
	noSample: string;
	includeExisting: boolean;
}

/** What a trigger is, beside how it reads its service. */
export type TriggerBase = Pick<TriggerSpec<unknown>, 'service' | 'key' | 'event' | 'noSample' | 'includeExisting'>;

/**
 * Runs one poll of a trigger: manual sample, first activation, or an incremental poll. What it
 * emits or throws leaves through `leavingNode`, without the credential's secrets.
 */
export async function runTrigger<S>(ctx: IPollFunctions, spec: TriggerSpec<S>): Promise<INodeExecutionData[][] | null> {
	const output = (rows: IDataObject[]) => [ctx.helpers.returnJsonArray(rows.map((row) => ({ ...row, _event: spec.event })))];
	return await leavingNode(ctx, spec.service, async () => {
		if (ctx.getMode() === 'manual') {
			const rows = await spec.sample();
			if (!rows.length) throw new NodeOperationError(ctx.getNode(), spec.noSample);
			return output(rows);
		}
		const state = loadState<S>(ctx, spec.key);
		if (state === undefined && !spec.includeExisting) {
			saveState(ctx, spec.key, await spec.start());
			return null;
		}
		const result = await spec.poll(state);
		saveState(ctx, spec.key, result.state);
		return result.rows.length ? output(result.rows) : null;
	});
}

/** A trigger parameter naming a resource locator's value (`table`, `view`), trimmed. */
export function locatorValue(ctx: IPollFunctions, name: string): string {
	const value = ctx.getNodeParameter(name, '', { extractValue: true }) as unknown;
	if (value !== null && typeof value === 'object') return String((value as { value?: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}

/** "Include Existing Rows" (Records, for Clay) and "Simplify" of the trigger's Options. */
export function triggerOptions(ctx: IPollFunctions): { includeExisting: boolean; simplify: boolean } {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return { includeExisting: options.includeExisting === true, simplify: options.simplify !== false };
}

/** The trigger's Options: the ones every trigger offers (see `triggerOptions`), then `more`. */
export function triggerOptionsProperty(rows: string, more: INodeProperties[] = []): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [...triggerOptionProperties(rows), ...more] };
}

function triggerOptionProperties(rows: string): INodeProperties[] {
	return [
		{
			displayName: `Include Existing ${rows.charAt(0).toUpperCase()}${rows.slice(1)}`,
			name: 'includeExisting',
			type: 'boolean',
			default: false,
			description: `Whether the first poll after activation emits the ${rows} that are already there. Off: only what happens after activation.`,
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: `Whether to output the ${rows} as Get Many with Simplify does, instead of the raw shape`,
		},
	];
}
