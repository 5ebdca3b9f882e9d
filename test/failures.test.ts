/**
 * Declared failures (n8n-workflow 2.41's `failure` on NodeApiError / NodeOperationError): every
 * error a node or trigger raises from a service's answer says why it failed, so that n8n backs
 * a polling trigger off the right way and tells the user what kind of problem it is. Each cause
 * per service, through n8n-core's execution and a real poll, on the error n8n receives; the
 * message and description stay as they were (asserted in each service's errors suite).
 */
import type { Failure } from 'n8n-workflow';

import type { ExecuteResult } from './harness/n8n';
import type { PollRunner } from './harness/poll';
import { clayFixture } from './clay/setup';
import type { ClayFixture } from './clay/setup';
import { extructFixture } from './extruct/setup';
import type { ExtructFixture } from './extruct/setup';
import { justPaidFixture } from './justpaid/setup';
import type { JustPaidFixture } from './justpaid/setup';
import { clayTriggerFixture, extructTriggerFixture, justPaidTriggerFixture } from './triggers/setup';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const failureOf = (error: unknown) => (error as { failure?: Failure } | undefined)?.failure;
/** Retry-After of 600 s: longer than the node waits (120 s), so the 429 is reported at once. */
const LONG_WAIT = 600;

interface Service {
	name: string;
	start(): Promise<{ run(parameters: Record<string, unknown>): Promise<ExecuteResult>; inject: ExtructFixture['sandbox']['server']['inject']; close(): Promise<void> }>;
	/** A table that exists, and the parameters of Table → Get for a table id. */
	seed(): string;
	getTable(id: string): Record<string, unknown>;
	/** Points the credential at a wrong secret, or at a Base URL that is not http(s). */
	wrongSecret(): void;
	badBaseUrl(): void;
	reset(): void;
	/** A well-formed table id that no table has. */
	missingId: string;
	/** What a 403 means for this service. */
	forbidden: Failure;
	/** What a 429 means for this service. */
	tooMany: Failure['cause'];
}

let extruct: ExtructFixture;
let clay: ClayFixture;
let justPaid: JustPaidFixture;

const services: Service[] = [
	{
		name: 'Extruct',
		start: async () => {
			extruct = await extructFixture();
			return { run: extruct.run, inject: (fault) => extruct.sandbox.server.inject(fault), close: async () => await extruct.sandbox.close() };
		},
		seed: () => extruct.sandbox.seedTable({ name: 'Failures', kind: 'company' }).id,
		getTable: (id) => ({ resource: 'table', operation: 'get', table: byId(id) }),
		wrongSecret: () => (extruct.harness.credentials.extructApi = { apiToken: 'wrong-token-123456', baseUrl: extruct.sandbox.url }),
		badBaseUrl: () => (extruct.harness.credentials.extructApi = { apiToken: extruct.sandbox.token, baseUrl: 'api.extruct.ai' }),
		reset: () => (extruct.harness.credentials.extructApi = { apiToken: extruct.sandbox.token, baseUrl: extruct.sandbox.url }),
		missingId: 'no-such-table',
		forbidden: { cause: 'configuration-invalid' },
		// Extruct's docs: a 429 is a quota or billing refusal
		tooMany: 'quota-exhausted',
	},
	{
		name: 'JustPaid',
		start: async () => {
			justPaid = await justPaidFixture();
			return { run: justPaid.run, inject: (fault) => justPaid.sandbox.server.inject(fault), close: async () => await justPaid.sandbox.close() };
		},
		seed: () => justPaid.sandbox.seedTable({ name: 'Failures' }).id,
		getTable: (id) => ({ resource: 'table', operation: 'get', table: byId(id) }),
		wrongSecret: () => (justPaid.harness.credentials.justPaidApi = { ...justPaid.credential, apiKey: 'wfk_wrong_123456' }),
		badBaseUrl: () => (justPaid.harness.credentials.justPaidApi = { ...justPaid.credential, baseUrl: 'justpaid.io' }),
		reset: () => (justPaid.harness.credentials.justPaidApi = { ...justPaid.credential }),
		missingId: 'no-such-table',
		// a 403 is a key without the scope the call needs: only another key helps
		forbidden: { cause: 'credential-invalid' },
		tooMany: 'rate-limited',
	},
	{
		name: 'Clay',
		start: async () => {
			clay = await clayFixture();
			return { run: clay.run, inject: (fault) => clay.sandbox.server.inject(fault), close: async () => await clay.sandbox.close() };
		},
		seed: () => clay.sandbox.seedTable({ name: 'Failures', fields: [{ name: 'Name' }], records: [] }).id,
		getTable: (id) => ({ resource: 'table', operation: 'get', table: byId(id) }),
		wrongSecret: () => clay.resetCredential('s%3Aexpired-session-123456'),
		badBaseUrl: () => (clay.harness.credentials.clayApi = { sessionToken: clay.sandbox.session, baseUrl: 'api.clay.com' }),
		reset: () => clay.resetCredential(),
		missingId: 't_nosuchtable',
		forbidden: { cause: 'configuration-invalid' },
		tooMany: 'rate-limited',
	},
];

