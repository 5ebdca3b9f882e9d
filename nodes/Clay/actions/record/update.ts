import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeByTable } from '../../../shared/batch';
import { ServiceError, toNodeError } from '../../../shared/errors';
import { prepareEachAsync } from '../../../shared/execute';
import type { ItemResult } from '../../../shared/execute';
import { nextInterval, waitUntil } from '../../../shared/wait';
import { api, cellValue } from '../../api';
import type { ClayRecord } from '../../api';
import { cellsProperty, otherFieldsOfClay, otherFieldsOption, readCells } from '../../recordCells';
import { diagnoseRecords, rejectedRecordError } from '../../recordWrites';
import { Schemas } from '../../schema';
import type { TableSchema } from '../../schema';
import { batchOptions, idParameter, simplifyOption, tableId, tableLocator } from '../common';

export const description: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'ID of the record to update (r_…)',
	},
	cellsProperty,
	simplifyOption,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...batchOptions,
			otherFieldsOption,
			{
				displayName: 'Verify',
				name: 'verify',
				type: 'boolean',
				default: false,
				description:
					'Whether to read the records back after updating them and report which updates are not visible yet. Clay applies updates asynchronously: without this, the node only knows they were accepted.',
			},
			{
				displayName: 'Verify Timeout (Seconds)',
				name: 'verifyTimeout',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description: 'How long to keep re-reading until every update is visible; updates not visible by then are reported, not failed',
			},
		],
	},
];

interface Write {
	tableId: string;
	payload: { id: string; cells: IDataObject };
}

const sameValue = (sent: unknown, stored: unknown): boolean => {
	if (sent === stored) return true;
	if ((sent === null || sent === undefined || sent === '') && (stored === null || stored === undefined || stored === '')) return true;
	if (typeof sent !== 'object' && typeof stored !== 'object') return String(sent) === String(stored);
	return JSON.stringify(sent) === JSON.stringify(stored);
};

/** Field ids of `write` whose stored value differs from what was sent. */
function notVisible(write: Write, record: ClayRecord | undefined): string[] {
	return Object.entries(write.payload.cells)
		.filter(([fieldId, value]) => !sameValue(value, cellValue(record?.cells?.[fieldId])))
		.map(([fieldId]) => fieldId);
}

/** The pauses between reads of Verify stop growing here: a short verify timeout is the common case. */
const VERIFY_MAX_PAUSE_MS = 5000;

/**
 * Re-reads the updated records (in bulk, per table) with growing pauses until every update
 * is visible or the time is up. Returns the last read of each record id, by table, or the
 * error of an item whose update was accepted but could not be read back.
 */
async function verify(ctx: IExecuteFunctions, schemas: Schemas, writes: Map<number, Write>, timeoutMs: number): Promise<Map<string, Map<string, ClayRecord>> | ServiceError> {
	const seen = new Map<string, Map<string, ClayRecord>>();
	let pending = [...writes.values()];
	let pause = Math.min(500, timeoutMs);
	// the time running out ends the verify with what it read: updates not visible by then are reported, not failed
	const timeUp = new Error('verify timeout');
	try {
		return await waitUntil(
			{ timeoutMs, firstIntervalMs: pause },
			async () => {
				const byTable = new Map<string, Set<string>>();
				for (const write of pending) byTable.set(write.tableId, (byTable.get(write.tableId) ?? new Set()).add(write.payload.id));
				for (const [table, ids] of byTable) {
					const records = seen.get(table) ?? new Map<string, ClayRecord>();
					const actionFields = (await schemas.get(table)).actionFieldIds();
					for (const record of await api.fetchRecords(ctx, table, [...ids], actionFields)) records.set(record.id, record);
					seen.set(table, records);
				}
				// a record Clay does not have will not show the update: it is not waited for
				pending = pending.filter((write) => {
					const record = seen.get(write.tableId)?.get(write.payload.id);
					return record !== undefined && notVisible(write, record).length > 0;
				});
				if (!pending.length) return { done: true, value: seen };
				pause = Math.min(nextInterval(pause), VERIFY_MAX_PAUSE_MS);
				return { done: false, pauseMs: pause };
			},
			() => timeUp,
			{ pauseFirst: true },
		);
	} catch (error) {
		if (error === timeUp) return seen;
		return new ServiceError(`The update was accepted, but reading it back failed: ${(error as Error).message}`, {
			status: error instanceof ServiceError ? error.status : undefined,
			description: error instanceof ServiceError ? error.details.description : undefined,
		});
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	const schemas = new Schemas(this);
	const simplify = this.getNodeParameter('simplify', 0, true) as boolean;
	const options = this.getNodeParameter('options', 0, {}) as { verify?: boolean; verifyTimeout?: number };

	const prepared = await prepareEachAsync(this, items, async (i): Promise<Write> => {
		const table = tableId(this, i);
		const id = idParameter(this, i);
		const schema = await schemas.get(table);
		const cells = readCells(this, items[i], i, schema, otherFieldsOfClay(this, i));
		if (!Object.keys(cells).length) throw new Error(`Item ${i}: no column to update — map at least one column`);
		return { tableId: table, payload: { id, cells } };
	});

	// where the bulk update does not exist, each record is patched alone and may fail alone
	const outcomes = await writeByTable(this, prepared, {
		send: async (table, records) => await api.updateRecords(this, table, records),
		diagnose: diagnoseRecords,
		rowError: rejectedRecordError,
	});

	const accepted = new Map<number, Write>();
	const results: ItemResult[] = prepared.map((write, i) => {
		if (write instanceof Error) return write;
		const outcome = outcomes[i]!;
		if (!outcome.ok) return outcome.error;
		if (outcome.value instanceof Error) return outcome.value;
		accepted.set(i, write);
		return {};
	});

	let seen: Map<string, Map<string, ClayRecord>> | undefined;
	if (options.verify && accepted.size) {
		const verified = await verify(this, schemas, accepted, Math.max(0, options.verifyTimeout ?? 10) * 1000);
		if (verified instanceof ServiceError) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), verified, [...accepted.keys()][0]);
			for (const i of accepted.keys()) results[i] = verified;
			return results;
		}
		seen = verified;
	}

	for (const [i, write] of accepted) {
		const schema: TableSchema = await schemas.get(write.tableId);
		const record = seen?.get(write.tableId)?.get(write.payload.id);
		if (seen && !record) {
			results[i] = new ServiceError(`Record ${write.payload.id} was not found in ${schema.describe()}`, {
				status: 404,
				description: 'Clay accepted the update but has no record with this ID, so it was dropped. Check the Record ID.',
			});
			continue;
		}
		const sent: ClayRecord = { id: write.payload.id, tableId: write.tableId, cells: write.payload.cells };
		const out: IDataObject = seen ? schema.output(record!, simplify) : schema.output(sent, simplify);
		if (!seen) {
			out._update = 'enqueued';
		} else {
			const missing = notVisible(write, record);
			out._update = missing.length ? 'not visible yet' : 'visible';
			if (missing.length) out._notVisible = missing.map((fieldId) => schema.keyOf(fieldId));
		}
		results[i] = out;
	}
	return results;
}
