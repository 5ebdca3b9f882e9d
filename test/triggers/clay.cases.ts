/**
 * Clay Trigger through n8n-core's PollContext against the Clay sandbox: Record Added and
 * Record Enriched, exactly once, idle costs, samples, failures — under every behaviour profile
 * of the sandbox, and in simulations against views that list newest first or give only their
 * first page of a larger table. (Two test files run these: clay.test.ts the seed's shapes,
 * clay.live.test.ts the live ones and the views, so that they run side by side.)
 */
import type { ClayProfileOptions, ClayRecord, ClaySandbox, ClayTable } from '../../sandbox/clay';
import { describeProfile, resolveProfile } from '../../sandbox/clay';
import { makeRandom } from '../../sandbox/framework';
import { eachProfile, enriched } from '../clay/setup';
import { byId, clayTriggerFixture, counts, duringRequests, savedState, sleep } from './setup';
import type { TriggerFixture } from './setup';

let fx: TriggerFixture<ClaySandbox>;

function leadsTable(records: Array<Record<string, unknown>> = []): ClayTable {
	return fx.sandbox.seedTable({
		name: 'Leads',
		fields: [{ name: 'Name' }, { name: 'Domain', type: 'url' }, { name: 'Company Domain', type: 'action' }, { name: 'Headcount', type: 'action' }],
		records,
	});
}

const requests = () => fx.sandbox.server.log.map((entry) => `${entry.method} ${entry.route?.replace(/^\S+ \/v3/, '') ?? entry.path}`);

/** Whether every enrichment cell of a record finished, from the sandbox's own state. */
function finished(table: ClayTable, record: ClayRecord, fields = ['Company Domain', 'Headcount']): boolean {
	return fields.every((name) => {
		const cell = record.cells[fx.sandbox.fieldId(table.id, name)];
		const status = cell ? fx.sandbox.cellStatus(cell) : undefined;
		return (status?.startsWith('SUCCESS') ?? false) || (status?.startsWith('ERROR_') ?? false);
	});
}

async function untilSettled(table: ClayTable): Promise<void> {
	const busy = () =>
		[...table.records.values()].some((record) =>
			Object.values(record.cells).some((cell) => ['QUEUED', 'RUNNING'].includes(fx.sandbox.cellStatus(cell) ?? '')),
		);
	while (busy()) await sleep(10);
	await sleep(20); // enqueued updates
}

