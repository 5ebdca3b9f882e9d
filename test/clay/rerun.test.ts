/**
 * Run → Wait when Clay runs cells that already show a finished run: "Run Cells That Already Have
 * a Result", or failed cells run again. Until Clay queues them such cells still show the previous
 * run's status and value (the sandbox's `queueLagMs`); the node must never output that previous
 * result as the new one.
 */
import { byId, clayFixture, eachProfile, enriched, leadsTable } from './setup';
import type { ClayFixture } from './setup';

const run = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'enrichment',
	operation: 'run',
	table: byId(tableId),
	fieldIds: ['Headcount'],
	recordId: '={{ $json.id }}',
	options: { firstInterval: 0.05, timeout: 30 },
	...extra,
});

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ ...profile, runStartMs: 30, runDurationMs: 60, queueLagMs: 700 })));
	afterAll(async () => await fx.sandbox.close());

	/** Renames a record in the sandbox, so that its next enrichment result differs from the last. */
	const rename = (tableId: string, recordId: string, name: string) => {
		fx.sandbox.tables.get(tableId)!.records.get(recordId)!.cells[fx.sandbox.fieldId(tableId, 'Name')] = { value: name };
	};

	describe('Clay Enrichment → Run, Wait for Completion, cells that show a previous run', () => {
		test('Run Cells That Already Have a Result: the output is the new run\'s result, not the one the cell showed before Clay queued it', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'first' }]);
			const [id] = [...table.records.keys()];
			const one = await fx.run(run(table.id), [{ id }]);
			expect(one.json[0].Headcount).toEqual(enriched(fx.sandbox, 'first'));
			rename(table.id, id, 'second');
			const forced = await fx.run(run(table.id, { forceRun: true }), [{ id }]);
			expect(forced.error).toBeUndefined();
			expect(forced.json[0]).toMatchObject({ Name: 'second', Headcount: enriched(fx.sandbox, 'second') });
		});

		test('failed cells run again without forcing: the output is the new result, not the old error', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'will fail' }]);
			const [id] = [...table.records.keys()];
			const one = await fx.run(run(table.id), [{ id }]);
			expect(one.json[0]._errors).toEqual({ Headcount: 'ERROR_BAD_REQUEST' });
			rename(table.id, id, 'fixed');
			const again = await fx.run(run(table.id), [{ id }]);
			expect(again.error).toBeUndefined();
			expect(again.json[0]).toMatchObject({ Name: 'fixed', Headcount: enriched(fx.sandbox, 'fixed') });
			expect(again.json[0]).not.toHaveProperty('_errors');
		});

		test('a cell with a result that an unforced run skips is output at once, as it is', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'kept' }]);
			const [id] = [...table.records.keys()];
			await fx.run(run(table.id), [{ id }]);
			fx.sandbox.server.clearLog();
			const started = Date.now();
			const again = await fx.run(run(table.id), [{ id }]);
			expect(again.json[0]).toMatchObject({ Headcount: enriched(fx.sandbox, 'kept') });
			expect(Date.now() - started).toBeLessThan(5000);
		});
	});
});
