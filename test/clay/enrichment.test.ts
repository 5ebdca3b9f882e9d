import { byId, clayFixture, leadsTable, visible } from './setup';
import type { ClayFixture } from './setup';

let fx: ClayFixture;
beforeAll(async () => (fx = await clayFixture({ runStartMs: 50, runDurationMs: 250 })));
afterAll(async () => await fx.sandbox.close());
beforeEach(() => fx.sandbox.server.clearLog());

const run = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'enrichment',
	operation: 'run',
	table: byId(tableId),
	options: { firstInterval: 0.1 },
	...extra,
});

describe('Clay Enrichment → Run', () => {
	test('records from input items, Wait for Completion: enriched values; an ERROR_ cell is reported on its record', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'Acme' }, { Name: 'Globex' }, { Name: 'Will fail' }]);
		const ids = [...table.records.keys()];
		const result = await fx.run(run(table.id, { fieldIds: ['Company Domain'], recordId: '={{ $json.id }}' }), ids.map((id) => ({ id })));

		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			expect.objectContaining({ id: ids[0], Name: 'Acme', 'Company Domain': 'enriched:Acme' }),
			expect.objectContaining({ id: ids[1], Name: 'Globex', 'Company Domain': 'enriched:Globex' }),
			expect.objectContaining({ id: ids[2], Name: 'Will fail', 'Company Domain': null, _errors: { 'Company Domain': 'ERROR_BAD_REQUEST' } }),
		]);
		expect(result.json[0]).not.toHaveProperty('_errors');
		expect(result.json[0]).not.toHaveProperty('_status');
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

		// one run for all items, JSON body as public clients send it
		const runs = fx.sandbox.server.requests('PATCH', `/v3/tables/${table.id}/run`);
		expect(runs).toHaveLength(1);
		expect(runs[0].body).toEqual({
			fieldIds: [fx.sandbox.fieldId(table.id, 'Company Domain')],
			runRecords: { recordIds: ids },
			forceRun: false,
			callerName: 'API',
		});
		// waiting re-reads the records in bulk with growing pauses: a handful of checks, not a busy loop
		const checks = fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`);
		expect(checks.length).toBeGreaterThanOrEqual(2);
		expect(checks.length).toBeLessThanOrEqual(8);
	});

	test('none chosen runs every enrichment column; the top N of a view; raw output keeps cell statuses', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }]);
		const ids = [...table.records.keys()];
		const result = await fx.run(run(table.id, { recordsSource: 'top', view: byId(table.views[0].id), numRecords: 2, simplify: false }));
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.id)).toEqual(ids.slice(0, 2));
		const domain = fx.sandbox.fieldId(table.id, 'Company Domain');
		const headcount = fx.sandbox.fieldId(table.id, 'Headcount');
		expect(result.json[0].cells).toMatchObject({ [domain]: { value: 'enriched:a', metadata: { status: 'SUCCESS' } }, [headcount]: { metadata: { status: 'SUCCESS' } } });
		expect(fx.sandbox.server.requests('PATCH')[0].body).toEqual({
			fieldIds: [domain, headcount],
			runRecords: { viewIdTopRecords: { viewId: table.views[0].id, numRecords: 2 } },
			forceRun: false,
			callerName: 'API',
		});
		expect(table.records.get(ids[2])!.cells[domain]).toBeUndefined();
	});

	test('all records of the default view, one output per record on the first item; Run Cells That Already Have a Result', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
		const first = await fx.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'] }), [{}, {}]);
		expect(first.error).toBeUndefined();
		expect(first.json.map((json) => json.Headcount)).toEqual(['enriched:a', 'enriched:b']);
		expect(first.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		const allRows = table.views.find((view) => view.name === 'All rows')!.id;
		expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);
		expect(fx.sandbox.server.requests('PATCH')[0].body).toMatchObject({ runRecords: { viewIdTopRecords: { viewId: allRows } } });

		fx.sandbox.server.clearLog();
		const forced = await fx.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'], forceRun: true, wait: false }));
		expect(forced.json[0]).toMatchObject({ tableId: table.id, recordCount: 2, runId: expect.stringMatching(/^run_/) });
		expect(fx.sandbox.server.requests('PATCH')[0].body).toMatchObject({ forceRun: true });
		expect(fx.sandbox.cellStatus([...table.records.values()][0].cells[fx.sandbox.fieldId(table.id, 'Headcount')])).toBe('QUEUED');
	});

	test('all records of an empty view: no waiting, no output records', async () => {
		const table = leadsTable(fx.sandbox);
		const result = await fx.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'] }));
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([]);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
	});

	test('without waiting, the started run is returned for each item at once', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
		const ids = [...table.records.keys()];
		const result = await fx.run(run(table.id, { fieldIds: [fx.sandbox.fieldId(table.id, 'Headcount')], wait: false }), ids.map((id) => ({ id })));
		expect(result.json).toEqual(
			ids.map((id) => expect.objectContaining({ tableId: table.id, recordId: id, recordCount: 2, fieldIds: [fx.sandbox.fieldId(table.id, 'Headcount')] })),
		);
		expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
	});

	test('an unknown column name is an item error listing the enrichment columns; an unknown record id fails its item', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
		const [id] = [...table.records.keys()];
		const unknown = await fx.run(run(table.id, { fieldIds: '={{ $json.col }}' }), [{ id, col: 'Revenue' }, { id, col: 'headcount' }, { id: 'r_nope', col: 'Headcount' }], true);
		expect(unknown.json[0].error).toBe(`Item 0: \`Revenue\` is not a column of table "Leads" (${table.id}); its enrichment columns are: Company Domain, Headcount`);
		expect(unknown.json[1]).toMatchObject({ id, Headcount: 'enriched:a' });
		expect(unknown.json[2].error).toBe(`Item 2: Record r_nope was not found in table "Leads" (${table.id})`);

		const notRunnable = await fx.run(run(table.id, { fieldIds: ['Name'] }), [{ id }], true);
		expect(notRunnable.json[0].error).toMatch(/^Item 0: Clay rejected the request: Field f_\w+ \("Name"\) is not an enrichment column and cannot be run \(FIELD_NOT_RUNNABLE\)/);

		const plain = fx.sandbox.seedTable({ name: 'Plain', fields: [{ name: 'Name' }] });
		const none = await fx.run(run(plain.id, { recordsSource: 'all' }), [{}], true);
		expect(none.json[0].error).toBe(`Item 0: table "Plain" (${plain.id}) has no enrichment columns to run`);
	});

	test('cells Clay never starts (no run status at all) are reported as NOT_RUN after a grace period, not waited for until the timeout', async () => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
		const [id] = [...table.records.keys()];
		// Clay answers the run but starts nothing (e.g. a run condition excluded the cells)
		fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH', action: { kind: 'status', status: 200, body: { recordCount: 0 } } });
		const result = await fx.run(run(table.id, { fieldIds: ['Headcount'], options: { timeout: 3, firstInterval: 0.2 } }), [{ id }]);
		// no timeout error: the grace period (half the timeout here, at most 30 s) ended the wait
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ id, Name: 'a', _status: { Headcount: 'NOT_RUN' } });
	});

	test('on timeout the node fails saying how many cells finished; the session is not in it', async () => {
		const slow = await clayFixture({ runStartMs: 0, runDurationMs: 60_000 });
		try {
			const table = leadsTable(slow.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
			const result = await slow.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'], options: { timeout: 1, firstInterval: 0.3 } }));
			expect(result.error?.message).toBe(
				`Item 0: The enrichment run on table "Leads" (${table.id}) did not finish within 1 s: 0 of 2 cells finished (0 succeeded, 0 failed), 2 still queued or running`,
			);
			expect((result.error as { description?: string }).description).toMatch(/goes on in Clay/);
			expect(visible(result)).not.toContain(slow.sandbox.session);
		} finally {
			await slow.sandbox.close();
		}
	});
});