/** The trigger's tests under every profile of `shapes`. */
export function clayTriggerSuite(shapes: ClayProfileOptions['shapes']): void {
	eachProfile((profile) => {
		beforeAll(async () => (fx = await clayTriggerFixture(profile)));
		afterAll(async () => await fx.sandbox.close());
		beforeEach(() => fx.sandbox.server.clearLog());

		describe('Clay Trigger: Record Added', () => {
			test('starts from now, emits each new record once as Get Many with Simplify plus the event; an idle poll is one id list', async () => {
				const table = leadsTable([{ Name: 'Old' }]);
				const runner = fx.runner({ table: byId(table.id), event: 'recordAdded' });
				expect((await runner.poll()).empty).toBe(true);

				const [a, b] = fx.sandbox.addRecords(table.id, [
					{ Name: 'Ada', Domain: 'ada.example' },
					{ Name: 'Bob', Domain: 'bob.example' },
				]);
				const poll = await runner.poll();
				expect(poll.error).toBeUndefined();
				expect(poll.json).toEqual([
					{ id: a.id, Name: 'Ada', Domain: 'ada.example', createdAt: a.createdAt, updatedAt: a.updatedAt, _event: 'recordAdded' },
					{ id: b.id, Name: 'Bob', Domain: 'bob.example', createdAt: b.createdAt, updatedAt: b.updatedAt, _event: 'recordAdded' },
				]);

				fx.sandbox.server.clearLog();
				expect((await runner.poll()).empty).toBe(true);
				expect(requests()).toEqual(['GET /tables/:tableId/views/:viewId/records/ids']);
			});

			test('when every record the last poll ended with is deleted, new records are found by creation time', async () => {
				const table = leadsTable(Array.from({ length: 30 }, (_, i) => ({ Name: `r${i}` })));
				const runner = fx.runner({ table: byId(table.id), event: 'recordAdded' });
				await runner.poll();
				await sleep(2);
				const fresh = fx.sandbox.addRecords(table.id, [{ Name: 'new 1' }, { Name: 'new 2' }]);
				// the last 20 ids of the list (the anchors) are gone
				fx.sandbox.deleteRecords(table.id, [...table.records.keys()].slice(5, 30));
				expect((await runner.poll()).json.map((record) => record.id)).toEqual(fresh.map((record) => record.id));
				expect((await runner.poll()).empty).toBe(true);
			});

			test('Include Existing Rows, and Fetch Test Event without moving the state', async () => {
				const table = leadsTable([{ Name: 'one' }, { Name: 'two' }]);
				const manual = fx.runner({ table: byId(table.id), event: 'recordAdded' });
				expect((await manual.poll('manual')).json).toEqual([expect.objectContaining({ Name: 'two', _event: 'recordAdded' })]);
				expect(manual.staticData).toEqual({});
				const runner = fx.runner({ table: byId(table.id), event: 'recordAdded', options: { includeExisting: true } });
				expect((await runner.poll()).json.map((record) => record.Name)).toEqual(['one', 'two']);
				expect((await runner.poll()).empty).toBe(true);
			});

			test('an expired session fails with what to do, the secret nowhere, and the state stays', async () => {
				const table = leadsTable([{ Name: 'one' }]);
				const runner = fx.runner({ table: byId(table.id), event: 'recordAdded' });
				await runner.poll();
				const [record] = fx.sandbox.addRecords(table.id, [{ Name: 'two' }]);
				const saved = JSON.stringify(runner.staticData);
				fx.harness.credentials.clayApi = { sessionToken: 's%3Aexpired-session.sig', baseUrl: fx.sandbox.url };
				const denied = await runner.poll();
				fx.harness.credentials.clayApi = { sessionToken: fx.sandbox.session, baseUrl: fx.sandbox.url };
				expect(denied.error?.message).toMatch(/Clay session expired or invalid/);
				expect(String(denied.error?.description)).toMatch(/claysession/);
				expect(JSON.stringify(denied.error)).not.toContain('expired-session.sig');
				expect(JSON.stringify(runner.staticData)).toBe(saved);
				expect((await runner.poll()).json.map((out) => out.id)).toEqual([record.id]);
			});
		});

		describe('Clay Trigger: Record Enriched', () => {
			test('emits a record once its chosen cells finished (SUCCESS or ERROR_…); an idle poll is one request', async () => {
				const table = leadsTable([{ Name: 'Before', Domain: 'before.example' }]);
				fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount']);
				await untilSettled(table);
				const runner = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
				expect((await runner.poll()).empty).toBe(true);

				const [ok, bad, later] = fx.sandbox.addRecords(table.id, [
					{ Name: 'Ok', Domain: 'ok.example' },
					{ Name: 'Bad', Domain: 'fail.example' },
					{ Name: 'Later', Domain: 'later.example' },
				]);
				fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount'], [ok.id, bad.id]);
				fx.sandbox.runFields(table.id, ['Company Domain'], [later.id]);
				await untilSettled(table);
				await sleep(2100); // the time watermark stays 1-2 s under the server's clock
				const poll = await runner.poll();
				expect(poll.error).toBeUndefined();
				expect(poll.json.map((record) => record.id).sort()).toEqual([ok.id, bad.id].sort());
				expect(poll.json.find((record) => record.id === ok.id)).toEqual({
					id: ok.id,
					Name: 'Ok',
					Domain: 'ok.example',
					'Company Domain': enriched(fx.sandbox, 'Ok'),
					Headcount: enriched(fx.sandbox, 'Ok'),
					...(fx.sandbox.profile.shapes === 'live' ? { _preview: { 'Company Domain': 'enriched:Ok', Headcount: 'enriched:Ok' } } : {}),
					createdAt: ok.createdAt,
					updatedAt: expect.any(String),
					_event: 'recordEnriched',
				});
				expect(poll.json.find((record) => record.id === bad.id)!._errors).toEqual({ 'Company Domain': 'ERROR_BAD_REQUEST', Headcount: 'ERROR_BAD_REQUEST' });

				fx.sandbox.server.clearLog();
				expect((await runner.poll()).empty).toBe(true);
				expect(requests()).toEqual(['GET /tables/:tableId/fieldrun']);

				// chosen fields: Company Domain only -> "Later" qualifies too
				const chosen = fx.runner({ table: byId(table.id), event: 'recordEnriched', fields: [fx.sandbox.fieldId(table.id, 'Company Domain')], options: { includeExisting: true } });
				await sleep(0);
				expect((await chosen.poll()).json.map((record) => record.Name).sort()).toEqual(['Bad', 'Before', 'Later', 'Ok']);
			});

			test('fields given by name (an expression) work like ids, and the idle poll stays one request', async () => {
				const table = leadsTable([{ Name: 'A', Domain: 'a.example' }]);
				const runner = fx.runner({ table: byId(table.id), event: 'recordEnriched', fields: ['Headcount'] });
				expect((await runner.poll()).error).toBeUndefined();
				fx.sandbox.runFields(table.id, ['Headcount']);
				await untilSettled(table);
				await sleep(2100);
				expect((await runner.poll()).json).toEqual([expect.objectContaining({ Name: 'A', Headcount: enriched(fx.sandbox, 'A'), _event: 'recordEnriched' })]);
				fx.sandbox.server.clearLog();
				expect((await runner.poll()).empty).toBe(true);
				expect(requests()).toEqual(['GET /tables/:tableId/fieldrun']);
			});

			test('documented: a record edited after its enrichment finished is emitted again (Clay has no per-cell time)', async () => {
				const table = leadsTable([{ Name: 'A', Domain: 'a.example' }]);
				const runner = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
				await runner.poll();
				fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount']);
				await untilSettled(table);
				await sleep(2100);
				expect((await runner.poll()).json.map((record) => record.Name)).toEqual(['A']);
				const [record] = [...table.records.values()];
				fx.sandbox.updateRecords(table.id, [{ id: record.id, values: { Name: 'A2' } }]);
				// an edit alone changes no run summary: not read until enrichment activity
				await untilSettled(table);
				await sleep(2100);
				expect((await runner.poll()).empty).toBe(true);
				const [other] = fx.sandbox.addRecords(table.id, [{ Name: 'B', Domain: 'b.example' }]);
				fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount'], [other.id]);
				await untilSettled(table);
				await sleep(2100);
				expect((await runner.poll()).json.map((out) => out.Name).sort()).toEqual(['A2', 'B']);
			});

			test('Fetch Test Event returns the latest enriched record; a table without enrichment columns fails clearly', async () => {
				const table = leadsTable([{ Name: 'A' }, { Name: 'B' }]);
				const runner = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
				expect((await runner.poll('manual')).error?.message).toMatch(/has finished enriching/);
				fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount'], [[...table.records.keys()][0]]);
				await untilSettled(table);
				expect((await runner.poll('manual')).json).toEqual([expect.objectContaining({ Name: 'A', _event: 'recordEnriched' })]);
				expect(runner.staticData).toEqual({});

				const plain = fx.sandbox.seedTable({ name: 'Plain', fields: [{ name: 'Name' }] });
				const poll = await fx.runner({ table: byId(plain.id), event: 'recordEnriched' }).poll();
				expect(poll.error?.message).toMatch(/has no enrichment columns, so no record can be enriched/);
			});
		});

		test('with an API key, polls go out with the key', async () => {
			const table = leadsTable([{ Name: 'one' }]);
			const runner = fx.runner({ authentication: 'apiKey', table: byId(table.id), event: 'recordAdded' });
			expect((await runner.poll()).error).toBeUndefined();
			const [record] = fx.sandbox.addRecords(table.id, [{ Name: 'two' }]);
			expect((await runner.poll()).json.map((out) => out.id)).toEqual([record.id]);
			expect(fx.sandbox.server.log.every((entry) => entry.headers.authorization === fx.sandbox.apiKey && entry.headers.cookie === undefined)).toBe(true);
		});

		simulation(profile);
	}, shapes);
}

