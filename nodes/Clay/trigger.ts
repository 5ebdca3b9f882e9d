/**
 * How the Clay trigger reads Clay; the state logic is nodes/shared/trigger.ts (runner), watermark.ts and paging.ts.
 *
 * Record Added: one request lists a view's record ids in the view's order — oldest first
 * (Clay's default views) or newest first (api-notes: large tables often list newest first) —
 * so new records are at one end of the list: after the last ids the previous poll saw at its
 * end, or before the first ids it saw at its start. The state keeps a few ids of each end
 * (anchors; several, as any of them may be deleted) and a creation-time watermark, which also
 * keeps out a record that only moved into an end (a view that shows only its first page of a
 * larger table: an older record moves in when one is deleted). A list of exactly one page
 * (100) is checked against the table's count and asked again for the rest (api.viewRecordIds).
 * Idle: that one id list.
 *
 * Record Enriched: a record qualifies when every chosen enrichment cell is finished
 * (`SUCCESS…` or `ERROR_…`); its event time is the record's `updatedAt`. Clay has no filter and
 * no per-cell time, so finding them means reading every record of the view — which the trigger
 * does only when the table's run summary (`GET /tables/{id}/fieldrun`: run ids and per-status
 * cell counts of the chosen fields) changed since the last poll, while cells are queued or
 * running, or when the last poll left records for the next one. Idle: that one request. No
 * live-tested client confirms that summary: where Clay answers 404 for it, the trigger reads
 * every record of the view on every poll (the table's count for the server's clock, the id list
 * and a bulk read per 200 records), asking for the summary again once an hour.
 * A record whose enrichment finished earlier and that is edited later has a new `updatedAt`
 * and is emitted again by the next poll that reads the records: without a per-cell time,
 * telling an edit from a new result would need the state to remember every record.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { chunk } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import { runTrigger } from '../shared/trigger';
import type { PollResult, TriggerSpec } from '../shared/trigger';
import { advanceMark, compareTime, fullReadPoll, fullReadStart, maxTime, sortByTime } from '../shared/watermark';
import type { Mark, SummaryReadState } from '../shared/watermark';
import { api, cellStatus, clayService, isFinished, pollApi } from './api';
import type { ClayRecord } from './api';
import { ENRICHMENT_TYPES, Schemas } from './schema';
import type { TableSchema } from './schema';

/** How long a trigger goes without asking for a run summary Clay answered 404 for. */
const NO_SUMMARY_RETRY_MS = 3_600_000;
/** Ids of the end of the list kept as anchors. */
const ANCHORS = 20;
/** Ids per bulk read (Clay's bulk-fetch-records). */
const CHUNK = 200;
/** Records read (newest first) for a sample of Record Enriched. */
const SAMPLE_RECORDS = 1000;

export interface ClayTriggerSettings {
	tableId: string;
	/** View id; empty: the table's "All rows" view. */
	viewId: string;
	event: 'recordAdded' | 'recordEnriched';
	/** Field ids (or names) whose cells must be finished; empty: every enrichment field. */
	fields: string[];
	includeExisting: boolean;
	simplify: boolean;
}

interface AddedState {
	viewId: string;
	/** The first ids of the view's list at the last poll. */
	head?: string[];
	/** The last ids of the view's list at the last poll (`anchors` in states saved before `head` existed). */
	anchors: string[];
	/** Creation-time watermark: what is older was there before, or emitted. */
	mark: Mark;
}

/** `signature`: the run summary of the chosen fields at the last read of the records. */
interface EnrichedState extends SummaryReadState {
	viewId: string;
	/** The chosen fields' ids (empty: every enrichment field), resolved when the records were last read. */
	fields: string[];
	/** When Clay last answered that the run summary (`/fieldrun`) does not exist (ms): until an hour later every poll reads the records without asking again. */
	noSummaryAt?: number;
}

const created = (record: ClayRecord): string => String(record.createdAt ?? '');
const idOf = (record: ClayRecord): string => record.id;
/** The latest time a record shows. */
const latestIn = (record: ClayRecord): string => maxTime(record.createdAt, record.updatedAt);

