/** How deep Clay's bulk writes are: calls and files from an operation's `execute` to n8n's HTTP helper (test/harness/depth.ts). */
import { batchedWrite, packageFrames } from '../harness/depth';
import { autoMap, byId, clayFixture, leadsTable } from './setup';
import type { ClayFixture } from './setup';

let fx: ClayFixture;
beforeAll(async () => (fx = await clayFixture()));
afterAll(async () => await fx.sandbox.close());

describe.each([
	['add', { cells: autoMap }, 'POST', 8, 5],
	['update', { recordId: '={{ $json.id }}', cells: autoMap }, 'PATCH', 8, 4],
	['delete', { recordIds: '={{ $json.id }}' }, 'DELETE', 8, 4],
])('Clay Record → %s', (operation, parameters, method, calls, files) => {
	test(`reaches the HTTP helper in at most ${calls} calls through at most ${files} files`, async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
		const ids = [...table.records.keys()];
		fx.sandbox.server.clearLog();
		const stacks = await packageFrames(fx.harness, async () => {
			const result = await fx.run({ resource: 'record', operation, table: byId(table.id), ...parameters }, ids.map((id) => ({ id, Name: 'c' })));
			expect(result.error).toBeUndefined();
		});
		// the one batch of two records
		expect(fx.sandbox.server.log.filter((request) => request.method === method && /\/records/.test(request.path))).toHaveLength(1);
		const write = batchedWrite(stacks, `nodes/Clay/actions/record/${operation}.ts`);
		// the figure for the record, as `npx jest test/clay/depth` prints it
		process.stdout.write(`Clay Record → ${operation}: ${write.line}\n`);
		expect(write.frames[0]).toMatch(/\.execute$/);
		expect(write.frames.length).toBeLessThanOrEqual(calls);
		expect(write.files).toBeLessThanOrEqual(files);
	});
});
