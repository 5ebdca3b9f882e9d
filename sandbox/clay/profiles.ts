/**
 * Behaviour profiles of the Clay sandbox. Clay's v3 API is its web app's own: the seed (a
 * third-party write-up) and the clients that ran against the live API in 2026 (api-notes.md,
 * "Clay — what public live-tested clients observed") disagree in places, and some behaviours
 * the node depends on no source settles. Each such behaviour is a switch here, so that the
 * suites can run the node under every plausible one.
 *
 * - `shapes`: `seed` answers as seed 004 shows (`{count}`, `{recordIds}`, per-table source
 *   paths, plain cell values, a create answer without records); `live` as the live-tested
 *   clients saw (`{tableTotalRecordsCount}`, `{results}`, `/v3/sources`, `{optionIds}` for
 *   select cells, action results in `externalContent.fullValue`, `{recordCount, runMode}`).
 * - `ids`, unconfirmed live: what a create does with a record id the client sends —
 *   `honour` it (a repeated id replaces the record's cells), `assign` Clay's own `r_…` id
 *   instead, or honour it but `refuse` a repeated one (400 "… already exists").
 * - `viewOrder`: views list records oldest first (creation order) or newest first (api-notes:
 *   "large tables often newest first").
 * - `viewPageLimit` / `viewLimitParam`: a view's record-id list gives only its first page
 *   (e.g. 100) unless `?limit=` asks for more — or even then, when `viewLimitParam` is false.
 * - `bulkFetch`: whether `POST /tables/{t}/bulk-fetch-records` exists (a Clay that serves only
 *   the seed's endpoints, or a path that moved, answers `NoMatchingURL`).
 * - `fieldRun`: whether `GET /tables/{t}/fieldrun` (a run summary per enrichment field) exists;
 *   no live-tested client confirms it.
 * - `views`: the views a new table gets. `all-rows`: "Default view" and "All rows", both listing
 *   every record (api-notes: a table's views, e.g. "Default view", "All rows"; DinoClayAPI: tables
 *   normally ship with an "All rows" view — that it lists every record is unconfirmed).
 *   `filtered-first`, no source, a made-up worst case: no view named "All rows" (renamed, as a
 *   user may) and a first view (`firstViewId`) that is filtered, hiding every second record,
 *   which the table's answer does not show.
 * - `findCompare`, unconfirmed live: how find's `EQUAL` compares — as `text` (`"42"` finds 42)
 *   or `typed` (only a value of the stored type finds it, and `EQUAL` finds no select or users
 *   cell: those take `SELECT_EQUAL` / `USER_EQUAL`, zapier findRecord).
 */

export type ClayShapes = 'seed' | 'live';
export type ClayIdBehaviour = 'honour' | 'assign' | 'refuse';
export type ClayViewOrder = 'oldest-first' | 'newest-first';
export type ClayFindCompare = 'text' | 'typed';
export type ClayViews = 'all-rows' | 'filtered-first';

export interface ClayProfileOptions {
	/** Answer shapes (default `live`). */
	shapes?: ClayShapes;
	/** What a create does with a sent record id (default `honour`). */
	ids?: ClayIdBehaviour;
	/** Order of every view's records (default `oldest-first`). */
	viewOrder?: ClayViewOrder;
	/** A view's record-id list stops after this many ids (default: no limit). */
	viewPageLimit?: number;
	/** Whether `?limit=` on the record-id list lifts `viewPageLimit` (default true). */
	viewLimitParam?: boolean;
	/** How find's EQUAL compares (default `text`). */
	findCompare?: ClayFindCompare;
	/** The views a new table gets (default `all-rows`). */
	views?: ClayViews;
	/** Whether bulk-fetch-records exists (default true). */
	bulkFetch?: boolean;
	/** Whether the run summary `/fieldrun` exists (default true). */
	fieldRun?: boolean;
	/** Whether the bulk `PATCH /tables/{t}/records` exists (default true; false: 404, use the per-record PATCH). */
	bulkUpdate?: boolean;
	/** Whether the workspace's plan includes webhooks (default true; false: adding a webhook source answers 402). */
	webhooksInPlan?: boolean;
	/** Overrides the shape of the record-id list (`recordIds` in seed, `results` live). */
	idListShape?: 'recordIds' | 'results';
}

export interface ClayProfile {
	shapes: ClayShapes;
	ids: ClayIdBehaviour;
	viewOrder: ClayViewOrder;
	viewPageLimit?: number;
	viewLimitParam: boolean;
	findCompare: ClayFindCompare;
	views: ClayViews;
	bulkFetch: boolean;
	fieldRun: boolean;
	bulkUpdate: boolean;
	webhooksInPlan: boolean;
	idListShape: 'recordIds' | 'results';
}