/** One poll of the Clay trigger. */
export async function pollClay(ctx: IPollFunctions, settings: ClayTriggerSettings): Promise<INodeExecutionData[][] | null> {
	return settings.event === 'recordAdded' ? await runTrigger(ctx, recordAdded(ctx, settings)) : await runTrigger(ctx, recordEnriched(ctx, settings));
}

function reader(ctx: IPollFunctions, settings: ClayTriggerSettings) {
	const schemas = new Schemas(ctx);
	const schema = async () => await schemas.get(settings.tableId);
	return {
		schema,
		/**
		 * The view to read (`id`): the chosen one, else the one the state remembers, else the one that
		 * lists every record ("All rows"). `kept`: what the state remembers of it — nothing for a view
		 * found by its count (of an empty table, a filtered view passes), which is looked for again.
		 */
		async view(remembered?: string): Promise<{ id: string; kept: string }> {
			if (settings.viewId) return { id: settings.viewId, kept: settings.viewId };
			if (remembered) return { id: remembered, kept: remembered };
			const { view, named } = await schemas.everyRecordView(settings.tableId);
			return { id: view.id, kept: named ? view.id : '' };
		},
		/** Records by id, in the given order, with their enrichment results (for the output); records deleted meanwhile are left out. */
		async fetch(ids: string[]): Promise<ClayRecord[]> {
			const out: ClayRecord[] = [];
			const actionFields = ids.length ? (await schema()).actionFieldIds() : [];
			for (const part of chunk(ids, CHUNK)) out.push(...(await api.bulkFetch(ctx, settings.tableId, part, actionFields)));
			return out;
		},
		/** Every record id of the view, in its order. */
		ids: async (viewId: string) => await api.viewRecordIds(ctx, settings.tableId, viewId),
		/** The view's record ids, and whether that is all of them (not only a first page of a larger table). */
		list: async (viewId: string) => await api.viewRecordList(ctx, settings.tableId, viewId),
		async output(records: ClayRecord[]): Promise<IDataObject[]> {
			if (!records.length) return [];
			if (!settings.simplify) return records.map((record) => record as unknown as IDataObject);
			const table = await schema();
			return records.map((record) => table.simplify(record));
		},
		base: { service: clayService(ctx), includeExisting: settings.includeExisting },
	};
}

