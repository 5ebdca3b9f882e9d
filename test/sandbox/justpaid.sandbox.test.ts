import { JustPaidSandbox, startJustPaidSandbox } from '../../sandbox/justpaid';

interface Answer {
	status: number;
	headers: Headers;
	body: any;
}

async function call(
	sb: JustPaidSandbox,
	method: string,
	path: string,
	body?: unknown,
	key: string | null = sb.apiKey,
	rawBody?: string,
): Promise<Answer> {
	const headers: Record<string, string> = {};
	if (key !== null) headers['x-api-key'] = key;
	if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
	const res = await fetch(`${sb.url}/api/v1${path}`, {
		method,
		headers,
		body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('JustPaid sandbox: auth and scopes', () => {
	let sb: JustPaidSandbox;
	beforeAll(async () => {
		sb = await startJustPaidSandbox({
			keys: {
				wfk_full: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
				wfk_read: { companyId: 'company_1', scopes: ['workflows:read'] },
				wfk_write: { companyId: 'company_1', scopes: ['workflows:write'] },
			},
		});
	});
	afterAll(() => sb.close());

	it('uses the first key as the default key', () => {
		expect(sb.apiKey).toBe('wfk_full');
	});

	it('answers 401 without a key or with an unknown key', async () => {
		for (const key of [null, 'wfk_nope', '']) {
			const res = await call(sb, 'GET', '/tables', undefined, key);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ success: false, error: { code: 'UNAUTHORIZED', message: 'Missing or invalid x-api-key' } });
		}
	});

	it('refuses writes to a read-only key and reads to a write-only key with 403', async () => {
		const write = await call(sb, 'POST', '/tables', { name: 'x' }, 'wfk_read');
		expect(write.status).toBe(403);
		expect(write.body.error).toEqual({ code: 'FORBIDDEN', message: 'API key lacks the workflows:write scope' });
		const read = await call(sb, 'GET', '/tables', undefined, 'wfk_write');
		expect(read.status).toBe(403);
		expect(read.body.error).toEqual({ code: 'FORBIDDEN', message: 'API key lacks the workflows:read scope' });
		expect(sb.tables.size).toBe(0);

		const table = sb.seedTable({ name: 't' });
		expect((await call(sb, 'GET', `/tables/${table.id}/rows`, undefined, 'wfk_read')).status).toBe(200);
		expect((await call(sb, 'DELETE', `/tables/${table.id}`, undefined, 'wfk_read')).status).toBe(403);
		expect((await call(sb, 'PATCH', `/tables/${table.id}`, { name: 'y' }, 'wfk_read')).status).toBe(403);
		expect((await call(sb, 'POST', `/tables/${table.id}/rows`, { data: {} }, 'wfk_write')).status).toBe(201);
		expect((await call(sb, 'GET', `/tables/${table.id}`, undefined, 'wfk_write')).status).toBe(403);
	});

	it('answers unknown routes and the missing single-row GET with a 404 envelope', async () => {
		const table = sb.seedTable({ name: 'r', rows: [{ a: 1 }] });
		const rowId = table.rows[0].id;
		const single = await call(sb, 'GET', `/tables/${table.id}/rows/${rowId}`);
		expect(single.status).toBe(404);
		expect(single.body.success).toBe(false);
		expect(single.body.error.code).toBe('NOT_FOUND');
		const unknown = await call(sb, 'GET', '/nothing-here');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.code).toBe('NOT_FOUND');
		// Auth still comes first.
		expect((await call(sb, 'GET', '/nothing-here', undefined, null)).status).toBe(401);
		const outside = await fetch(`${sb.url}/elsewhere`);
		expect(outside.status).toBe(404);
		expect((await outside.json()).success).toBe(false);
	});

	it('answers 400 to a body that is not JSON', async () => {
		const res = await call(sb, 'POST', '/tables', undefined, sb.apiKey, '{"name": ');
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('BAD_REQUEST');
	});
});

