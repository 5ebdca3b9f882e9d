/**
 * Bulk writes: items go to the service in batches, a few batches at a time, and every
 * input item ends as exactly one success or one error.
 *
 * When the service rejects a whole batch because of some of its rows (a validation
 * error that stores nothing), the batch is split: rows the service named are failed
 * alone and the rest is sent again; when the service does not say which rows, the batch
 * is halved until the bad row stands alone. Any other failure (auth, a missing table,
 * an ambiguous write) fails the batch's items with that error, never re-sending them.
 *
 * An ambiguous write (the connection dropped after the request was sent, a 502/503/504 on a
 * create) may or may not have been stored. When the service lets the client find out — the
 * operation gives a `reconcile` that looks the rows up, e.g. by a write id stored with each
 * row — the rows found count as written, the rows surely not stored are sent again, and only
 * what is still unknown after that ends as an error saying so.
 */
import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { ServiceError } from './errors';
import { batchSettings } from './properties';

export interface BatchEntry<P> {
	/** Index of the input item the entry came from. */
	index: number;
	payload: P;
}

export type Outcome<R> = { index: number; ok: true; value: R } | { index: number; ok: false; error: Error };

export interface BatchOptions<P, R> {
	batchSize: number;
	concurrency: number;
	/** Sends one batch; returns one result per payload, in order. */
	send(payloads: P[]): Promise<R[]>;
	/**
	 * For a rejected batch: whether it stored nothing and so may be split and re-sent,
	 * and which positions (0-based, within the batch) the service named, with a message
	 * for each. Return `undefined` for errors that must not be split.
	 */
	diagnose(error: unknown, payloads: P[]): { bad: Map<number, string> } | undefined;
	/** Builds the error of one entry whose row the service named. */
	rowError?(message: string, entry: BatchEntry<P>, cause: unknown): Error;
	/**
	 * For writes that are not idempotent: called once every batch is done, with the payloads
	 * whose batch failed ambiguously. Returns, per payload, what the service holds for it, or
	 * `undefined` when it surely did not store it (those are sent again). Throwing leaves the
	 * ambiguous errors as they are.
	 */
	reconcile?(payloads: P[]): Promise<Array<R | undefined>>;
	/** How many times a write found not stored is sent again (default 2); it is looked up after each. */
	reconcileRounds?: number;
	/** Pause before each look-up, so that a write the service was still processing has landed (default 1000 ms). */
	reconcileDelayMs?: number;
}

/** Whether an error leaves the fate of a write unknown. */
export function isAmbiguous(error: unknown): boolean {
	return error instanceof ServiceError && error.details.ambiguous === true;
}