function recordAdded(ctx: IPollFunctions, settings: ClayTriggerSettings): TriggerSpec<AddedState> {
	const { tableId } = settings;
	const { view, fetch, ids: listIds, list, output, base } = reader(ctx, settings);
	const markOf = (mark: Mark | undefined, records: ClayRecord[]) => advanceMark(mark, records.map((record) => ({ key: created(record), id: record.id })));
	const anchorsOf = (ids: string[]) => ({ head: ids.slice(0, ANCHORS), anchors: ids.slice(-ANCHORS) });
	/**
	 * Not emitted yet by its time: created after the mark, or at it and not among the ids emitted
	 * at it. `strict`: also not at the mark's time when more records shared it than the mark keeps
	 * (then only a record's place in the list can tell, and a list of only its first page cannot).
	 */
	const unseen = (mark: Mark, strict: boolean) => (record: ClayRecord) => {
		const order = compareTime(created(record), mark.at);
		return order > 0 || (order === 0 && !mark.closed && !mark.ids.includes(record.id) && !(strict && mark.more));
	};

	/**
	 * Every anchor of one end was deleted: the records at that end created after the watermark,
	 * read from the end inwards until a batch holds an older record.
	 */
	const fromEnd = async (ids: string[], end: 'head' | 'tail', mark: Mark): Promise<ClayRecord[]> => {
		const ordered = end === 'tail' ? [...ids].reverse() : ids;
		const found: ClayRecord[] = [];
		for (let start = 0; start < ordered.length; start += CHUNK) {
			const part = await fetch(ordered.slice(start, start + CHUNK));
			found.push(...part);
			if (part.some((record) => compareTime(created(record), mark.at) < 0)) break;
		}
		// a bulk add that shared the mark's time and outgrew its ids: its records at that time are not told apart here
		const position = new Map(ids.map((id, index) => [id, index]));
		return found.filter(unseen(mark, true)).sort((a, b) => position.get(a.id)! - position.get(b.id)!);
	};

	return {
		...base,
		key: `clay|recordAdded|${tableId}|${settings.viewId}`,
		event: 'recordAdded',
		noSample: `The Clay table ${tableId} has no records in this view yet: add a record, then fetch again`,
		async start() {
			const { id: viewId, kept } = await view();
			const ids = await listIds(viewId);
			const { head, anchors } = anchorsOf(ids);
			const records = await fetch([...new Set([...head, ...anchors])]);
			const newest = maxTime(...records.map(created));
			// records created with the newest ones beyond the anchors (a bulk add) are known too
			const mark = markOf(undefined, records.filter((record) => compareTime(created(record), newest) === 0));
			return { viewId: kept, head, anchors, mark: records.length ? { ...mark, more: true } : mark };
		},
		async poll(state): Promise<PollResult<AddedState>> {
			const { id: viewId, kept } = await view(state?.viewId);
			const { ids, complete } = await list(viewId);
			const head = state?.head ?? [];
			const tail = state?.anchors ?? [];
			let fresh: ClayRecord[];
			if (!state || (!head.length && !tail.length)) {
				// first poll with Include Existing Rows, or the view was empty: every record is new
				fresh = await fetch(ids);
			} else {
				// new records are past the last tail anchor, or before the first head anchor
				const tailSet = new Set(tail);
				const headSet = new Set(head);
				let last = ids.length - 1;
				while (last >= 0 && !tailSet.has(ids[last])) last--;
				let first = 0;
				while (first < ids.length && !headSet.has(ids[first])) first++;
				const positional = new Set<string>();
				if (last >= 0) for (const id of ids.slice(last + 1)) positional.add(id);
				if (first < ids.length) for (const id of ids.slice(0, first)) positional.add(id);
				// in a list of only its first page, a record can move into an end without being new
				const byPosition = (await fetch(ids.filter((id) => positional.has(id)))).filter(unseen(state.mark, !complete));
				const lost = [...(last < 0 && tail.length ? await fromEnd(ids, 'tail', state.mark) : []), ...(first >= ids.length && head.length ? await fromEnd(ids, 'head', state.mark) : [])];
				const seen = new Set(byPosition.map((record) => record.id));
				fresh = [...byPosition, ...lost.filter((record) => !seen.has(record.id) && (seen.add(record.id), true))];
			}
			fresh = sortByTime(fresh, created);
			return {
				rows: await output(fresh),
				state: { viewId: kept, ...anchorsOf(ids), mark: markOf(state?.mark, fresh) },
			};
		},
		async sample() {
			const ids = await listIds((await view()).id);
			const ends = await fetch([...new Set([ids[0], ids[ids.length - 1]].filter((id): id is string => !!id))]);
			return await output(sortByTime(ends, created).slice(-1));
		},
	};
}

