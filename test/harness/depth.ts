/**
 * How deep a node's requests are: the package's own calls between an operation's `execute` and
 * n8n's HTTP helper, read from the stack at the moment the helper asks the credential to
 * authenticate a request (V8's async stack traces follow every `await`).
 */
import type { Harness } from './n8n';

/** The package's frames of each authenticated request made while `run` runs, outermost first: `file function`. */
export async function packageFrames(harness: Harness, run: () => Promise<unknown>): Promise<string[][]> {
	const helper = harness.credentialsHelper;
	const authenticate = helper.authenticate;
	const limit = Error.stackTraceLimit;
	const stacks: string[] = [];
	Error.stackTraceLimit = 100;
	helper.authenticate = async function (this: typeof helper, ...args: Parameters<typeof authenticate>) {
		stacks.push(new Error().stack ?? '');
		return await authenticate.apply(this, args);
	};
	try {
		await run();
	} finally {
		helper.authenticate = authenticate;
		Error.stackTraceLimit = limit;
	}
	return stacks.map((stack) =>
		stack
			.split('\n')
			.map((line) => /at (?:async )?(\S+) \(.*\/(nodes\/[^:]+):\d+:\d+\)/.exec(line))
			.filter((match): match is RegExpExecArray => match !== null)
			.map((match) => `${match[2]} ${match[1]}`)
			.reverse(),
	);
}

/**
 * The one stack that passed through `marker` (a function or method of the package, named without
 * its class, e.g. the batched writer `writeByTable`), from the operation's `execute` on (n8n calls the node's `execute`,
 * which routes to it), and its figures for the record.
 */
export function writeThrough(stacks: string[][], operationFile: string, marker: string): { frames: string[]; files: number; line: string; above: string[] } {
	const writes = stacks.filter((frames) => frames.some((frame) => frame.split(' ')[1].split('.').pop() === marker));
	if (writes.length !== 1) throw new Error(`expected one request through ${marker}, saw ${writes.length}`);
	const start = writes[0].findIndex((frame) => frame.startsWith(`${operationFile} `));
	if (start < 0) throw new Error(`the request through ${marker} did not come from ${operationFile}`);
	const frames = writes[0].slice(start);
	const files = new Set(frames.map((frame) => frame.split(' ')[0])).size;
	// `above`: the node's `execute` down to the operation's (the router and the way out of the package)
	return { frames, files, line: `${frames.length} calls through ${files} files: ${frames.join(' → ')}`, above: writes[0].slice(0, start) };
}

/** The one stack that passed through the batched writer (`writeByTable`). */
export const batchedWrite = (stacks: string[][], operationFile: string) => writeThrough(stacks, operationFile, 'writeByTable');
