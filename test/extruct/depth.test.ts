/**
 * How deep the bulk writes are: the package's own calls between an operation's `execute` and
 * n8n's HTTP helper, read from the stack at the moment the helper asks the credential to
 * authenticate a request (V8's async stack traces follow every `await`).
 */
import { byId, extructFixture } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());

/** The package's frames of each authenticated request, outermost (`execute`) first: `file function`. */
async function packageFrames(run: () => Promise<unknown>): Promise<string[][]> {
	const helper = fx.harness.credentialsHelper;
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

describe.each([
	['add', { columns: { mappingMode: 'autoMapInputData', value: null } }, 'POST'],
	['update', { rowId: '={{ $json.id }}', columns: { mappingMode: 'autoMapInputData', value: null } }, 'PATCH'],
	['delete', { rowId: '={{ $json.id }}' }, 'DELETE'],
])('Extruct Row → %s', (operation, parameters, method) => {
	test('reaches the HTTP helper in at most 8 calls through at most 4 files', async () => {
		const table = fx.sandbox.seedTable({ name: 'Depth', kind: 'company', rows: [{ input: 'https://a.example' }, { input: 'https://b.example' }] });
		const rows = [...table.rows];
		fx.sandbox.server.clearLog();
		const stacks = await packageFrames(async () => {
			const result = await fx.run({ resource: 'row', operation, table: byId(table.id), ...parameters }, rows.map((row) => ({ id: row.id, input: 'https://c.example' })));
			expect(result.error).toBeUndefined();
		});
		// the one batch of two rows: the stack that passed through the batched writer
		expect(fx.sandbox.server.log.filter((request) => request.method === method)).toHaveLength(1);
		const writes = stacks.filter((frames) => frames.some((frame) => frame.endsWith(' writeByTable')));
		expect(writes).toHaveLength(1);
		// from the operation's execute on (n8n calls the node's execute, which routes to it)
		const frames = writes[0].slice(writes[0].findIndex((frame) => frame.startsWith(`nodes/Extruct/actions/row/${operation}.ts `)));
		expect(frames[0]).toMatch(/\.execute$/);
		expect(frames.length).toBeLessThanOrEqual(8);
		expect(new Set(frames.map((frame) => frame.split(' ')[0])).size).toBeLessThanOrEqual(4);
		// the figure for the record, as `npx jest test/extruct/depth` prints it
		process.stdout.write(`Row → ${operation}: ${frames.length} calls through ${new Set(frames.map((f) => f.split(' ')[0])).size} files: ${frames.join(' → ')}\n`);
	});
});
