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

/** A write bound for one table (or any other group that has its own endpoint). */
export interface TableWrite<P> {
	tableId: string;
	payload: P;
}

/** What a service tells the batched writer: how to send, how to read a rejected batch, how to word a named row's error, how to find lost creates. */
export interface TableWriter<P, R> {
	/** Sends one batch to one table; one result per payload, in order. */
	send(tableId: string, payloads: P[]): Promise<R[]>;
	/**
	 * For a rejected batch: whether it stored nothing and so may be split and re-sent,
	 * and which positions (0-based, within the batch) the service named, with a message
	 * for each. Return `undefined` for errors that must not be split.
	 */
	diagnose(error: unknown, payloads: P[]): { bad: Map<number, string> } | undefined;
	/** Builds the error of one write whose row the service named. */
	rowError?(message: string, entry: BatchEntry<P>, cause: unknown): Error;
	/**
	 * For writes that are not idempotent: called once every batch is done, per table, with the
	 * payloads whose batch failed ambiguously. Returns, per payload, what the service holds for
	 * it, or `undefined` when it surely did not store it (those are sent again). Throwing leaves
	 * the ambiguous errors as they are.
	 */
	reconcile?(tableId: string, payloads: P[]): Promise<Array<R | undefined>>;
	/** How many times a write found not stored is sent again (default 2); it is looked up after each. */
	reconcileRounds?: number;
	/** Pause before each look-up, so that a write the service was still processing has landed (default 1000 ms). */
	reconcileDelayMs?: number;
}

/** How many rows a batch holds and how many batches travel at once. */
export interface BatchLimits {
	batchSize: number;
	concurrency: number;
}

/**
 * The batched writer of every bulk operation. The prepared writes go out in batches of one
 * table each, "Batch Size" rows a batch, "Concurrency" batches at a time (read from the node's
 * options, or given as `limits`); items whose preparation failed (an Error) are left out.
 * Returns the outcome of each item, by item index (none where its preparation failed).
 */
export async function writeByTable<P, R>(
	limits: IExecuteFunctions | BatchLimits,
	prepared: Array<TableWrite<P> | Error>,
	writer: TableWriter<P, R>,
): Promise<Array<Outcome<R> | undefined>> {
	const { batchSize, concurrency } = 'getNodeParameter' in limits ? batchSettings(limits) : limits;
	const size = Math.max(1, Math.floor(batchSize));
	const writes = prepared as Array<TableWrite<P>>;
	const outcomes = new Array<Outcome<R> | undefined>(prepared.length);
	const fail = (index: number, error: Error) => (outcomes[index] = { index, ok: false, error });
	const rowError = writer.rowError ?? namedRowError;

	// Batches are lists of item indices, all of one table; each outcome goes to its item's place
	// as its batch ends. The lanes take batches from `queue` until it is empty; the parts of a
	// rejected batch go back in at the head, so that with one lane the rows keep their order.
	const queue: number[][] = [];
	let next = 0;
	const enqueue = (indices: number[]) => {
		queue.length = next = 0;
		const byTable = new Map<string, number[]>();
		for (const index of indices) {
			const list = byTable.get(writes[index].tableId);
			if (list) list.push(index);
			else byTable.set(writes[index].tableId, [index]);
		}
		for (const list of byTable.values()) queue.push(...chunk(list, size));
	};
	const entry = (index: number) => ({ index, payload: writes[index].payload });

	const lane = async () => {
		while (next < queue.length) {
			const batch = queue[next++];
			const payloads = batch.map((index) => writes[index].payload);
			let results: R[];
			try {
				results = await writer.send(writes[batch[0]].tableId, payloads);
			} catch (error) {
				const diagnosis = writer.diagnose(error, payloads);
				if (!diagnosis) {
					for (const index of batch) fail(index, error as Error);
				} else if (batch.length === 1) {
					const message = diagnosis.bad.get(0);
					fail(batch[0], message ? rowError(message, entry(batch[0]), error) : (error as Error));
				} else {
					// the rows the service named fail alone and the rest is sent again; else the batch is halved
					const named = [...diagnosis.bad.keys()].filter((k) => k >= 0 && k < batch.length);
					for (const k of named) fail(batch[k], rowError(diagnosis.bad.get(k)!, entry(batch[k]), error));
					const half = Math.ceil(batch.length / 2);
					const parts = named.length ? [batch.filter((_index, k) => !diagnosis.bad.has(k))] : [batch.slice(0, half), batch.slice(half)];
					queue.splice(next, 0, ...parts.filter((part) => part.length > 0));
				}
				continue;
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
				for (const index of batch) fail(index, error);
				continue;
			}
			batch.forEach((index, k) => (outcomes[index] = { index, ok: true, value: results[k] }));
		}
	};

	// the writes, then (for creates) after each look-up the ones surely not stored, `resends` times at most
	const resends = writer.reconcileRounds ?? 2;
	enqueue(writes.flatMap((write, index) => (write instanceof Error ? [] : [index])));
	for (let round = 0; ; round++) {
		await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, lane));
		if (!writer.reconcile) break;
		const again = await reconcileAmbiguous(writes, outcomes, writer, round < resends);
		if (!again.length) break;
		enqueue(again);
	}
	return outcomes;
}

