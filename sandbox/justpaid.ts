/**
 * Local stand-in for the JustPaid Workflows (LoopFour) Tables API.
 *
 * Built from seeds/003 (the Tables page of the JustPaid Workflows docs) and the JustPaid
 * section of api-notes.md. Paths live under `/api/v1`, the caller authenticates with an
 * `x-api-key` header scoped to one company, answers use the `{success, data}` /
 * `{success: false, error: {code, message}}` envelopes.
 *
 * What the REST API offers (and so what this sandbox offers): table list / create / get /
 * update / delete, and row list (limit/offset) / create / update (full replacement of
 * `data`) / delete. There is no single-row GET, no filter, no upsert (api-notes).
 *
 * Every choice made where the docs are silent is marked `docs silent:`.
 */
import { json, makeRandom, RateLimiter, SandboxOptions, SandboxRequest, SandboxResponse, SandboxServer } from './framework';

export type JustPaidScope = 'workflows:read' | 'workflows:write';

export interface JustPaidKey {
	companyId: string;
	scopes: JustPaidScope[];
}

export interface JustPaidSandboxOptions extends SandboxOptions {
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
	/**
	 * How rows with the same position and the same `createdAt` are ordered in a list.
	 * `id` (default): by id ascending. `insertion`: in the order they were written — closer to
	 * the real service, whose timestamps have sub-millisecond precision while the API shows ms.
	 */
	tieBreak?: 'id' | 'insertion';
	/**
	 * docs silent: where rows without a position stand in the list ("position order (when set)
	 * then createdAt"). `last` (default): after the positioned rows, as Postgres sorts NULLs in an
	 * ascending order; `first`: before them.
	 */
	nullPosition?: 'last' | 'first';
	/**
	 * Keep each table's list order between requests (re-sorted only after a row is created or
	 * deleted), so paging through a 100,000-row table stays fast. Off by default: a position
	 * changed by hand on a row object is not noticed while it is on.
	 */
	cacheOrder?: boolean;
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

const API = '/api/v1';
const MAX_ROWS_CAP = 100_000;
const DEFAULT_MAX_ROWS = 10_000;

type Scope = JustPaidScope | 'none';

class BadRequest extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const ok = (data: unknown, status = 200): SandboxResponse => json(status, { success: true, data });

const fail = (status: number, code: string, message: string, headers?: Record<string, string>): SandboxResponse =>
	json(status, { success: false, error: { code, message } }, headers);

const badRequest = (message: string) => fail(400, 'BAD_REQUEST', message);
const tableNotFound = () => fail(404, 'NOT_FOUND', 'Table not found');
const rowNotFound = () => fail(404, 'NOT_FOUND', 'Row not found');

/** Validates and normalizes a column list; throws BadRequest naming the field. */
function normalizeColumns(value: unknown, field: string, lenient = false): JustPaidColumn[] {
	if (!Array.isArray(value)) throw new BadRequest(`${field} must be an array of column definitions`);
	const seen = new Set<string>();
	return value.map((raw, index) => {
		const at = `${field}[${index}]`;
		if (!isObject(raw)) throw new BadRequest(`${at} must be an object`);
		const column: Record<string, unknown> = { ...clone(raw) };
		if (lenient) {
			column.name ??= column.id;
			column.type ??= 'text';
		}
		if (typeof column.name !== 'string' || column.name.length === 0 || column.name.length > 255) {
			throw new BadRequest(`${at}.name is required and must be a string of 1-255 characters`);
		}
		if (column.id === undefined || column.id === null) {
			// docs: "Each column without an explicit id is assigned one matching its name".
			column.id = column.name;
		} else if (typeof column.id !== 'string' || column.id.length === 0) {
			throw new BadRequest(`${at}.id must be a non-empty string`);
		}
		if (typeof column.type !== 'string' || !(JUSTPAID_COLUMN_TYPES as readonly string[]).includes(column.type)) {
			throw new BadRequest(
				`${at}.type must be one of ${JUSTPAID_COLUMN_TYPES.join(', ')} (got ${JSON.stringify(column.type ?? null)})`,
			);
		}
		if (column.required !== undefined && typeof column.required !== 'boolean') {
			throw new BadRequest(`${at}.required must be a boolean`);
		}
		const options = column.options;
		const validOptions = Array.isArray(options) && options.every((o) => typeof o === 'string');
		if (column.type === 'select' && !validOptions) {
			throw new BadRequest(`${at}.options must be an array of strings for a select column`);
		}
		if (options !== undefined && !validOptions) throw new BadRequest(`${at}.options must be an array of strings`);
		// docs silent: duplicate ids would make id-based references ambiguous; refuse them.
		if (seen.has(column.id as string)) throw new BadRequest(`${at}.id duplicates column id "${column.id as string}"`);
		seen.add(column.id as string);
		// Other keys of a column definition are kept as sent (the schema is free-form JSONB).
		return column as unknown as JustPaidColumn;
	});
}

function parseMaxRows(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ROWS_CAP) {
		throw new BadRequest(`maxRows must be an integer between 1 and ${MAX_ROWS_CAP}`);
	}
	return value;
}

