/** The data model of the Extruct sandbox, its vocabulary, and its public interface (what tests, the CLI and the benchmark use). */
import type { SandboxOptions, SandboxServer } from '../framework';
import type { ExtructProfileOptions } from './profiles';

export interface ExtructSandboxOptions extends SandboxOptions, ExtructProfileOptions {
	/** The valid bearer token; default `ext_test_token`. */
	token?: string;
	/** Delay from run start until a cell's processing may begin (default 20 ms). */
	cellStartMs?: number;
	/** Processing time per cell (default 60 ms). */
	cellDurationMs?: number;
	/** Cells processed at once per table (default 100). */
	cellParallelism?: number;
	/** Random failure probability per enriched cell (default 0). Uses `server.random`. */
	failRate?: number;
	/** A string cell value longer than this is refused with 422 (default 10000). */
	maxStringLength?: number;
}

/** Extruct's billing refusals (402, `detail.error`). */
export const EXTRUCT_BILLING_ERRORS = ['plan_required', 'payment_failed', 'insufficient_credits'] as const;
export type ExtructBillingError = (typeof EXTRUCT_BILLING_ERRORS)[number];

export const EXTRUCT_DEFAULT_TOKEN = 'ext_test_token';
export const EXTRUCT_TABLE_KINDS = ['generic', 'company', 'people'] as const;
export const EXTRUCT_COLUMN_KINDS = [
	'input',
	'agent',
	'criterion_grade',
	'company_people_finder',
	'discovery_scores',
	'company_name',
	'company_website',
	'company_profile',
	'email_finder',
	'phone_finder',
	'reverse_email_lookup',
] as const;
export const EXTRUCT_AGENT_TYPES = ['research_pro', 'research_reasoning', 'llm', 'linkedin'] as const;
export const EXTRUCT_OUTPUT_FORMATS = [
	'text',
	'url',
	'email',
	'select',
	'multiselect',
	'numeric',
	'money',
	'date',
	'phone',
	'grade',
	'json',
] as const;
export const EXTRUCT_RUN_MODES = ['new', 'all', 'failed', 'stuck_failed_new'] as const;
export type ExtructRunMode = (typeof EXTRUCT_RUN_MODES)[number];
export const EXTRUCT_SORTS = ['created_at', '-created_at', 'name', '-name', 'num_rows', '-num_rows'] as const;

export interface ExtructColumn {
	id: string;
	created_at: string;
	config: { kind: string; name: string; key: string; value?: any; [k: string]: any };
}

export interface ExtructCell {
	value: unknown;
	status: 'created' | 'requested' | 'in_progress' | 'done' | 'failed';
	updated_at: string | null;
}

export type CellStatus = ExtructCell['status'];

export interface ExtructRow {
	id: string;
	created_at: string;
	parent_row_id: string | null;
	company_profile_id: string | null;
	data: Record<string, ExtructCell>;
	metadata: Record<string, unknown> | null;
}

export interface ExtructTable {
	id: string;
	created_at: string;
	name: string;
	description: string | null;
	tags: string[];
	kind: 'generic' | 'company' | 'people';
	columns: ExtructColumn[];
	rows: ExtructRow[];
	owner: { id: string; email: string };
	/** Who sees it: its owner only (`personal`), or everyone of the organization. */
	scope: 'personal' | 'organization';
}

export interface ExtructRun {
	id: string;
	tableId: string;
	mode: string;
	startedAt: number;
	completesAt: number;
	num_requested_cells: number;
	rows: string[];
	columns: string[];
}

export interface ExtructTableStatus {
	run_status: 'running' | 'idle';
	num_rows: number;
	num_cells_completed: number;
	num_cells_in_progress: number;
	/** Only with the `statusFailedCount` profile. */
	num_cells_failed?: number;
}

export interface ExtructUser {
	id: string;
	email: string;
	name: string;
	available_credits: number;
}

/** One row change, as `history` records it. */
export interface ExtructRowEvent {
	type: 'added' | 'updated' | 'deleted';
	tableId: string;
	rowId: string;
	/** When it happened (ISO). */
	at: string;
	seq: number;
}

export interface ExtructSandbox {
	server: SandboxServer;
	/** e.g. `http://127.0.0.1:PORT`; paths are under `/v1`. */
	url: string;
	token: string;
	tables: Map<string, ExtructTable>;
	runs: ExtructRun[];
	/** The account `GET /v1/user` answers with (and every table's owner). */
	user: ExtructUser;
	seedTable(input: {
		name?: string;
		kind?: 'generic' | 'company' | 'people';
		columns?: Array<Partial<ExtructColumn['config']>>;
		rows?: Array<Record<string, unknown>>;
		tags?: string[];
		/** Default `personal`. */
		scope?: ExtructTable['scope'];
		/** Another member of the organization (default: the sandbox's user). */
		owner?: { id: string; email: string };
	}): ExtructTable;
	/**
	 * A billing refusal for every request that spends credits (a run, rows added or updated with
	 * `run`): 402 with `detail.error`. Undefined (default): none, unless `user.available_credits`
	 * is 0 or less (then `insufficient_credits`).
	 */
	billing?: ExtructBillingError;
	/** The table's `status` as of now, as the API shows it (reads every cell; sees any hand edit of `tables`). */
	tableStatus(tableId: string): ExtructTableStatus;
	/** Status of a cell as of now. */
	cellStatus(cell: ExtructCell): CellStatus;
	close(): Promise<void>;
	/** Every row added, updated or deleted, through the API or the helpers below, in order. */
	history: ExtructRowEvent[];
	/** Adds rows as `POST /rows` does (optionally starting their enrichment), without HTTP. */
	addRows(tableId: string, rows: Array<Record<string, unknown>>, options?: { run?: boolean }): ExtructRow[];
	/** Writes cell values as `PATCH /rows` does (without `run`), without HTTP. */
	updateRows(tableId: string, updates: Array<{ id: string; data: Record<string, unknown> }>): ExtructRow[];
	/** Deletes rows as `DELETE /rows` does, without HTTP; returns the ids deleted. */
	deleteRows(tableId: string, rowIds: string[]): string[];
	/** Starts a run as `POST /run` does, without HTTP (columns by key; default every column). */
	runRows(tableId: string, options?: { mode?: ExtructRunMode; rowIds?: string[]; columnKeys?: string[] }): ExtructRun;
	/**
	 * Appends `count` rows cheaply (plain cell objects, one shared timestamp `at` — default now;
	 * no history), e.g. a 100,000-row table. `data(i)` gives row i's values by column key: those
	 * cells are `done`, other input cells `done` with null, other enrichment cells `created`.
	 */
	seedRows(tableId: string, count: number, data: (index: number) => Record<string, unknown>, at?: number): void;
}
