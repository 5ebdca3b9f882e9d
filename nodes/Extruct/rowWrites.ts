/** Sending row writes in batches, grouped by table, with Extruct's 422 pinpointing the bad rows. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { writeByTable } from '../shared/batch';
import type { TableWrite } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { ItemResult } from '../shared/execute';
import { formatPath } from '../shared/validate';
import { allRows, fastApiIssues, rowOutput, simplifyRow } from './api';
import type { Row } from './api';
import { waitTiming } from '../shared/wait';
import { waitForWrittenRows } from './enrichmentWait';

/**
 * Reads a rejected batch: Extruct's 422 lists `loc: ["body", "rows", k, ...]` for each bad
 * row and stores nothing, so those rows fail alone and the rest is sent again. A 413 (too
 * large) is split in halves.
 */
export function diagnoseRows(error: unknown): { bad: Map<number, string> } | undefined {
	if (!(error instanceof ServiceError) || error.details.ambiguous) return undefined;
	if (error.status === 413) return { bad: new Map() };
	if (error.status !== 422 && error.status !== 400) return undefined;
	const bad = new Map<number, string>();
	for (const issue of fastApiIssues(error.details.body)) {
		const loc = issue.loc ?? [];
		const at = loc.indexOf('rows');
		const position = loc[at + 1];
		if (at === -1 || typeof position !== 'number') continue;
		const path = formatPath(loc.slice(at + 2));
		const text = `${path ? `\`${path}\` ` : ''}${issue.msg ?? 'is invalid'}`;
		bad.set(position, bad.has(position) ? `${bad.get(position)}; ${text}` : text);
	}
	return bad.size ? { bad } : undefined;
}

export type RowWrite<P> = TableWrite<P>;

/**
 * The metadata key of the write id Row → Add stores with every row. Adding rows is not
 * idempotent: when an answer is lost (a dropped connection, a 502/503/504), the node reads the
 * table back and looks for the rows by this id, so it knows which rows Extruct stored and
 * sends only the others again — instead of failing them all or adding them twice.
 */
export const WRITE_ID_KEY = 'n8n_write_id';

export { writeIds } from '../shared/writeIds';

/** Finds the rows of a table by the write id in their metadata: one pass over the table, 100 rows a request. */
export async function findByWriteId(
	ctx: IExecuteFunctions,
	tableId: string,
	payloads: Array<{ metadata?: IDataObject }>,
): Promise<Array<Row | undefined>> {
	const wanted = new Map<string, number>();
	payloads.forEach((payload, position) => {
		const id = payload.metadata?.[WRITE_ID_KEY];
		if (typeof id === 'string') wanted.set(id, position);
	});
	const found = new Array<Row | undefined>(payloads.length);
	let left = wanted.size;
	for await (const page of allRows(ctx, tableId)) {
		for (const row of page) {
			const position = wanted.get(String(row.metadata?.[WRITE_ID_KEY] ?? ''));
			if (position === undefined || found[position]) continue;
			found[position] = row;
			left--;
		}
		if (left === 0) break;
	}
	return found;
}

/** The row as output: without the node's own write id in its metadata. */
function withoutWriteId(row: Row): Row {
	if (!row.metadata || !(WRITE_ID_KEY in row.metadata)) return row;
	const { [WRITE_ID_KEY]: _omitted, ...metadata } = row.metadata;
	return { ...row, metadata };
}

/**
 * Runs `send` over the prepared writes, one batch stream per table, and returns one result
 * per item: `output` of what the service answered for it, or its error. `reconcile` (for
 * creates) finds out, after a lost answer, which rows the service stored.
 */
export async function writeRowsByTable<P, R, T>(
	ctx: IExecuteFunctions,
	prepared: Array<RowWrite<P> | Error>,
	send: (tableId: string, payloads: P[]) => Promise<R[]>,
	output: (value: R, write: RowWrite<P>) => T | Error,
	reconcile?: (tableId: string, payloads: P[]) => Promise<Array<R | undefined>>,
): Promise<Array<T | Error>> {
	const outcomes = await writeByTable(ctx, prepared, {
		send,
		reconcile,
		diagnose: diagnoseRows,
		rowError: (message: string, _entry: unknown, cause: unknown) =>
			new ServiceError(`Extruct rejected this row: ${message}`, {
				status: cause instanceof ServiceError ? cause.status : undefined,
				description: 'The other rows of its batch were stored.',
			}),
	});
	return prepared.map((write, i) => {
		if (write instanceof Error) return write;
		const outcome = outcomes[i]!;
		return outcome.ok ? output(outcome.value, write) : outcome.error;
	});
}

/**
 * Writes rows (Row → Add / Update) and outputs them, enriched when the node runs
 * enrichment and waits for it.
 */
export async function writeAndOutput<P>(
	ctx: IExecuteFunctions,
	prepared: Array<RowWrite<P> | Error>,
	send: (tableId: string, payloads: P[], run: boolean) => Promise<Row[]>,
	reconcile?: (tableId: string, payloads: P[]) => Promise<Array<Row | undefined>>,
): Promise<ItemResult[]> {
	const simplify = ctx.getNodeParameter('simplify', 0, true) as boolean;
	const run = ctx.getNodeParameter('run', 0, false) as boolean;
	const wait = run && (ctx.getNodeParameter('wait', 0, false) as boolean);
	const output = (row: Row) => (simplify ? simplifyRow(row, WRITE_ID_KEY) : rowOutput(withoutWriteId(row), false));
	if (!wait) {
		// A batch's rows are turned into output as soon as its answer is in, while the other
		// batches are still on their way (instead of all of them after the last answer), and the
		// answer's rows are not kept.
		return await writeRowsByTable<P, Row | Output, IDataObject>(
			ctx,
			prepared,
			async (tableId, payloads) => outputNow(await send(tableId, payloads, run), output),
			(row) => (row instanceof Output ? row.json : output(row)),
			reconcile,
		);
	}
	const written = await writeRowsByTable(
		ctx,
		prepared,
		async (tableId, payloads) => await send(tableId, payloads, run),
		(row, write) => ({ tableId: write.tableId, row }),
		reconcile,
	);
	const rows = await waitForWrittenRows(ctx, written, waitTiming(ctx, 0));
	return rows.map((row) => (row instanceof Error ? row : output(row)));
}

/** A row's output, computed as its batch's answer came in. */
class Output {
	constructor(readonly json: IDataObject) {}
}

/**
 * The rows' output, computed now. Never fails: a row whose output cannot be computed (a
 * malformed answer) is kept as it is, its output computed again at the end, failing there as it
 * always did; an answer that is not a list is left to the batch's own check.
 */
function outputNow(rows: Row[], output: (row: Row) => IDataObject): Array<Row | Output> {
	if (!Array.isArray(rows)) return rows;
	return rows.map((row) => {
		try {
			return new Output(output(row));
		} catch {
			return row;
		}
	});
}