export const SHAPES: readonly ClayShapes[] = ['seed', 'live'];
export const ID_BEHAVIOURS: readonly ClayIdBehaviour[] = ['honour', 'assign', 'refuse'];
export const VIEW_ORDERS: readonly ClayViewOrder[] = ['oldest-first', 'newest-first'];
export const VIEWS: readonly ClayViews[] = ['all-rows', 'filtered-first'];

export function resolveProfile(options: ClayProfileOptions = {}): ClayProfile {
	const shapes = options.shapes ?? 'live';
	return {
		shapes,
		ids: options.ids ?? 'honour',
		viewOrder: options.viewOrder ?? 'oldest-first',
		viewPageLimit: options.viewPageLimit,
		viewLimitParam: options.viewLimitParam ?? true,
		findCompare: options.findCompare ?? 'text',
		views: options.views ?? 'all-rows',
		bulkFetch: options.bulkFetch ?? true,
		fieldRun: options.fieldRun ?? true,
		bulkUpdate: options.bulkUpdate ?? true,
		webhooksInPlan: options.webhooksInPlan ?? true,
		idListShape: options.idListShape ?? (shapes === 'seed' ? 'recordIds' : 'results'),
	};
}

/** "live, ids assign" — how tests and the CLI name a profile. */
export function describeProfile(profile: ClayProfile): string {
	const parts = [profile.shapes, `ids ${profile.ids}`];
	if (profile.viewOrder !== 'oldest-first') parts.push(profile.viewOrder);
	if (profile.viewPageLimit !== undefined) parts.push(`first ${profile.viewPageLimit} ids${profile.viewLimitParam ? '' : ', limit ignored'}`);
	if (profile.findCompare === 'typed') parts.push('typed find');
	if (profile.views === 'filtered-first') parts.push('first view filtered, no "All rows"');
	if (!profile.bulkFetch) parts.push('no bulk fetch');
	if (!profile.fieldRun) parts.push('no fieldrun');
	if (!profile.bulkUpdate) parts.push('no bulk update');
	if (!profile.webhooksInPlan) parts.push('no webhooks in plan');
	return parts.join(', ');
}

/** The command-line flags of `npm run sandbox` for the Clay sandbox's profile. */
export const PROFILE_FLAGS = '[--clay-shapes seed|live] [--clay-ids honour|assign|refuse] [--clay-view-order oldest-first|newest-first] [--clay-view-page N] [--clay-no-limit-param] [--clay-typed-find] [--clay-views all-rows|filtered-first] [--clay-no-bulk-fetch] [--clay-no-fieldrun] [--clay-no-bulk-update] [--clay-no-webhooks]';

/**
 * Reads one profile flag (`flag` with its `value`) into `options`. Returns false for a flag
 * that is not a profile flag; throws for a bad value. Flags without a value return 'novalue'
 * so that the caller does not consume the next argument.
 */
export function readProfileFlag(options: ClayProfileOptions, flag: string, value: string | undefined): boolean | 'novalue' {
	const oneOf = <T extends string>(allowed: readonly T[]): T => {
		if (value === undefined || !(allowed as readonly string[]).includes(value)) throw new Error(`${flag} takes one of ${allowed.join(', ')}`);
		return value as T;
	};
	switch (flag) {
		case '--clay-shapes':
			options.shapes = oneOf(SHAPES);
			return true;
		case '--clay-ids':
			options.ids = oneOf(ID_BEHAVIOURS);
			return true;
		case '--clay-view-order':
			options.viewOrder = oneOf(VIEW_ORDERS);
			return true;
		case '--clay-view-page': {
			const n = Number(value);
			if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a whole number of at least 1`);
			options.viewPageLimit = n;
			return true;
		}
		case '--clay-no-limit-param':
			options.viewLimitParam = false;
			return 'novalue';
		case '--clay-views':
			options.views = oneOf(VIEWS);
			return true;
		case '--clay-typed-find':
			options.findCompare = 'typed';
			return 'novalue';
		case '--clay-no-bulk-fetch':
			options.bulkFetch = false;
			return 'novalue';
		case '--clay-no-fieldrun':
			options.fieldRun = false;
			return 'novalue';
		case '--clay-no-bulk-update':
			options.bulkUpdate = false;
			return 'novalue';
		case '--clay-no-webhooks':
			options.webhooksInPlan = false;
			return 'novalue';
		default:
			return false;
	}
}
