/**
 * The machinery every sandbox runs on (sandbox/framework/), on its own: routing, error answers,
 * the request log, scripted and random faults, rate limiting and seeded ids.
 */
import { HttpError, json, makeRandom, RateLimiter, SandboxServer, uuidV4 } from '../../sandbox/framework';
import type { RandomFaults } from '../../sandbox/framework';

async function withServer(seed: number, setup: (server: SandboxServer) => void, run: (server: SandboxServer) => Promise<void>): Promise<void> {
	const server = new SandboxServer('test', { seed });
	setup(server);
	await server.start();
	try {
		await run(server);
	} finally {
		await server.close();
	}
}

const echoRoutes = (server: SandboxServer) => {
	server.route('GET', '/items/:id', (req) => json(200, { id: req.params.id, q: req.query.q ?? null }));
	server.route('DELETE', '/items/:id', (req) => {
		throw new HttpError(json(409, { message: `item ${req.params.id} is in use` }, { 'x-reason': 'in-use' }));
	});
	server.route('POST', '/crash', () => {
		throw new Error('boom');
	});
};

/** The status of a request, or `dropped` when the connection was cut. */
async function statusOf(url: string, init?: RequestInit): Promise<number | 'dropped'> {
	try {
		const res = await fetch(url, init);
		await res.text();
		return res.status;
	} catch {
		return 'dropped';
	}
}

describe('sandbox framework', () => {
	it('stamps every answer with the clock of the moment it is sent, also after a long turn of the event loop', async () => {
		const setup = (server: SandboxServer) => {
			server.route('GET', '/now', () => json(200, {}));
			// a turn of the event loop that outlasts a second: Node's own Date header, cached per
			// second and reset by a timer that cannot run meanwhile, would be a second behind
			server.route('GET', '/slow', () => {
				const until = Date.now() + 1100;
				while (Date.now() < until);
				return json(200, { sentAfter: Math.floor(Date.now() / 1000) * 1000 });
			});
		};
		await withServer(1, setup, async (server) => {
			await (await fetch(`${server.url}/now`)).text();
			const res = await fetch(`${server.url}/slow`);
			const { sentAfter } = (await res.json()) as { sentAfter: number };
			expect(Date.parse(res.headers.get('date') ?? '')).toBeGreaterThanOrEqual(sentAfter);
		});
	});

	it('routes by method and pattern, and logs each request with its route', async () => {
		await withServer(1, echoRoutes, async (server) => {
			const res = await fetch(`${server.url}/items/a%20b?q=1`);
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ id: 'a b', q: '1' });
			expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
			expect(server.log.map((entry) => [entry.method, entry.path, entry.status, entry.route, entry.rawQuery])).toEqual([
				['GET', '/items/a b', 200, 'GET /items/:id', '?q=1'],
				['GET', '/nothing', 404, undefined, ''],
			]);
			expect(server.requests('GET', '/items/:id')).toHaveLength(1);
			expect(server.routesFor('/items/x')).toEqual([
				{ method: 'GET', pattern: '/items/:id' },
				{ method: 'DELETE', pattern: '/items/:id' },
			]);
			expect(server.routesFor('/items/x/y')).toEqual([]);
		});
	});

	it('answers an HttpError thrown by a handler with its response; any other error is a 500', async () => {
		await withServer(1, echoRoutes, async (server) => {
			const refused = await fetch(`${server.url}/items/7`, { method: 'DELETE' });
			expect(refused.status).toBe(409);
			expect(refused.headers.get('x-reason')).toBe('in-use');
			expect(await refused.json()).toEqual({ message: 'item 7 is in use' });
			const crashed = await fetch(`${server.url}/crash`, { method: 'POST' });
			expect(crashed.status).toBe(500);
			expect(await crashed.json()).toEqual({ message: 'sandbox crashed: boom' });
		});
	});

	it('applies scripted faults in order to the requests they match, each as often as asked', async () => {
		await withServer(1, echoRoutes, async (server) => {
			server.inject({ match: (req) => req.path === '/items/b', action: { kind: 'status', status: 503, retryAfter: 2 }, times: 2 });
			server.inject({ action: { kind: 'drop-before' } });
			const url = (id: string) => `${server.url}/items/${id}`;
			const limited = await fetch(url('b'));
			expect([limited.status, limited.headers.get('retry-after'), await limited.json()]).toEqual([503, '2', { message: 'injected 503' }]);
			expect(await statusOf(url('a'))).toBe('dropped');
			expect(await statusOf(url('b'))).toBe(503);
			expect(await statusOf(url('b'))).toBe(200);
			server.inject({ action: { kind: 'drop-after' } }).clearInjected();
			expect(await statusOf(url('a'))).toBe(200);
			expect(server.log.map((entry) => entry.fault)).toEqual(['status-503', 'drop-before', 'status-503', undefined, undefined]);
		});
	});

	it('draws random faults from the seed: the same seed gives the same faults', async () => {
		const faults: RandomFaults = { errorRate: 0.3, statuses: [429, 502], dropBeforeRate: 0.1, dropAfterRate: 0.1, match: (req) => req.path !== '/items/safe' };
		const pattern = async (seed: number) => {
			let seen: Array<string | undefined> = [];
			await withServer(seed, echoRoutes, async (server) => {
				server.setFaults(faults);
				for (let i = 0; i < 40; i++) await statusOf(`${server.url}/items/${i % 5 === 0 ? 'safe' : i}`);
				seen = server.log.map((entry) => entry.fault);
			});
			return seen;
		};
		const first = await pattern(7);
		expect(await pattern(7)).toEqual(first);
		expect(new Set(first)).toEqual(new Set([undefined, 'status-429', 'status-502', 'drop-before', 'drop-after']));
		expect(first.filter((_fault, i) => i % 5 === 0).every((fault) => fault === undefined)).toBe(true);
		expect(await pattern(8)).not.toEqual(first);
	});

	it('limits per key in fixed windows and says how long to wait', () => {
		const limiter = new RateLimiter(2, 1000);
		expect([limiter.take('a', 0), limiter.take('a', 10), limiter.take('b', 10)]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
		expect(limiter.take('a', 100)).toEqual({ ok: false, retryAfterSeconds: 1 });
		expect(limiter.msUntilReset('a', 400)).toBe(600);
		expect(limiter.take('a', 1000)).toEqual({ ok: true });
		limiter.reset();
		expect(limiter.msUntilReset('a', 1000)).toBe(0);
	});

	it('makes version-4 UUIDs that repeat for a seed', () => {
		const ids = (seed: number) => {
			const random = makeRandom(seed);
			return Array.from({ length: 50 }, () => uuidV4(random));
		};
		const first = ids(3);
		for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(new Set(first).size).toBe(50);
		expect(ids(3)).toEqual(first);
		expect(ids(4)).not.toEqual(first);
	});
});