function namedRowError<P>(message: string, _entry: BatchEntry<P>, cause: unknown): Error {
	return new ServiceError(message, {
		status: cause instanceof ServiceError ? cause.status : undefined,
		body: cause instanceof ServiceError ? cause.details.body : undefined,
	});
}

function withDescription(error: ServiceError, description: string, ambiguous: boolean): ServiceError {
	return new ServiceError(error.message, { ...error.details, ambiguous, description });
}

/**
 * Looks up the writes that failed ambiguously (`writer.reconcile`, per table): the ones the
 * service holds become successes in place. Returns the indices of the ones it surely does not
 * hold, to be sent again — or, when `resend` is false, fails them saying they were not stored.
 * When a table's look-up itself fails, its ambiguous errors stay and say so.
 */
async function reconcileAmbiguous<P, R>(
	writes: Array<TableWrite<P>>,
	outcomes: Array<Outcome<R> | undefined>,
	writer: TableWriter<P, R>,
	resend: boolean,
): Promise<number[]> {
	const unsure = new Map<string, number[]>();
	outcomes.forEach((outcome, index) => {
		if (!outcome || outcome.ok || !isAmbiguous(outcome.error)) return;
		const list = unsure.get(writes[index].tableId);
		if (list) list.push(index);
		else unsure.set(writes[index].tableId, [index]);
	});
	if (!unsure.size) return [];
	await sleep(writer.reconcileDelayMs ?? 1000);
	const errorOf = (index: number) => (outcomes[index] as { error: unknown }).error as ServiceError;
	const fail = (index: number, description: string, ambiguous: boolean) =>
		(outcomes[index] = { index, ok: false, error: withDescription(errorOf(index), description, ambiguous) });
	const again: number[] = [];
	for (const [tableId, indices] of unsure) {
		let found: Array<R | undefined>;
		try {
			found = await writer.reconcile!(tableId, indices.map((index) => writes[index].payload));
		} catch (error) {
			for (const index of indices) {
				fail(index, `${errorOf(index).details.description ?? ''} Reading back to find out failed too: ${(error as Error).message}`.trim(), true);
			}
			continue;
		}
		indices.forEach((index, k) => {
			const stored = found[k];
			if (stored !== undefined) outcomes[index] = { index, ok: true, value: stored };
			else if (resend) again.push(index);
			else {
				fail(
					index,
					'It was NOT stored: reading back after the failure found no trace of it, and it was not sent yet again. Run this item again.',
					false,
				);
			}
		});
	}
	return again;
}
