/**
 * The bad-input / bad-response corpus: each case runs one operation over a few items, one of
 * which is bad (or gets a bad answer), with Continue On Fail on. Every case must end with:
 * - one output per input item, paired to it, and no execution-level failure;
 * - exactly one error item for each bad item, whose message names the item and says what is
 *   wrong in words (no "undefined", "[object Object]", JavaScript error names or raw network codes);
 * - the other items succeeding.
 * Without Continue On Fail, the same bad item stops the run with the same clear message.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ExecuteResult } from '../harness/n8n';

export interface Prepared {
	params: Record<string, unknown>;
	items: IDataObject[];
}

export interface CorpusCase<F> {
	/** "Row → Add: malformed Metadata JSON". */
	name: string;
	/** Prepares the sandbox (tables, injected faults); returns the node parameters and the input items. */
	setup(fx: F): Prepared | Promise<Prepared>;
	/** Indexes of the items that must fail. */
	bad: number[];
	/** What their message must say (after "Item N: "). */
	message: RegExp;
	/** More checks (e.g. the good rows were stored once). */
	after?(result: ExecuteResult, fx: F): void;
	/** Whether a strict run (Continue On Fail off) is also checked (default true). */
	strict?: boolean;
}

/** Words that betray an error nobody wrote for a user. */
const UNCLEAR = /undefined|\[object Object\]|Cannot read|is not a function|TypeError|SyntaxError|ReferenceError|\bE[A-Z]{4,}\b|NaN/;

export function outputsByItem(items: INodeExecutionData[]): Map<number, INodeExecutionData[]> {
	const by = new Map<number, INodeExecutionData[]>();
	for (const item of items) {
		const index = (item.pairedItem as { item?: number } | undefined)?.item ?? -1;
		by.set(index, [...(by.get(index) ?? []), item]);
	}
	return by;
}

export function expectClear(result: ExecuteResult, count: number, bad: number[], message: RegExp): void {
	expect(result.error).toBeUndefined();
	const by = outputsByItem(result.items);
	expect([...by.keys()].every((index) => index >= 0 && index < count)).toBe(true);
	for (let i = 0; i < count; i++) {
		const outputs = by.get(i) ?? [];
		if (bad.includes(i)) {
			expect(outputs).toHaveLength(1);
			const json = outputs[0].json;
			expect(typeof json.error).toBe('string');
			const text = json.error as string;
			expect(text).toMatch(new RegExp(`^Item ${i}: `));
			expect(text.replace(/^Item \d+: /, '')).toMatch(message);
			expect(text).not.toMatch(UNCLEAR);
			if (json.description !== undefined) expect(typeof json.description).toBe('string');
		} else {
			expect(outputs.length).toBeGreaterThanOrEqual(1);
			expect(outputs.filter((output) => output.json.error !== undefined)).toEqual([]);
		}
	}
}

export function expectStrict(result: ExecuteResult, bad: number[], message: RegExp): void {
	if (!bad.length) {
		expect(result.error).toBeUndefined();
		return;
	}
	const text = result.error?.message ?? '';
	expect(text).toMatch(new RegExp(`^Item ${bad[0]}: `));
	expect(text.replace(/^Item \d+: /, '')).toMatch(message);
	expect(text).not.toMatch(UNCLEAR);
}

/** Runs a corpus through jest: one test per case. */
export function runCorpus<F extends { run(parameters: never, items?: never, continueOnFail?: boolean): Promise<ExecuteResult> }>(
	title: string,
	fixture: () => F,
	cases: Array<CorpusCase<F>>,
	beforeEachCase: () => void = () => undefined,
): void {
	describe(title, () => {
		test.each(cases.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
			const fx = fixture();
			beforeEachCase();
			const { params, items } = await entry.setup(fx);
			const result = await fx.run(params as never, items as never, true);
			expectClear(result, items.length, entry.bad, entry.message);
			entry.after?.(result, fx);
			if (entry.strict !== false) {
				beforeEachCase();
				const again = await entry.setup(fx);
				const strict = await fx.run(again.params as never, again.items as never, false);
				expectStrict(strict, entry.bad, entry.message);
			}
		});
	});
}
