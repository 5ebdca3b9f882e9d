/**
 * The paced writer of JustPaid's row operations: one request per row (JustPaid has no bulk
 * write), paced to the key's write rate. It keeps, for one execution, the tables it read,
 * which of them turned out full, and the read-backs of creates whose answer was lost.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isAmbiguous } from '../shared/batch';
import type { Outcome } from '../shared/batch';
import { ServiceError, toNodeError } from '../shared/errors';
import type { ItemResult } from '../shared/execute';
import { Pacer } from '../shared/pace';
import { bodyWithId } from '../shared/shape';
import { api, tableFullAnswer } from './api';
import type { Row, Table } from './api';
import { dataKey, TableReadBack } from './readBack';
import { TableRows } from './tableRows';

/** An item that was not sent because of an earlier failure. */
export class NotSentError extends ServiceError {
	readonly notSent = true;
}

const RECOMMEND_WRITE_ID = 'The option "Write ID Column" makes this read-back exact.';

/** The error of a lost create, saying what the read-back found out. */
function restated(lost: ServiceError, ambiguous: boolean, description: string): ServiceError {
	return new ServiceError(lost.message, { ...lost.details, ambiguous, description });
}

/** A lost create the read-back could not settle: the error it had, saying why. */
function unsettled(lost: ServiceError, reason: string): ServiceError {
	return restated(
		lost,
		true,
		`The request was sent but no answer came back, so it may or may not have been processed. Reading the table back could not tell: ${reason}. It was not sent again, to avoid creating the row twice: check the table before running this item again. ${RECOMMEND_WRITE_ID}`,
	);
}

/** A create whose row a read-back found missing after every send. */
function notStored(lost: ServiceError, sends: number): ServiceError {
	return restated(
		lost,
		false,
		`The row was NOT stored: it was sent ${sends} times, each answer was lost, and reading the table back after each found no trace of it. Run this item again.`,
	);
}

/** A create found missing whose next send was not made (an earlier item failed, the table is full). */
function notStoredAndNotSent(lost: ServiceError, blocked: NotSentError): NotSentError {
	return new NotSentError(blocked.message, {
		...blocked.details,
		description: `${blocked.details.description ? `${blocked.details.description} ` : ''}Its first send's answer was lost (${lost.message}); reading the table back found it was NOT stored.`,
	});
}

export interface TableFull {
	limit?: number;
	itemIndex: number;
}

/** How often a create whose row a read-back found missing is sent in all. */
const MAX_SENDS = 5;
/**
 * Pause between a lost answer and the read-back, so that a write JustPaid was still processing
 * has landed: a second, or longer after a time-out (the service was slow on that very write).
 */
const SETTLE_MS = 1000;
const SETTLE_AFTER_TIMEOUT_MS = 30_000;
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * Slots for the groups of items that run side by side. A create waiting for a read-back gives
 * its slot up meanwhile, so the other items go on; `onIdle` is told when no slot is held.
 */
class Slots {
	held = 0;
	private readonly queue: Array<() => void> = [];

	constructor(
		private readonly size: number,
		private readonly onIdle: () => void,
	) {}

	async acquire(): Promise<void> {
		if (this.held < this.size) {
			this.held++;
			return;
		}
		await new Promise<void>((resolve) => this.queue.push(resolve));
	}

	release(): void {
		const next = this.queue.shift();
		if (next) return next();
		this.held--;
		if (this.held === 0) this.onIdle();
	}
}

export class PacedRowWriter extends TableRows {
	private readonly continueOnFail: boolean;
	private readonly full = new Map<string, TableFull>();
	private readonly readBacks = new Map<string, TableReadBack>();
	private pacer?: Pacer;
	private stoppedBy?: number;
	private slots?: Slots;
	/** Every group of `writeEach` has started (a read-back may run once no slot is held). */
	private allStarted = false;
	/** Creates a read-back settled that have not taken a slot again yet. */
	private resuming = 0;
	private settling = false;

	constructor(
		ctx: IExecuteFunctions,
		private readonly pacing: { writesPerMinute: number; concurrency: number },
	) {
		super(ctx);
		this.continueOnFail = ctx.continueOnFail();
	}

	/** Where a read-back of this table's lost creates starts: its row count before any write. */
	protected override tableRead(tableId: string, table: Table): void {
		this.readBacks.set(tableId, new TableReadBack(this.ctx, tableId, table.rowCount));
	}

	/** Rows read before any write cannot be the row of a lost create. */
	protected override rowsRead(tableId: string, rows: Row[]): void {
		this.readBacks.get(tableId)?.existing(rows);
	}

	private async getPacer(): Promise<Pacer> {
		if (!this.pacer) {
			// The window comes from the credential: 60 s for JustPaid, shorter for a sandbox.
			const credentials = await this.ctx.getCredentials('justPaidApi');
			const seconds = Number(credentials.rateWindowSeconds ?? 60);
			const windowMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
			this.pacer ??= new Pacer({ limit: this.pacing.writesPerMinute, windowMs, concurrency: this.pacing.concurrency, context: this.ctx });
		}
		return this.pacer;
	}

