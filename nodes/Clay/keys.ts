/**
 * Which keys of a keyed Add ("From a Key Column") the table has already: the records whose key
 * column holds each key, read once per run.
 *
 * Two ways, whichever costs fewer requests: for a few keys, Clay's find (zapier findRecord,
 * live: one `POST /tables/{t}/find` per key, the operator following the column type); otherwise —
 * or where Clay has no find (seed), or a find fails — the key column of every record of the
 * default view (its record ids, read once per run anyway, then bulk-fetch-records in batches of
 * 500, three in flight). Keys compare by their column's type (`keyTextOf`); of several records
 * with one key the first the view lists is the one.
 */
import { chunk, mapConcurrent } from '../shared/batch';
import { ServiceError } from '../shared/errors';
import type { RequestContext } from '../shared/request';
import { api, cellValue } from './api';
import type { ClayField, ClayRecord, FindCondition } from './api';
import { LOOKUP_CHUNK, valueText } from './creates';
import { findOption, isObject, isSelectField, isUsersField, numberOf, optionsOf } from './values';

const CONCURRENCY = 3;

const BOOLEAN_TYPES = new Set(['boolean', 'checkbox']);
const TRUE_TEXTS = new Set(['true', '1', 'yes']);
const FALSE_TEXTS = new Set(['false', '0', 'no']);

/** The ids a select or users cell holds, as written (`{optionIds}`, `{userIds}`), as a list, or one id; select option names become their ids. */
function idsOf(field: ClayField, value: unknown): string[] {
	const wrapped = isObject(value) ? (value.optionIds ?? value.userIds) : value;
	const list = Array.isArray(wrapped) ? wrapped : wrapped === null || wrapped === undefined || wrapped === '' ? [] : [wrapped];
	const options = isSelectField(field) ? optionsOf(field) : [];
	return list
		.map((entry) => findOption(options, entry)?.id ?? String(entry).trim())
		.filter(Boolean)
		.sort();
}

function booleanOf(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	const text = String(value ?? '').trim().toLowerCase();
	return TRUE_TEXTS.has(text) ? true : FALSE_TEXTS.has(text) ? false : undefined;
}

/**
 * The text a key compares by, for its column's type: select and users cells by their ids (an
 * item may give option names; Clay stores `{optionIds}`), numbers as numbers (`"42"` is `42`),
 * booleans as true/false; other values as text, trimmed. Empty for no key.
 */
export function keyTextOf(field: ClayField | undefined, value: unknown): string {
	if (field && (isSelectField(field) || isUsersField(field))) return idsOf(field, value).join(',');
	if (field?.type === 'number') {
		const number = numberOf(value);
		if (number !== undefined) return String(number);
	}
	if (field && BOOLEAN_TYPES.has(String(field.type))) {
		const flag = booleanOf(value);
		if (flag !== undefined) return String(flag);
	}
	return valueText(value);
}

/**
 * The find condition of a key, typed for its column as the live-tested client sends it (zapier
 * findRecord): `SELECT_EQUAL` with an option id, `USER_EQUAL` with a user id, `CHECKED` /
 * `NOT_CHECKED` for a boolean, `EQUAL` with a number for a number column and with the text
 * otherwise. `undefined` when one condition cannot say it (several options or users): the key
 * column is read instead.
 */
export function findConditionOf(field: ClayField, value: unknown): FindCondition | undefined {
	if (isSelectField(field) || isUsersField(field)) {
		const ids = idsOf(field, value);
		if (ids.length !== 1) return undefined;
		return { operator: isSelectField(field) ? 'SELECT_EQUAL' : 'USER_EQUAL', value: ids[0] };
	}
	if (BOOLEAN_TYPES.has(String(field.type))) {
		const flag = booleanOf(value);
		return flag === undefined ? undefined : { operator: flag ? 'CHECKED' : 'NOT_CHECKED' };
	}
	if (field.type === 'number') {
		const number = numberOf(value);
		return number === undefined ? undefined : { operator: 'EQUAL', value: number };
	}
	return { operator: 'EQUAL', value: valueText(value) };
}

export interface KeyLookup {
	records: Map<string, ClayRecord>;
	/** How the keys were looked up: not at all (an empty table), by find, or by reading the key column. */
	via: 'none' | 'find' | 'scan';
}

/**
 * The records already holding each key in the key column `field`; `keys` maps each key's text
 * (`keyTextOf`) to its value as written. `snapshot` is the view's record ids, `complete` false
 * when that is only a first page of a larger table: then only find can tell.
 */
export async function existingKeys(
	ctx: RequestContext,
	tableId: string,
	field: ClayField,
	keys: ReadonlyMap<string, unknown>,
	snapshot: string[],
	complete = true,
): Promise<KeyLookup> {
	const records = new Map<string, ClayRecord>();
	if ((!snapshot.length && complete) || !keys.size) return { records, via: 'none' };
	const keep = (record: ClayRecord) => {
		const key = keyTextOf(field, cellValue(record.cells?.[field.id]));
		if (key && keys.has(key) && !records.has(key)) records.set(key, record);
	};

	// a find per key costs less than reading the column when there are fewer keys than batches to read
	if (!complete || keys.size <= Math.ceil(snapshot.length / LOOKUP_CHUNK)) {
		const conditions = [...keys.values()].map((value) => findConditionOf(field, value));
		let found: Array<ClayRecord[] | undefined> | undefined;
		let failure: Error | undefined;
		if (conditions.every((condition) => condition !== undefined)) {
			try {
				found = await mapConcurrent(conditions as FindCondition[], CONCURRENCY, async (condition) => await api.findWhere(ctx, tableId, field.id, condition));
			} catch (error) {
				// a find Clay refuses (an operator it does not know for this column…): the column is read instead
				failure = error as Error;
			}
		}
		if (found?.every((list) => list !== undefined)) {
			// find answers in its own order: the view's order decides between records sharing a key
			const position = new Map(snapshot.map((id, index) => [id, index]));
			const all = (found as ClayRecord[][]).flat().sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity));
			for (const record of all) keep(record);
			return { records, via: 'find' };
		}
		if (!complete) {
			const why = failure
				? `Clay's find failed (${failure.message})`
				: found
					? 'Clay offers no find here'
					: 'a key of several options or users cannot be looked up with Clay\'s find';
			throw new ServiceError(`The view lists only ${snapshot.length} of the table's records and ${why}, so which keys exist cannot be told; nothing was added`, {
				description: "A keyed Add reads the key column of the table's default view. Make that view list every record (no row limit), or add with Record ID: Generate.",
			});
		}
	}
	const reads = await mapConcurrent(chunk(snapshot, LOOKUP_CHUNK), CONCURRENCY, async (ids) => await api.bulkFetch(ctx, tableId, ids));
	for (const record of reads.flat()) keep(record);
	return { records, via: 'scan' };
}
