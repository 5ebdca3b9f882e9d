/** The data model of the Clay sandbox and its public interface (what tests, the CLI and the benchmark use). */
import type { SandboxOptions, SandboxServer } from '../framework';
import type { ClayProfileOptions, ClayProfile } from './profiles';

export type ClayFieldType = 'text' | 'number' | 'url' | 'email' | 'action' | 'formula' | 'date' | 'boolean' | 'image' | 'select' | 'users';

export interface ClayField {
	id: string /* f_... */;
	name: string;
	type: ClayFieldType;
	typeSettings: Record<string, unknown>;
}
export interface ClayView {
	id: string /* gv_... */;
	name: string;
	/** The sandbox's stand-in for a filter (profile `views: filtered-first`): the view hides every second record, in creation order. */
	hidesEverySecond?: boolean;
}
/** The outcome of one enrichment cell: `full` is the structured result (live: `externalContent.fullValue`). */
export interface CellResult {
	status: string;
	/** The display value (live: the preview in `value`; seed: the plain value). */
	value: unknown;
	full?: unknown;
}
export interface ClayCell {
	value: unknown;
	metadata?: { status?: string; runStartedAt?: number; runEndsAt?: number };
	/** Internal: the structured result of a finished enrichment cell (live: `externalContent.fullValue`). */
	full?: unknown;
	/** Internal: the outcome of an enrichment run that has not finished yet (never sent on the wire). */
	pendingResult?: CellResult;
}
export interface ClayRecord {
	id: string;
	tableId: string;
	cells: Record<string, ClayCell>;
	recordMetadata: Record<string, unknown>;
	createdAt: string;
	updatedAt: string;
}
export interface ClaySource {
	id: string /* s_... */;
	name: string;
	type: string;
	typeSettings: Record<string, unknown>;
	webhookUrl?: string;
	submissions: number;
	/** Extra: last path segment of the webhook URL (webhook sources only). */
	slug?: string;
	createdAt?: string;
}
export interface ClayTable {
	id: string /* t_... */;
	name: string;
	workspaceId: number;
	workbookId: string /* wb_... */;
	fields: ClayField[];
	views: ClayView[];
	records: Map<string, ClayRecord>;
	sources: ClaySource[];
	createdAt: string;
}

export interface ClaySandboxOptions extends SandboxOptions, ClayProfileOptions {
	/** The valid claysession cookie value; default 's%3Atest-session.signature'. */
	session?: string;
	/** The valid API key (sent as the raw `authorization` header); default 'clay_sk_sandbox_key'. */
	apiKey?: string;
	/** PATCH records are applied this long after the request (default 50). */
	updateDelayMs?: number;
	/** Enrichment cell timing: QUEUED for runStartMs, then RUNNING for runDurationMs (defaults 20 / 60). */
	runStartMs?: number;
	runDurationMs?: number;
	/**
	 * How long a run's cells keep showing their previous status and value before Clay queues them
	 * (default 0: at once). Unconfirmed live; a forced run, or failed cells run again, may well
	 * show the old finished cell for a moment.
	 */
	queueLagMs?: number;
	/** Default 12345. */
	workspaceId?: number;
	/** Extra: lifetime submissions a webhook source accepts (default 50,000, as documented). */
	webhookSubmissionLimit?: number;
	/** Extra: HTTP status once a webhook's lifetime limit is reached (default 429; docs silent). */
	webhookLimitStatus?: number;
	/** Extra: enrichment credits; a cell run with no credit left ends in ERROR_OUT_OF_CREDITS (default unlimited). */
	credits?: number;
	/** Extra: optional fixed-window rate limit per caller (default off: no hard limit observed on v3). */
	rateLimit?: { limit: number; windowMs: number };
}

/** Extra: one record change, as `history` records it. */
export interface ClayRecordEvent {
	type: 'created' | 'updated' | 'deleted' | 'finished';
	tableId: string;
	recordId: string;
	/** For `finished`: the enrichment field whose cell finished. */
	fieldId?: string;
	/** For `finished`: SUCCESS, SUCCESS_NO_DATA or ERROR_…. */
	status?: string;
	at: string;
	seq: number;
}

/** Extra: one answer of a view's record-id list, as `listings` records it. */
export interface ClayListing {
	tableId: string;
	viewId: string;
	ids: string[];
}

export interface SeedField {
	name: string;
	type?: ClayFieldType;
	typeSettings?: Record<string, unknown>;
	/** For select fields: the option names (ids are made up). */
	options?: string[];
}

export interface ClaySandbox {
	server: SandboxServer;
	/** Server origin; API paths are under `${url}/v3`. */
	url: string;
	session: string;
	apiKey: string;
	/** The caller's user id (`GET /v3/` → `auth.actor.userId`). */
	userId: string;
	workspaceId: number;
	/** The behaviour this sandbox was started with (shapes, record ids, views). */
	profile: ClayProfile;
	tables: Map<string, ClayTable>;
	seedTable(input: { name: string; fields: SeedField[]; records?: Array<Record<string, unknown>> }): ClayTable;
	fieldId(tableId: string, name: string): string;
	/** The option id of a select field's option (by name). */
	optionId(tableId: string, fieldName: string, option: string): string;
	cellStatus(cell: ClayCell): string | undefined;
	close(): Promise<void>;
	/** Extra: applies every enqueued update / finished enrichment due by now (reads do this already). */
	settle(): void;
	/** Extra: remaining enrichment credits (Infinity = unlimited); may be set by tests. */
	credits: number;
	/** Extra: lifetime submission limit of webhook sources; may be set by tests. */
	webhookSubmissionLimit: number;
	/**
	 * Extra: every record change, through the API or the helpers below, in order of recording.
	 * Enqueued updates and finished enrichment cells are recorded when they are applied
	 * (lazily, on the next read), with `at` the time they took effect.
	 */
	history: ClayRecordEvent[];
	/** Extra: every record-id list a view answered, in order (what each poll of a trigger saw). */
	listings: ClayListing[];
	/** Extra: the record ids a view lists now (its order, its page limit unless `limit` is given). */
	viewIds(tableId: string, viewId: string, limit?: number): string[];
	/** Extra: creates records as `POST /records` does (values by field name), without HTTP; Clay's ids. */
	addRecords(tableId: string, records: Array<Record<string, unknown>>): ClayRecord[];
	/** Extra: enqueues updates as `PATCH /records` does (values by field name), without HTTP. */
	updateRecords(tableId: string, updates: Array<{ id: string; values: Record<string, unknown> }>): void;
	/** Extra: deletes records as `DELETE /records {recordIds}` does, without HTTP; returns how many. */
	deleteRecords(tableId: string, recordIds: string[]): number;
	/** Extra: runs enrichment fields (by name or id) as `PATCH /run` does, without HTTP (default: every record). */
	runFields(tableId: string, fields: string[], recordIds?: string[], forceRun?: boolean): string;
}
