/**
 * Bulk writes: items go to the service in batches, a few batches at a time, and every
 * input item ends as exactly one success or one error.
 *
 * When the service rejects a whole batch because of some of its rows (a validation
 * error that stores nothing), the batch is split: rows the service named are failed
 * alone and the rest is sent again; when the service does not say which rows, the batch
 * is halved until the bad row stands alone. Any other failure (auth, a missing table,
 * an ambiguous write) fails the batch's items with that error, never re-sending them.
 */
import { ServiceError } from './errors';

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

export async function runBatched<P, R>(entries: Array<BatchEntry<P>>, options: BatchOptions<P, R>): Promise<Array<Outcome<R>>> {
	const outcomes: Array<Outcome<R>> = [];
	const size = Math.max(1, Math.floor(options.batchSize));
	const rowError =
		options.rowError ??
		((message: string, _entry: BatchEntry<P>, cause: unknown) =>
			new ServiceError(message, {
				status: cause instanceof ServiceError ? cause.status : undefined,
				body: cause instanceof ServiceError ? cause.details.body : undefined,
			}));

	const sendBatch = async (batch: Array<BatchEntry<P>>): Promise<void> => {
		if (batch.length === 0) return;
		let results: R[];
		try {
			results = await options.send(batch.map((entry) => entry.payload));
		} catch (error) {
			const diagnosis = options.diagnose(error, batch.map((entry) => entry.payload));
			if (!diagnosis) {
				for (const entry of batch) outcomes.push({ index: entry.index, ok: false, error: error as Error });
				return;
			}
			if (batch.length === 1) {
				const message = diagnosis.bad.get(0);
				outcomes.push({
					index: batch[0].index,
					ok: false,
					error: message ? rowError(message, batch[0], error) : (error as Error),
				});
				return;
			}
			const named = [...diagnosis.bad.keys()].filter((position) => position >= 0 && position < batch.length);
			if (named.length > 0) {
				for (const position of named) {
					outcomes.push({ index: batch[position].index, ok: false, error: rowError(diagnosis.bad.get(position)!, batch[position], error) });
				}
				const rest = batch.filter((_entry, position) => !diagnosis.bad.has(position));
				await sendBatch(rest);
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
			for (const entry of batch) outcomes.push({ index: entry.index, ok: false, error });
			return;
		}
		batch.forEach((entry, position) => outcomes.push({ index: entry.index, ok: true, value: results[position] }));
	};

	await mapConcurrent(chunk(entries, size), options.concurrency, sendBatch);
	return outcomes.sort((a, b) => a.index - b.index);
}

/** A write bound for one table (or any other group that has its own endpoint). */
export interface TableWrite<P> {
	tableId: string;
	payload: P;
}

/**
 * `runBatched` for writes that may target several tables: one batch stream per table,
 * items that failed their preparation (an Error) left out. Returns the outcomes by item index.
 */
export async function runBatchedByTable<P, R>(
	prepared: Array<TableWrite<P> | Error>,
	options: (tableId: string) => BatchOptions<P, R>,
): Promise<Map<number, Outcome<R>>> {
	const byTable = new Map<string, Array<BatchEntry<P>>>();
	prepared.forEach((write, index) => {
		if (write instanceof Error) return;
		const list = byTable.get(write.tableId) ?? [];
		list.push({ index, payload: write.payload });
		byTable.set(write.tableId, list);
	});
	const outcomes = new Map<number, Outcome<R>>();
	for (const [tableId, entries] of byTable) {
		for (const outcome of await runBatched(entries, options(tableId))) outcomes.set(outcome.index, outcome);
	}
	return outcomes;
}