describe('JustPaid sandbox: rate limits', () => {
	let sb: JustPaidSandbox;
	beforeAll(async () => {
		sb = await startJustPaidSandbox({
			writeLimit: 3,
			readLimit: 5,
			windowMs: 600,
			keys: {
				wfk_a: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
				wfk_b: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
			},
		});
	});
	afterAll(() => sb.close());

	it('empties the write bucket, answers 429 with Retry-After, and resets with the window', async () => {
		sb.limiter.read.reset();
		sb.limiter.write.reset();
		for (let i = 0; i < 3; i++) expect((await call(sb, 'POST', '/tables', { name: `t${i}` })).status).toBe(201);
		const limited = await call(sb, 'POST', '/tables', { name: 'too many' });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(limited.body.success).toBe(false);
		expect(limited.body.error.code).toBe('RATE_LIMITED');
		expect(limited.body.error.message).toMatch(/Rate limit exceeded/);
		// PATCH and DELETE share the write bucket; GET uses the read bucket; other keys have their own.
		const id = [...sb.tables.values()][0].id;
		expect((await call(sb, 'DELETE', `/tables/${id}`)).status).toBe(429);
		expect((await call(sb, 'GET', '/tables')).status).toBe(200);
		expect((await call(sb, 'POST', '/tables', { name: 'other key' }, 'wfk_b')).status).toBe(201);
		expect(sb.tables.size).toBe(4);

		await sleep(sb.limiter.write.msUntilReset('wfk_a') + 20);
		expect((await call(sb, 'POST', '/tables', { name: 'after reset' })).status).toBe(201);
	});

	it('limits reads separately and runs after auth', async () => {
		sb.limiter.read.reset();
		for (let i = 0; i < 5; i++) expect((await call(sb, 'GET', '/tables')).status).toBe(200);
		const limited = await call(sb, 'GET', '/tables');
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		// Unauthenticated calls are refused before they reach the limiter.
		expect((await call(sb, 'GET', '/tables', undefined, null)).status).toBe(401);
		expect((await call(sb, 'GET', '/tables', undefined, 'wfk_b')).status).toBe(200);
	});

	it('uses the sandbox clock for windows', async () => {
		let t = Date.parse('2024-01-01T00:00:00.000Z');
		const clocked = await startJustPaidSandbox({ writeLimit: 1, windowMs: 60_000, now: () => t });
		try {
			expect((await call(clocked, 'POST', '/tables', { name: 'a' })).status).toBe(201);
			const limited = await call(clocked, 'POST', '/tables', { name: 'b' });
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('60');
			t += 59_500;
			expect((await call(clocked, 'POST', '/tables', { name: 'b' })).headers.get('retry-after')).toBe('1');
			t += 500;
			expect((await call(clocked, 'POST', '/tables', { name: 'b' })).status).toBe(201);
		} finally {
			await clocked.close();
		}
	});
});

