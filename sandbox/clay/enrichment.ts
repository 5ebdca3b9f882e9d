/**
 * Enrichment in the Clay sandbox: a run queues the cells of its fields and records; each cell
 * is QUEUED, then RUNNING, then finished, computed lazily from timestamps (see store.ts).
 *
 * What a cell finishes with depends on the record's input values (so tests can choose):
 * one containing "fail" → ERROR_BAD_REQUEST; one containing "nodata" → SUCCESS_NO_DATA (a
 * finished run that found nothing, seen live); no credit left → ERROR_OUT_OF_CREDITS; else
 * SUCCESS with `enriched:<first input>`. Live shapes keep that as the display value and a
 * structured result `{answer, source}` as the cell's full value (`externalContent.fullValue`).
 */
import type { ClayStore } from './store';
import type { CellResult, ClayField, ClayRecord, ClayTable } from './types';

export interface RunTiming {
	runStartMs: number;
	runDurationMs: number;
	/** How long the cells of a run show their previous status and value before they are queued. */
	queueLagMs: number;
}

export class Enrichment {
	constructor(
		private readonly store: ClayStore,
		private readonly timing: RunTiming,
		/** Remaining credits (Infinity = unlimited). */
		readonly credits: { value: number },
	) {}

	private resultFor(table: ClayTable, record: ClayRecord): CellResult {
		const inputFields = table.fields.filter((f) => f.type !== 'action');
		const inputs = inputFields.map((f) => record.cells[f.id]?.value).filter((v) => v !== undefined && v !== null && v !== '');
		const text = (v: unknown) => JSON.stringify(v).toLowerCase();
		const live = this.store.profile.shapes === 'live';
		if (inputs.some((v) => text(v).includes('fail'))) return { status: 'ERROR_BAD_REQUEST', value: null };
		if (inputs.some((v) => text(v).includes('nodata'))) return { status: 'SUCCESS_NO_DATA', value: live ? 'No data found' : null };
		if (this.credits.value <= 0) return { status: 'ERROR_OUT_OF_CREDITS', value: null };
		this.credits.value--;
		const first = inputs.find((v) => typeof v === 'string' || typeof v === 'number');
		const answer = `enriched:${first !== undefined ? String(first) : record.id}`;
		return live ? { status: 'SUCCESS', value: answer, full: { answer, source: 'sandbox' } } : { status: 'SUCCESS', value: answer };
	}

	/**
	 * Queues the cells of `fields` for `targets` (the effect of PATCH /run). Without `forceRun`,
	 * finished (SUCCESS…) and in-flight cells are skipped; errors run again. Returns the run id
	 * and how many cells were queued.
	 */
	start(table: ClayTable, fields: ClayField[], targets: ClayRecord[], forceRun: boolean): { runId: string; queued: number } {
		const state = this.store.states.get(table.id)!;
		const runId = this.store.genId('run_');
		const lag = this.timing.queueLagMs;
		const runStartedAt = Date.now() + lag + this.timing.runStartMs;
		const runEndsAt = runStartedAt + this.timing.runDurationMs;
		let queued = 0;
		for (const field of fields) {
			state.ranFields.set(field.id, runId);
			for (const record of targets) {
				const current = record.cells[field.id];
				const status = current ? this.store.cellStatus(current) : undefined;
				if (!forceRun && (status?.startsWith('SUCCESS') || status === 'QUEUED' || status === 'RUNNING')) continue;
				const result = this.resultFor(table, record);
				const queue = () => (record.cells[field.id] = { value: null, metadata: { status: 'QUEUED', runStartedAt, runEndsAt }, pendingResult: result });
				// until then the cell shows the previous run's status and value
				if (lag > 0) setTimeout(queue, lag).unref();
				else queue();
				this.store.pushEvent(table, { kind: 'run', at: runEndsAt, recordId: record.id, fieldId: field.id, result });
				queued++;
			}
		}
		return { runId, queued };
	}

	/** One summary per enrichment field that has been run (`GET /tables/{t}/fieldrun`; shape docs silent). */
	summary(table: ClayTable): Array<Record<string, unknown>> {
		const state = this.store.states.get(table.id)!;
		const records = [...table.records.values()];
		return [...state.ranFields.entries()].map(([fieldId, runId]) => {
			let numQueued = 0;
			let numRunning = 0;
			let numSuccess = 0;
			let numError = 0;
			for (const record of records) {
				const cell = record.cells[fieldId];
				const status = cell ? this.store.cellStatus(cell) : undefined;
				if (status === 'QUEUED') numQueued++;
				else if (status === 'RUNNING') numRunning++;
				else if (status?.startsWith('SUCCESS')) numSuccess++;
				else if (status?.startsWith('ERROR_')) numError++;
			}
			const status = numQueued + numRunning > 0 ? 'running' : 'complete';
			return { fieldId, runId, status, numQueued, numRunning, numSuccess, numError };
		});
	}
}
