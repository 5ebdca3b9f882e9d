/**
 * The Clay node (typeVersion 2, the API-key credential) in a real n8n against an independent
 * stand-in of Clay's v3 API (test/standins/clay.ts, written from public clients, not from this
 * package's sandbox). Each workflow is imported with `n8n import:workflow` and run with
 * `n8n execute`; the assertions read the stand-in's own state and request log:
 *
 * (a) a keyed Add of 200 records, run twice → the stand-in holds 200 records, no key twice, and
 *     the second run creates nothing;
 * (b) Record → Count → 200;
 * (c) Add 10 → Enrichment → Run with Wait for Completion → 10 items with the stand-in's results;
 * (d) the same records run again with "Run Cells That Already Have a Result" → the new results,
 *     never the previous run's, although the stand-in kept serving the old ones for a while.
 */
import { startClayStandin } from '../standins/clay';
import type { ClayStandin, StandinTable } from '../standins/clay';

import { assertN8nInstalled, clayChain, createUserFolder, executeOrThrow, importCredentials, importWorkflow, N8N_VERSION } from './n8n';
import type { UserFolder } from './n8n';

const RECORDS = 200;
const ENRICHED = 10;
const TIMEOUT_S = 120;
const CREDENTIAL = { id: '61', name: 'Clay key (stand-in)' };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const enrichParameters = (table: string, forceRun: boolean) => ({
	resource: 'enrichment',
	operation: 'run',
	table: byId(table),
	fieldIds: [],
	recordsSource: 'items',
	recordId: '={{ $json.id }}',
	forceRun,
	wait: true,
	simplify: true,
	options: { timeout: TIMEOUT_S },
});