function recordEnriched(ctx: IPollFunctions, settings: ClayTriggerSettings): TriggerSpec<EnrichedState> {
	const { tableId } = settings;
	const { schema, view, fetch, ids: listIds, output, base } = reader(ctx, settings);

	/** The fields whose cells must be finished. */
	const fieldsOf = (table: TableSchema): string[] => {
		if (!settings.fields.length) {
			const ids = table.table.fields.filter((field) => ENRICHMENT_TYPES.has(String(field.type))).map((field) => field.id);
			if (!ids.length) throw new Error(`${table.describe()} has no enrichment columns, so no record can be enriched: add one, or use the event Record Added`);
			return ids;
		}
		return settings.fields.map((wanted) => {
			const field = table.resolve(wanted);
			if (!field) throw new Error(`"Fields": ${wanted} is not a column of ${table.describe()} (any more); its columns are: ${table.fieldNames()}`);
			return field.id;
		});
	};

	/**
	 * The run summary of the chosen fields (by id; empty: every field that was run), as a
	 * signature. No live-tested client confirms `/fieldrun`: where Clay answers 404 for it
	 * (`missing`), or it was found missing before (`skip`), the summary is unknown and the records
	 * are read on every poll.
	 */
	const summary = async (fieldIds: string[], skip = false) => {
		// without the summary, the server's clock comes from the table's count (one request)
		const unknown = async () => ({ known: false, missing: true, signature: '', busy: false, serverTime: await pollApi.serverTime(ctx, tableId) });
		if (skip) return await unknown();
		let read: Awaited<ReturnType<typeof pollApi.fieldRuns>> | undefined;
		let failure: unknown;
		try {
			read = await pollApi.fieldRuns(ctx, tableId);
		} catch (error) {
			failure = error;
		}
		if (!read) {
			if (failure instanceof ServiceError && failure.status === 404) return await unknown();
			throw failure;
		}
		const { runs, serverTime } = read;
		const relevant = (runs ?? [])
			.filter((run) => !fieldIds.length || fieldIds.includes(run.fieldId))
			.sort((a, b) => (a.fieldId < b.fieldId ? -1 : a.fieldId > b.fieldId ? 1 : 0));
		return {
			known: runs !== undefined,
			missing: false,
			signature: JSON.stringify(relevant.map((run) => [run.fieldId, run.runId ?? null, run.numQueued, run.numRunning, run.numSuccess, run.numError])),
			busy: relevant.some((run) => run.numQueued + run.numRunning > 0),
			serverTime,
		};
	};

	/** Every record of the view, in its order. */
	const everyRecord = async (viewId: string) => await fetch(await listIds(viewId));

	const finishedAt = (fields: string[]) => (record: ClayRecord): string | undefined => {
		for (const field of fields) if (!isFinished(cellStatus(record.cells?.[field]))) return undefined;
		return String(record.updatedAt ?? record.createdAt ?? '') || undefined;
	};

	return {
		...base,
		key: `clay|recordEnriched|${tableId}|${settings.viewId}|${[...settings.fields].sort().join(',')}`,
		event: 'recordEnriched',
		noSample: `No record among the newest ${SAMPLE_RECORDS} of the Clay table ${tableId} has finished enriching in the chosen columns: run enrichment, then fetch again`,
		async start() {
			const fields = fieldsOf(await schema());
			const chosen = settings.fields.length ? fields : [];
			const { signature, busy, serverTime, missing } = await summary(chosen);
			const { id: viewId, kept } = await view();
			// the records enriched by now are not replayed, also those stamped after the (lagging) watermark
			const records = await everyRecord(viewId);
			const start = fullReadStart({ rows: records, event: finishedAt(fields), id: idOf, latestIn }, serverTime);
			return { viewId: kept, fields: chosen, ...start, signature, deferred: busy, ...(missing ? { noSummaryAt: Date.now() } : {}) };
		},
		async poll(state): Promise<PollResult<EnrichedState>> {
			// names given by expression were resolved to ids when the records were last read
			const skip = state?.noSummaryAt !== undefined && Date.now() - state.noSummaryAt < NO_SUMMARY_RETRY_MS;
			const { known, signature, busy, serverTime, missing } = await summary(state?.fields ?? settings.fields, skip);
			if (state && known && !busy && !state.deferred && state.signature === signature) return { rows: [], state };
			const fields = fieldsOf(await schema());
			const chosen = settings.fields.length ? fields : [];
			const { id: viewId, kept } = await view(state?.viewId);
			const records = await everyRecord(viewId);
			const next = fullReadPoll({ rows: records, event: finishedAt(fields), id: idOf, latestIn }, serverTime, state);
			return {
				rows: await output(next.due),
				state: {
					viewId: kept,
					fields: chosen,
					...next.state,
					// a summary of other fields (names resolved only now) would not match the next one
					signature: JSON.stringify(chosen) === JSON.stringify(state?.fields ?? settings.fields) ? signature : '',
					deferred: busy || next.deferred,
					...(missing ? { noSummaryAt: skip ? state!.noSummaryAt : Date.now() } : {}),
				},
			};
		},
		async sample() {
			const key = finishedAt(fieldsOf(await schema()));
			const ids = await listIds((await view()).id);
			// the newest records, whichever end of the view lists them
			const ends = ids.length > SAMPLE_RECORDS ? [...ids.slice(0, SAMPLE_RECORDS / 2), ...ids.slice(-SAMPLE_RECORDS / 2)] : ids;
			const records = (await fetch(ends)).filter((record) => key(record) !== undefined);
			return await output(sortByTime(records, (record) => key(record)!).slice(-1));
		},
	};
}
