/** How deep JustPaid's row writes are: calls and files from an operation's `execute` to n8n's HTTP helper (test/harness/depth.ts). */
import { packageFrames, writeThrough } from '../harness/depth';
import { autoMap, byId, columnsOf, justPaidFixture, resetFixture } from './setup';
import type { JustPaidFixture } from './setup';

let fx: JustPaidFixture;
beforeAll(async () => (fx = await justPaidFixture()));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => resetFixture(fx));

const columns = columnsOf([{ id: 'name', name: 'Name', type: 'text' }]);

describe.each([
	['create', {}, 'POST', 'createRow', 8, 5],
	['update', { rowId: '={{ $json.id }}' }, 'PATCH', 'replaceRow', 8, 5],
	['delete', { rowId: '={{ $json.id }}' }, 'DELETE', 'deleteRow', 8, 5],
])('JustPaid Row → %s', (operation, parameters, method, apiCall, calls, files) => {
	test(`reaches the HTTP helper in at most ${calls} calls through at most ${files} files`, async () => {
		const table = fx.sandbox.seedTable({ name: 'Depth', columns, rows: [{ name: 'a' }] });
		const [row] = fx.sandbox.sortedRows(table.id);
		const stacks = await packageFrames(fx.harness, async () => {
			const result = await fx.run({ resource: 'row', operation, table: byId(table.id), columns: autoMap(), ...parameters }, [{ id: row.id, name: 'b' }]);
			expect(result.error).toBeUndefined();
		});
		// the one write
		expect(fx.sandbox.server.log.filter((request) => request.method === method)).toHaveLength(1);
		const write = writeThrough(stacks, `nodes/JustPaid/actions/row/${operation}.ts`, apiCall);
		// the figure for the record, as `npx jest test/justpaid/depth` prints it
		process.stdout.write(`JustPaid Row → ${operation}: ${write.line}\n`);
		expect(write.frames[0]).toMatch(/\.execute$/);
		expect(write.frames.length).toBeLessThanOrEqual(calls);
		expect(write.files).toBeLessThanOrEqual(files);
	});
});
