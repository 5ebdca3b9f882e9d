/** The batched writer on its own: splitting a rejected batch, halving, reconcile rounds, grouping by table. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { writeByTable } from '../../nodes/shared/batch';
import type { BatchLimits, Outcome, TableWriter } from '../../nodes/shared/batch';
import { ServiceError } from '../../nodes/shared/errors';

const rejected = () => new ServiceError('rejected', { status: 422 });
const values = <R>(outcomes: Array<Outcome<R> | undefined>) => outcomes.map((o) => (o === undefined ? undefined : o.ok ? o.value : `error: ${o.error.message}`));

/** A writer of one table, its calls without the table id, and its limits (3 a batch, 1 at a time unless given). */
type OneTable = Partial<BatchLimits> &
	Partial<Pick<TableWriter<string, string>, 'diagnose' | 'rowError' | 'reconcileRounds' | 'reconcileDelayMs'>> & {
		send(payloads: string[]): Promise<string[]>;
		reconcile?(payloads: string[]): Promise<Array<string | undefined>>;
	};

async function oneTable(payloads: string[], over: OneTable): Promise<Array<Outcome<string>>> {
	const { batchSize = 3, concurrency = 1, send, reconcile, ...writer } = over;
	const outcomes = await writeByTable(
		{ batchSize, concurrency },
		payloads.map((payload) => ({ tableId: 't', payload })),
		{
			diagnose: () => undefined,
			...writer,
			send: async (_tableId, sent) => await send(sent),
			reconcile: reconcile && (async (_tableId, sent) => await reconcile(sent)),
		},
	);
	return outcomes.map((outcome) => outcome!);
}

describe('writeByTable on one table', () => {
	it('sends batches of the batch size and pairs every result to its entry', async () => {
		const sent: string[][] = [];
		const outcomes = await oneTable(['a', 'b', 'c', 'd', 'e'], { send: async (payloads) => (sent.push(payloads), payloads.map((p) => p.toUpperCase())) });
		expect(sent).toEqual([['a', 'b', 'c'], ['d', 'e']]);
		expect(values(outcomes)).toEqual(['A', 'B', 'C', 'D', 'E']);
	});

	it('fails the rows the service named alone and sends the rest again', async () => {
		const sent: string[][] = [];
		const outcomes = await oneTable(['a', 'bad', 'c'], {
			send: async (payloads) => {
				sent.push(payloads);
				if (payloads.includes('bad')) throw rejected();
				return payloads;
			},
			diagnose: (_error, payloads) => ({ bad: new Map(payloads.flatMap((p, k) => (p === 'bad' ? [[k, 'bad value'] as [number, string]] : []))) }),
		});
		expect(sent).toEqual([['a', 'bad', 'c'], ['a', 'c']]);
		expect(values(outcomes)).toEqual(['a', 'error: bad value', 'c']);
	});

	it('halves a batch the service rejects without naming rows, until the bad row stands alone', async () => {
		const sent: string[][] = [];
		const outcomes = await oneTable(['a', 'b', 'bad', 'd'], {
			batchSize: 4,
			send: async (payloads) => {
				sent.push(payloads);
				if (payloads.includes('bad')) throw rejected();
				return payloads;
			},
			diagnose: () => ({ bad: new Map() }),
		});
		expect(sent).toEqual([['a', 'b', 'bad', 'd'], ['a', 'b'], ['bad', 'd'], ['bad'], ['d']]);
		expect(values(outcomes)).toEqual(['a', 'b', 'error: rejected', 'd']);
	});

	it('fails every entry of a batch with an error that must not be split, sending nothing again', async () => {
		let calls = 0;
		const outcomes = await oneTable(['a', 'b'], {
			send: async () => {
				calls++;
				throw new ServiceError('unauthorized', { status: 401 });
			},
		});
		expect(calls).toBe(1);
		expect(values(outcomes)).toEqual(['error: unauthorized', 'error: unauthorized']);
	});

	it('treats an answer with the wrong number of results as ambiguous', async () => {
		const outcomes = await oneTable(['a', 'b'], { send: async () => ['only one'] });
		expect(outcomes.every((o) => !o.ok && (o.error as ServiceError).details.ambiguous)).toBe(true);
	});

	it('reconciles ambiguous writes: found ones succeed, missing ones are sent again, still missing after the rounds fail as not stored', async () => {
		const stored = new Set<string>();
		const sent: string[][] = [];
		const outcomes = await oneTable(['kept', 'lost', 'never'], {
			reconcileDelayMs: 1,
			reconcileRounds: 1,
			send: async (payloads) => {
				sent.push(payloads);
				// the first send stores 'kept' and loses its answer; 'never' is never stored
				if (sent.length === 1) {
					stored.add('kept');
					throw new ServiceError('connection dropped', { ambiguous: true });
				}
				for (const p of payloads) if (p !== 'never') stored.add(p);
				if (payloads.includes('never')) throw new ServiceError('dropped again', { ambiguous: true });
				return payloads;
			},
			reconcile: async (payloads) => payloads.map((p) => (stored.has(p) ? `found ${p}` : undefined)),
		});
		expect(sent).toEqual([['kept', 'lost', 'never'], ['lost', 'never']]);
		expect(outcomes[0]).toMatchObject({ ok: true, value: 'found kept' });
		expect(outcomes[1]).toMatchObject({ ok: true, value: 'found lost' });
		expect(outcomes[2].ok).toBe(false);
		const error = (outcomes[2] as unknown as { error: ServiceError }).error;
		expect(error.details.ambiguous).toBe(false);
		expect(error.details.description).toMatch(/NOT stored/);
	});

	it('keeps the ambiguous error, saying so, when the look-up fails', async () => {
		const outcomes = await oneTable(['a'], {
			reconcileDelayMs: 1,
			send: async () => {
				throw new ServiceError('dropped', { ambiguous: true, description: 'May be stored.' });
			},
			reconcile: async () => {
				throw new Error('list failed');
			},
		});
		const error = (outcomes[0] as unknown as { error: ServiceError }).error;
		expect(error.details.ambiguous).toBe(true);
		expect(error.details.description).toBe('May be stored. Reading back to find out failed too: list failed');
	});
});

