/**
 * Clay v3 web API sandbox.
 *
 * Built from seed 004 (Clay "Tables" page) and the Clay section of api-notes.md. The v3 API is
 * Clay's web app's own API, not a published one: everything the seed does not show is marked
 * `docs silent:` below and is the most plausible behaviour, not a promise.
 *
 * Time-dependent behaviour (enqueued record updates, enrichment cell progress) is computed lazily
 * from timestamps whenever state is read — no timers — so nothing keeps the process alive.
 */
import { SandboxServer, SandboxOptions, SandboxRequest, SandboxResponse, RateLimiter, json, makeRandom } from './framework';

export interface ClayField {
	id: string /* f_... */;
	name: string;
	type: 'text' | 'number' | 'url' | 'email' | 'action' | 'formula' | 'date' | 'checkbox' | 'select';
	typeSettings: Record<string, unknown>;
}
export interface ClayView {
	id: string /* gv_... */;
	name: string;
}
export interface ClayCell {
	value: unknown;
	metadata?: { status?: string; runStartedAt?: number; runEndsAt?: number };
	/** Internal: the outcome of an enrichment run that has not finished yet (never sent on the wire). */
	pendingResult?: { status: string; value: unknown };
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
export interface ClaySandboxOptions extends SandboxOptions {
	/** The valid claysession cookie value; default 's%3Atest-session.signature'. */
	session?: string;
	/** Shape of GET .../records/ids (default 'recordIds'); both occur in the wild. */
	idListShape?: 'recordIds' | 'results';
	/** PATCH records are applied this long after the request (default 50). */
	updateDelayMs?: number;
	/** Enrichment cell timing: QUEUED for runStartMs, then RUNNING for runDurationMs (defaults 20 / 60). */
	runStartMs?: number;
	runDurationMs?: number;
	/** Default 12345. */
	workspaceId?: number;
	/** Extra: lifetime submissions a webhook source accepts (default 50,000, as documented). */
	webhookSubmissionLimit?: number;
	/** Extra: HTTP status once a webhook's lifetime limit is reached (default 429; docs silent). */
	webhookLimitStatus?: number;
	/** Extra: enrichment credits; a cell run with no credit left ends in ERROR_OUT_OF_CREDITS (default unlimited). */
	credits?: number;
	/** Extra: optional fixed-window rate limit per session (default off: no hard limit observed on v3). */
	rateLimit?: { limit: number; windowMs: number };
}
export interface ClaySandbox {
	server: SandboxServer;
	/** Server origin; API paths are under `${url}/v3`. */
	url: string;
	session: string;
	workspaceId: number;
	tables: Map<string, ClayTable>;
	seedTable(input: {
		name: string;
		fields: Array<{ name: string; type?: ClayField['type']; typeSettings?: Record<string, unknown> }>;
		records?: Array<Record<string, unknown>>;
	}): ClayTable;
	fieldId(tableId: string, name: string): string;
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
	/** Extra: creates records as `POST /records` does (values by field name), without HTTP. */
	addRecords(tableId: string, records: Array<Record<string, unknown>>): ClayRecord[];
	/** Extra: enqueues updates as `PATCH /records` does (values by field name), without HTTP. */
	updateRecords(tableId: string, updates: Array<{ id: string; values: Record<string, unknown> }>): void;
	/** Extra: deletes records as `DELETE /records {recordIds}` does, without HTTP; returns how many. */
	deleteRecords(tableId: string, recordIds: string[]): number;
	/** Extra: runs enrichment fields (by name or id) as `PATCH /run` does, without HTTP (default: every record). */
	runFields(tableId: string, fields: string[], recordIds?: string[], forceRun?: boolean): string;
}

/** Extra: one record change, as `history` records it. */
export interface ClayRecordEvent {
	type: 'created' | 'updated' | 'deleted' | 'finished';
	tableId: string;
	recordId: string;
	/** For `finished`: the enrichment field whose cell finished. */
	fieldId?: string;
	/** For `finished`: SUCCESS or ERROR_…. */
	status?: string;
	at: string;
	seq: number;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const FIELD_TYPES: ReadonlyArray<ClayField['type']> = ['text', 'number', 'url', 'email', 'action', 'formula', 'date', 'checkbox', 'select'];

class ClayError extends Error {
	constructor(
		public status: number,
		public body: Record<string, unknown>,
		public headers?: Record<string, string>,
	) {
		super(String(body.message));
	}
}
const badRequest = (message: string, code?: string, extra: Record<string, unknown> = {}) =>
	new ClayError(400, { type: 'BadRequest', ...(code ? { code } : {}), message, ...extra });
const notFound = (message: string) => new ClayError(404, { type: 'NotFound', message });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const safeDecode = (v: string): string => {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
};

/** Parses a Cookie header (`a=1; claysession=...; b=2`). A bare value without `name=` is no cookie. */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	const text = Array.isArray(header) ? header.join('; ') : header ?? '';
	for (const part of text.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const name = part.slice(0, eq).trim();
		let value = part.slice(eq + 1).trim();
		if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
		// like cookie-parser: the first occurrence of a name wins
		if (name && !cookies.has(name)) cookies.set(name, value);
	}
	return cookies;
}

/**
 * Decodes the body of PATCH /run. The seed sends `curl --data-urlencode '<json>='`, i.e. a form whose
 * KEY is the whole JSON and whose value is empty. curl leaves the name part as is (raw JSON + '='), other
 * clients percent-encode it (`%7B%22fieldIds%22...%7D=`); clients also send plain JSON. Accept all.
 */
export function decodeFormJson(raw: string): unknown {
	const candidates: string[] = [raw, raw.endsWith('=') ? raw.slice(0, -1) : raw];
	try {
		const params = new URLSearchParams(raw);
		const entries = [...params.entries()];
		if (entries.length === 1) {
			const [key, value] = entries[0];
			candidates.push(value === '' ? key : `${key}=${value}`, value);
		}
	} catch {
		/* not a form */
	}
	const decoded = safeDecode(raw.replace(/\+/g, ' '));
	candidates.push(decoded.endsWith('=') ? decoded.slice(0, -1) : decoded);
	for (const candidate of candidates) {
		try {
			const parsed: unknown = JSON.parse(candidate);
			if (isPlainObject(parsed)) return parsed;
		} catch {
			/* next */
		}
	}
	return undefined;
}

/** A records map that applies due lazy events (enqueued updates, finished runs) before every read. */
class LazyRecordMap extends Map<string, ClayRecord> {
	settle: () => void = () => undefined;
	override get(key: string): ClayRecord | undefined {
		this.settle();
		return super.get(key);
	}
	override values(): MapIterator<ClayRecord> {
		this.settle();
		return super.values();
	}
	override entries(): MapIterator<[string, ClayRecord]> {
		this.settle();
		return super.entries();
	}
	override forEach(cb: (value: ClayRecord, key: string, map: Map<string, ClayRecord>) => void, thisArg?: unknown): void {
		this.settle();
		super.forEach(cb, thisArg);
	}
	override [Symbol.iterator](): MapIterator<[string, ClayRecord]> {
		this.settle();
		return super[Symbol.iterator]();
	}
}

interface PendingUpdate {
	kind: 'update';
	at: number;
	recordId: string;
	cells: Record<string, unknown>;
}
interface PendingRun {
	kind: 'run';
	at: number;
	recordId: string;
	fieldId: string;
	result: { status: string; value: unknown };
}
type LazyEvent = PendingUpdate | PendingRun;

interface TableState {
	events: LazyEvent[]; // sorted by `at`
	ranFields: Map<string, string>; // fieldId -> last runId
}

export async function startClaySandbox(options: ClaySandboxOptions = {}): Promise<ClaySandbox> {
	const session = options.session ?? 's%3Atest-session.signature';
	const workspaceId = options.workspaceId ?? 12345;
	const idListShape = options.idListShape ?? 'recordIds';
	const updateDelayMs = options.updateDelayMs ?? 50;
	const runStartMs = options.runStartMs ?? 20;
	const runDurationMs = options.runDurationMs ?? 60;
	const server = new SandboxServer('clay', options);
	const random = makeRandom(((options.seed ?? 1) ^ 0x5eed) >>> 0); // own generator: ids must not shift fault patterns
	const limiter = options.rateLimit ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs) : undefined;
	const tables = new Map<string, ClayTable>();
	const states = new Map<string, TableState>();
	const history: ClayRecordEvent[] = [];
	const recordEvent = (type: ClayRecordEvent['type'], tableId: string, recordId: string, at: number, extra: { fieldId?: string; status?: string } = {}) =>
		history.push({ type, tableId, recordId, ...extra, at: new Date(at).toISOString(), seq: history.length + 1 });