function parseName(value: unknown, required: boolean): string | undefined {
	if (value === undefined && !required) return undefined;
	if (typeof value !== 'string' || value.length < 1 || value.length > 255) {
		throw new BadRequest('name is required and must be a string of 1-255 characters');
	}
	return value;
}

function parseDescription(value: unknown): string | null | undefined {
	if (value === undefined) return undefined;
	// docs silent: null is accepted and clears the description.
	if (value !== null && typeof value !== 'string') throw new BadRequest('description must be a string');
	return value;
}

function parseObject(value: unknown, field: string): Record<string, unknown> | undefined {
	if (value === undefined) return undefined;
	if (!isObject(value)) throw new BadRequest(`${field} must be an object`);
	return clone(value);
}

/** Parses an integer query parameter; undefined when absent. */
function intParam(query: Record<string, string>, name: string): number | undefined | 'invalid' {
	if (!(name in query)) return undefined;
	const raw = query[name];
	if (!/^-?\d+$/.test(raw.trim())) return 'invalid';
	return Number(raw);
}

export async function startJustPaidSandbox(options: JustPaidSandboxOptions = {}): Promise<JustPaidSandbox> {
	const keys: Record<string, JustPaidKey> = options.keys ?? {
		wfk_test_key: { companyId: 'company_1', scopes: ['workflows:read', 'workflows:write'] },
	};
	const apiKey = Object.keys(keys)[0] ?? 'wfk_test_key';
	const now = options.now ?? (() => Date.now());
	const windowMs = options.windowMs ?? 60_000;
	const limiter = {
		read: new RateLimiter(options.readLimit ?? 1000, windowMs),
		write: new RateLimiter(options.writeLimit ?? 100, windowMs),
	};
	const windowText = windowMs === 60_000 ? 'minute' : windowMs % 1000 === 0 ? `${windowMs / 1000}s` : `${windowMs}ms`;
	const tieBreak = options.tieBreak ?? 'id';
	const nullsFirst = options.nullPosition === 'first';
	const server = new SandboxServer('justpaid', options);
	const tables = new Map<string, JustPaidTable>();
	const history: JustPaidEvent[] = [];
	// Separate generator for ids, so fault patterns (server.random) do not depend on how many ids were made.
	const idRandom = makeRandom(((options.seed ?? 1) ^ 0x5eed1d5) >>> 0);
	const usedIds = new Set<string>();
	// Write order of rows, for the `insertion` tie-break.
	const insertionOrder = new WeakMap<JustPaidRow, number>();
	let insertions = 0;
	let historySeq = 0;
	let tableSeq = 0;
	const tableOrder = new WeakMap<JustPaidTable, number>();

	/** UUID v4 (the documented id format), deterministic for a given seed. */
	const uuid = (): string => {
		for (;;) {
			const bytes = Array.from({ length: 16 }, () => Math.floor(idRandom() * 256));
			bytes[6] = (bytes[6] & 0x0f) | 0x40;
			bytes[8] = (bytes[8] & 0x3f) | 0x80;
			const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
			const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
			if (!usedIds.has(id)) {
				usedIds.add(id);
				return id;
			}
		}
	};
	const iso = (ms = now()) => new Date(ms).toISOString();

	const record = (type: JustPaidEvent['type'], tableId: string, rowId: string, at = iso()) =>
		history.push({ type, tableId, rowId, at, seq: ++historySeq });

	const compareRows = (a: JustPaidRow, b: JustPaidRow): number => {
		// Position first (ascending); rows without a position after them — like Postgres' ASC NULLS
		// LAST — or, with `nullPosition: 'first'`, before them.
		if (a.position !== null || b.position !== null) {
			if (a.position === null) return nullsFirst ? -1 : 1;
			if (b.position === null) return nullsFirst ? 1 : -1;
			if (a.position !== b.position) return a.position - b.position;
		}
		if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
		// docs silent on ties: by id ascending (default), or write order (option `tieBreak: 'insertion'`).
		if (tieBreak === 'insertion') return (insertionOrder.get(a) ?? 0) - (insertionOrder.get(b) ?? 0);
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	};

	// `cacheOrder`: the sorted list per table, valid while no row was created or deleted.
	let orderVersion = 0;
	const orderCache = new Map<string, { rows: JustPaidRow[]; length: number; version: number; sorted: JustPaidRow[] }>();
	const listOrder = (tableId: string): JustPaidRow[] => {
		const rows = tables.get(tableId)?.rows ?? [];
		if (!options.cacheOrder) return [...rows].sort(compareRows);
		const cached = orderCache.get(tableId);
		if (cached && cached.rows === rows && cached.length === rows.length && cached.version === orderVersion) return cached.sorted;
		const sorted = [...rows].sort(compareRows);
		orderCache.set(tableId, { rows, length: rows.length, version: orderVersion, sorted });
		return sorted;
	};
	const sortedRows = (tableId: string): JustPaidRow[] => [...listOrder(tableId)];

	const tableView = (table: JustPaidTable): Record<string, unknown> => ({
		id: table.id,
		name: table.name,
		description: table.description,
		columns: clone(table.columns),
		schema: clone(table.schema),
		metadata: clone(table.metadata),
		maxRows: table.maxRows,
		rowCount: table.rows.length,
		createdAt: table.createdAt,
		updatedAt: table.updatedAt,
	});

	const rowView = (row: JustPaidRow): Record<string, unknown> => ({
		id: row.id,
		tableId: row.tableId,
		data: clone(row.data),
		position: row.position,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	});

	const newRow = (table: JustPaidTable, data: Record<string, unknown>, at = now()): JustPaidRow => {
		const row: JustPaidRow = {
			id: uuid(),
			tableId: table.id,
			data: clone(data),
			position: null,
			createdAt: iso(at),
			updatedAt: iso(at),
		};
		insertionOrder.set(row, ++insertions);
		table.rows.push(row);
		orderVersion++;
		return row;
	};

	/** Sets `columns` from `schema.columns` (the table's columns ARE its schema's columns). */
	const applySchema = (schema: Record<string, unknown>, columns: JustPaidColumn[] | undefined) => {
		if (columns !== undefined) return { schema: { ...schema, columns }, columns };
		// docs silent: columns sent inside `schema` are the table's columns too, so they get the same checks.
		if (schema.columns !== undefined) {
			const normalized = normalizeColumns(schema.columns, 'schema.columns');
			return { schema: { ...schema, columns: normalized }, columns: normalized };
		}
		return { schema, columns: [] as JustPaidColumn[] };
	};

	const createTable = (companyId: string, input: {
		name: string;
		description?: string | null;
		columns?: JustPaidColumn[];
		schema?: Record<string, unknown>;
		metadata?: Record<string, unknown>;
		maxRows?: number;
	}): JustPaidTable => {
		const at = iso();
		const { schema, columns } = applySchema(input.schema ?? {}, input.columns);
		const table: JustPaidTable = {
			id: uuid(),
			companyId,
			name: input.name,
			description: input.description ?? null,
			columns,
			schema,
			metadata: input.metadata ?? {},
			maxRows: input.maxRows ?? DEFAULT_MAX_ROWS,
			rows: [],
			createdAt: at,
			updatedAt: at,
		};
		tableOrder.set(table, ++tableSeq);
		tables.set(table.id, table);
		return table;
	};

	// ---------------------------------------------------------------- routing, auth, rate limits

	interface RouteDef {
		method: string;
		regex: RegExp;
		scope: Scope;
	}
	const routeDefs: RouteDef[] = [];
	const callers = new WeakMap<SandboxRequest, JustPaidKey>();

	const add = (
		method: string,
		pattern: string,
		scope: Scope,
		handler: (req: SandboxRequest, key: JustPaidKey) => SandboxResponse,
	) => {
		const source = pattern
			.split('/')
			.map((part) => (part.startsWith(':') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
			.join('/');
		routeDefs.push({ method, regex: new RegExp(`^${source}/?$`), scope });
		server.route(method, pattern, (req) => {
			try {
				// docs silent on order: auth (401/403), then rate limit (429), then the body is parsed (400).
				if (req.bodyInvalid) return badRequest('Request body is not valid JSON');
				return handler(req, callers.get(req)!);
			} catch (error) {
				if (error instanceof BadRequest) return badRequest(error.message);
				throw error;
			}
		});
	};

	server.use((req) => {
		const route = routeDefs.find((r) => r.method === req.method && r.regex.test(req.path));
		// docs silent: paths outside /api/v1 are not part of the API: 404 (envelope) without auth.
		if (!req.path.startsWith(`${API}/`) && req.path !== API) {
			return fail(404, 'NOT_FOUND', `Route ${req.method} ${req.path} not found`);
		}
		const header = req.headers['x-api-key'];
		const presented = Array.isArray(header) ? header[0] : header;
		const key = presented && Object.prototype.hasOwnProperty.call(keys, presented) ? keys[presented] : undefined;
		if (!presented || !key) {
			return fail(401, 'UNAUTHORIZED', 'Missing or invalid x-api-key');
		}
		if (route && route.scope !== 'none' && !key.scopes.includes(route.scope)) {
			return fail(403, 'FORBIDDEN', `API key lacks the ${route.scope} scope`);
		}
		// Reads take from the read bucket, every other method from the write bucket (per key).
		const bucket = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write';
		const taken = limiter[bucket].take(presented, now());
		if (!taken.ok) {
			const limit = limiter[bucket].limit;
			return fail(
				429,
				'RATE_LIMITED',
				`Rate limit exceeded: ${limit} ${bucket} requests per ${windowText}. Retry after ${taken.retryAfterSeconds} seconds.`,
				{ 'Retry-After': String(taken.retryAfterSeconds) },
			);
		}
		// docs silent: an unknown route under /api/v1 (incl. the non-existent single-row GET) answers
		// 404 after auth and rate limiting, with the error envelope.
		if (!route) return fail(404, 'NOT_FOUND', `Route ${req.method} ${req.path} not found`);
		callers.set(req, key);
		return undefined;
	});

	/** The caller's table, or undefined when it does not exist or belongs to another company. */
	const ownTable = (req: SandboxRequest, key: JustPaidKey): JustPaidTable | undefined => {
		const table = tables.get(req.params.id);
		return table && table.companyId === key.companyId ? table : undefined;
	};

	const bodyObject = (req: SandboxRequest): Record<string, unknown> => {
		if (req.body === undefined) return {};
		if (!isObject(req.body)) throw new BadRequest('Request body must be a JSON object');
		return req.body;
	};

	// ---------------------------------------------------------------- tables

	add('GET', `${API}/tables`, 'workflows:read', (_req, key) => {
		const list = [...tables.values()]
			.filter((t) => t.companyId === key.companyId)
			// docs: createdAt descending. docs silent on ties: the most recently created first.
			.sort((a, b) =>
				a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : (tableOrder.get(b) ?? 0) - (tableOrder.get(a) ?? 0),
			);
		return ok(list.map(tableView));
	});

	add('POST', `${API}/tables`, 'workflows:write', (req, key) => {
		const body = bodyObject(req);
		const name = parseName(body.name, true)!;
		const description = parseDescription(body.description);
		const columns = body.columns === undefined ? undefined : normalizeColumns(body.columns, 'columns');
		const schema = parseObject(body.schema, 'schema');
		const metadata = parseObject(body.metadata, 'metadata');
		const maxRows = body.maxRows === undefined ? undefined : parseMaxRows(body.maxRows);
		const table = createTable(key.companyId, { name, description, columns, schema, metadata, maxRows });
		return ok(tableView(table), 201);
	});

	add('GET', `${API}/tables/:id`, 'workflows:read', (req, key) => {
		const table = ownTable(req, key);
		return table ? ok(tableView(table)) : tableNotFound();
	});

	add('PATCH', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		const body = bodyObject(req);
		// Validate everything before changing anything.
		const name = parseName(body.name, false);
		const description = parseDescription(body.description);
		const columns = body.columns === undefined ? undefined : normalizeColumns(body.columns, 'columns');
		const schema = parseObject(body.schema, 'schema');
		const metadata = parseObject(body.metadata, 'metadata');
		// docs silent: lowering maxRows below the current rowCount is allowed; existing rows stay and
		// creates are refused until the table is below the cap again.
		const maxRows = body.maxRows === undefined ? undefined : parseMaxRows(body.maxRows);
		if (schema !== undefined || columns !== undefined) {
			// `schema` replaces the whole schema; `columns` replaces schema.columns (after `schema` when both).
			const next = applySchema(schema ?? table.schema, columns);
			table.schema = next.schema;
			table.columns = next.columns;
		}
		if (name !== undefined) table.name = name;
		if (description !== undefined) table.description = description;
		if (metadata !== undefined) table.metadata = metadata;
		if (maxRows !== undefined) table.maxRows = maxRows;
		// docs silent: every PATCH bumps updatedAt, even one that changes nothing.
		table.updatedAt = iso();
		return ok(tableView(table));
	});

	add('DELETE', `${API}/tables/:id`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		// Cascades to every row. docs silent: the cascade is a table write, not row writes, so it adds no history.
		tables.delete(table.id);
		return ok({ deleted: true });
	});

	// ---------------------------------------------------------------- rows

	add('GET', `${API}/tables/:id/rows`, 'workflows:read', (req, key) => {
		const limit = intParam(req.query, 'limit');
		if (limit === 'invalid' || (limit !== undefined && (limit < 1 || limit > 100))) {
			return badRequest('limit must be an integer between 1 and 100');
		}
		const offset = intParam(req.query, 'offset');
		if (offset === 'invalid' || (offset !== undefined && offset < 0)) {
			return badRequest('offset must be a non-negative integer');
		}
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		const start = offset ?? 0;
		// Only the page itself: no total, no next link (docs show a bare array).
		return ok(listOrder(table.id).slice(start, start + (limit ?? 50)).map(rowView));
	});

	const parseData = (body: Record<string, unknown>): Record<string, unknown> => {
		if (!isObject(body.data)) throw new BadRequest('data is required and must be an object');
		// Columns are advisory (docs: storage is JSONB, undeclared keys are preserved): values are not
		// type-checked. docs silent on `required: true` columns: not enforced either.
		return body.data;
	};

	add('POST', `${API}/tables/:id/rows`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		const data = parseData(bodyObject(req));
		if (table.rows.length >= table.maxRows) {
			return badRequest(`Table has reached its maximum row limit of ${table.maxRows}`);
		}
		// docs silent: only `data` is read; a `position` in the body is ignored (the docs list only `data`).
		const row = newRow(table, data);
		record('created', table.id, row.id);
		return ok(rowView(row), 201);
	});

	add('PATCH', `${API}/tables/:id/rows/:rowId`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		const row = table.rows.find((r) => r.id === req.params.rowId);
		if (!row) return rowNotFound();
		// Replaces the whole data object (no merge); position and createdAt are unchanged.
		row.data = clone(parseData(bodyObject(req)));
		row.updatedAt = iso();
		record('updated', table.id, row.id);
		return ok(rowView(row));
	});

	add('DELETE', `${API}/tables/:id/rows/:rowId`, 'workflows:write', (req, key) => {
		const table = ownTable(req, key);
		if (!table) return tableNotFound();
		const index = table.rows.findIndex((r) => r.id === req.params.rowId);
		if (index === -1) return rowNotFound();
		const [row] = table.rows.splice(index, 1);
		orderVersion++;
		record('deleted', table.id, row.id);
		return ok({ deleted: true });
	});

	// ---------------------------------------------------------------- direct helpers

	const seedRow: JustPaidSandbox['seedRow'] = (tableId, data, extra = {}) => {
		const table = tables.get(tableId);
		if (!table) throw new Error(`seedRow: unknown table ${tableId}`);
		const at = extra.createdAt === undefined ? now() : new Date(extra.createdAt).getTime();
		const row = newRow(table, data, at);
		if (extra.id !== undefined) {
			usedIds.add(extra.id);
			row.id = extra.id;
		}
		if (extra.position !== undefined) row.position = extra.position;
		orderVersion++;
		return row;
	};

	const seedTable: JustPaidSandbox['seedTable'] = (input) => {
		const columns = input.columns === undefined ? undefined : normalizeColumns(input.columns, 'columns', true);
		const table = createTable(input.companyId ?? keys[apiKey]?.companyId ?? 'company_1', {
			name: input.name,
			columns,
			maxRows: input.maxRows,
		});
		const rows = input.rows ?? [];
		// Seeded rows get createdAt 1 ms apart, the last one at now(), so they list in the given order.
		const end = now();
		rows.forEach((data, i) => newRow(table, data, end - (rows.length - 1 - i)));
		return table;
	};

	// ---------------------------------------------------------------- direct row writes (tests, benchmarks)

	const directTable = (tableId: string, what: string): JustPaidTable => {
		const table = tables.get(tableId);
		if (!table) throw new Error(`${what}: unknown table ${tableId}`);
		return table;
	};

	const createRow: JustPaidSandbox['createRow'] = (tableId, data) => {
		const table = directTable(tableId, 'createRow');
		const row = newRow(table, data);
		record('created', table.id, row.id, row.createdAt);
		return row;
	};

	const updateRow: JustPaidSandbox['updateRow'] = (tableId, rowId, data) => {
		const table = directTable(tableId, 'updateRow');
		const row = table.rows.find((r) => r.id === rowId);
		if (!row) return undefined;
		row.data = clone(data);
		row.updatedAt = iso();
		record('updated', table.id, row.id, row.updatedAt);
		return row;
	};

	const deleteRow: JustPaidSandbox['deleteRow'] = (tableId, rowId) => {
		const table = directTable(tableId, 'deleteRow');
		const index = table.rows.findIndex((r) => r.id === rowId);
		if (index === -1) return false;
		table.rows.splice(index, 1);
		orderVersion++;
		record('deleted', table.id, rowId);
		return true;
	};

	const url = await server.start();

	return {
		server,
		url,
		apiKey,
		keys,
		tables,
		history,
		limiter,
		seedTable,
		seedRow,
		sortedRows,
		tableView,
		rowView,
		close: () => server.close(),
		createRow,
		updateRow,
		deleteRow,
	};
}