/**
 * 300 polls against a changing table: records added, edited, deleted and enriched between and
 * during polls (also between two requests of one poll). Every record created after activation
 * that a poll's list showed is emitted once by Record Added; every enrichment that finished
 * after activation on a record the view still shows, once by Record Enriched; nothing else.
 */
function simulation(profile: ClayProfileOptions): void {
	const capped = profile.viewPageLimit !== undefined && profile.viewLimitParam === false;
	test(`300 polls against a changing table (${describeProfile(resolveProfile(profile))}): 0 missed, 0 duplicated`, async () => {
		const random = makeRandom(9);
		const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
		const table = leadsTable(Array.from({ length: 120 }, (_, i) => ({ Name: `seed ${i}`, Domain: `seed-${i}.example` })));
		fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount'], [...table.records.keys()].slice(0, 80));
		await untilSettled(table);

		const added = fx.runner({ table: byId(table.id), event: 'recordAdded' });
		const enriched = fx.runner({ table: byId(table.id), event: 'recordEnriched' });
		expect((await added.poll()).empty).toBe(true);
		expect((await enriched.poll()).empty).toBe(true);
		const activatedAt = fx.sandbox.history.length;
		const enrichedFrom = (savedState(enriched)!.mark as { at: string }).at;

		let serial = 0;
		const mutate = () => {
			const ids = [...table.records.keys()];
			const r = random();
			if (r < 0.3) {
				const n = 1 + Math.floor(random() * 4);
				fx.sandbox.addRecords(
					table.id,
					Array.from({ length: n }, () => ({ Name: `n ${++serial}`, Domain: `${random() < 0.1 ? 'fail' : 'n'}-${serial}.example` })),
				);
			} else if (r < 0.55) {
				const n = ids.length > 300 ? 30 + Math.floor(random() * 50) : 1 + Math.floor(random() * 4);
				const doomed = Array.from({ length: n }, () => (random() < 0.2 ? ids[ids.length - 1] : pick(ids))).filter((id): id is string => !!id);
				fx.sandbox.deleteRecords(table.id, doomed);
			} else if (r < 0.7) {
				const id = pick(ids);
				if (id) fx.sandbox.updateRecords(table.id, [{ id, values: { Name: `edited ${++serial}` } }]);
			} else {
				const fresh = ids.filter((id) => !table.records.get(id)!.cells[fx.sandbox.fieldId(table.id, 'Headcount')]).slice(0, 1 + Math.floor(random() * 15));
				if (fresh.length) fx.sandbox.runFields(table.id, ['Company Domain', 'Headcount'], fresh);
			}
		};
		let during = 0;
		const stop = duringRequests(
			fx.sandbox.server,
			(method, path) => path.includes('/tables/'),
			() => {
				if (random() >= 0.25) return;
				mutate();
				during++;
			},
		);

		const addedOut: string[] = [];
		const enrichedOut: string[] = [];
		// what the Record Added polls' lists showed (a view giving only its first page shows only some)
		const listedToAdded = new Set<string>();
		let listedToEnriched: string[] = [];
		// a view giving only its first page: the records it showed at every Record Enriched poll
		let alwaysListed: Set<string> | undefined;
		const collect = async () => {
			let before = fx.sandbox.listings.length;
			const a = await added.poll();
			expect(a.error).toBeUndefined();
			for (const listing of fx.sandbox.listings.slice(before)) if (listing.tableId === table.id) for (const id of listing.ids) listedToAdded.add(id);
			addedOut.push(...a.json.map((record) => String(record.id)));
			before = fx.sandbox.listings.length;
			const e = await enriched.poll();
			const listings = fx.sandbox.listings.slice(before).filter((listing) => listing.tableId === table.id);
			if (listings.length) listedToEnriched = listings[listings.length - 1].ids;
			for (const listing of listings) alwaysListed = new Set(listing.ids.filter((id) => !alwaysListed || alwaysListed.has(id)));
			expect(e.error).toBeUndefined();
			enrichedOut.push(...e.json.map((record) => `${String(record.id)}@${String(record.updatedAt)}`));
		};
		for (let poll = 0; poll < 300; poll++) {
			const changes = Math.floor(random() * 3);
			for (let c = 0; c < changes; c++) mutate();
			await collect();
		}
		stop();
		await untilSettled(table);
		await sleep(2100);
		await collect();
		await collect();

		const after = fx.sandbox.history.slice(activatedAt).filter((event) => event.tableId === table.id);
		const createdAfter = new Set(after.filter((event) => event.type === 'created').map((event) => event.recordId));
		const existing = [...table.records.values()];

		// Record Added: every record created after activation, still there and listed by a poll, once; nothing else
		const addedCounts = counts(addedOut);
		expect([...addedCounts.values()].filter((n) => n > 1)).toEqual([]);
		expect([...addedCounts.keys()].filter((id) => !createdAfter.has(id))).toEqual([]);
		expect([...createdAfter].filter((id) => table.records.has(id) && listedToAdded.has(id) && !addedCounts.has(id))).toEqual([]);
		if (!capped) expect([...createdAfter].filter((id) => table.records.has(id) && !listedToAdded.has(id))).toEqual([]);

		// Record Enriched: each (record, updatedAt) at most once; every enrichment that finished after
		// activation, on a record still there, emitted — with its finish time, or with the time of an
		// edit made before a poll saw it; each emission is a finished enrichment or (documented) an
		// edit of a record whose enrichment had finished
		const enrichedCounts = counts(enrichedOut);
		expect([...enrichedCounts.entries()].filter(([, n]) => n > 1)).toEqual([]);
		const finishedAfter = new Map<string, string>();
		for (const event of after) if (event.type === 'finished') finishedAfter.set(event.recordId, event.at);
		const emittedAt = new Map<string, string[]>();
		for (const key of enrichedCounts.keys()) {
			const [id, at] = key.split('@');
			emittedAt.set(id, [...(emittedAt.get(id) ?? []), at]);
		}
		// an enrichment that finished while the view did not show its record is not seen: for a view that
		// gives only its first page, the records it showed all along
		const visibleAtEnd = capped ? alwaysListed! : new Set(listedToEnriched);
		const shouldHave = existing.filter((record) => finished(table, record) && finishedAfter.has(record.id) && visibleAtEnd.has(record.id));
		const missed = shouldHave.filter((record) => !(emittedAt.get(record.id) ?? []).some((at) => at >= finishedAfter.get(record.id)!));
		expect(missed.map((record) => record.id)).toEqual([]);
		const finishes = new Set(after.filter((event) => event.type === 'finished').map((event) => `${event.recordId}@${event.at}`));
		const edits = new Set(after.filter((event) => event.type === 'updated').map((event) => `${event.recordId}@${event.at}`));
		expect([...enrichedCounts.keys()].filter((key) => !finishes.has(key) && !edits.has(key))).toEqual([]);
		const completions = [...enrichedCounts.keys()].filter((key) => finishes.has(key));
		// every finished enrichment is emitted once for it (each record is run once here)
		expect(counts(completions.map((key) => key.split('@')[0])).size).toBe(completions.length);
		// nothing finished before activation is replayed
		expect([...enrichedCounts.keys()].filter((key) => key.split('@')[1] <= enrichedFrom)).toEqual([]);

		expect(createdAfter.size).toBeGreaterThan(200);
		expect(after.filter((event) => event.type === 'deleted').length).toBeGreaterThan(100);
		expect(completions.length).toBeGreaterThan(capped ? 20 : 100);
		expect(addedCounts.size).toBeGreaterThan(capped ? 20 : 150);
		if (capped) expect(existing.length).toBeGreaterThan(fx.sandbox.profile.viewPageLimit!);
		expect(edits.size).toBeGreaterThan(50);
		expect(during).toBeGreaterThan(50);
		expect(added.stateBytes()).toBeLessThan(16 * 1024);
		expect(enriched.stateBytes()).toBeLessThan(16 * 1024);
	});
}

