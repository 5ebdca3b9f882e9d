/**
 * Which keys of a keyed Add ("From a Key Column") the table has already: the records whose key
 * column holds each key, read once per run.
 *
 * Two ways, whichever costs fewer requests: for a few keys, Clay's find (zapier findRecord,
 * live: one `POST /tables/{t}/find` per key, an EQUAL filter on the key column); otherwise —
 * or where Clay has no find (seed) — the key column of every record of the "All rows" view
 * (its record ids, read once per run anyway, then bulk-fetch-records in batches of 500, three in
 * flight). Keys compare as text, trimmed (`42` matches `"42"`); of several records with one key
 * the first the view lists is the one.
 */
import { chunk, mapConcurrent } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { RequestContext } from '../shared/request';
import { api, cellValue } from './api';
import type { ClayRecord } from './api';
import { LOOKUP_CHUNK, valueText } from './creates';

const CONCURRENCY = 3;

/** The text a key is compared by; empty for no key. */
export const keyText = valueText;

export interface KeyLookup {
	records: Map<string, ClayRecord>;
	/** How the keys were looked up: not at all (an empty table), by find, or by reading the key column. */
	via: 'none' | 'find' | 'scan';
}

/**
 * The records already holding each of `keys` in `fieldId`; `snapshot` is the view's record ids,
 * `complete` false when that is only a first page of a larger table: then only find can tell.
 */
export async function existingKeys(ctx: RequestContext, tableId: string, fieldId: string, keys: string[], snapshot: string[], complete = true): Promise<KeyLookup> {
	const records = new Map<string, ClayRecord>();
	if ((!snapshot.length && complete) || !keys.length) return { records, via: 'none' };
	const wanted = new Set(keys);
	const keep = (record: ClayRecord) => {
		const key = keyText(cellValue(record.cells?.[fieldId]));
		if (key && wanted.has(key) && !records.has(key)) records.set(key, record);
	};

	// a find per key costs less than reading the column when there are fewer keys than batches to read
	if (!complete || keys.length <= Math.ceil(snapshot.length / LOOKUP_CHUNK)) {
		const found = await mapConcurrent(keys, CONCURRENCY, async (key) => await api.findEqual(ctx, tableId, fieldId, key));
		if (found.every((list) => list !== undefined)) {
			// find answers in its own order: the view's order decides between records sharing a key
			const position = new Map(snapshot.map((id, index) => [id, index]));
			const all = (found as ClayRecord[][]).flat().sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity));
			for (const record of all) keep(record);
			return { records, via: 'find' };
		}
		if (!complete) {
			throw new ServiceError(`The view lists only ${snapshot.length} of the table's records and Clay offers no find here, so which keys exist cannot be told; nothing was added`, {
				description: "A keyed Add reads the key column of the table's \"All rows\" view. Make that view list every record (no row limit), or add with Record ID: Generate.",
			});
		}
	}
	const reads = await mapConcurrent(chunk(snapshot, LOOKUP_CHUNK), CONCURRENCY, async (ids) => await api.bulkFetch(ctx, tableId, ids));
	for (const record of reads.flat()) keep(record);
	return { records, via: 'scan' };
}
