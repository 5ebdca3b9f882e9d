/**
 * JustPaid Row → Create (10,000 rows) and Row → Upsert (2,000 items) through a sandbox that
 * fails 10% of requests (429/502/503) and drops 1% of connections, half of them after the row
 * was stored. JustPaid has no idempotency key and no client ids: a create whose answer is lost
 * is settled by reading the table back (rows matched by the exact data sent, counted), and sent
 * again only when it was surely not stored. With a Write ID Column the match is exact.
 *
 * The write bucket is made large here (the suite is about faults, not pacing; pacing has its
 * own tests and the benchmark): 10 writes in flight, no window to wait for.
 */
import type { LoggedRequest } from '../../sandbox/framework';
import { byId, justPaidFixture } from '../justpaid/setup';
import type { JustPaidFixture } from '../justpaid/setup';
import { everyKindOnce, FAULTS, faultCounts, pairedOneToOne, ROWS, tally } from './faults';

const UPSERTS = 2_000;
/** At most this share of items may end in error without a Write ID Column. */
const MAX_ERROR_SHARE = 0.005;

let fx: JustPaidFixture;
beforeAll(
	async () => (fx = await justPaidFixture({ seed: 5, lightLog: true, writeLimit: 1_000_000, readLimit: 1_000_000, windowMs: 1000 })),
);
afterAll(async () => await fx.sandbox.close());
beforeEach(() => {
	fx.sandbox.server.clearLog();
	fx.sandbox.server.clearInjected();
});

const fast = { writesPerMinute: 1_000_000, concurrency: 10 };
const n = (count: number) => count.toLocaleString('en-US');

/** The list reads made after the first write: the read-backs. */
function readBacks(log: LoggedRequest[]): number {
	const first = log.find((entry) => entry.method === 'POST')?.startedAt ?? Infinity;
	return log.filter((entry) => entry.method === 'GET' && entry.route === 'GET /api/v1/tables/:id/rows' && entry.startedAt >= first).length;
}

function expectEveryKind(faults: Record<string, number>): void {
	for (const kind of ['drop-after', 'drop-before', 'status-502', 'status-503', 'status-429']) expect(faults[`POST ${kind}`]).toBeGreaterThanOrEqual(1);
}

