import { byId, clayFixture, eachProfile, enriched, leadsTable, visible } from './setup';
import type { ClayFixture } from './setup';

const run = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'enrichment',
	operation: 'run',
	table: byId(tableId),
	options: { firstInterval: 0.1 },
	...extra,
});

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture({ ...profile, runStartMs: 50, runDurationMs: 250 })));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	const live = profile.shapes === 'live';
	const preview = (column: string, value: string) => (live ? { _preview: { [column]: value } } : {});

	describe('Clay Enrichment → Run', () => {
		test('records from input items, Wait for Completion: enriched values; ERROR_ and SUCCESS_NO_DATA cells reported on their records', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'Acme' }, { Name: 'Globex' }, { Name: 'Will fail' }, { Name: 'nodata inc' }]);
			const ids = [...table.records.keys()];
			const result = await fx.run(run(table.id, { fieldIds: ['Company Domain'], recordId: '={{ $json.id }}' }), ids.map((id) => ({ id })));

			expect(result.error).toBeUndefined();
			expect(result.json).toEqual([
				expect.objectContaining({ id: ids[0], Name: 'Acme', 'Company Domain': enriched(fx.sandbox, 'Acme'), ...preview('Company Domain', 'enriched:Acme') }),
				expect.objectContaining({ id: ids[1], Name: 'Globex', 'Company Domain': enriched(fx.sandbox, 'Globex') }),
				expect.objectContaining({ id: ids[2], Name: 'Will fail', 'Company Domain': null, _errors: { 'Company Domain': 'ERROR_BAD_REQUEST' } }),
				expect.objectContaining({ id: ids[3], Name: 'nodata inc', 'Company Domain': null, _noData: ['Company Domain'], ...preview('Company Domain', 'No data found') }),
			]);
			for (const json of result.json) expect(json).not.toHaveProperty('_status');
			expect(result.json[0]).not.toHaveProperty('_errors');
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);

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
			expect(checks[0].body).toMatchObject({ includeExternalContentFieldIds: [fx.sandbox.fieldId(table.id, 'Company Domain'), fx.sandbox.fieldId(table.id, 'Headcount')] });
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
			if (live) expect(result.json[0].cells).toMatchObject({ [domain]: { externalContent: { fullValue: { answer: 'enriched:a' } } } });
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
			expect(first.json.map((json) => json.Headcount)).toEqual([enriched(fx.sandbox, 'a'), enriched(fx.sandbox, 'b')]);
			expect(first.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
			const allRows = table.views.find((view) => view.name === 'All rows')!.id;
			expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);
			expect(fx.sandbox.server.requests('PATCH')[0].body).toMatchObject({ runRecords: { viewIdTopRecords: { viewId: allRows } } });

			fx.sandbox.server.clearLog();
			const forced = await fx.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'], forceRun: true, wait: false }));
			expect(forced.json[0]).toMatchObject({ tableId: table.id, recordCount: 2, ...(live ? { runMode: 'VIEW' } : { runId: expect.stringMatching(/^run_/) }) });
			expect(fx.sandbox.server.requests('PATCH')[0].body).toMatchObject({ forceRun: true });
			expect(fx.sandbox.cellStatus([...table.records.values()][0].cells[fx.sandbox.fieldId(table.id, 'Headcount')])).toBe('QUEUED');
		});

		test('a run Clay answers with runMode NONE (nothing to run) is not waited for: the records as they are, at once', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
			const ids = [...table.records.keys()];
			fx.sandbox.runFields(table.id, ['Headcount'], [ids[0]]);
			await new Promise((resolve) => setTimeout(resolve, 350));
			fx.sandbox.server.clearLog();
			// a ran already (no forceRun: Clay skips it); b gets an injected "nothing ran" answer below in the seed shape too
			fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH', action: { kind: 'status', status: 200, body: { recordCount: 2, runMode: 'NONE' } } });
			const result = await fx.run(run(table.id, { fieldIds: ['Headcount'], recordId: '={{ $json.id }}', options: { timeout: 60, firstInterval: 5 } }), ids.map((id) => ({ id })));
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ id: ids[0], Headcount: enriched(fx.sandbox, 'a') });
			expect(result.json[0]).not.toHaveProperty('_status');
			expect(result.json[1]).toMatchObject({ id: ids[1], _status: { Headcount: 'NOT_RUN' } });
			// one read, no waiting between checks
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`)).toHaveLength(1);
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
			if (live) expect(result.json[0].runMode).toBe('INDIVIDUAL');
			expect(fx.sandbox.server.requests('POST')).toHaveLength(0);
		});

		test('an unknown column name is an item error listing the enrichment columns; an unknown record id fails its item', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
			const [id] = [...table.records.keys()];
			const unknown = await fx.run(run(table.id, { fieldIds: '={{ $json.col }}' }), [{ id, col: 'Revenue' }, { id, col: 'headcount' }, { id: 'r_nope', col: 'Headcount' }], true);
			expect(unknown.json[0].error).toBe(`Item 0: \`Revenue\` is not a column of table "Leads" (${table.id}); its enrichment columns are: Company Domain, Headcount`);
			expect(unknown.json[1]).toMatchObject({ id, Headcount: enriched(fx.sandbox, 'a') });
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
			// Clay answers the run but starts nothing and says nothing about it (e.g. a run condition excluded the cells)
			fx.sandbox.server.inject({ match: (req) => req.method === 'PATCH', action: { kind: 'status', status: 200, body: { recordCount: 0 } } });
			const result = await fx.run(run(table.id, { fieldIds: ['Headcount'], options: { timeout: 3, firstInterval: 0.2 } }), [{ id }]);
			// no timeout error: the grace period (half the timeout here, at most 30 s) ended the wait
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ id, Name: 'a', _status: { Headcount: 'NOT_RUN' } });
		});

		test('on timeout the node fails saying how many cells finished and naming run statuses it does not know; the session is not in it', async () => {
			const slow = await clayFixture({ ...profile, runStartMs: 0, runDurationMs: 60_000 });
			try {
				const table = leadsTable(slow.sandbox, [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }]);
				const [, , c] = [...table.records.values()];
				// once the run has started, one cell shows a status no source names
				slow.sandbox.server.use((req) => {
					if (req.path.endsWith('/bulk-fetch-records')) c.cells[slow.sandbox.fieldId(table.id, 'Headcount')] = { value: null, metadata: { status: 'AWAITING_PROVIDER' } };
					return undefined;
				});
				const result = await slow.run(run(table.id, { recordsSource: 'all', fieldIds: ['Headcount'], options: { timeout: 1, firstInterval: 0.3 } }));
				expect(result.error?.message).toBe(
					`Item 0: The enrichment run on table "Leads" (${table.id}) did not finish within 1 s: 0 of 3 cells finished (0 succeeded, 0 found no data, 0 failed), 3 still queued or running; run statuses this node does not know: AWAITING_PROVIDER (1)`,
				);
				expect((result.error as { description?: string }).description).toMatch(/goes on in Clay/);
				expect(visible(result)).not.toContain(slow.sandbox.session);
			} finally {
				await slow.sandbox.close();
			}
		});
	});
});
