/**
 * The Clay node in a real n8n against the Clay sandbox speaking the live shapes (api-notes:
 * "Clay — what public live-tested clients observed"), under each thing Clay may do with a
 * record id the node sends (keep it, assign its own, refuse a repeated one), with the API-key
 * credential. Each workflow is imported with `n8n import:workflow` and run with `n8n execute`:
 *
 * - a keyed Add of 1,000 records, twice → the table holds 1,000 records; the second run outputs
 *   the same records (the ids Clay stored), each marked as existing;
 * - Record → Count → 1,000;
 * - Add 20 → Enrichment → Run with Wait for Completion, 5 of them finding no data → 20 items
 *   with the structured results (5 with none, marked `_noData`), the wait ended by the results —
 *   a few status checks, far from the timeout — not by the timeout.
 */
import type { ClayIdBehaviour, ClaySandbox, ClayTable } from '../../sandbox/clay';
import { startClaySandbox } from '../../sandbox/clay';

import { assertN8nInstalled, clayChain, createUserFolder, executeOrThrow, importCredentials, importWorkflow, N8N_VERSION } from './n8n';
import type { ExecuteResult, UserFolder } from './n8n';

const BEHAVIOURS: ClayIdBehaviour[] = ['honour', 'assign', 'refuse'];
const RECORDS = 1000;
const ENRICHED = 20;
const TIMEOUT_S = 300;
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** n8n's own measure of a node's last run (its runData `executionTime`, ms). */
function executionTime(result: ExecuteResult, node: string): number {
	const tasks = (result.run?.data.resultData.runData[node] ?? []) as Array<{ executionTime?: number }>;
	return Number(tasks[tasks.length - 1]?.executionTime);
}