/** The errors are lost answers that stayed unsettled, saying so; their rows are stored at most once. */
const lostMessage = /^Item \d+: (JustPaid had a server error \(50[234]|The connection to JustPaid failed)/;

describe.each([
	['without a Write ID Column', undefined],
	['with Write ID Column', 'n8n_write_id'],
])('JustPaid through 10%% failed requests and 1%% dropped connections, %s', (label, writeIdColumn) => {
	test(`${n(ROWS)} creates: none stored twice, one output item per input item, at most ${MAX_ERROR_SHARE * 100} % in error${writeIdColumn ? ' (none)' : ''}`, async () => {
		const table = fx.sandbox.seedTable({ name: `Faults ${label}`, maxRows: 100_000, columns: [{ name: 'n', type: 'number', required: true }] });
		fx.sandbox.server.setFaults(FAULTS);
		everyKindOnce(fx.sandbox.server, (req) => req.method === 'POST');

		const result = await fx.run(
			{
				resource: 'row',
				operation: 'create',
				table: byId(table.id),
				columns: { mappingMode: 'autoMapInputData', value: null },
				options: { ...fast, ...(writeIdColumn ? { writeIdColumn } : {}) },
			},
			Array.from({ length: ROWS }, (_v, k) => ({ n: k })),
			true,
		);
		fx.sandbox.server.setFaults(undefined);
		const faults = faultCounts(fx.sandbox.server.log);
		expectEveryKind(faults);
		expect(result.error).toBeUndefined();
		expect(pairedOneToOne(result.items, ROWS)).toBe(true);

		// no row is stored twice
		const stored = fx.sandbox.sortedRows(table.id);
		const counts = tally(stored.map((row) => Number(row.data.n)));
		const doubled = [...counts.values()].filter((count) => count > 1).length;
		expect(doubled).toBe(0);

		const byRowId = new Map(stored.map((row) => [row.id, row]));
		const wrong: string[] = [];
		let failed = 0;
		result.json.forEach((json, k) => {
			if (json.error === undefined) {
				// a success is its own row, stored once
				if (json.n !== k || byRowId.get(json.id as string)?.data.n !== k) wrong.push(`item ${k}: output ${JSON.stringify(json)} is not its stored row`);
				return;
			}
			failed++;
			if (!lostMessage.test(String(json.error)) || !/may or may not have been processed/.test(String(json.description))) wrong.push(`item ${k}: ${JSON.stringify(json)}`);
		});
		expect(wrong).toEqual([]);
		expect(failed).toBeLessThanOrEqual(writeIdColumn ? 0 : ROWS * MAX_ERROR_SHARE);
		expect(stored.length).toBeGreaterThanOrEqual(ROWS - failed);
		expect(stored.length).toBeLessThanOrEqual(ROWS);
		process.stdout.write(
			`justpaid fault run, Row → Create ${label}: ${n(fx.sandbox.server.log.length)} requests (${n(readBacks(fx.sandbox.server.log))} reading back), ${n(ROWS - failed)} created, ${n(failed)} failed, ${n(stored.length)} rows stored, ${doubled} twice, faults ${JSON.stringify(faults)}\n`,
		);
	}, 180_000);

	test(`${n(UPSERTS)} upserts: each key stored once with its last value, one output item per input item${writeIdColumn ? ', none in error' : ''}`, async () => {
		// 1,000 keys exist; the items update them, create 500 more, then update 500 of them again.
		const table = fx.sandbox.seedTable({
			name: `Upsert faults ${label}`,
			maxRows: 100_000,
			columns: [{ name: 'key', type: 'text', required: true }, { name: 'v', type: 'number' }],
			rows: Array.from({ length: 1000 }, (_v, k) => ({ key: `k${k}`, v: 0 })),
		});
		const items = Array.from({ length: UPSERTS }, (_v, i) => (i < 1500 ? { key: `k${i}`, v: 1 } : { key: `k${i - 1500}`, v: 2 }));
		fx.sandbox.server.setFaults(FAULTS);
		everyKindOnce(fx.sandbox.server, (req) => req.method === 'POST');

		const result = await fx.run(
			{
				resource: 'row',
				operation: 'upsert',
				table: byId(table.id),
				columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['key'] },
				options: { ...fast, ...(writeIdColumn ? { writeIdColumn } : {}) },
			},
			items,
			true,
		);
		fx.sandbox.server.setFaults(undefined);
		const faults = faultCounts(fx.sandbox.server.log);
		expectEveryKind(faults);
		expect(result.error).toBeUndefined();
		expect(pairedOneToOne(result.items, UPSERTS)).toBe(true);

		const stored = fx.sandbox.sortedRows(table.id);
		const counts = tally(stored.map((row) => String(row.data.key)));
		const doubled = [...counts.values()].filter((count) => count > 1).length;
		expect(doubled).toBe(0);
		const failed = result.json.filter((json) => json.error !== undefined);
		// only lost answers may fail an item; any other error is listed here as it was output
		expect(failed.filter((json) => !lostMessage.test(String(json.error))).map((json) => `${String(json.error)} — ${String(json.description)}`)).toEqual([]);
		expect(failed.length).toBeLessThanOrEqual(writeIdColumn ? 0 : UPSERTS * MAX_ERROR_SHARE);
		if (!failed.length) {
			expect(stored).toHaveLength(1500);
			const value = new Map(stored.map((row) => [row.data.key, row.data.v]));
			expect(Array.from({ length: 1500 }, (_v, k) => value.get(`k${k}`))).toEqual(Array.from({ length: 1500 }, (_v, k) => (k < 500 ? 2 : 1)));
			expect(result.json.map((json) => json._action)).toEqual(items.map((_item, i) => (i >= 1000 && i < 1500 ? 'created' : 'updated')));
		}
		process.stdout.write(
			`justpaid fault run, Row → Upsert ${label}: ${n(fx.sandbox.server.log.length)} requests (${n(readBacks(fx.sandbox.server.log))} reading back), ${n(UPSERTS - failed.length)} upserted, ${n(failed.length)} failed, ${n(stored.length)} rows stored, ${doubled} twice, faults ${JSON.stringify(faults)}\n`,
		);
	}, 180_000);
});