	const genId = (prefix: string, length = 14) => {
		let id = prefix;
		for (let i = 0; i < length; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
		return id;
	};
	const uuid = () => {
		const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
		hex[12] = '4';
		hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
		const s = hex.join('');
		return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
	};
	const iso = (ms = Date.now()) => new Date(ms).toISOString();

	const sandbox: ClaySandbox = {
		server,
		url: '',
		session,
		workspaceId,
		tables,
		credits: options.credits ?? Infinity,
		webhookSubmissionLimit: options.webhookSubmissionLimit ?? 50_000,
		seedTable,
		fieldId,
		cellStatus,
		settle: () => tables.forEach((t) => settleTable(t)),
		close: () => server.close(),
		history,
		addRecords,
		updateRecords,
		deleteRecords,
		runFields,
	};

	// ---------- lazy state ----------

	function cellStatus(cell: ClayCell, now = Date.now()): string | undefined {
		const m = cell.metadata;
		if (!m) return undefined;
		if (cell.pendingResult && m.runStartedAt !== undefined && m.runEndsAt !== undefined) {
			if (now < m.runStartedAt) return 'QUEUED';
			if (now < m.runEndsAt) return 'RUNNING';
			return cell.pendingResult.status;
		}
		return m.status;
	}

	function pushEvent(state: TableState, event: LazyEvent): void {
		const events = state.events;
		let i = events.length;
		while (i > 0 && events[i - 1].at > event.at) i--;
		events.splice(i, 0, event);
	}

	let settling = false;
	function settleTable(table: ClayTable, now = Date.now()): void {
		const state = states.get(table.id);
		if (!state || settling || state.events.length === 0) return;
		if (state.events[0].at > now) return;
		settling = true;
		try {
			let n = 0;
			while (n < state.events.length && state.events[n].at <= now) {
				const event = state.events[n++];
				const record = table.records.get(event.recordId);
				// docs silent: an update for a record that does not exist (any more) is silently dropped
				if (!record) continue;
				if (event.kind === 'update') {
					for (const [fid, value] of Object.entries(event.cells)) record.cells[fid] = { value };
					record.updatedAt = iso(event.at);
					recordEvent('updated', table.id, record.id, event.at);
				} else {
					const cell = record.cells[event.fieldId];
					// the cell was overwritten (re-create, update, forced re-run) since: this run's result is void
					if (!cell || cell.pendingResult !== event.result) continue;
					cell.value = event.result.value;
					cell.metadata = { ...cell.metadata, status: event.result.status };
					delete cell.pendingResult;
					record.updatedAt = iso(event.at);
					recordEvent('finished', table.id, record.id, event.at, { fieldId: event.fieldId, status: event.result.status });
				}
			}
			state.events.splice(0, n);
		} finally {
			settling = false;
		}
	}

	// ---------- direct helpers ----------

	function newTable(name: string): ClayTable {
		const records = new LazyRecordMap();
		const table: ClayTable = {
			id: genId('t_'),
			name,
			workspaceId,
			// docs silent: one workbook per table
			workbookId: genId('wb_'),
			fields: [],
			views: [
				{ id: genId('gv_'), name: 'Default view' },
				{ id: genId('gv_'), name: 'All rows' },
			],
			records,
			sources: [],
			createdAt: iso(),
		};
		records.settle = () => settleTable(table);
		tables.set(table.id, table);
		states.set(table.id, { events: [], ranFields: new Map() });
		return table;
	}

	function addField(table: ClayTable, name: string, type: ClayField['type'] = 'text', typeSettings: Record<string, unknown> = {}): ClayField {
		if (!FIELD_TYPES.includes(type)) throw new Error(`unknown Clay field type ${type}`);
		const field: ClayField = { id: genId('f_'), name, type, typeSettings: { ...typeSettings } };
		table.fields.push(field);
		return field;
	}

	function seedTable(input: Parameters<ClaySandbox['seedTable']>[0]): ClayTable {
		const table = newTable(input.name);
		for (const f of input.fields) addField(table, f.name, f.type ?? 'text', f.typeSettings ?? {});
		for (const values of input.records ?? []) {
			const cells: Record<string, ClayCell> = {};
			for (const [name, value] of Object.entries(values)) {
				const field = table.fields.find((f) => f.name === name);
				if (!field) throw new Error(`seedTable: table "${input.name}" has no field named "${name}"`);
				cells[field.id] = { value };
			}
			const now = iso();
			const record: ClayRecord = { id: genId('r_'), tableId: table.id, cells, recordMetadata: {}, createdAt: now, updatedAt: now };
			table.records.set(record.id, record);
		}
		return table;
	}

	function fieldId(tableId: string, name: string): string {
		const table = tables.get(tableId);
		if (!table) throw new Error(`no Clay table ${tableId}`);
		const field = table.fields.find((f) => f.name === name);
		if (!field) throw new Error(`Clay table ${tableId} has no field named "${name}"`);
		return field.id;
	}

	// ---------- serialization ----------

	const tableSummary = (t: ClayTable) => ({ id: t.id, name: t.name, type: 'spreadsheet', workbookId: t.workbookId, workspaceId: t.workspaceId });
	const tableJson = (t: ClayTable) => ({
		id: t.id,
		name: t.name,
		type: 'spreadsheet',
		workspaceId: t.workspaceId,
		workbookId: t.workbookId,
		fields: t.fields.map((f) => ({ id: f.id, name: f.name, type: f.type, typeSettings: f.typeSettings })),
		views: t.views.map((v) => ({ id: v.id, name: v.name })),
		createdAt: t.createdAt,
	});
	const recordJson = (r: ClayRecord) => {
		// One instant for the whole record: what is due by then is applied first, so a cell's
		// status, its value and the record's updatedAt always agree on the wire.
		const now = Date.now();
		const table = tables.get(r.tableId);
		if (table) settleTable(table, now);
		const cells: Record<string, { value: unknown; metadata?: { status: string } }> = {};
		for (const [fid, cell] of Object.entries(r.cells)) {
			const status = cellStatus(cell, now);
			cells[fid] = status !== undefined ? { value: cell.value, metadata: { status } } : { value: cell.value };
		}
		return { id: r.id, tableId: r.tableId, cells, recordMetadata: r.recordMetadata, createdAt: r.createdAt, updatedAt: r.updatedAt };
	};
	const sourceJson = (s: ClaySource, t: ClayTable) => ({
		id: s.id,
		name: s.name,
		type: s.type,
		typeSettings: s.typeSettings,
		...(s.webhookUrl ? { webhookUrl: s.webhookUrl } : {}),
		numSubmissions: s.submissions,
		tableId: t.id,
		workspaceId: t.workspaceId,
		createdAt: s.createdAt,
	});

	// ---------- request helpers ----------

	function getTable(id: string): ClayTable {
		const table = tables.get(id);
		if (!table) throw notFound('Table not found');
		return table;
	}
	function getView(table: ClayTable, viewId: string): ClayView {
		const view = table.views.find((v) => v.id === viewId);
		if (!view) throw notFound('View not found');
		return view;
	}
	/** JSON body; also raw JSON sent without a JSON content type (docs silent). Undefined when empty. */
	function readJson(req: SandboxRequest): unknown {
		if (req.bodyInvalid) throw badRequest('Invalid JSON body');
		if (typeof req.body !== 'string') return req.body;
		if (req.body.trim() === '') return undefined;
		try {
			return JSON.parse(req.body);
		} catch {
			throw badRequest('Invalid JSON body');
		}
	}
	function validateCells(table: ClayTable, recordId: string, cells: unknown): Record<string, unknown> {
		if (cells === undefined || cells === null) return {};
		if (!isPlainObject(cells)) throw badRequest(`Record ${recordId}: cells must be an object keyed by field id`, 'INVALID_CELLS', { recordId });
		for (const [fid, value] of Object.entries(cells)) {
			if (!table.fields.some((f) => f.id === fid)) {
				throw badRequest(`Field ${fid} does not exist in table ${table.id} (record ${recordId})`, 'UNKNOWN_FIELD', { recordId, fieldId: fid });
			}
			if (isPlainObject(value) && 'value' in value) {
				throw badRequest(
					`Invalid value for field ${fid} (record ${recordId}): cell values are plain values keyed by field id, not {value: ...} objects`,
					'INVALID_VALUE',
					{ recordId, fieldId: fid },
				);
			}
		}
		return cells;
	}
	function validateRecordInputs(table: ClayTable, body: unknown): Array<{ id: string; cells: Record<string, unknown> }> {
		if (!isPlainObject(body) || !Array.isArray(body.records)) throw badRequest('Body must be {records: [{id, cells}]}', 'INVALID_BODY');
		return body.records.map((input: unknown, index: number) => {
			if (!isPlainObject(input)) throw badRequest(`records[${index}] must be an object {id, cells}`, 'INVALID_RECORD');
			const id = input.id;
			if (typeof id !== 'string' || id === '') {
				throw badRequest(`records[${index}].id is required and must be a non-empty string`, 'INVALID_RECORD_ID');
			}
			return { id, cells: validateCells(table, id, input.cells) };
		});
	}

	/** Queues the cells of `fields` for `targets` (the effect of PATCH /run); returns the run id. */
	function startRun(table: ClayTable, fields: ClayField[], targets: ClayRecord[], forceRun: boolean): string {
		const state = states.get(table.id)!;
		const runId = genId('run_');
		const now = Date.now();
		const runStartedAt = now + runStartMs;
		const runEndsAt = runStartedAt + runDurationMs;
		const inputFields = table.fields.filter((f) => f.type !== 'action');
		for (const field of fields) {
			state.ranFields.set(field.id, runId);
			for (const record of targets) {
				const current = record.cells[field.id];
				const status = current ? cellStatus(current) : undefined;
				// without forceRun, finished (SUCCESS) and in-flight cells are skipped; errors are re-run
				if (!forceRun && (status === 'SUCCESS' || status === 'QUEUED' || status === 'RUNNING')) continue;
				const inputs = inputFields.map((f) => record.cells[f.id]?.value).filter((v) => v !== undefined && v !== null && v !== '');
				let result: { status: string; value: unknown };
				if (inputs.some((v) => JSON.stringify(v).toLowerCase().includes('fail'))) {
					result = { status: 'ERROR_BAD_REQUEST', value: null };
				} else if (sandbox.credits <= 0) {
					result = { status: 'ERROR_OUT_OF_CREDITS', value: null };
				} else {
					sandbox.credits--;
					const firstText = inputs.find((v) => typeof v === 'string' || typeof v === 'number');
					result = { status: 'SUCCESS', value: `enriched:${firstText !== undefined ? String(firstText) : record.id}` };
				}
				record.cells[field.id] = { value: null, metadata: { status: 'QUEUED', runStartedAt, runEndsAt }, pendingResult: result };
				pushEvent(state, { kind: 'run', at: runEndsAt, recordId: record.id, fieldId: field.id, result });
			}
		}
		return runId;
	}

	// ---------- routing ----------

	const knownRoutes: Array<{ method: string; regex: RegExp }> = [];
	const add = (method: string, pattern: string, handler: (req: SandboxRequest) => SandboxResponse) => {
		const source = pattern
			.split('/')
			.map((part) => (part.startsWith(':') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
			.join('/');
		knownRoutes.push({ method, regex: new RegExp(`^${source}/?$`) });
		server.route(method, pattern, (req) => {
			try {
				return handler(req);
			} catch (error) {
				if (error instanceof ClayError) return json(error.status, error.body, error.headers);
				throw error;
			}
		});
	};
	const isWebhookPost = (req: SandboxRequest) => req.method === 'POST' && /^\/v3\/sources\/webhook\/[^/]+\/?$/.test(req.path);

	server.use((req) => {
		const routeNotFound = json(404, { type: 'NotFound', message: 'Route not found' });
		if (!req.path.startsWith('/v3/')) return routeNotFound;
		if (isWebhookPost(req)) return undefined; // the public webhook needs no session, like the real one
		// docs silent on the exact 401 body; this is the shape reported by clients
		const cookie = parseCookies(req.headers.cookie).get('claysession');
		// the session is a signed, URL-encoded cookie: compare decoded forms (as cookie-parser would)
		if (cookie === undefined || safeDecode(cookie) !== safeDecode(session)) {
			return json(401, { type: 'Unauthorized', message: 'You must be logged in' });
		}
		if (limiter) {
			const taken = limiter.take(session);
			if (!taken.ok) {
				return json(429, { type: 'TooManyRequests', message: 'Too many requests, please slow down' }, { 'retry-after': String(taken.retryAfterSeconds) });
			}
		}
		if (!knownRoutes.some((r) => r.method === req.method && r.regex.test(req.path))) return routeNotFound;
		return undefined;
	});

	// docs silent on the shape: {results: [{id, name}]}
	add('GET', '/v3/my-workspaces', () => json(200, { results: [{ id: workspaceId, name: 'Sandbox Workspace' }] }));

	add('GET', '/v3/workspaces/:workspaceId/tables', (req) => {
		// docs silent: a workspace the session cannot see answers 404
		if (req.params.workspaceId !== String(workspaceId)) throw notFound('Workspace not found');
		return json(200, { results: [...tables.values()].map(tableSummary) });
	});

	// docs silent: the schema comes wrapped in `table`
	add('GET', '/v3/tables/:tableId', (req) => json(200, { table: tableJson(getTable(req.params.tableId)) }));

	add('PATCH', '/v3/tables/:tableId', (req) => {
		const table = getTable(req.params.tableId);
		const body = readJson(req);
		if (!isPlainObject(body)) throw badRequest('Body must be a JSON object', 'INVALID_BODY');
		const tableSettings = body.tableSettings;
		const addSource = isPlainObject(body.sourceSettings) ? body.sourceSettings.addSource : undefined;
		// validate everything before changing anything
		if (isPlainObject(tableSettings) && tableSettings.name !== undefined && (typeof tableSettings.name !== 'string' || !tableSettings.name.trim())) {
			throw badRequest('tableSettings.name must be a non-empty string', 'INVALID_BODY');
		}
		let sourceInput: Record<string, unknown> | undefined;
		if (addSource !== undefined) {
			if (!isPlainObject(addSource) || !isPlainObject(addSource.source) || typeof addSource.source.type !== 'string') {
				throw badRequest('sourceSettings.addSource.source must be an object with a type', 'INVALID_SOURCE');
			}
			sourceInput = addSource.source;
		}
		if (isPlainObject(tableSettings) && typeof tableSettings.name === 'string') table.name = tableSettings.name.trim();
		const extraData: Record<string, unknown> = {};
		if (sourceInput) {
			const type = String(sourceInput.type);
			const typeSettings = isPlainObject(sourceInput.typeSettings) ? { ...sourceInput.typeSettings } : {};
			const name =
				typeof sourceInput.name === 'string' && sourceInput.name
					? sourceInput.name
					: isPlainObject(addSource) && typeof addSource.name === 'string'
						? addSource.name
						: type;
			const source: ClaySource = { id: genId('s_'), name, type, typeSettings, submissions: 0, createdAt: iso() };
			if (type === 'webhook') {
				const slugText = typeof typeSettings.urlSlugText === 'string' && typeSettings.urlSlugText ? typeSettings.urlSlugText : 'Pull in data from a Webhook';
				const slugBase = slugText.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'webhook';
				source.slug = `${slugBase}-${uuid()}`;
				source.webhookUrl = `${sandbox.url}/v3/sources/webhook/${source.slug}`;
				typeSettings.url = source.webhookUrl;
			}
			table.sources.push(source);
			// docs only say "returns the created webhook URL"; this envelope is what clients read
			extraData.newlyCreatedSourceId = source.id;
			if (source.webhookUrl) extraData.webhookUrl = source.webhookUrl;
		}
		return json(200, { table: tableJson(table), extraData });
	});

	// docs silent on the shape: a bare JSON array
	add('GET', '/v3/tables/:tableId/sources', (req) => {
		const table = getTable(req.params.tableId);
		return json(200, table.sources.map((s) => sourceJson(s, table)));
	});

	add('DELETE', '/v3/tables/:tableId/sources/:sourceId', (req) => {
		const table = getTable(req.params.tableId);
		const index = table.sources.findIndex((s) => s.id === req.params.sourceId);
		if (index === -1) throw notFound('Source not found');
		table.sources.splice(index, 1);
		return json(200, { success: true });
	});

	add('POST', '/v3/sources/webhook/:slug', (req) => {
		let table: ClayTable | undefined;
		let source: ClaySource | undefined;
		for (const t of tables.values()) {
			source = t.sources.find((s) => s.slug === req.params.slug);
			if (source) {
				table = t;
				break;
			}
		}
		if (!table || !source) throw notFound('Webhook not found');
		const payload = readJson(req);
		if (!isPlainObject(payload)) throw badRequest('Webhook payload must be a JSON object', 'INVALID_BODY');
		// doc: 50,000 submissions per webhook over its lifetime; deleting rows does not reset it.
		// docs silent on the answer: 429 (configurable) with a message saying so.
		if (source.submissions >= sandbox.webhookSubmissionLimit) {
			throw new ClayError(options.webhookLimitStatus ?? 429, {
				type: 'TooManyRequests',
				code: 'SUBMISSION_LIMIT_REACHED',
				message: `This webhook has reached its lifetime limit of ${sandbox.webhookSubmissionLimit} submissions; deleting rows does not reset it. Create a new webhook source.`,
			});
		}
		source.submissions++;
		const cells: Record<string, ClayCell> = {};
		for (const [key, value] of Object.entries(payload)) {
			// docs silent: payload keys map to fields by name; an unknown key gets a new text field
			const field = table.fields.find((f) => f.name === key) ?? addField(table, key, 'text');
			cells[field.id] = { value };
		}
		const now = iso();
		const record: ClayRecord = { id: genId('r_'), tableId: table.id, cells, recordMetadata: { sourceId: source.id }, createdAt: now, updatedAt: now };
		table.records.set(record.id, record);
		recordEvent('created', table.id, record.id, Date.parse(now));
		// docs silent on the webhook's answer
		return json(200, { success: true });
	});

	add('GET', '/v3/tables/:tableId/views/:viewId/records/ids', (req) => {
		const table = getTable(req.params.tableId);
		getView(table, req.params.viewId);
		// every view shows all records in creation order (views have no filters here)
		const ids = [...table.records.keys()];
		return json(200, idListShape === 'results' ? { results: ids } : { recordIds: ids });
	});

	add('GET', '/v3/tables/:tableId/views/:viewId/records', (req) => {
		const table = getTable(req.params.tableId);
		getView(table, req.params.viewId);
		// client knowledge: only `limit` is honoured (default 100); offset/sort/filter are ignored
		const parsed = req.query.limit === undefined ? NaN : Number(req.query.limit);
		const limit = Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : 100;
		const results = [...table.records.values()].slice(0, limit).map(recordJson);
		return json(200, { results });
	});

	add('GET', '/v3/tables/:tableId/records/:recordId', (req) => {
		const table = getTable(req.params.tableId);
		const record = table.records.get(req.params.recordId);
		if (!record) throw notFound('Record not found');
		return json(200, recordJson(record));
	});

	add('POST', '/v3/tables/:tableId/bulk-fetch-records', (req) => {
		const table = getTable(req.params.tableId);
		const body = readJson(req);
		if (!isPlainObject(body) || !Array.isArray(body.recordIds) || !body.recordIds.every((id) => typeof id === 'string')) {
			throw badRequest('Body must be {recordIds: [string]}', 'INVALID_BODY');
		}
		// docs silent: unknown ids are left out, the rest keep the requested order
		const results = (body.recordIds as string[]).map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r);
		return json(200, { results: results.map(recordJson) });
	});

	add('GET', '/v3/tables/:tableId/count', (req) => json(200, { count: getTable(req.params.tableId).records.size }));

	add('POST', '/v3/tables/:tableId/records', (req) => {
		const table = getTable(req.params.tableId);
		// validate the whole batch first: one bad record rejects the request and nothing is stored
		const inputs = validateRecordInputs(table, readJson(req));
		const now = iso();
		const created = inputs.map(({ id, cells }) => {
			const newCells: Record<string, ClayCell> = {};
			for (const [fid, value] of Object.entries(cells)) newCells[fid] = { value };
			const existing = table.records.get(id);
			if (existing) {
				// docs silent: the seed requires unique ids but does not say what a duplicate does. Here the
				// existing record keeps its place and createdAt and its cells are replaced, so a retried create
				// is idempotent (no duplicate row).
				existing.cells = newCells;
				existing.updatedAt = now;
				recordEvent('updated', table.id, id, Date.parse(now));
				return existing;
			}
			const record: ClayRecord = { id, tableId: table.id, cells: newCells, recordMetadata: {}, createdAt: now, updatedAt: now };
			table.records.set(id, record);
			recordEvent('created', table.id, id, Date.parse(now));
			return record;
		});
		return json(200, { records: created.map(recordJson) });
	});

	add('PATCH', '/v3/tables/:tableId/records', (req) => {
		const table = getTable(req.params.tableId);
		// docs silent: the batch is validated up front like a create (unknown field / wrapped value -> 400)
		const inputs = validateRecordInputs(table, readJson(req));
		const state = states.get(table.id)!;
		const at = Date.now() + updateDelayMs;
		// client knowledge: updates are enqueued and applied later (merge of cells, last write wins)
		for (const { id, cells } of inputs) pushEvent(state, { kind: 'update', at, recordId: id, cells: { ...cells } });
		return json(200, { records: [], extraData: { message: 'Record updates enqueued' } });
	});

	add('DELETE', '/v3/tables/:tableId/records/:recordId', (req) => {
		const table = getTable(req.params.tableId);
		if (!table.records.has(req.params.recordId)) throw notFound('Record not found');
		table.records.delete(req.params.recordId);
		recordEvent('deleted', table.id, req.params.recordId, Date.now());
		return json(200, { success: true });
	});

	add('DELETE', '/v3/tables/:tableId/records', (req) => {
		const table = getTable(req.params.tableId);
		const body = readJson(req);
		// seed: no body deletes ALL rows. docs silent: so does a body without `recordIds` (e.g. `{}`);
		// a `recordIds` array (even empty) deletes just those, unknown ids are ignored.
		if (isPlainObject(body) && body.recordIds !== undefined) {
			if (!Array.isArray(body.recordIds) || !body.recordIds.every((id) => typeof id === 'string')) {
				throw badRequest('recordIds must be an array of record ids', 'INVALID_BODY');
			}
			let deletedCount = 0;
			for (const id of body.recordIds as string[]) {
				if (table.records.delete(id)) {
					deletedCount++;
					recordEvent('deleted', table.id, id, Date.now());
				}
			}
			return json(200, { success: true, deletedCount });
		}
		if (body !== undefined && !isPlainObject(body)) throw badRequest('Body must be {recordIds: [...]} or empty', 'INVALID_BODY');
		const deletedCount = table.records.size;
		for (const id of table.records.keys()) recordEvent('deleted', table.id, id, Date.now());
		table.records.clear();
		return json(200, { success: true, deletedCount });
	});

	add('PATCH', '/v3/tables/:tableId/run', (req) => {
		const table = getTable(req.params.tableId);
		if (req.bodyInvalid) throw badRequest('Invalid JSON body');
		const body = typeof req.body === 'string' ? decodeFormJson(req.body) : req.body;
		if (!isPlainObject(body)) throw badRequest('Body must be a JSON object (JSON, or URL-encoded JSON as the form key)', 'INVALID_BODY');
		const { fieldIds, runRecords } = body;
		const forceRun = body.forceRun === true;
		if (!Array.isArray(fieldIds) || fieldIds.length === 0 || !fieldIds.every((f) => typeof f === 'string')) {
			throw badRequest('fieldIds must be a non-empty array of field ids', 'INVALID_BODY');
		}
		const fields = (fieldIds as string[]).map((fid) => {
			const field = table.fields.find((f) => f.id === fid);
			if (!field) throw badRequest(`Field ${fid} does not exist in table ${table.id}`, 'UNKNOWN_FIELD', { fieldId: fid });
			if (field.type !== 'action') {
				throw badRequest(`Field ${fid} ("${field.name}") is not an enrichment column and cannot be run`, 'FIELD_NOT_RUNNABLE', { fieldId: fid });
			}
			return field;
		});
		let targets: ClayRecord[];
		if (isPlainObject(runRecords) && runRecords.recordIds !== undefined) {
			if (!Array.isArray(runRecords.recordIds) || !runRecords.recordIds.every((id) => typeof id === 'string')) {
				throw badRequest('runRecords.recordIds must be an array of record ids', 'INVALID_BODY');
			}
			// docs silent: unknown record ids are ignored
			const unique = [...new Set(runRecords.recordIds as string[])];
			targets = unique.map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r);
		} else if (isPlainObject(runRecords) && isPlainObject(runRecords.viewIdTopRecords)) {
			const top = runRecords.viewIdTopRecords;
			if (typeof top.viewId !== 'string') throw badRequest('runRecords.viewIdTopRecords.viewId is required', 'INVALID_BODY');
			getView(table, top.viewId);
			const all = [...table.records.values()];
			if (top.numRecords === undefined || top.numRecords === null) targets = all;
			else if (typeof top.numRecords === 'number' && Number.isInteger(top.numRecords) && top.numRecords >= 0) targets = all.slice(0, top.numRecords);
			else throw badRequest('runRecords.viewIdTopRecords.numRecords must be a non-negative integer', 'INVALID_BODY');
		} else {
			throw badRequest('runRecords must be {recordIds: [...]} or {viewIdTopRecords: {viewId, numRecords?}}', 'INVALID_BODY');
		}
		// docs silent: callerName ("API") is not enforced
		const runId = startRun(table, fields, targets, forceRun);
		// docs silent on the answer
		return json(200, { recordCount: targets.length, fieldIds, runId });
	});

	// docs silent on the shape: one summary per enrichment field that has been run
	add('GET', '/v3/tables/:tableId/fieldrun', (req) => {
		const table = getTable(req.params.tableId);
		const state = states.get(table.id)!;
		const records = [...table.records.values()];
		const runs = [...state.ranFields.entries()].map(([fieldId, runId]) => {
			let numQueued = 0;
			let numRunning = 0;
			let numSuccess = 0;
			let numError = 0;
			for (const record of records) {
				const cell = record.cells[fieldId];
				const status = cell ? cellStatus(cell) : undefined;
				if (status === 'QUEUED') numQueued++;
				else if (status === 'RUNNING') numRunning++;
				else if (status === 'SUCCESS') numSuccess++;
				else if (status?.startsWith('ERROR_')) numError++;
			}
			const status = numQueued + numRunning > 0 ? 'running' : 'complete';
			return { fieldId, runId, status, numQueued, numRunning, numSuccess, numError };
		});
		return json(200, { runs });
	});

	// ---------- direct record changes (tests, benchmarks) ----------

	function directTable(tableId: string, what: string): ClayTable {
		const table = tables.get(tableId);
		if (!table) throw new Error(`${what}: no Clay table ${tableId}`);
		return table;
	}
	function cellsByName(table: ClayTable, values: Record<string, unknown>): Record<string, unknown> {
		const cells: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(values)) {
			const field = table.fields.find((f) => f.name === name || f.id === name);
			if (!field) throw new Error(`Clay table ${table.id} has no field named "${name}"`);
			cells[field.id] = value;
		}
		return cells;
	}