describe.each(services)('$name: the failure each error declares', (service) => {
	let fx: Awaited<ReturnType<Service['start']>>;
	beforeAll(async () => (fx = await service.start()));
	afterAll(async () => await fx.close());
	afterEach(() => service.reset());

	const expectFailure = (result: ExecuteResult, failure: Failure) => {
		expect(result.error).toBeDefined();
		expect(failureOf(result.error)).toEqual(failure);
	};

	test('401, a rejected key or an expired session: credential-invalid', async () => {
		service.wrongSecret();
		expectFailure(await fx.run(service.getTable(service.seed())), { cause: 'credential-invalid' });
	});

	test('402, credits or plan: quota-exhausted', async () => {
		const id = service.seed();
		fx.inject({ action: { kind: 'status', status: 402, body: { detail: { error: 'insufficient_credits' }, error: { code: 'PAYMENT_REQUIRED', message: 'Out of credits' } } } });
		expectFailure(await fx.run(service.getTable(id)), { cause: 'quota-exhausted' });
	});

	test('403', async () => {
		const id = service.seed();
		fx.inject({ action: { kind: 'status', status: 403, body: { message: 'Forbidden' } } });
		expectFailure(await fx.run(service.getTable(id)), service.forbidden);
	});

	test('404, a table that no longer exists: configuration-invalid', async () => {
		expectFailure(await fx.run(service.getTable(service.missingId)), { cause: 'configuration-invalid' });
	});

	test('429 with a Retry-After longer than the node waits: the cause with the wait asked for', async () => {
		const id = service.seed();
		fx.inject({ action: { kind: 'status', status: 429, retryAfter: LONG_WAIT, body: { message: 'Slow down' } } });
		expectFailure(await fx.run(service.getTable(id)), { cause: service.tooMany, retryAfterMs: LONG_WAIT * 1000 });
	});

	test('5xx after the retries: temporarily-unavailable', async () => {
		const id = service.seed();
		fx.inject({ match: (req) => req.path.includes(id), action: { kind: 'status', status: 503, retryAfter: 0.01, body: { message: 'Down' } }, times: 10 });
		const result = await fx.run(service.getTable(id));
		expect(result.error?.message).toMatch(/server error \(503/);
		expectFailure(result, { cause: 'temporarily-unavailable', retryAfterMs: 10 });
	});

	test('a Base URL that is not an http(s) address: configuration-invalid', async () => {
		service.badBaseUrl();
		expectFailure(await fx.run(service.getTable(service.missingId)), { cause: 'configuration-invalid' });
	});

	test('a request the service rejects for its data (400/422) declares nothing: the item is at fault', async () => {
		const id = service.seed();
		fx.inject({ action: { kind: 'status', status: 422, body: { message: 'Invalid' } } });
		const result = await fx.run(service.getTable(id));
		expect(result.error).toBeDefined();
		expect(failureOf(result.error)).toBeUndefined();
	});
});

describe('a dropped connection on a create (not retried): temporarily-unavailable', () => {
	beforeAll(async () => (extruct = await extructFixture()));
	afterAll(async () => await extruct.sandbox.close());

	test('Extruct Table → Create', async () => {
		extruct.sandbox.server.inject({ match: (req) => req.method === 'POST', action: { kind: 'drop-after' } });
		const result = await extruct.run({ resource: 'table', operation: 'create', name: 'Dropped', kind: 'company' });
		expect(result.error?.message).toMatch(/connection/i);
		expect(failureOf(result.error)).toEqual({ cause: 'temporarily-unavailable' });
	});
});

describe('the triggers declare them too: what n8n backs a poll off by', () => {
	const cases: Array<[string, () => Promise<{ runner: PollRunner; table: string; close(): Promise<void>; drop(): void; wrongSecret(): void }>]> = [
		[
			'Extruct Trigger',
			async () => {
				const fx = await extructTriggerFixture();
				const table = fx.sandbox.seedTable({ name: 'T', kind: 'company' }).id;
				return {
					runner: fx.runner({ table: byId(table), event: 'rowAdded' }),
					table,
					close: async () => await fx.sandbox.close(),
					drop: () => fx.sandbox.tables.delete(table),
					wrongSecret: () => (fx.harness.credentials.extructApi = { apiToken: 'wrong-token-123456', baseUrl: fx.sandbox.url }),
				};
			},
		],
		[
			'JustPaid Trigger',
			async () => {
				const fx = await justPaidTriggerFixture();
				const table = fx.sandbox.seedTable({ name: 'T' }).id;
				return {
					runner: fx.runner({ table: byId(table), event: 'rowAdded' }),
					table,
					close: async () => await fx.sandbox.close(),
					drop: () => fx.sandbox.tables.delete(table),
					wrongSecret: () => (fx.harness.credentials.justPaidApi = { ...fx.harness.credentials.justPaidApi, apiKey: 'wfk_wrong_123456' }),
				};
			},
		],
		[
			'Clay Trigger',
			async () => {
				const fx = await clayTriggerFixture();
				const table = fx.sandbox.seedTable({ name: 'T', fields: [{ name: 'Name' }], records: [] }).id;
				return {
					runner: fx.runner({ table: byId(table), event: 'recordAdded' }),
					table,
					close: async () => await fx.sandbox.close(),
					drop: () => fx.sandbox.tables.delete(table),
					wrongSecret: () => (fx.harness.credentials.clayApi = { ...fx.harness.credentials.clayApi, sessionToken: 's%3Aexpired-session-123456' }),
				};
			},
		],
	];

	test.each(cases)('%s: a deleted table is configuration-invalid, a dead credential credential-invalid', async (_name, start) => {
		const trigger = await start();
		try {
			const first = await trigger.runner.poll();
			expect(first.error).toBeUndefined();
			trigger.drop();
			const gone = await trigger.runner.poll();
			expect(failureOf(gone.error)).toEqual({ cause: 'configuration-invalid' });
			trigger.wrongSecret();
			const dead = await trigger.runner.poll();
			expect(failureOf(dead.error)).toEqual({ cause: 'credential-invalid' });
		} finally {
			await trigger.close();
		}
	});
});