/** Views that list newest first, or only their first page of ids (100) whatever the limit asked for. */
const VIEWS: ClayProfileOptions[] = [
	{ viewOrder: 'newest-first' },
	{ viewPageLimit: 100, viewLimitParam: false },
	{ viewOrder: 'newest-first', viewPageLimit: 100, viewLimitParam: false },
];

/** Record Added on views that list newest first or give only their first page, and the simulation on each. */
export function clayViewSuite(): void {
	describe.each(VIEWS.map((view) => [describeProfile(resolveProfile(view)), view] as const))('Clay Trigger on a view: %s', (_name, view) => {
		beforeAll(async () => (fx = await clayTriggerFixture(view)));
		afterAll(async () => await fx.sandbox.close());
		beforeEach(() => fx.sandbox.server.clearLog());

		test('Record Added emits each new record once, in the order they were added; an idle poll is one id list', async () => {
			const table = leadsTable(Array.from({ length: 150 }, (_, i) => ({ Name: `old ${i}` })));
			const runner = fx.runner({ table: byId(table.id), event: 'recordAdded' });
			expect((await runner.poll()).empty).toBe(true);
			await sleep(2);
			const [a] = fx.sandbox.addRecords(table.id, [{ Name: 'A' }]);
			await sleep(2);
			const [b, c] = fx.sandbox.addRecords(table.id, [{ Name: 'B' }, { Name: 'C' }]);
			const poll = await runner.poll();
			expect(poll.error).toBeUndefined();
			const capped = view.viewLimitParam === false;
			// a view giving its first page only, oldest first, shows none of the new records
			const shown = capped && view.viewOrder !== 'newest-first' ? [] : [a.id, b.id, c.id];
			expect(poll.json.map((record) => record.id).sort()).toEqual(shown.sort());
			if (shown.length) expect(poll.json[0].id).toBe(a.id);
			fx.sandbox.server.clearLog();
			expect((await runner.poll()).empty).toBe(true);
			expect(requests()[0]).toBe('GET /tables/:tableId/views/:viewId/records/ids');
			expect(requests().filter((request) => request.includes('bulk-fetch'))).toEqual([]);
		});

		simulation(view);
	});
}
