/** The data model of the JustPaid sandbox and its public interface (what tests, the CLI and the benchmark use). */
import type { RateLimiter, SandboxOptions, SandboxServer } from '../framework';
import type { JustPaidProfileOptions } from './profiles';

export type JustPaidScope = 'workflows:read' | 'workflows:write';

export interface JustPaidKey {
	companyId: string;
	scopes: JustPaidScope[];
}

export interface JustPaidSandboxOptions extends SandboxOptions, JustPaidProfileOptions {
	/** API keys the sandbox accepts; default `{ wfk_test_key: { companyId: 'company_1', scopes: [read, write] } }`. */
	keys?: Record<string, JustPaidKey>;
	/** Read requests (GET) per key per window, default 1000. */
	readLimit?: number;
	/** Write requests (POST/PATCH/DELETE) per key per window, default 100 (docs: 100/min; one page says 200/min). */
	writeLimit?: number;
	/** Rate-limit window, default 60000 ms. */
	windowMs?: number;
	/** Clock (ms since epoch) used for timestamps, history and the rate-limit windows; default `Date.now`. */
	now?: () => number;
}

export const JUSTPAID_COLUMN_TYPES = ['text', 'number', 'boolean', 'date', 'select', 'url', 'email', 'json'] as const;
export type JustPaidColumnType = (typeof JUSTPAID_COLUMN_TYPES)[number];

export interface JustPaidColumn {
	id: string;
	name: string;
	type: JustPaidColumnType;
	required?: boolean;
	options?: string[];
}

export interface JustPaidRow {
	id: string;
	tableId: string;
	data: Record<string, unknown>;
	position: number | null;
	createdAt: string;
	updatedAt: string;
}

export interface JustPaidTable {
	id: string;
	companyId: string;
	name: string;
	description: string | null;
	columns: JustPaidColumn[];
	schema: Record<string, unknown>;
	metadata: Record<string, unknown>;
	maxRows: number;
	rows: JustPaidRow[];
	createdAt: string;
	updatedAt: string;
}

export type JustPaidEvent = { type: 'created' | 'updated' | 'deleted'; tableId: string; rowId: string; at: string; seq: number };

export interface JustPaidSandbox {
	server: SandboxServer;
	/** Base URL without `/api/v1`, e.g. `http://127.0.0.1:53211`; paths are under `/api/v1`. */
	url: string;
	/** The default key: the first key of `options.keys` (default `wfk_test_key`). */
	apiKey: string;
	keys: Record<string, JustPaidKey>;
	/** Live state: every company's tables. */
	tables: Map<string, JustPaidTable>;
	/** Every row write made through the API (create / update / delete), in order. */
	history: JustPaidEvent[];
	limiter: { read: RateLimiter; write: RateLimiter };
	/** Creates a table directly (no HTTP, no rate limit, no history). Seeded rows list in the given order. */
	seedTable(input: {
		name: string;
		columns?: Array<Partial<JustPaidColumn>>;
		maxRows?: number;
		rows?: Array<Record<string, unknown>>;
		companyId?: string;
	}): JustPaidTable;
	/** Adds one row directly (no HTTP, no rate limit, no history, no maxRows check), e.g. with a `position`. */
	seedRow(
		tableId: string,
		data: Record<string, unknown>,
		extra?: { position?: number | null; createdAt?: number | string; id?: string },
	): JustPaidRow;
	/** A table's rows in the API's list order. Empty for an unknown table. */
	sortedRows(tableId: string): JustPaidRow[];
	/** Table as the API returns it (with `rowCount`, without `rows`). */
	tableView(table: JustPaidTable): Record<string, unknown>;
	rowView(row: JustPaidRow): Record<string, unknown>;
	close(): Promise<void>;
	/** Creates a row as `POST /rows` does (history included), without HTTP, rate limit or maxRows check. */
	createRow(tableId: string, data: Record<string, unknown>): JustPaidRow;
	/** Replaces a row's data as `PATCH /rows/{rowId}` does (history included), without HTTP; undefined for an unknown row. */
	updateRow(tableId: string, rowId: string, data: Record<string, unknown>): JustPaidRow | undefined;
	/** Deletes a row as `DELETE /rows/{rowId}` does (history included), without HTTP; false for an unknown row. */
	deleteRow(tableId: string, rowId: string): boolean;
}
