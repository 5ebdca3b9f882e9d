/** How deep Extruct's bulk writes are: calls and files from an operation's `execute` to n8n's HTTP helper (test/harness/depth.ts). */
import { batchedWrite, packageFrames } from '../harness/depth';
import { byId, extructFixture } from './setup';
import type { ExtructFixture } from './setup';

let fx: ExtructFixture;
beforeAll(async () => (fx = await extructFixture()));
afterAll(async () => await fx.sandbox.close());

describe.each([
	['add', { columns: { mappingMode: 'autoMapInputData', value: null } }, 'POST'],
	['update', { rowId: '={{ $json.id }}', columns: { mappingMode: 'autoMapInputData', value: null } }, 'PATCH'],
	['delete', { rowId: '={{ $json.id }}' }, 'DELETE'],
])('Extruct Row → %s', (operation, parameters, method) => {
	test('reaches the HTTP helper in at most 8 calls through at most 4 files', async () => {
		const table = fx.sandbox.seedTable({ name: 'Depth', kind: 'company', rows: [{ input: 'https://a.example' }, { input: 'https://b.example' }] });
		const rows = [...table.rows];
		fx.sandbox.server.clearLog();
		const stacks = await packageFrames(fx.harness, async () => {
			const result = await fx.run({ resource: 'row', operation, table: byId(table.id), ...parameters }, rows.map((row) => ({ id: row.id, input: 'https://c.example' })));
			expect(result.error).toBeUndefined();
		});
		// the one batch of two rows
		expect(fx.sandbox.server.log.filter((request) => request.method === method)).toHaveLength(1);
		const { frames, files, line, above } = batchedWrite(stacks, `nodes/Extruct/actions/row/${operation}.ts`);
		expect(frames[0]).toMatch(/\.execute$/);
		expect(frames.length).toBeLessThanOrEqual(8);
		expect(files).toBeLessThanOrEqual(4);
		// above the operation: the node routes to it, inside the one way out of the package
		expect(above).toEqual([
			'nodes/Extruct/Extruct.node.ts ExecuteContext.execute',
			'nodes/shared/router.ts ExecuteContext.route',
			'nodes/shared/secrets.ts leavingNode',
			'nodes/shared/execute.ts ExecuteContext.runOperation',
		]);
		// the figures for the record, as `npx jest test/extruct/depth` prints them
		process.stdout.write(`Extruct Row → ${operation}: ${line}\n`);
		process.stdout.write(`Extruct Row → ${operation}, from the node's execute: ${[...above, ...frames].join(' → ')}\n`);
	});
});