	function addRecords(tableId: string, records: Array<Record<string, unknown>>): ClayRecord[] {
		const table = directTable(tableId, 'addRecords');
		const at = Date.now();
		return records.map((values) => {
			const cells: Record<string, ClayCell> = {};
			for (const [fid, value] of Object.entries(cellsByName(table, values))) cells[fid] = { value };
			const record: ClayRecord = { id: genId('r_'), tableId: table.id, cells, recordMetadata: {}, createdAt: iso(at), updatedAt: iso(at) };
			table.records.set(record.id, record);
			recordEvent('created', table.id, record.id, at);
			return record;
		});
	}

	function updateRecords(tableId: string, updates: Array<{ id: string; values: Record<string, unknown> }>): void {
		const table = directTable(tableId, 'updateRecords');
		const state = states.get(table.id)!;
		const at = Date.now() + updateDelayMs;
		for (const { id, values } of updates) pushEvent(state, { kind: 'update', at, recordId: id, cells: cellsByName(table, values) });
	}

	function deleteRecords(tableId: string, recordIds: string[]): number {
		const table = directTable(tableId, 'deleteRecords');
		let deleted = 0;
		for (const id of recordIds) {
			if (table.records.delete(id)) {
				deleted++;
				recordEvent('deleted', table.id, id, Date.now());
			}
		}
		return deleted;
	}

	function runFields(tableId: string, fieldNames: string[], recordIds?: string[], forceRun = false): string {
		const table = directTable(tableId, 'runFields');
		const fields = fieldNames.map((name) => {
			const field = table.fields.find((f) => f.name === name || f.id === name);
			if (!field || field.type !== 'action') throw new Error(`runFields: "${name}" is no enrichment field of ${table.id}`);
			return field;
		});
		const targets = recordIds
			? recordIds.map((id) => table.records.get(id)).filter((r): r is ClayRecord => !!r)
			: [...table.records.values()];
		return startRun(table, fields, targets, forceRun);
	}

	sandbox.url = await server.start();
	return sandbox;
}