	private fullMessage(tableId: string, limit?: number): string {
		return `Table ${this.tableLabel(tableId)} is full: it has reached its maximum row limit${limit !== undefined ? ` of ${limit}` : ''}`;
	}

	/**
	 * Why a write must not be sent now, if it must not: after a failure without Continue On Fail
	 * nothing more is sent, and once a create of a table was refused as full (`createIn`), its
	 * other creates are not sent.
	 */
	private blocked(createIn?: string): NotSentError | undefined {
		if (this.stoppedBy !== undefined) {
			return new NotSentError(`Not sent: item ${this.stoppedBy} failed and Continue On Fail is off`);
		}
		const full = createIn === undefined ? undefined : this.full.get(createIn);
		if (full && createIn !== undefined) {
			return new NotSentError(`Not sent: ${this.fullMessage(createIn, full.limit)}`, {
				description: `JustPaid refused the row of item ${full.itemIndex} because the table is full, so this item's row was not sent and NOT created. Raise Max Rows (Table → Update, up to 100,000) or delete rows, then run the failed items again.`,
			});
		}
		return undefined;
	}

	/** Sends one update or delete through the pacer (creates go through `create`). */
	async write<T>(send: () => Promise<T>): Promise<T> {
		const early = this.blocked();
		if (early) throw early;
		const pacer = await this.getPacer();
		return await pacer.run(send, () => this.blocked());
	}

	/** A create refused because the table is full marks the table, and says so naming it. */
	private tableFull(error: unknown, itemIndex: number, tableId: string): unknown {
		const answer = tableFullAnswer(error);
		if (!answer) return error;
		if (!this.full.has(tableId)) this.full.set(tableId, { limit: answer.limit, itemIndex });
		this.pacer?.poke();
		const limit = answer.limit ?? this.full.get(tableId)?.limit;
		return new ServiceError(this.fullMessage(tableId, limit), {
			status: 400,
			body: (error as ServiceError).details.body,
			description:
				'JustPaid refused the row (400 BAD_REQUEST: "Table has reached its maximum row limit"), so it was not created, and the remaining creates for this table are not sent. Raise Max Rows (Table → Update, up to 100,000) or delete rows, then run the failed items again.',
		});
	}

	/**
	 * Creates the row of an item. A create is not idempotent, so it is not simply sent again
	 * when its answer is lost (a 502/503/504, a time-out, a dropped connection): it waits for a
	 * read-back of the table (see readBack.ts), which says whether the row was stored. The row
	 * found is the item's; a row surely missing is sent again (up to `MAX_SENDS` times in all);
	 * when the read-back cannot tell, the item keeps its error, saying so.
	 */
	async create(itemIndex: number, tableId: string, data: IDataObject): Promise<Row> {
		const key = dataKey(data);
		let lost: ServiceError | undefined;
		for (let sends = 1; ; sends++) {
			let sentAt = Date.now();
			let row: Row | undefined;
			let failure: unknown;
			try {
				const early = this.blocked(tableId);
				if (early) throw early;
				const pacer = await this.getPacer();
				row = await pacer.run(
					async () => {
						sentAt = Date.now();
						return bodyWithId<Row>('JustPaid', 'the new row', await api.createRow(this.ctx, tableId, data));
					},
					() => this.blocked(tableId),
				);
			} catch (error) {
				failure = this.tableFull(error, itemIndex, tableId);
			}
			if (!row) {
				if (lost && failure instanceof NotSentError) throw notStoredAndNotSent(lost, failure);
				if (!isAmbiguous(failure)) throw failure as Error;
				lost = failure as ServiceError;
				const pause = TIMEOUT_CODES.has(lost.details.code ?? '') ? SETTLE_AFTER_TIMEOUT_MS : SETTLE_MS;
				const stored = await this.readBack(tableId, { itemIndex, key, sentAt, readableAt: Date.now() + pause });
				if (!stored.ok) throw unsettled(lost, stored.error.message);
				if (stored.value) return stored.value;
				if (sends >= MAX_SENDS) throw notStored(lost, sends);
				continue;
			}
			this.readBacks.get(tableId)?.answered(row, Date.now());
			return row;
		}
	}

	/**
	 * Waits for the read-back of a lost create, its slot given up meanwhile: the row stored, no
	 * row when it was surely not stored, or an error saying why it cannot be told.
	 */
	private async readBack(
		tableId: string,
		entry: { itemIndex: number; key: string; sentAt: number; readableAt: number },
	): Promise<Outcome<Row | undefined>> {
		let readBack = this.readBacks.get(tableId);
		if (!readBack) {
			// The table was not read before this write (not the case for the operations here): no
			// rows predate it that are known, so the read-back pages from the start.
			readBack = new TableReadBack(this.ctx, tableId);
			this.readBacks.set(tableId, readBack);
		}
		const outcome = new Promise<Outcome<Row | undefined>>((resolve) =>
			readBack.wait({
				...entry,
				settle: (settled) => {
					this.resuming++;
					resolve(settled);
				},
			}),
		);
		if (this.slots) this.slots.release();
		else void this.settle();
		const settled = await outcome;
		if (this.slots) await this.slots.acquire();
		this.resuming--;
		return settled;
	}