describe(`Clay node in n8n ${N8N_VERSION} against the live-shaped sandbox, with an API key`, () => {
	const sandboxes = new Map<ClayIdBehaviour, ClaySandbox>();
	let folder: UserFolder | undefined;

	beforeAll(async () => {
		assertN8nInstalled();
		for (const ids of BEHAVIOURS) {
			// enrichment slow enough that waiting really waits: 0.5 s queued, 1.5 s running per cell
			sandboxes.set(ids, await startClaySandbox({ shapes: 'live', ids, runStartMs: 500, runDurationMs: 1500, apiKey: `clay_sk_e2e_${ids}` }));
		}
		folder = await createUserFolder('clay-live');
		await importCredentials(
			folder,
			BEHAVIOURS.map((ids, k) => ({ id: String(20 + k), name: `Clay key (${ids})`, type: 'clayApiKeyApi', data: { apiKey: sandboxes.get(ids)!.apiKey, baseUrl: sandboxes.get(ids)!.url } })),
		);
	}, 300_000);

	afterAll(async () => {
		await Promise.all([...sandboxes.values()].map(async (sandbox) => await sandbox.close()));
		folder?.remove();
	});

	describe.each(BEHAVIOURS.map((ids, k) => [ids, k] as const))('Clay ids: %s', (ids, k) => {
		const credential = { id: String(20 + k), name: `Clay key (${ids})` };
		const sandbox = () => sandboxes.get(ids)!;
		let table: ClayTable;
		beforeAll(() => {
			table = sandbox().seedTable({ name: `E2E leads (${ids})`, fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }, { name: 'Company Domain', type: 'action' }] });
		});

		test(`a keyed Add of ${RECORDS.toLocaleString('en-US')} records, twice: ${RECORDS.toLocaleString('en-US')} records; then Count says ${RECORDS.toLocaleString('en-US')}`, async () => {
			const items = Array.from({ length: RECORDS }, (_, i) => ({ Name: `Lead ${i}`, Email: `lead-${i}@e2e.example` }));
			const id = `e2eClayKeyed${ids.slice(0, 4)}`;
			await importWorkflow(
				folder!,
				clayChain(id, { credential, typeVersion: 1, parameters: { authentication: 'apiKey' } }, items, [
					{ name: 'Add Leads', parameters: { resource: 'record', operation: 'add', table: byId(table.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'key', keyField: 'Email', onExisting: 'skip', simplify: true, options: {} } },
				]),
			);
			const emailField = sandbox().fieldId(table.id, 'Email');
			const outputs: Array<Array<Record<string, unknown>>> = [];
			for (let run = 0; run < 2; run++) {
				const result = await executeOrThrow(folder!, id);
				const added = result.outputs['Add Leads'] ?? [];
				expect(added).toHaveLength(RECORDS);
				expect(table.records.size).toBe(RECORDS);
				// every output names the record Clay stored for its item
				expect(added.map((json) => table.records.get(String(json.id))?.cells[emailField]?.value)).toEqual(items.map((item) => item.Email));
				outputs.push(added);
				console.log(`[e2e] clay ids ${ids}: keyed add run ${run + 1}: ${added.length} items out, ${table.records.size} records in the table, ${added.filter((json) => json._existing).length} already there`);
			}
			expect(outputs[1].map((json) => json.id)).toEqual(outputs[0].map((json) => json.id));
			expect(outputs[0].every((json) => json._existing === undefined)).toBe(true);
			expect(outputs[1].every((json) => json._existing === true)).toBe(true);

			const countId = `e2eClayCount${ids.slice(0, 4)}`;
			await importWorkflow(folder!, clayChain(countId, { credential, typeVersion: 1, parameters: { authentication: 'apiKey' } }, [{}], [{ name: 'Count', parameters: { resource: 'record', operation: 'count', table: byId(table.id) } }]));
			const counted = await executeOrThrow(folder!, countId);
			expect(counted.outputs.Count).toEqual([{ tableId: table.id, count: RECORDS }]);
		});

		test(`Add ${ENRICHED} → Enrichment Run with Wait for Completion, 5 finding no data: ${ENRICHED} items with the structured results, the wait ended by the results`, async () => {
			const enrich = sandbox().seedTable({ name: `E2E enrich (${ids})`, fields: [{ name: 'Name' }, { name: 'Company Domain', type: 'action' }] });
			// the sandbox finds nothing for an input containing "nodata" (SUCCESS_NO_DATA, seen live)
			const items = Array.from({ length: ENRICHED }, (_, i) => ({ Name: i % 4 === 3 ? `nodata ${i}` : `Company ${i}` }));
			const id = `e2eClayEnrich${ids.slice(0, 3)}`;
			await importWorkflow(
				folder!,
				clayChain(id, { credential, typeVersion: 1, parameters: { authentication: 'apiKey' } }, items, [
					{ name: 'Add', parameters: { resource: 'record', operation: 'add', table: byId(enrich.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'generate', simplify: true, options: {} } },
					{
						name: 'Enrich',
						parameters: { resource: 'enrichment', operation: 'run', table: byId(enrich.id), fieldIds: [], recordsSource: 'items', recordId: '={{ $json.id }}', forceRun: false, wait: true, simplify: true, options: { timeout: TIMEOUT_S } },
					},
				]),
			);
			sandbox().server.clearLog();
			const result = await executeOrThrow(folder!, id);
			const out = result.outputs.Enrich ?? [];
			expect(out).toHaveLength(ENRICHED);
			expect(out.map((json) => json.Name)).toEqual(items.map((item) => item.Name));
			items.forEach((item, i) => {
				if (item.Name.startsWith('nodata')) {
					expect(out[i]).toMatchObject({ 'Company Domain': null, _noData: ['Company Domain'], _preview: { 'Company Domain': 'No data found' } });
				} else {
					expect(out[i]).toMatchObject({ 'Company Domain': { answer: `enriched:${item.Name}`, source: 'sandbox' }, _preview: { 'Company Domain': `enriched:${item.Name}` } });
				}
				expect(out[i]).not.toHaveProperty('_status');
				expect(out[i]).not.toHaveProperty('_errors');
			});
			expect(out.filter((json) => json._noData)).toHaveLength(5);
			// one run for the 20 records; a few status checks with growing pauses; n8n's own measure of the node far from the timeout
			const runs = sandbox().server.requests('PATCH', `/v3/tables/${enrich.id}/run`);
			expect(runs).toHaveLength(1);
			const checks = sandbox().server.requests('POST', `/v3/tables/${enrich.id}/bulk-fetch-records`).filter((request) => request.startedAt > runs[0].startedAt);
			expect(checks.length).toBeGreaterThanOrEqual(2);
			expect(checks.length).toBeLessThanOrEqual(6);
			const lastFinish = Math.max(...sandbox().history.filter((event) => event.tableId === enrich.id && event.type === 'finished').map((event) => Date.parse(event.at)));
			const waitedAfterResults = checks[checks.length - 1].startedAt - lastFinish;
			const ms = executionTime(result, 'Enrich');
			expect(ms).toBeLessThan((TIMEOUT_S * 1000) / 10);
			console.log(
				`[e2e] clay ids ${ids}: enrichment of ${ENRICHED} records: ${checks.length} status checks, the last ${waitedAfterResults} ms after the last cell finished; n8n's execution time of the node ${ms} ms (timeout ${TIMEOUT_S} s)`,
			);
		});
	});
});
