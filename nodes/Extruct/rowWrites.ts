/**
 * Row writes (Row → Add, Update, Delete) through the shared batched writer: how Extruct
 * rejects rows within a batch, how lost adds are found again, and how the answers become output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Outcome, TableWrite, TableWriter } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { ItemResult } from '../shared/execute';
import { formatPath } from '../shared/validate';
import { waitTiming } from '../shared/wait';
import { allRows, fastApiIssues, rowOutput, simplifyRow } from './api';
import type { Row } from './api';
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

/** How Extruct's row endpoints reject rows of a batch, for `writeByTable`: which rows, and each one's error (for writes of any payload, hence `never`). */
export const rowRejections: Pick<TableWriter<never, never>, 'diagnose' | 'rowError'> = {
	diagnose: diagnoseRows,
	rowError: (message, _entry, cause) =>
		new ServiceError(`Extruct rejected this row: ${message}`, {
			status: cause instanceof ServiceError ? cause.status : undefined,
			description: 'The other rows of its batch were stored.',
		}),
};

/**
 * The metadata key of the write id Row → Add stores with every row. Adding rows is not
 * idempotent: when an answer is lost (a dropped connection, a 502/503/504), the node reads the
 * table back and looks for the rows by this id, so it knows which rows Extruct stored and
 * sends only the others again — instead of failing them all or adding them twice.
 */
export const WRITE_ID_KEY = 'n8n_write_id';

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

/**
 * One result per item from the batched writer's outcomes: the item's preparation error, its
 * write's error, or `output` of what Extruct answered for it.
 */
export function writeResults<P, R, T>(
	prepared: Array<TableWrite<P> | Error>,
	outcomes: Array<Outcome<R> | undefined>,
	output: (value: R, write: TableWrite<P>) => T | Error,
): Array<T | Error> {
	return prepared.map((write, i) => {
		if (write instanceof Error) return write;
		const outcome = outcomes[i]!;
		return outcome.ok ? output(outcome.value, write) : outcome.error;
	});
}

/** The row as output: without the node's own write id in its metadata. */
function withoutWriteId(row: Row): Row {
	if (!row.metadata || !(WRITE_ID_KEY in row.metadata)) return row;
	const { [WRITE_ID_KEY]: _omitted, ...metadata } = row.metadata;
	return { ...row, metadata };
}

/** The options of Row → Add / Update that shape the write and its output, read before anything is written. */
export interface RowWriteSettings {
	runEnrichment: boolean;
	waitForEnrichment: boolean;
	simplify: boolean;
}

export function rowWriteSettings(ctx: IExecuteFunctions): RowWriteSettings {
	const simplify = ctx.getNodeParameter('simplify', 0, true) as boolean;
	const runEnrichment = ctx.getNodeParameter('run', 0, false) as boolean;
	const waitForEnrichment = runEnrichment && (ctx.getNodeParameter('wait', 0, false) as boolean);
	return { runEnrichment, waitForEnrichment, simplify };
}

/** The output of Row → Add / Update: the written rows, or the rows once enriched when the node waits for it. */
export async function writtenRowsOutput<P>(
	ctx: IExecuteFunctions,
	prepared: Array<TableWrite<P> | Error>,
	outcomes: Array<Outcome<Row> | undefined>,
	settings: RowWriteSettings,
): Promise<ItemResult[]> {
	const output = (row: Row) => (settings.simplify ? simplifyRow(row, WRITE_ID_KEY) : rowOutput(withoutWriteId(row), false));
	if (!settings.waitForEnrichment) return writeResults(prepared, outcomes, output);
	const written = writeResults(prepared, outcomes, (row, write) => ({ tableId: write.tableId, row }));
	const rows = await waitForWrittenRows(ctx, written, waitTiming(ctx, 0));
	return rows.map((row) => (row instanceof Error ? row : output(row)));
}
