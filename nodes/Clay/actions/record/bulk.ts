/** Sending record writes in batches, grouped by table, with Clay's 400 pinpointing the bad record. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import type { Outcome, TableWrite } from '../../../shared/batch';
import { ServiceError } from '../../../shared/errors';

/**
 * Reads a rejected batch. Clay validates a whole batch first and stores nothing when one
 * record is bad (unknown field, a `{value}`-wrapped cell, a bad id); its 400 names the
 * record (`recordId`) or its position (`records[3]`). That record fails alone and the rest
 * is sent again. Other errors (expired session, unknown table, …) fail the whole batch.
 */
export function diagnoseRecords(ids: string[]) {
	return (error: unknown): { bad: Map<number, string> } | undefined => {
		if (!(error instanceof ServiceError) || error.details.ambiguous) return undefined;
		if (error.status === 413) return { bad: new Map() };
		if (error.status !== 400 && error.status !== 422) return undefined;
		const body = error.details.body as { recordId?: unknown; message?: unknown; code?: unknown } | undefined;
		const message = typeof body?.message === 'string' ? body.message : error.message;
		const text = `${message}${typeof body?.code === 'string' ? ` (${body.code})` : ''}`;
		const bad = new Map<number, string>();
		if (typeof body?.recordId === 'string') {
			ids.forEach((id, position) => {
				if (id === body.recordId) bad.set(position, text);
			});
		}
		const at = /records\[(\d+)\]/.exec(message);
		if (!bad.size && at) bad.set(Number(at[1]), text);
		return bad.size ? { bad } : undefined;
	};
}

export type RecordWrite<P> = TableWrite<P>;

/** Runs `send` over the prepared writes, one batch stream per table; returns outcomes by item. */
export async function writeRecordsByTable<P extends { id: string }, R>(
	ctx: IExecuteFunctions,
	prepared: Array<RecordWrite<P> | Error>,
	send: (tableId: string, payloads: P[]) => Promise<R[]>,
): Promise<Array<Outcome<R> | undefined>> {
	return await writeByTable(ctx, prepared, {
		send,
		diagnose: (error: unknown, payloads: P[]) => diagnoseRecords(payloads.map((payload) => payload.id))(error),
		rowError: (message: string, _entry: unknown, cause: unknown) =>
			new ServiceError(`Clay rejected this record: ${message}`, {
				status: cause instanceof ServiceError ? cause.status : undefined,
				description: 'The other records of its batch were sent again without it.',
			}),
	});
}