describe('JustPaid sandbox: tables', () => {
	let sb: JustPaidSandbox;
	let t = Date.parse('2024-01-15T10:00:00.000Z');
	beforeAll(async () => {
		sb = await startJustPaidSandbox({ now: () => t });
	});
	afterAll(() => sb.close());

	it('creates a table: 201, column ids from names, columns merged into schema, defaults', async () => {
		const res = await call(sb, 'POST', '/tables', {
			name: 'Processed Invoices',
			description: 'Deduplicate Stripe events',
			columns: [
				{ name: 'stripeInvoiceId', type: 'text', required: true },
				{ id: 'amt', name: 'Amount (cents)', type: 'number' },
				{ name: 'status', type: 'select', options: ['open', 'paid'] },
			],
			schema: { version: 2 },
			maxRows: 25000,
		});
		expect(res.status).toBe(201);
		expect(res.body.success).toBe(true);
		const table = res.body.data;
		expect(table.id).toMatch(UUID);
		expect(table.columns).toEqual([
			{ id: 'stripeInvoiceId', name: 'stripeInvoiceId', type: 'text', required: true },
			{ id: 'amt', name: 'Amount (cents)', type: 'number' },
			{ id: 'status', name: 'status', type: 'select', options: ['open', 'paid'] },
		]);
		expect(table.schema).toEqual({ version: 2, columns: table.columns });
		expect(table).toMatchObject({
			name: 'Processed Invoices',
			description: 'Deduplicate Stripe events',
			metadata: {},
			maxRows: 25000,
			rowCount: 0,
			createdAt: '2024-01-15T10:00:00.000Z',
			updatedAt: '2024-01-15T10:00:00.000Z',
		});
		expect(table.rows).toBeUndefined();
		expect(table.companyId).toBeUndefined();

		const bare = (await call(sb, 'POST', '/tables', { name: 'Bare' })).body.data;
		expect(bare).toMatchObject({ description: null, columns: [], schema: {}, metadata: {}, maxRows: 10000 });
	});

	it('lists the company tables newest first with rowCount, and gets one', async () => {
		t += 1000;
		const newer = sb.seedTable({ name: 'Newer', rows: [{ a: 1 }, { a: 2 }] });
		const list = await call(sb, 'GET', '/tables');
		expect(list.status).toBe(200);
		expect(list.body.data.map((x: any) => x.name)).toEqual(['Newer', 'Bare', 'Processed Invoices']);
		expect(list.body.data[0].rowCount).toBe(2);
		const one = await call(sb, 'GET', `/tables/${newer.id}`);
		expect(one.body.data).toMatchObject({ id: newer.id, name: 'Newer', rowCount: 2 });
		expect((await call(sb, 'GET', '/tables/00000000-0000-4000-8000-000000000000')).body).toEqual({
			success: false,
			error: { code: 'NOT_FOUND', message: 'Table not found' },
		});
	});

	it('patches a table: omitted fields unchanged, columns replace schema.columns, schema replaces schema', async () => {
		const created = (
			await call(sb, 'POST', '/tables', {
				name: 'P',
				columns: [{ name: 'a', type: 'text' }],
				schema: { keep: true },
				metadata: { view: 'grid' },
			})
		).body.data;
		t += 5000;
		const renamed = await call(sb, 'PATCH', `/tables/${created.id}`, { name: 'P2', maxRows: 5 });
		expect(renamed.status).toBe(200);
		expect(renamed.body.data).toMatchObject({
			name: 'P2',
			maxRows: 5,
			metadata: { view: 'grid' },
			columns: [{ id: 'a', name: 'a', type: 'text' }],
			createdAt: created.createdAt,
			updatedAt: new Date(t).toISOString(),
		});

		const cols = await call(sb, 'PATCH', `/tables/${created.id}`, { columns: [{ name: 'b', type: 'email' }] });
		expect(cols.body.data.columns).toEqual([{ id: 'b', name: 'b', type: 'email' }]);
		expect(cols.body.data.schema).toEqual({ keep: true, columns: [{ id: 'b', name: 'b', type: 'email' }] });

		const schema = await call(sb, 'PATCH', `/tables/${created.id}`, { schema: { other: 1 }, metadata: {}, description: 'd' });
		expect(schema.body.data).toMatchObject({ schema: { other: 1 }, columns: [], metadata: {}, description: 'd' });

		const both = await call(sb, 'PATCH', `/tables/${created.id}`, {
			schema: { v: 3, columns: [{ name: 'ignored', type: 'text' }] },
			columns: [{ name: 'c', type: 'json' }],
		});
		expect(both.body.data.schema).toEqual({ v: 3, columns: [{ id: 'c', name: 'c', type: 'json' }] });

		expect((await call(sb, 'PATCH', '/tables/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
	});

	it('deletes a table and cascades its rows', async () => {
		const table = sb.seedTable({ name: 'Doomed', rows: [{ a: 1 }] });
		const res = await call(sb, 'DELETE', `/tables/${table.id}`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true, data: { deleted: true } });
		expect(sb.tables.has(table.id)).toBe(false);
		expect((await call(sb, 'GET', `/tables/${table.id}`)).status).toBe(404);
		expect((await call(sb, 'GET', `/tables/${table.id}/rows`)).status).toBe(404);
		expect((await call(sb, 'DELETE', `/tables/${table.id}`)).status).toBe(404);
	});

	const invalidCreates: Array<[unknown, RegExp]> = [
		[{}, /name/],
		[{ name: '' }, /name/],
		[{ name: 'x'.repeat(256) }, /name/],
		[{ name: 42 }, /name/],
		[{ name: 'ok', description: 5 }, /description/],
		[{ name: 'ok', columns: {} }, /columns/],
		[{ name: 'ok', columns: [{ name: 'a', type: 'integer' }] }, /columns\[0\]\.type.*integer/],
		[{ name: 'ok', columns: [{ name: 'a' }] }, /columns\[0\]\.type/],
		[{ name: 'ok', columns: [{ type: 'text' }] }, /columns\[0\]\.name/],
		[{ name: 'ok', columns: [{ name: 'a', type: 'text' }, { name: 's', type: 'select' }] }, /columns\[1\]\.options/],
		[{ name: 'ok', columns: [{ name: 's', type: 'select', options: [1] }] }, /columns\[0\]\.options/],
		[{ name: 'ok', columns: [{ name: 'a', type: 'text' }, { name: 'a', type: 'number' }] }, /columns\[1\]\.id/],
		[{ name: 'ok', schema: [] }, /schema/],
		[{ name: 'ok', metadata: 'x' }, /metadata/],
		[{ name: 'ok', maxRows: 0 }, /maxRows/],
		[{ name: 'ok', maxRows: 100001 }, /maxRows/],
		[{ name: 'ok', maxRows: 1.5 }, /maxRows/],
		[{ name: 'ok', maxRows: '10' }, /maxRows/],
	];
	it.each(invalidCreates.map(([body, message]) => [JSON.stringify(body).slice(0, 70), body, message] as const))(
		'refuses invalid create body %s with 400 naming the field',
		async (_label, body, message) => {
			const before = sb.tables.size;
			const res = await call(sb, 'POST', '/tables', body);
			expect(res.status).toBe(400);
			expect(res.body.success).toBe(false);
			expect(res.body.error.code).toBe('BAD_REQUEST');
			expect(res.body.error.message).toMatch(message);
			expect(sb.tables.size).toBe(before);
		},
	);

	it('accepts the limits of maxRows and name, and refuses an invalid patch without changing anything', async () => {
		expect((await call(sb, 'POST', '/tables', { name: 'x'.repeat(255), maxRows: 100000 })).status).toBe(201);
		const one = await call(sb, 'POST', '/tables', { name: 'one', maxRows: 1 });
		expect(one.status).toBe(201);
		const bad = await call(sb, 'PATCH', `/tables/${one.body.data.id}`, { name: 'changed', maxRows: 0 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.message).toMatch(/maxRows/);
		expect(sb.tables.get(one.body.data.id)!.name).toBe('one');
		expect((await call(sb, 'PATCH', `/tables/${one.body.data.id}`, [1])).status).toBe(400);
	});
});

describe('JustPaid sandbox: rows', () => {
	let sb: JustPaidSandbox;
	let t = Date.parse('2024-01-15T10:30:00.000Z');
	beforeAll(async () => {
		sb = await startJustPaidSandbox({
			now: () => t,
			keys: {
				wfk_test_key: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
				wfk_other: { companyId: 'company_2', scopes: ['workflows:read', 'workflows:write'] },
			},
		});
	});
	afterAll(() => sb.close());

	it('creates rows: 201, data kept as sent (advisory columns), extra keys preserved', async () => {
		const table = sb.seedTable({ name: 'Inv', columns: [{ name: 'amountCents', type: 'number', required: true }] });
		const res = await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { amountCents: 'not a number', extra: { deep: [1] } } });
		expect(res.status).toBe(201);
		expect(res.body.data).toEqual({
			id: expect.stringMatching(UUID),
			tableId: table.id,
			data: { amountCents: 'not a number', extra: { deep: [1] } },
			position: null,
			createdAt: '2024-01-15T10:30:00.000Z',
			updatedAt: '2024-01-15T10:30:00.000Z',
		});
		// A required column missing from data is not enforced.
		expect((await call(sb, 'POST', `/tables/${table.id}/rows`, { data: {} })).status).toBe(201);
		expect((await call(sb, 'GET', `/tables/${table.id}`)).body.data.rowCount).toBe(2);
	});

	it.each([[{}], [{ data: null }], [{ data: [1, 2] }], [{ data: 'x' }], [[{ data: {} }]]])(
		'refuses row body %j with 400',
		async (body) => {
			const table = sb.seedTable({ name: 'V' });
			const res = await call(sb, 'POST', `/tables/${table.id}/rows`, body);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('BAD_REQUEST');
			expect(table.rows).toHaveLength(0);
		},
	);

	it('lists rows by position, then createdAt ascending, ties by id ascending', async () => {
		const table = sb.seedTable({ name: 'Order' });
		const start = t;
		const post = async (label: string) => (await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { label } })).body.data;
		t = start + 10;
		const late = await post('late');
		t = start + 5;
		const tieA = await post('tieA');
		const tieB = await post('tieB');
		const tieC = await post('tieC');
		t = start + 1;
		const early = await post('early');
		// Positions are set by the Studio (the REST API has no field for them).
		const p2 = sb.seedRow(table.id, { label: 'p2' }, { position: 2, createdAt: start + 100 });
		const p1 = sb.seedRow(table.id, { label: 'p1' }, { position: 1, createdAt: start + 200 });
		const ties = [tieA, tieB, tieC].map((r) => r.id).sort();
		const expected = [p1.id, p2.id, early.id, ...ties, late.id];

		const res = await call(sb, 'GET', `/tables/${table.id}/rows`);
		expect(res.status).toBe(200);
		expect(res.body.data.map((r: any) => r.id)).toEqual(expected);
		expect(sb.sortedRows(table.id).map((r) => r.id)).toEqual(expected);
		expect(res.body.data[0]).toEqual({
			id: p1.id,
			tableId: table.id,
			data: { label: 'p1' },
			position: 1,
			createdAt: new Date(start + 200).toISOString(),
			updatedAt: new Date(start + 200).toISOString(),
		});
		// A position in the create body is ignored.
		const withPosition = await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { x: 1 }, position: 0 });
		expect(withPosition.body.data.position).toBeNull();
	});

	it('can break ties in write order instead', async () => {
		const now = Date.parse('2024-02-01T00:00:00.000Z');
		const other = await startJustPaidSandbox({ now: () => now, tieBreak: 'insertion' });
		try {
			const table = other.seedTable({ name: 'T' });
			const ids: string[] = [];
			for (let i = 0; i < 5; i++) ids.push((await call(other, 'POST', `/tables/${table.id}/rows`, { data: { i } })).body.data.id);
			expect((await call(other, 'GET', `/tables/${table.id}/rows`)).body.data.map((r: any) => r.id)).toEqual(ids);
		} finally {
			await other.close();
		}
	});

	it('pages with limit and offset and checks their bounds', async () => {
		const table = sb.seedTable({ name: 'Page', rows: Array.from({ length: 120 }, (_, i) => ({ i })) });
		const get = (q: string) => call(sb, 'GET', `/tables/${table.id}/rows${q}`);
		const first = await get('');
		expect(first.body.data).toHaveLength(50);
		expect(first.body.data[0].data).toEqual({ i: 0 });
		expect((await get('?limit=100')).body.data).toHaveLength(100);
		expect((await get('?limit=1')).body.data.map((r: any) => r.data.i)).toEqual([0]);
		const last = await get('?limit=100&offset=100');
		expect(last.body.data.map((r: any) => r.data.i)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
		expect((await get('?offset=500')).body.data).toEqual([]);
		for (const q of ['?limit=0', '?limit=101', '?limit=abc', '?limit=1.5', '?limit=-1', '?limit=']) {
			const res = await get(q);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('BAD_REQUEST');
			expect(res.body.error.message).toMatch(/limit/);
		}
		for (const q of ['?offset=-1', '?offset=x', '?offset=2.5']) {
			const res = await get(q);
			expect(res.status).toBe(400);
			expect(res.body.error.message).toMatch(/offset/);
		}
	});

	it('refuses a row when the table is full', async () => {
		const table = sb.seedTable({ name: 'Small', maxRows: 2, rows: [{ a: 1 }] });
		expect((await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { a: 2 } })).status).toBe(201);
		const full = await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { a: 3 } });
		expect(full.status).toBe(400);
		expect(full.body.error).toEqual({ code: 'BAD_REQUEST', message: 'Table has reached its maximum row limit of 2' });
		expect(table.rows).toHaveLength(2);
		// Raising the cap makes room.
		expect((await call(sb, 'PATCH', `/tables/${table.id}`, { maxRows: 3 })).status).toBe(200);
		expect((await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { a: 3 } })).status).toBe(201);
	});

	it('PATCH replaces the whole data and bumps updatedAt only', async () => {
		const table = sb.seedTable({ name: 'Upd', rows: [{ a: 1, b: 2 }] });
		const row = table.rows[0];
		row.position = 7;
		t += 60_000;
		const res = await call(sb, 'PATCH', `/tables/${table.id}/rows/${row.id}`, { data: { c: 3 } });
		expect(res.status).toBe(200);
		expect(res.body.data).toEqual({
			id: row.id,
			tableId: table.id,
			data: { c: 3 },
			position: 7,
			createdAt: row.createdAt,
			updatedAt: new Date(t).toISOString(),
		});
		expect(res.body.data.updatedAt > res.body.data.createdAt).toBe(true);
		expect((await call(sb, 'PATCH', `/tables/${table.id}/rows/${row.id}`, { c: 4 })).status).toBe(400);
		expect((await call(sb, 'PATCH', `/tables/${table.id}/rows/${row.id}`, { data: [] })).status).toBe(400);

		// A row of another table is not found through this table.
		const other = sb.seedTable({ name: 'Other', rows: [{ z: 1 }] });
		const wrong = await call(sb, 'PATCH', `/tables/${table.id}/rows/${other.rows[0].id}`, { data: {} });
		expect(wrong.status).toBe(404);
		expect(wrong.body.error).toEqual({ code: 'NOT_FOUND', message: 'Row not found' });
		expect(other.rows[0].data).toEqual({ z: 1 });
	});

	it('deletes a row and decrements rowCount', async () => {
		const table = sb.seedTable({ name: 'Del', rows: [{ a: 1 }, { a: 2 }] });
		const id = table.rows[0].id;
		const res = await call(sb, 'DELETE', `/tables/${table.id}/rows/${id}`);
		expect(res.body).toEqual({ success: true, data: { deleted: true } });
		expect((await call(sb, 'GET', `/tables/${table.id}`)).body.data.rowCount).toBe(1);
		const again = await call(sb, 'DELETE', `/tables/${table.id}/rows/${id}`);
		expect(again.status).toBe(404);
		expect(again.body.error.message).toBe('Row not found');
	});

	it('scopes tables to the key company', async () => {
		const theirs = sb.seedTable({ name: 'Theirs', companyId: 'company_2', rows: [{ secret: 1 }] });
		const rowId = theirs.rows[0].id;
		const mine = await call(sb, 'GET', '/tables');
		expect(mine.body.data.some((x: any) => x.id === theirs.id)).toBe(false);
		const attempts: Array<[string, string, unknown?]> = [
			['GET', `/tables/${theirs.id}`],
			['PATCH', `/tables/${theirs.id}`, { name: 'hijack' }],
			['DELETE', `/tables/${theirs.id}`],
			['GET', `/tables/${theirs.id}/rows`],
			['POST', `/tables/${theirs.id}/rows`, { data: {} }],
			['PATCH', `/tables/${theirs.id}/rows/${rowId}`, { data: {} }],
			['DELETE', `/tables/${theirs.id}/rows/${rowId}`],
		];
		for (const [method, path, body] of attempts) {
			const res = await call(sb, method, path, body);
			expect(res.status).toBe(404);
			expect(res.body.error).toEqual({ code: 'NOT_FOUND', message: 'Table not found' });
		}
		expect(theirs.name).toBe('Theirs');
		expect(theirs.rows).toHaveLength(1);
		const own = await call(sb, 'GET', '/tables', undefined, 'wfk_other');
		expect(own.body.data.map((x: any) => x.id)).toEqual([theirs.id]);
	});

	it('records every row write in history with the sandbox clock', async () => {
		sb.history.length = 0;
		const table = sb.seedTable({ name: 'Hist', rows: [{ seeded: true }] });
		t = Date.parse('2024-03-01T00:00:00.000Z');
		const created = (await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { a: 1 } })).body.data;
		t += 1000;
		await call(sb, 'PATCH', `/tables/${table.id}/rows/${created.id}`, { data: { a: 2 } });
		t += 1000;
		await call(sb, 'DELETE', `/tables/${table.id}/rows/${created.id}`);
		// Refused writes are not recorded.
		await call(sb, 'DELETE', `/tables/${table.id}/rows/${created.id}`);
		expect(sb.history.map(({ seq, ...e }) => e)).toEqual([
			{ type: 'created', tableId: table.id, rowId: created.id, at: '2024-03-01T00:00:00.000Z' },
			{ type: 'updated', tableId: table.id, rowId: created.id, at: '2024-03-01T00:00:01.000Z' },
			{ type: 'deleted', tableId: table.id, rowId: created.id, at: '2024-03-01T00:00:02.000Z' },
		]);
		const seqs = sb.history.map((e) => e.seq);
		expect(seqs[0] < seqs[1] && seqs[1] < seqs[2]).toBe(true);
	});

	it('keeps a request log through the framework', async () => {
		sb.server.clearLog();
		const table = sb.seedTable({ name: 'Log' });
		await call(sb, 'POST', `/tables/${table.id}/rows`, { data: { a: 1 } });
		expect(sb.server.requests('POST', '/api/v1/tables/:id/rows')).toHaveLength(1);
	});
});