	/** Whether every write is done or waiting for a read-back. */
	private idle(): boolean {
		return this.slots === undefined || (this.allStarted && this.slots.held === 0 && this.resuming === 0);
	}

	/**
	 * Runs the read-backs of the tables with lost creates, once nothing is being written: a row
	 * the read-back does not see then cannot still arrive from this execution.
	 */
	private async settle(): Promise<void> {
		if (this.settling || !this.idle()) return;
		const waiting = [...this.readBacks.values()].filter((readBack) => readBack.pending > 0);
		if (!waiting.length) return;
		this.settling = true;
		try {
			const wait = Math.max(...waiting.map((readBack) => readBack.readableAt)) - Date.now();
			if (wait > 0) await sleep(wait);
			for (const readBack of waiting) await readBack.pass();
		} finally {
			this.settling = false;
		}
		// A pass whose reads failed left its creates waiting: try again while nothing else runs.
		if (this.idle()) void this.settle();
	}

	/** After a failure without Continue On Fail: nothing more is sent. */
	stop(itemIndex: number): void {
		if (this.stoppedBy === undefined) this.stoppedBy = itemIndex;
		this.pacer?.poke();
	}

	/**
	 * Runs `write` for every prepared item and returns one result per item (a failed preparation
	 * is its item's result). Items that write the same row (`rowOf`) go one after the other, in
	 * item order; the others side by side, up to the concurrency. A failure without Continue On
	 * Fail stops the sending and is thrown for its item once the writes in flight are done. After
	 * a failed write, the later items of its row are not sent: they would work on a row whose
	 * state is unknown.
	 */
	async writeEach<P>(
		prepared: Array<P | Error>,
		write: (itemIndex: number, entry: P) => Promise<IDataObject | IDataObject[]>,
		rowOf?: (entry: P) => string,
	): Promise<ItemResult[]> {
		const outcomes = new Array<Outcome<IDataObject | IDataObject[]>>(prepared.length);
		const ready: number[] = [];
		prepared.forEach((entry, index) => {
			if (entry instanceof Error) outcomes[index] = { index, ok: false, error: entry };
			else ready.push(index);
		});
		const runGroup = async (group: number[]) => {
			let failedAt: number | undefined;
			for (const index of group) {
				if (failedAt !== undefined) {
					const error = new NotSentError(`Not sent: item ${failedAt}, for the same row, failed, so the row's state is unknown`, {
						description: 'Run this item again once the failed item is resolved.',
					});
					outcomes[index] = { index, ok: false, error };
					continue;
				}
				try {
					outcomes[index] = { index, ok: true, value: await write(index, prepared[index] as P) };
				} catch (error) {
					outcomes[index] = { index, ok: false, error: error as Error };
					if (error instanceof NotSentError) continue;
					// A value refused by the node's own checks sent nothing: the row's state is still known.
					if (!(error instanceof NodeOperationError)) failedAt = index;
					if (!this.continueOnFail) this.stop(index);
				}
			}
		};
		// Groups start in order, up to the concurrency side by side; a slot a create gives up while
		// it waits for a read-back goes to the next group.
		this.allStarted = false;
		this.slots = new Slots(this.pacing.concurrency, () => void this.settle());
		const running: Array<Promise<void>> = [];
		for (const group of groupBy(ready, rowOf && ((index) => rowOf(prepared[index] as P)))) {
			await this.slots.acquire();
			running.push(runGroup(group).finally(() => this.slots!.release()));
		}
		this.allStarted = true;
		void this.settle();
		await Promise.all(running);
		if (!this.continueOnFail) {
			const first = outcomes.find((outcome) => !outcome.ok && !(outcome.error instanceof NotSentError));
			if (first && !first.ok) throw toNodeError(this.ctx.getNode(), first.error, first.index);
		}
		return outcomes.map((outcome) => (outcome.ok ? outcome.value : outcome.error));
	}
}

/** Groups item indexes by a key (in order of first appearance); without a key, each item stands alone. */
function groupBy(indexes: number[], keyOf?: (itemIndex: number) => string): number[][] {
	if (!keyOf) return indexes.map((index) => [index]);
	const groups = new Map<string, number[]>();
	const out: number[][] = [];
	for (const index of indexes) {
		const key = keyOf(index);
		let group = groups.get(key);
		if (!group) {
			group = [];
			groups.set(key, group);
			out.push(group);
		}
		group.push(index);
	}
	return out;
}