/** Runs `worker` over `tasks` with at most `concurrency` at once, in order of start. */
export async function mapConcurrent<T, R>(
	tasks: readonly T[],
	concurrency: number,
	worker: (task: T, position: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(tasks.length);
	let next = 0;
	const run = async () => {
		while (next < tasks.length) {
			const position = next++;
			results[position] = await worker(tasks[position], position);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, run));
	return results;
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/** Sends the entries in batches; returns one outcome per entry, in the entries' order. */
export async function runBatched<P, R>(entries: Array<BatchEntry<P>>, options: BatchOptions<P, R>): Promise<Array<Outcome<R>>> {
	// Batches are lists of positions in `entries`, and each outcome goes to its entry's position
	// as its batch ends: nothing to sort or look up after the last answer.
	const outcomes = new Array<Outcome<R>>(entries.length);
	const fail = (position: number, error: Error) => (outcomes[position] = { index: entries[position].index, ok: false, error });
	const size = Math.max(1, Math.floor(options.batchSize));
	const rowError =
		options.rowError ??
		((message: string, _entry: BatchEntry<P>, cause: unknown) =>
			new ServiceError(message, {
				status: cause instanceof ServiceError ? cause.status : undefined,
				body: cause instanceof ServiceError ? cause.details.body : undefined,
			}));

	const sendBatch = async (batch: number[]): Promise<void> => {
		if (batch.length === 0) return;
		const payloads = batch.map((position) => entries[position].payload);
		let results: R[];
		try {
			results = await options.send(payloads);
		} catch (error) {
			const diagnosis = options.diagnose(error, payloads);
			if (!diagnosis) {
				for (const position of batch) fail(position, error as Error);
				return;
			}
			if (batch.length === 1) {
				const message = diagnosis.bad.get(0);
				fail(batch[0], message ? rowError(message, entries[batch[0]], error) : (error as Error));
				return;
			}
			const named = [...diagnosis.bad.keys()].filter((k) => k >= 0 && k < batch.length);
			if (named.length > 0) {
				for (const k of named) fail(batch[k], rowError(diagnosis.bad.get(k)!, entries[batch[k]], error));
				await sendBatch(batch.filter((_position, k) => !diagnosis.bad.has(k)));
				return;
			}
			const half = Math.ceil(batch.length / 2);
			await sendBatch(batch.slice(0, half));
			await sendBatch(batch.slice(half));
			return;
		}
		if (!Array.isArray(results) || results.length !== batch.length) {
			const got = Array.isArray(results) ? results.length : 0;
			const error = new ServiceError(
				`The service answered ${got} results for a batch of ${batch.length} rows, so the rows could not be matched to their items`,
				{
					ambiguous: true,
					description: 'The rows may have been stored. Check the table before running these items again.',
				},
			);
			for (const position of batch) fail(position, error);
			return;
		}
		batch.forEach((position, k) => (outcomes[position] = { index: entries[position].index, ok: true, value: results[k] }));
	};

	await mapConcurrent(
		chunk(
			entries.map((_entry, position) => position),
			size,
		),
		options.concurrency,
		sendBatch,
	);
	if (options.reconcile) {
		const resends = options.reconcileRounds ?? 2;
		for (let round = 0; ; round++) {
			const again = await reconcileAmbiguous(entries, outcomes, options, round < resends);
			if (!again.length) break;
			await mapConcurrent(chunk(again, size), options.concurrency, sendBatch);
		}
	}
	return outcomes;
}

function withDescription(error: ServiceError, description: string, ambiguous: boolean): ServiceError {
	return new ServiceError(error.message, { ...error.details, ambiguous, description });
}

/**
 * Looks up the entries whose write failed ambiguously (`options.reconcile`): the ones the
 * service holds become successes in place. Returns the positions of the ones it surely does not
 * hold, to be sent again — or, when `resend` is false, fails them saying they were not stored.
 * When the look-up itself fails, the ambiguous errors stay and say so.
 */
async function reconcileAmbiguous<P, R>(
	entries: Array<BatchEntry<P>>,
	outcomes: Array<Outcome<R>>,
	options: BatchOptions<P, R>,
	resend: boolean,
): Promise<number[]> {
	const unsure: number[] = [];
	outcomes.forEach((outcome, position) => {
		if (!outcome.ok && isAmbiguous(outcome.error)) unsure.push(position);
	});
	if (!unsure.length) return [];
	await sleep(options.reconcileDelayMs ?? 1000);
	const errorOf = (position: number) => (outcomes[position] as { error: unknown }).error as ServiceError;
	const fail = (position: number, description: string, ambiguous: boolean) =>
		(outcomes[position] = { index: entries[position].index, ok: false, error: withDescription(errorOf(position), description, ambiguous) });
	let found: Array<R | undefined>;
	try {
		found = await options.reconcile!(unsure.map((position) => entries[position].payload));
	} catch (error) {
		for (const position of unsure) {
			fail(position, `${errorOf(position).details.description ?? ''} Reading back to find out failed too: ${(error as Error).message}`.trim(), true);
		}
		return [];
	}
	const again: number[] = [];
	unsure.forEach((position, k) => {
		const stored = found[k];
		if (stored !== undefined) outcomes[position] = { index: entries[position].index, ok: true, value: stored };
		else if (resend) again.push(position);
		else {
			fail(
				position,
				'It was NOT stored: reading back after the failure found no trace of it, and it was not sent yet again. Run this item again.',
				false,
			);
		}
	});
	return again;
}

/** A write bound for one table (or any other group that has its own endpoint). */
export interface TableWrite<P> {
	tableId: string;
	payload: P;
}

/**
 * `runBatched` for writes that may target several tables: one batch stream per table,
 * items that failed their preparation (an Error) left out. Returns the outcomes by item index
 * (none at the index of such an item).
 */
export async function runBatchedByTable<P, R>(
	prepared: Array<TableWrite<P> | Error>,
	options: (tableId: string) => BatchOptions<P, R>,
): Promise<Array<Outcome<R> | undefined>> {
	const byTable = new Map<string, Array<BatchEntry<P>>>();
	prepared.forEach((write, index) => {
		if (write instanceof Error) return;
		const list = byTable.get(write.tableId) ?? [];
		list.push({ index, payload: write.payload });
		byTable.set(write.tableId, list);
	});
	const outcomes = new Array<Outcome<R> | undefined>(prepared.length);
	for (const [tableId, entries] of byTable) {
		for (const outcome of await runBatched(entries, options(tableId))) outcomes[outcome.index] = outcome;
	}
	return outcomes;
}

/** What a service tells the batched writer: how to read a rejected batch, how to word a named row's error, how to find lost creates. */
export interface TableWriter<P, R> {
	/** Sends one batch to one table; one result per payload, in order. */
	send(tableId: string, payloads: P[]): Promise<R[]>;
	diagnose: BatchOptions<P, R>['diagnose'];
	rowError?: BatchOptions<P, R>['rowError'];
	reconcile?(tableId: string, payloads: P[]): Promise<Array<R | undefined>>;
}

/**
 * The batched writer of every bulk operation: the prepared writes go out per table in batches
 * of the node's "Batch Size", "Concurrency" at a time. Returns the outcome of each item (none
 * where its preparation failed).
 */
export async function writeByTable<P, R>(
	ctx: IExecuteFunctions,
	prepared: Array<TableWrite<P> | Error>,
	writer: TableWriter<P, R>,
): Promise<Array<Outcome<R> | undefined>> {
	const { batchSize, concurrency } = batchSettings(ctx);
	return await runBatchedByTable(prepared, (tableId) => ({
		batchSize,
		concurrency,
		send: async (payloads: P[]) => await writer.send(tableId, payloads),
		diagnose: writer.diagnose,
		rowError: writer.rowError,
		reconcile: writer.reconcile && (async (payloads: P[]) => await writer.reconcile!(tableId, payloads)),
	}));
}