describe(`Clay node v2 in n8n ${N8N_VERSION} against an independent Clay stand-in, with an API key`, () => {
	let standin: ClayStandin;
	let folder: UserFolder | undefined;
	const figures: string[] = [];

	beforeAll(async () => {
		assertN8nInstalled();
		// enrichment slow enough that waiting really waits; a forced re-run shows the old result for 2.5 s first
		standin = await startClayStandin({ forceStaleMs: 2500, queuedMs: 500, runningMs: 1500 });
		folder = await createUserFolder('clay-standin');
		await importCredentials(folder, [{ ...CREDENTIAL, type: 'clayApiKeyApi', data: { apiKey: standin.apiKey, baseUrl: standin.url } }]);
	}, 300_000);

	afterAll(async () => {
		// which routes the node used, with the stand-in's answers: a path no public source shows would be a 404 here
		const routes = new Map<string, number>();
		for (const entry of standin?.log ?? []) {
			const route = `${entry.method} ${entry.path.replace(/\/(t|gv|r)_[A-Za-z0-9]+/g, '/$1_…')} ${entry.status}`;
			routes.set(route, (routes.get(route) ?? 0) + 1);
		}
		figures.push(`requests: ${[...routes].map(([route, n]) => `${route} ×${n}`).join(', ')}`);
		process.stdout.write(`\n[standin] n8n ${N8N_VERSION}: ${figures.join('; ')}\n`);
		await standin?.close();
		folder?.remove();
	});

	test(`(a) a keyed Add of ${RECORDS} records, twice: ${RECORDS} records, no key twice; (b) Count says ${RECORDS}`, async () => {
		const table = standin.seedTable({ name: 'Stand-in leads', fields: [{ name: 'Name' }, { name: 'Email', type: 'email' }] });
		const email = table.fieldId('Email');
		const items = Array.from({ length: RECORDS }, (_, i) => ({ Name: `Lead ${i}`, Email: `lead-${i}@standin.example` }));
		const id = 'standinKeyedAdd';
		await importWorkflow(
			folder!,
			clayChain(id, { credential: CREDENTIAL, typeVersion: 2 }, items, [
				{
					name: 'Add Leads',
					parameters: { resource: 'record', operation: 'add', table: byId(table.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'key', keyField: 'Email', onExisting: 'skip', simplify: true, options: {} },
				},
			]),
		);
		const outputs: Array<Array<Record<string, unknown>>> = [];
		const created: number[] = [];
		for (let run = 0; run < 2; run++) {
			const before = standin.log.length;
			const result = await executeOrThrow(folder!, id);
			const added = result.outputs['Add Leads'] ?? [];
			const mine = standin.log.slice(before);
			// the stand-in's own state: one record per key
			const keys = [...table.records.values()].map((record) => String(record.cells[email]?.value));
			expect(table.records.size).toBe(RECORDS);
			expect(new Set(keys).size).toBe(RECORDS);
			expect(keys.sort()).toEqual(items.map((item) => item.Email).sort());
			// every output names the record the stand-in stored for its item
			expect(added).toHaveLength(RECORDS);
			expect(added.map((json) => table.records.get(String(json.id))?.cells[email]?.value)).toEqual(items.map((item) => item.Email));
			expect(mine.filter((entry) => entry.status >= 400)).toEqual([]);
			const posts = mine.filter((entry) => entry.method === 'POST' && entry.path === `/v3/tables/${table.id}/records`);
			created.push(posts.reduce((n, entry) => n + ((entry.body as { records: unknown[] }).records?.length ?? 0), 0));
			outputs.push(added);
		}
		expect(created).toEqual([RECORDS, 0]);
		expect(outputs[1].map((json) => json.id)).toEqual(outputs[0].map((json) => json.id));
		expect(outputs[1].every((json) => json._existing === true)).toBe(true);

		await importWorkflow(folder!, clayChain('standinCount', { credential: CREDENTIAL, typeVersion: 2 }, [{}], [{ name: 'Count', parameters: { resource: 'record', operation: 'count', table: byId(table.id) } }]));
		const counted = await executeOrThrow(folder!, 'standinCount');
		expect(counted.outputs.Count).toEqual([{ tableId: table.id, count: RECORDS }]);
		expect(standin.requests('GET', `/v3/tables/${table.id}/count`).length).toBeGreaterThanOrEqual(1);
		figures.push(`keyed add ${RECORDS} twice → ${table.records.size} records, ${RECORDS - new Set([...table.records.values()].map((r) => r.cells[email]?.value)).size} keys twice, records sent ${created.join(' then ')}; count → ${String(counted.outputs.Count?.[0]?.count)}`);
	});

	describe('enrichment', () => {
		let table: StandinTable;
		let ids: string[];
		let field: string;

		/** Each enriched output against the stand-in's own cell now: the structured result of run `run`. */
		function expectResults(out: Array<Record<string, unknown>>, run: number) {
			expect(out).toHaveLength(ENRICHED);
			expect(out.map((json) => json.id)).toEqual(ids);
			out.forEach((json, i) => {
				const cell = standin.read(table.id, ids[i])!.cells[field];
				expect(cell.metadata?.status).toBe('SUCCESS');
				expect(cell.externalContent?.fullValue).toEqual({ answer: `Domain #${run} for Company ${i}`, run, input: `Company ${i}` });
				expect(json.Domain).toEqual(cell.externalContent?.fullValue);
				expect(json._preview).toEqual({ Domain: cell.value });
				expect(json).not.toHaveProperty('_status');
				expect(json).not.toHaveProperty('_errors');
			});
		}

		test(`(c) Add ${ENRICHED} → Enrichment Run with Wait for Completion: ${ENRICHED} items with the stand-in's results`, async () => {
			table = standin.seedTable({ name: 'Stand-in enrich', fields: [{ name: 'Company' }, { name: 'Domain', type: 'action', input: 'Company' }] });
			field = table.fieldId('Domain');
			const items = Array.from({ length: ENRICHED }, (_, i) => ({ Company: `Company ${i}` }));
			await importWorkflow(
				folder!,
				clayChain('standinEnrich', { credential: CREDENTIAL, typeVersion: 2 }, items, [
					{ name: 'Add', parameters: { resource: 'record', operation: 'add', table: byId(table.id), cells: { mappingMode: 'autoMapInputData', value: null }, recordIdMode: 'generate', simplify: true, options: {} } },
					{ name: 'Enrich', parameters: enrichParameters(table.id, false) },
				]),
			);
			const from = standin.log.length;
			const result = await executeOrThrow(folder!, 'standinEnrich');
			ids = (result.outputs.Add ?? []).map((json) => String(json.id));
			expect(ids).toHaveLength(ENRICHED);
			expect(table.records.size).toBe(ENRICHED);
			expectResults(result.outputs.Enrich ?? [], 1);

			const mine = standin.log.slice(from);
			expect(mine.filter((entry) => entry.status >= 400)).toEqual([]);
			const runs = mine.filter((entry) => entry.method === 'PATCH' && entry.path === `/v3/tables/${table.id}/run`);
			expect(runs).toHaveLength(1);
			expect(runs[0].body).toMatchObject({ fieldIds: [field], runRecords: { recordIds: ids }, forceRun: false });
			const checks = mine.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/bulk-fetch-records') && entry.at > runs[0].at);
			const lastFinish = Math.max(...standin.finished.filter((cell) => cell.tableId === table.id && cell.run === 1).map((cell) => cell.at));
			expect(standin.finished.filter((cell) => cell.tableId === table.id)).toHaveLength(ENRICHED);
			expect(checks[checks.length - 1].at).toBeGreaterThanOrEqual(lastFinish);
			figures.push(`enrich ${ENRICHED}: 1 run call, ${checks.length} status checks, the last ${checks[checks.length - 1].at - lastFinish} ms after the last cell finished`);
		});

		test(`(d) the same run again with "Run Cells That Already Have a Result": the new results, never the previous run's`, async () => {
			expect(ids).toHaveLength(ENRICHED);
			await importWorkflow(folder!, clayChain('standinForce', { credential: CREDENTIAL, typeVersion: 2 }, ids.map((rid) => ({ id: rid })), [{ name: 'Enrich', parameters: enrichParameters(table.id, true) }]));
			const from = standin.log.length;
			const result = await executeOrThrow(folder!, 'standinForce');
			expectResults(result.outputs.Enrich ?? [], 2);

			const mine = standin.log.slice(from);
			expect(mine.filter((entry) => entry.status >= 400)).toEqual([]);
			const runs = mine.filter((entry) => entry.method === 'PATCH' && entry.path === `/v3/tables/${table.id}/run`);
			expect(runs).toHaveLength(1);
			expect(runs[0].body).toMatchObject({ fieldIds: [field], runRecords: { recordIds: ids }, forceRun: true });
			// the node was shown the previous run's finished cells after its run call, and did not take them
			const checks = mine.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/bulk-fetch-records') && entry.at > runs[0].at);
			const stale = checks.reduce((n, entry) => n + (entry.staleServed ?? 0), 0);
			expect(stale).toBeGreaterThan(0);
			expect(standin.finished.filter((cell) => cell.tableId === table.id && cell.run === 2)).toHaveLength(ENRICHED);
			figures.push(`forced re-run: 1 run call (forceRun true), ${checks.length} status checks, ${stale} stale finished cells served after it, ${ENRICHED} outputs of run 2`);
		});
	});
});