describe('writeByTable', () => {
	const prepared = [{ tableId: 't1', payload: 'a' }, new Error('bad item'), { tableId: 't2', payload: 'b' }, { tableId: 't1', payload: 'c' }];

	it('sends batches of one table each, leaves failed preparations out, and returns outcomes by item index', async () => {
		const sent: Array<[string, string[]]> = [];
		const outcomes = await writeByTable({ batchSize: 3, concurrency: 1 }, prepared, {
			send: async (tableId, payloads) => (sent.push([tableId, payloads]), payloads.map((p) => `${tableId}:${p}`)),
			diagnose: () => undefined,
		});
		expect(sent).toEqual([['t1', ['a', 'c']], ['t2', ['b']]]);
		expect(values(outcomes)).toEqual(['t1:a', undefined, 't2:b', 't1:c']);
		expect(outcomes.map((o) => o?.index)).toEqual([0, undefined, 2, 3]);
	});

	it('takes the batch size and concurrency from the node options', async () => {
		const ctx = { getNodeParameter: () => ({ batchSize: 1, concurrency: 2 }) } as unknown as IExecuteFunctions;
		const sent: Array<[string, string[]]> = [];
		const outcomes = await writeByTable(ctx, prepared, {
			send: async (tableId, payloads) => (sent.push([tableId, payloads]), payloads),
			diagnose: () => undefined,
		});
		expect(sent).toEqual([['t1', ['a']], ['t1', ['c']], ['t2', ['b']]]);
		expect(values(outcomes)).toEqual(['a', undefined, 'b', 'c']);
	});

	it('keeps "Concurrency" batches in flight across tables, never more', async () => {
		let inFlight = 0;
		let most = 0;
		const writes = Array.from({ length: 12 }, (_v, i) => ({ tableId: `t${i % 3}`, payload: `r${i}` }));
		const outcomes = await writeByTable({ batchSize: 2, concurrency: 3 }, writes, {
			send: async (_tableId, payloads) => {
				most = Math.max(most, ++inFlight);
				await new Promise((resolve) => setImmediate(resolve));
				inFlight--;
				return payloads;
			},
			diagnose: () => undefined,
		});
		expect(most).toBe(3);
		expect(values(outcomes)).toEqual(writes.map((w) => w.payload));
	});

	it('reconciles ambiguous writes table by table, sending again only what each table lacks', async () => {
		const stored: Record<string, Set<string>> = { t1: new Set(), t2: new Set() };
		const sent: Array<[string, string[]]> = [];
		const looked: Array<[string, string[]]> = [];
		const writes = [
			{ tableId: 't1', payload: 'kept' },
			{ tableId: 't2', payload: 'lost' },
			{ tableId: 't1', payload: 'fine' },
		];
		const outcomes = await writeByTable({ batchSize: 1, concurrency: 1 }, writes, {
			reconcileDelayMs: 1,
			send: async (tableId, payloads) => {
				sent.push([tableId, payloads]);
				if (payloads[0] === 'kept' && !stored.t1.has('kept')) {
					stored.t1.add('kept');
					throw new ServiceError('connection dropped', { ambiguous: true });
				}
				if (payloads[0] === 'lost' && sent.filter(([, p]) => p[0] === 'lost').length === 1) throw new ServiceError('dropped', { ambiguous: true });
				for (const p of payloads) stored[tableId].add(p);
				return payloads.map((p) => `${tableId}:${p}`);
			},
			diagnose: () => undefined,
			reconcile: async (tableId, payloads) => {
				looked.push([tableId, payloads]);
				return payloads.map((p) => (stored[tableId].has(p) ? `found ${tableId}:${p}` : undefined));
			},
		});
		expect(looked).toEqual([['t1', ['kept']], ['t2', ['lost']]]);
		expect(sent.filter(([, p]) => p[0] === 'kept')).toHaveLength(1);
		expect(sent.filter(([, p]) => p[0] === 'lost')).toHaveLength(2);
		expect(values(outcomes)).toEqual(['found t1:kept', 't2:lost', 't1:fine']);
	});

	it('fails only the table whose look-up failed, keeping its errors ambiguous', async () => {
		const outcomes = await writeByTable({ batchSize: 5, concurrency: 1 }, [{ tableId: 't1', payload: 'a' }, { tableId: 't2', payload: 'b' }], {
			reconcileDelayMs: 1,
			send: async () => {
				throw new ServiceError('dropped', { ambiguous: true });
			},
			diagnose: () => undefined,
			reconcile: async (tableId, payloads) => {
				if (tableId === 't1') throw new Error('list failed');
				return payloads.map((p) => `found ${p}`);
			},
		});
		expect(values(outcomes)).toEqual(['error: dropped', 'found b']);
		expect(((outcomes[0] as { error: unknown }).error as ServiceError).details).toMatchObject({ ambiguous: true, description: 'Reading back to find out failed too: list failed' });
	});
});
