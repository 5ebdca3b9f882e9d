/** How a batch of record writes (create, update) that Clay rejected is read: which record was bad, and its item's error. */
import { ServiceError } from '../shared/errors';

/**
 * Reads a rejected batch. Clay validates a whole batch first and stores nothing when one
 * record is bad (unknown field, a `{value}`-wrapped cell, a bad id); its 400 names the
 * record (`recordId`) or its position (`records[3]`). That record fails alone and the rest
 * is sent again. Other errors (expired session, unknown table, …) fail the whole batch.
 */
export function diagnoseRecords<P extends { id: string }>(error: unknown, records: P[]): { bad: Map<number, string> } | undefined {
	if (!(error instanceof ServiceError) || error.details.ambiguous) return undefined;
	if (error.status === 413) return { bad: new Map() };
	if (error.status !== 400 && error.status !== 422) return undefined;
	const body = error.details.body as { recordId?: unknown; message?: unknown; code?: unknown } | undefined;
	const message = typeof body?.message === 'string' ? body.message : error.message;
	const text = `${message}${typeof body?.code === 'string' ? ` (${body.code})` : ''}`;
	const bad = new Map<number, string>();
	if (typeof body?.recordId === 'string') {
		records.forEach((record, position) => {
			if (record.id === body.recordId) bad.set(position, text);
		});
	}
	const at = /records\[(\d+)\]/.exec(message);
	if (!bad.size && at) bad.set(Number(at[1]), text);
	return bad.size ? { bad } : undefined;
}

/** The error of the one record Clay named in a rejected batch. */
export function rejectedRecordError(message: string, _entry: unknown, cause: unknown): ServiceError {
	return new ServiceError(`Clay rejected this record: ${message}`, {
		status: cause instanceof ServiceError ? cause.status : undefined,
		description: 'The other records of its batch were sent again without it.',
	});
}
