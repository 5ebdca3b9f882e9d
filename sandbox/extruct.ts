/**
 * Local stand-in for the Extruct AI tables API (`https://api.extruct.ai/v1`).
 *
 * Built from seeds/000-002 (create rows, its OpenAPI schema, create table) and the Extruct
 * section of api-notes.md. Paths live under `/v1`, the caller authenticates with
 * `Authorization: Bearer <token>`, errors use FastAPI's shapes: `{detail: "..."}` for
 * 401/404/400 and `{detail: [{type, loc, msg, input}]}` for 422.
 *
 * Enrichment is simulated without timers: a run gives every targeted cell a scheduled start
 * and end (a per-table worker pool of `cellParallelism` slots, shared by every run of the
 * table), and a cell's status (`requested` → `in_progress` → `done` | `failed`) is computed
 * from the clock whenever it is read. Cells are objects whose `value`, `status` and
 * `updated_at` are enumerable getters, so `JSON.stringify`, `toEqual` and direct reads of
 * `sandbox.tables` always see the state as of now.
 *
 * Values of enriched cells derive deterministically from the row's `input` value (see
 * `extructCellValue`), so tests can compute what to expect.
 *
 * Every choice made where the docs are silent is marked `docs silent:`.
 */
import { json, makeRandom, SandboxServer } from './framework';
import type { SandboxOptions, SandboxRequest, SandboxResponse } from './framework';

export interface ExtructSandboxOptions extends SandboxOptions {
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
	/**
	 * Profile: the table status also carries `num_cells_failed`. Off by default: Extruct's docs
	 * list no such counter (failed cells show only in the cells' own status).
	 */
	statusFailedCount?: boolean;
}

/** Extruct's billing refusals (402, `detail.error`). */
export const EXTRUCT_BILLING_ERRORS = ['plan_required', 'payment_failed', 'insufficient_credits'] as const;
export type ExtructBillingError = (typeof EXTRUCT_BILLING_ERRORS)[number];

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
	cellStatus(cell: ExtructCell): ExtructCell['status'];
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
	runRows(tableId: string, options?: { mode?: (typeof EXTRUCT_RUN_MODES)[number]; rowIds?: string[]; columnKeys?: string[] }): ExtructRun;
	/**
	 * Appends `count` rows cheaply (plain cell objects, one shared timestamp `at` — default now;
	 * no history), e.g. a 100,000-row table. `data(i)` gives row i's values by column key: those
	 * cells are `done`, other input cells `done` with null, other enrichment cells `created`.
	 */
	seedRows(tableId: string, count: number, data: (index: number) => Record<string, unknown>, at?: number): void;
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
export const EXTRUCT_SORTS = ['created_at', '-created_at', 'name', '-name', 'num_rows', '-num_rows'] as const;

/** Columns a table of each kind gets automatically (api-notes). docs silent: the display names. */
export const EXTRUCT_AUTO_COLUMNS: Record<ExtructTable['kind'], Array<ExtructColumn['config']>> = {
	company: [
		{ kind: 'input', name: 'Input', key: 'input' },
		{ kind: 'company_profile', name: 'Company Profile', key: 'company_profile' },
		{ kind: 'company_name', name: 'Company Name', key: 'company_name' },
		{ kind: 'company_website', name: 'Company Website', key: 'company_website' },
	],
	people: [
		{ kind: 'input', name: 'Input', key: 'input' },
		{ kind: 'input', name: 'Full Name', key: 'full_name' },
		{ kind: 'input', name: 'Role', key: 'role' },
		{ kind: 'input', name: 'Profile URL', key: 'profile_url' },
	],
	generic: [],
};

type CellStatus = ExtructCell['status'];
type Loc = Array<string | number>;

interface FastApiError {
	type: string;
	loc: Loc;
	msg: string;
	input?: unknown;
	ctx?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// Deterministic values of enriched cells
// ---------------------------------------------------------------------------------------

function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');

const capitalize = (word: string) => (word ? word[0].toUpperCase() + word.slice(1) : word);

/** The text a row's input value is read as (strings as-is, other values as JSON). */
export function extructInputText(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The domain the sandbox reads from an input: the URL's host, a bare domain, or `<slug>.example.com`. */
export function extructDomain(input: unknown): string {
	const text = extructInputText(input).trim().toLowerCase();
	if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
		try {
			const host = new URL(text).hostname.replace(/^www\./, '');
			if (host) return host;
		} catch {
			// fall through
		}
	}
	const bare = /^(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[/:?#]|$)/.exec(text);
	if (bare) return bare[1];
	return `${slug(text) || 'unknown'}.example.com`;
}

/** The company name the sandbox reads from an input: the first label of its domain, capitalised. */
export function extructCompanyName(input: unknown): string {
	return extructDomain(input).split('.')[0].split('-').map(capitalize).join(' ');
}

const INDUSTRIES = ['Software', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Logistics', 'Energy', 'Media'];
const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie'];
const LAST_NAMES = ['Smith', 'Garcia', 'Chen', 'Novak', 'Okafor', 'Larsen', 'Silva', 'Kim'];
const GRADES = ['A', 'B', 'C', 'D', 'F'];

function personFrom(hash: number) {
	const first = FIRST_NAMES[hash % FIRST_NAMES.length];
	const last = LAST_NAMES[(hash >>> 3) % LAST_NAMES.length];
	return { first, last, name: `${first} ${last}`, profile_url: `https://www.linkedin.com/in/${slug(`${first}-${last}-${hash % 10000}`)}` };
}

function valueFromSchema(schema: unknown, company: string, hash: number, depth = 0): unknown {
	if (!schema || typeof schema !== 'object' || depth > 6) return null;
	const s = schema as Record<string, unknown>;
	if (Array.isArray(s.enum) && s.enum.length) return s.enum[hash % s.enum.length];
	const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
	if (type === 'object' || (!type && s.properties && typeof s.properties === 'object')) {
		const out: Record<string, unknown> = {};
		for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
			out[name] = valueFromSchema(sub, company, fnv1a(`${hash}|${name}`), depth + 1);
		}
		return out;
	}
	if (type === 'string') return company;
	if (type === 'integer' || type === 'number') return hash % 1000;
	if (type === 'boolean') return hash % 2 === 0;
	if (type === 'array') return s.items ? [valueFromSchema(s.items, company, hash, depth + 1)] : [];
	return null;
}

function agentAnswer(config: ExtructColumn['config'], company: string, domain: string, hash: number): unknown {
	const value = (config.value ?? {}) as Record<string, unknown>;
	const labels = Array.isArray(value.labels) ? (value.labels as string[]) : [];
	switch (value.output_format) {
		case 'url':
			return `https://${domain}/${slug(config.key) || 'page'}`;
		case 'email':
			return `info@${domain}`;
		case 'select':
			return labels.length ? labels[hash % labels.length] : null;
		case 'multiselect': {
			if (!labels.length) return [];
			const picked = labels.filter((_, i) => ((hash >>> i) & 1) === 1);
			return picked.length ? picked : [labels[hash % labels.length]];
		}
		case 'numeric':
			return hash % 10000;
		case 'money':
			// docs silent: the shape of a money answer; an amount in whole units plus a currency.
			return { amount: (hash % 100000) * 100, currency: 'USD' };
		case 'date': {
			const year = 1990 + (hash % 35);
			const month = 1 + ((hash >>> 8) % 12);
			const day = 1 + ((hash >>> 12) % 28);
			return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
		}
		case 'phone':
			return `+1-555-${String(hash % 10000).padStart(4, '0')}`;
		case 'grade':
			return GRADES[hash % GRADES.length];
		case 'json': {
			const fromSchema = valueFromSchema(value.output_schema, company, hash);
			return fromSchema && typeof fromSchema === 'object' && Object.keys(fromSchema).length
				? fromSchema
				: { company, domain };
		}
		default:
			return `${config.name} for ${company}`;
	}
}

/**
 * The value a cell of column `config` gets when its enrichment is done, for a row whose
 * `input` value is `input`. `emailValue` is the row's value in the column named by a
 * `reverse_email_lookup` column's `email_column_key`.
 */
export function extructCellValue(config: ExtructColumn['config'], input: unknown, emailValue?: unknown): unknown {
	const text = extructInputText(input);
	const domain = extructDomain(text);
	const company = extructCompanyName(text);
	const hash = fnv1a(`${config.key}|${text}`);
	const source = [`https://${domain}`];
	switch (config.kind) {
		case 'agent':
			return {
				answer: agentAnswer(config, company, domain, hash),
				source,
				explanation: `Sandbox ${String(config.value?.agent_type ?? 'agent')} answer for ${company} (${domain}).`,
			};
		case 'criterion_grade':
			return {
				answer: ['Yes', 'Likely', 'No'][hash % 3],
				explanation: `Sandbox grade of ${company} against: ${String(config.value?.criterion ?? '')}`,
				source,
			};
		case 'company_people_finder': {
			const roles: string[] = Array.isArray(config.value?.roles) && config.value.roles.length ? config.value.roles : ['CEO'];
			return roles.map((role) => {
				const person = personFrom(fnv1a(`${hash}|${role}`));
				return { name: person.name, role, profile_url: person.profile_url };
			});
		}
		case 'discovery_scores':
			return hash % 101;
		case 'company_name':
			return company;
		case 'company_website':
			return `https://${domain}`;
		case 'company_profile':
			return {
				description: `${company} is a company operating at ${domain}.`,
				industry: INDUSTRIES[hash % INDUSTRIES.length],
				employees: 10 + (hash % 5000),
			};
		case 'email_finder':
			return `contact@${domain}`;
		case 'phone_finder':
			return `+1-555-${String(hash % 10000).padStart(4, '0')}`;
		case 'reverse_email_lookup': {
			const email = extructInputText(emailValue) || `contact@${domain}`;
			const emailDomain = email.includes('@') ? email.split('@')[1].toLowerCase() : domain;
			const person = personFrom(fnv1a(email));
			return {
				email,
				full_name: person.name,
				company: extructCompanyName(emailDomain),
				company_website: `https://${emailDomain}`,
				profile_url: person.profile_url,
			};
		}
		default:
			return null;
	}
}

// ---------------------------------------------------------------------------------------
// Cells with lazily computed status
// ---------------------------------------------------------------------------------------

interface CellJob {
	requestedAt: number;
	startAt: number;
	endAt: number;
	outcome: 'done' | 'failed';
	value: unknown;
}

interface CellState {
	value: unknown;
	status: CellStatus;
	updatedAt: number | null;
	job?: CellJob;
}

/** The state behind a cell made here (a non-enumerable property: faster than a WeakMap). */
const STATE = Symbol('extructCellState');
const stateOf = (cell: ExtructCell): CellState | undefined => (cell as unknown as { [STATE]?: CellState })[STATE];

/** Bumped on every change made through a cell setter, so cached table statuses notice hand-made edits. */
let cellEdits = 0;

function settle(state: CellState, now = Date.now()): void {
	const job = state.job;
	if (!job) return;
	if (now >= job.endAt) {
		state.status = job.outcome;
		// docs silent: a failed cell's value; null.
		state.value = job.outcome === 'done' ? job.value : null;
		state.updatedAt = job.endAt;
		state.job = undefined;
	} else if (now >= job.startAt) {
		state.status = 'in_progress';
		state.updatedAt = job.startAt;
	} else {
		state.status = 'requested';
		state.updatedAt = job.requestedAt;
	}
}

const HEX = '0123456789abcdef';

/** `updated_at` on the wire: cells written together share an instant, so the last one is kept. */
let lastIso = { ms: Number.NaN, text: '' };
function isoOf(ms: number | null): string | null {
	if (ms === null) return null;
	if (ms !== lastIso.ms) lastIso = { ms, text: new Date(ms).toISOString() };
	return lastIso.text;
}

/**
 * The accessors of every cell, shared: each reads the cell's state through `this`. A bulk add
 * makes thousands of cells, and closures per cell made the sandbox (not the node) the slow
 * side of the benchmark.
 */
function cellAccessor<T>(read: (state: CellState) => T, write: (state: CellState, v: T) => void): PropertyDescriptor {
	return {
		enumerable: true,
		get(this: ExtructCell) {
			const state = stateOf(this)!;
			settle(state);
			return read(state);
		},
		set(this: ExtructCell, v: T) {
			const state = stateOf(this)!;
			settle(state);
			cellEdits++;
			write(state, v);
		},
	};
}
const CELL_VALUE = cellAccessor<unknown>(
	(state) => state.value,
	(state, v) => (state.value = v),
);
const CELL_STATUS = cellAccessor<CellStatus>(
	(state) => state.status,
	(state, v) => {
		state.job = undefined;
		state.status = v;
	},
);
const CELL_UPDATED_AT = cellAccessor<string | null>(
	(state) => isoOf(state.updatedAt),
	(state, v) => (state.updatedAt = v === null ? null : Date.parse(v)),
);
// One instant for the whole cell when it is serialized, so its value, status and
// updated_at always agree on the wire (each getter alone reads the clock again).
const CELL_TO_JSON: PropertyDescriptor = {
	enumerable: false,
	value(this: ExtructCell) {
		const state = stateOf(this)!;
		settle(state);
		return { value: state.value, status: state.status, updated_at: isoOf(state.updatedAt) };
	},
};

function makeCell(value: unknown, status: CellStatus, updatedAt: number | null): ExtructCell {
	const state: CellState = { value, status, updatedAt };
	const cell = {} as ExtructCell;
	Object.defineProperty(cell, 'value', CELL_VALUE);
	Object.defineProperty(cell, 'status', CELL_STATUS);
	Object.defineProperty(cell, 'updated_at', CELL_UPDATED_AT);
	Object.defineProperty(cell, STATE, { value: state, enumerable: false });
	Object.defineProperty(cell, 'toJSON', CELL_TO_JSON);
	return cell;
}

/** The state behind a row's cell; a plain cell object put there by hand is adopted first. */
function cellState(row: ExtructRow, key: string): CellState | undefined {
	const cell = row.data[key];
	if (!cell) return undefined;
	let state = stateOf(cell);
	if (!state) {
		const adopted = makeCell(cell.value, cell.status, cell.updated_at ? Date.parse(cell.updated_at) : null);
		row.data[key] = adopted;
		cellEdits++;
		state = stateOf(adopted)!;
	}
	settle(state);
	return state;
}

// ---------------------------------------------------------------------------------------
// Validation helpers (FastAPI / pydantic v2 message shapes)
// ---------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const enumExpected = (values: readonly string[]) => {
	const quoted = values.map((v) => `'${v}'`);
	return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
};

const errMissing = (loc: Loc, input?: unknown): FastApiError => ({ type: 'missing', loc, msg: 'Field required', input: input ?? null });
const errString = (loc: Loc, input: unknown): FastApiError => ({ type: 'string_type', loc, msg: 'Input should be a valid string', input });
const errList = (loc: Loc, input: unknown): FastApiError => ({ type: 'list_type', loc, msg: 'Input should be a valid list', input });
const errDict = (loc: Loc, input: unknown): FastApiError => ({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input });
const errModel = (loc: Loc, input: unknown): FastApiError => ({
	type: 'model_attributes_type',
	loc,
	msg: 'Input should be a valid dictionary or object to extract fields from',
	input,
});
const errEnum = (loc: Loc, input: unknown, values: readonly string[]): FastApiError => ({
	type: 'enum',
	loc,
	msg: `Input should be ${enumExpected(values)}`,
	input,
	ctx: { expected: enumExpected(values) },
});
const errValue = (loc: Loc, msg: string, input: unknown): FastApiError => ({ type: 'value_error', loc, msg, input });
const errBool = (loc: Loc, input: unknown): FastApiError => ({
	type: 'bool_parsing',
	loc,
	msg: 'Input should be a valid boolean, unable to interpret input',
	input,
});

const unprocessable = (errors: FastApiError[]) => json(422, { detail: errors });
const detail = (status: number, message: string) => json(status, { detail: message });

/** Lax boolean parsing as pydantic does it; undefined when the input is not a boolean. */
function parseBool(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (v === 0 || v === 1) return v === 1;
	if (typeof v === 'string') {
		const s = v.trim().toLowerCase();
		if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
		if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
	}
	return undefined;
}

/**
 * The JSON body as FastAPI sees it: parsed when the content type is JSON or absent.
 * `required`: a missing body is a 422; otherwise it reads as `{}`.
 */
function readBody(req: SandboxRequest, required: boolean): { body: Record<string, unknown> } | { error: SandboxResponse } {
	const invalid = { error: unprocessable([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]) };
	if (req.bodyInvalid) return invalid;
	let body = req.body;
	if (typeof body === 'string') {
		if (req.headers['content-type']) return { error: unprocessable([errModel(['body'], body)]) };
		try {
			body = JSON.parse(body);
		} catch {
			return invalid;
		}
	}
	if (body === undefined) return required ? { error: unprocessable([errMissing(['body'])]) } : { body: {} };
	if (!isObject(body)) return { error: unprocessable([errModel(['body'], body)]) };
	return { body };
}

/**
 * Validates column configs. `keys` holds the keys already taken (grows as configs pass),
 * `knownKeys` the keys an `email_column_key` may name.
 */
function validateColumnConfig(cfg: unknown, loc: Loc, keys: Set<string>, knownKeys: Set<string>): FastApiError[] {
	const errors: FastApiError[] = [];
	if (!isObject(cfg)) return [errModel(loc, cfg)];
	if (cfg.kind === undefined) return [{ type: 'union_tag_not_found', loc, msg: "Unable to extract tag using discriminator 'kind'", input: cfg }];
	if (typeof cfg.kind !== 'string' || !(EXTRUCT_COLUMN_KINDS as readonly string[]).includes(cfg.kind)) {
		return [
			{
				type: 'union_tag_invalid',
				loc,
				msg: `Input tag '${String(cfg.kind)}' found using 'kind' does not match any of the expected tags: ${EXTRUCT_COLUMN_KINDS.map((k) => `'${k}'`).join(', ')}`,
				input: cfg,
			},
		];
	}
	// docs silent: pydantic puts the union tag into `loc` (…, i, "agent", "value", …); the sandbox
	// leaves it out so the path reads as the request body's own path.
	for (const field of ['name', 'key'] as const) {
		if (cfg[field] === undefined) errors.push(errMissing([...loc, field], cfg));
		else if (typeof cfg[field] !== 'string') errors.push(errString([...loc, field], cfg[field]));
		else if (field === 'key' && cfg.key === '')
			errors.push({ type: 'string_too_short', loc: [...loc, 'key'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } });
	}
	if (typeof cfg.key === 'string' && cfg.key !== '') {
		// docs silent: the API surely refuses two columns with one key; the message is the sandbox's.
		if (keys.has(cfg.key)) errors.push(errValue([...loc, 'key'], `Duplicate column key '${cfg.key}'`, cfg.key));
		else keys.add(cfg.key);
	}
	const vloc = [...loc, 'value'];
	const needValue = (): Record<string, unknown> | undefined => {
		if (cfg.value === undefined) errors.push(errMissing(vloc, cfg));
		else if (!isObject(cfg.value)) errors.push(errModel(vloc, cfg.value));
		else return cfg.value;
		return undefined;
	};
	const needString = (obj: Record<string, unknown>, field: string, at: Loc) => {
		if (obj[field] === undefined) errors.push(errMissing([...at, field], obj));
		else if (typeof obj[field] !== 'string') errors.push(errString([...at, field], obj[field]));
	};
	const needStringList = (obj: Record<string, unknown>, field: string, at: Loc, nonEmpty: boolean) => {
		const list = obj[field];
		if (list === undefined) errors.push(errMissing([...at, field], obj));
		else if (!Array.isArray(list)) errors.push(errList([...at, field], list));
		else {
			if (nonEmpty && list.length === 0)
				errors.push({ type: 'too_short', loc: [...at, field], msg: 'List should have at least 1 item after validation, not 0', input: list, ctx: { field_type: 'List', min_length: 1, actual_length: 0 } });
			list.forEach((item, j) => {
				if (typeof item !== 'string') errors.push(errString([...at, field, j], item));
			});
		}
	};
	switch (cfg.kind) {
		case 'agent': {
			const value = needValue();
			if (!value) break;
			if (value.agent_type === undefined) errors.push(errMissing([...vloc, 'agent_type'], value));
			else if (!(EXTRUCT_AGENT_TYPES as readonly unknown[]).includes(value.agent_type)) errors.push(errEnum([...vloc, 'agent_type'], value.agent_type, EXTRUCT_AGENT_TYPES));
			needString(value, 'prompt', vloc);
			if (value.output_format === undefined) errors.push(errMissing([...vloc, 'output_format'], value));
			else if (!(EXTRUCT_OUTPUT_FORMATS as readonly unknown[]).includes(value.output_format))
				errors.push(errEnum([...vloc, 'output_format'], value.output_format, EXTRUCT_OUTPUT_FORMATS));
			if (value.output_format === 'select' || value.output_format === 'multiselect') needStringList(value, 'labels', vloc, true);
			if (value.output_format === 'json') {
				if (value.output_schema === undefined) errors.push(errMissing([...vloc, 'output_schema'], value));
				else if (!isObject(value.output_schema)) errors.push(errDict([...vloc, 'output_schema'], value.output_schema));
			}
			break;
		}
		case 'criterion_grade': {
			const value = needValue();
			if (value) needString(value, 'criterion', vloc);
			break;
		}
		case 'company_people_finder': {
			const value = needValue();
			// docs silent: whether `roles` may be empty; the sandbox allows it (the finder then looks for a CEO).
			if (value) needStringList(value, 'roles', vloc, false);
			break;
		}
		case 'reverse_email_lookup': {
			needString(cfg, 'email_column_key', loc);
			if (typeof cfg.email_column_key === 'string' && !knownKeys.has(cfg.email_column_key)) {
				errors.push(errValue([...loc, 'email_column_key'], `Column key '${cfg.email_column_key}' not found in table`, cfg.email_column_key));
			}
			break;
		}
		default:
			break;
	}
	return errors;
}

function validateColumnConfigs(configs: unknown[], loc: Loc, takenKeys: Iterable<string>, extraKnownKeys: Iterable<string> = []): FastApiError[] {
	const keys = new Set(takenKeys);
	const known = new Set<string>([...keys, ...extraKnownKeys]);
	for (const cfg of configs) if (isObject(cfg) && typeof cfg.key === 'string') known.add(cfg.key);
	return configs.flatMap((cfg, i) => validateColumnConfig(cfg, [...loc, i], keys, known));
}

// ---------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------

export async function startExtructSandbox(options: ExtructSandboxOptions = {}): Promise<ExtructSandbox> {
	const server = new SandboxServer('extruct', options);
	const token = options.token ?? EXTRUCT_DEFAULT_TOKEN;
	const cellStartMs = options.cellStartMs ?? 20;
	const cellDurationMs = options.cellDurationMs ?? 60;
	const parallelism = Math.max(1, Math.floor(options.cellParallelism ?? 100));
	const failRate = options.failRate ?? 0;
	const maxStringLength = options.maxStringLength ?? 10000;

	// Ids come from their own generator so that fault patterns (server.random) do not depend on them.
	const idRandom = makeRandom(((options.seed ?? 1) * 2654435761 + 0x5eed) >>> 0);
	const uuid = () => {
		// 32 hex digits from 32 draws, version 4, variant 10xx (as built with an array and join before:
		// the same draws give the same id)
		let s = '';
		for (let i = 0; i < 32; i++) {
			const digit = Math.floor(idRandom() * 16);
			s += HEX[i === 12 ? 4 : i === 16 ? (digit & 0x3) | 0x8 : digit];
		}
		return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
	};
	const iso = (ms: number) => isoOf(ms)!;

	const user: ExtructUser = { id: uuid(), email: 'sandbox@extruct.test', name: 'Sandbox User', available_credits: 10000 };
	const tables = new Map<string, ExtructTable>();
	const runs: ExtructRun[] = [];
	const history: ExtructRowEvent[] = [];
	const recordEvent = (type: ExtructRowEvent['type'], tableId: string, rowId: string, at: number) =>
		history.push({ type, tableId, rowId, at: iso(at), seq: history.length + 1 });
	/** Per table: when each of the `parallelism` workers is free again (ms). */
	const pools = new Map<string, number[]>();
	// Row lookups by id. Rows are only ever appended to `table.rows` in place; every deletion
	// replaces the array (filter). So an index built on the same array only lacks the rows
	// pushed since: those are added, instead of rebuilding the index on every write.
	const rowIndexes = new Map<string, { rows: ExtructRow[]; index: Map<string, ExtructRow> }>();
	const rowIndex = (table: ExtructTable): Map<string, ExtructRow> => {
		let entry = rowIndexes.get(table.id);
		if (!entry || entry.rows !== table.rows || entry.index.size > table.rows.length) {
			entry = { rows: table.rows, index: new Map(table.rows.map((r) => [r.id, r])) };
			rowIndexes.set(table.id, entry);
		}
		for (let i = entry.index.size; i < table.rows.length; i++) entry.index.set(table.rows[i].id, table.rows[i]);
		return entry.index;
	};

	const isInputColumn = (column: ExtructColumn) => column.config.kind === 'input';
	const enrichColumns = (table: ExtructTable) => table.columns.filter((c) => !isInputColumn(c));

	const newColumn = (config: Record<string, unknown>, now: number): ExtructColumn => ({
		id: uuid(),
		created_at: iso(now),
		config: structuredClone(config) as ExtructColumn['config'],
	});

	/** A fresh cell for a column: input cells are always `done`; others wait for a run. */
	const emptyCell = (column: ExtructColumn, now: number) =>
		// docs silent: an input cell the row gave no value for; `{value: null, status: done}`.
		isInputColumn(column) ? makeCell(null, 'done', now) : makeCell(null, 'created', null);

	const newRow = (table: ExtructTable, data: Record<string, unknown>, metadata: Record<string, unknown> | null, now: number): ExtructRow => {
		const row: ExtructRow = {
			id: uuid(),
			created_at: iso(now),
			parent_row_id: null,
			company_profile_id: null,
			data: {},
			metadata,
		};
		for (const column of table.columns) {
			const key = column.config.key;
			// docs silent: a value given for a non-input column is stored as that cell's done value,
			// as PATCH does (seed 001 only says data is column_key -> value).
			row.data[key] = key in data ? makeCell(data[key], 'done', now) : emptyCell(column, now);
		}
		return row;
	};

	/** Writes a value into a row's cell (cancels any pending enrichment of that cell). */
	const writeCell = (table: ExtructTable, row: ExtructRow, key: string, value: unknown, now: number) => {
		const column = table.columns.find((c) => c.config.key === key);
		if (!column) return;
		const state = cellState(row, key);
		if (!state) {
			row.data[key] = makeCell(value, 'done', now);
			return;
		}
		state.job = undefined;
		state.value = value;
		state.status = 'done';
		state.updatedAt = now;
	};

	const rowInput = (table: ExtructTable, row: ExtructRow): unknown => {
		const direct = table.columns.find((c) => c.config.key === 'input' && isInputColumn(c));
		if (direct && row.data.input?.value !== null && row.data.input?.value !== undefined) return row.data.input.value;
		// docs silent: tables without an `input` column; the first non-empty input-kind cell stands in.
		for (const column of table.columns) {
			if (!isInputColumn(column)) continue;
			const v = row.data[column.config.key]?.value;
			if (v !== null && v !== undefined && v !== '') return v;
		}
		return '';
	};

	/**
	 * Table statuses served over HTTP are cached until the next change (any non-GET request, a
	 * seed, a cell setter) or the next cell transition, so polling a big idle table stays cheap.
	 * A cell object replaced by hand in `row.data` is not noticed by that cache until the next
	 * change; `tableStatus()` never uses it.
	 */
	let changes = 0;
	const statusCache = new Map<
		string,
		{ changes: number; edits: number; rows: ExtructRow[]; columns: ExtructColumn[]; size: string; validUntil: number; result: ExtructTableStatus }
	>();
	const statusOf = (table: ExtructTable, useCache = true): ExtructTableStatus => {
		const now = Date.now();
		const size = `${table.rows.length}/${table.columns.length}`;
		const cached = statusCache.get(table.id);
		if (
			useCache &&
			cached &&
			cached.changes === changes &&
			cached.edits === cellEdits &&
			cached.rows === table.rows &&
			cached.columns === table.columns &&
			cached.size === size &&
			now < cached.validUntil
		) {
			return { ...cached.result };
		}
		let completed = 0;
		let inProgress = 0;
		let failed = 0;
		let validUntil = Infinity;
		const keys = enrichColumns(table).map((c) => c.config.key);
		// docs silent: which cells the counters count; the sandbox counts enrichment (non-input) cells only.
		for (const row of table.rows) {
			for (const key of keys) {
				const state = cellState(row, key);
				if (!state) continue;
				if (state.status === 'done') completed++;
				else if (state.status === 'failed') failed++;
				else if (state.status === 'requested' || state.status === 'in_progress') {
					inProgress++;
					if (state.job) validUntil = Math.min(validUntil, state.status === 'requested' ? state.job.startAt : state.job.endAt);
				}
			}
		}
		const result: ExtructTableStatus = {
			run_status: inProgress > 0 ? 'running' : 'idle',
			num_rows: table.rows.length,
			num_cells_completed: completed,
			num_cells_in_progress: inProgress,
			...(options.statusFailedCount ? { num_cells_failed: failed } : {}),
		};
		statusCache.set(table.id, { changes, edits: cellEdits, rows: table.rows, columns: table.columns, size, validUntil, result });
		return { ...result };
	};

	/** docs silent: how a row's aggregate status is formed from its enrichment cells. */
	const rowStatus = (table: ExtructTable, row: ExtructRow): CellStatus => {
		const statuses = new Set<CellStatus>();
		for (const column of enrichColumns(table)) {
			const state = cellState(row, column.config.key);
			if (state) statuses.add(state.status);
		}
		const running = statuses.has('requested') || statuses.has('in_progress');
		if (statuses.has('in_progress') || (running && (statuses.has('done') || statuses.has('failed')))) return 'in_progress';
		if (running) return 'requested';
		if (statuses.has('failed')) return 'failed';
		if (statuses.has('created')) return 'created';
		return 'done';
	};

	/** Queues targeted cells on the table's worker pool; returns the run. */
	const startRun = (
		table: ExtructTable,
		mode: (typeof EXTRUCT_RUN_MODES)[number],
		targetRows: ExtructRow[],
		targetColumns: ExtructColumn[],
		now = Date.now(),
	): ExtructRun => {
		let pool = pools.get(table.id);
		if (!pool) {
			pool = new Array<number>(parallelism).fill(0);
			pools.set(table.id, pool);
		}
		const earliest = now + cellStartMs;
		let requested = 0;
		let completesAt = now;
		const columns = targetColumns.filter((c) => !isInputColumn(c));
		for (const row of targetRows) {
			let input: unknown;
			for (const column of columns) {
				const state = cellState(row, column.config.key);
				if (!state) continue;
				const s = state.status;
				const take =
					mode === 'all' ||
					(mode === 'new' && s === 'created') ||
					(mode === 'failed' && s === 'failed') ||
					(mode === 'stuck_failed_new' && s !== 'done');
				if (!take) continue;
				if (input === undefined) input = rowInput(table, row);
				let worker = 0;
				for (let w = 1; w < pool.length; w++) if (pool[w] < pool[worker]) worker = w;
				const startAt = Math.max(earliest, pool[worker]);
				const endAt = startAt + cellDurationMs;
				pool[worker] = endAt;
				const failsByInput = /fail/i.test(extructInputText(input));
				const failsByChance = failRate > 0 && server.random() < failRate;
				const emailKey = column.config.email_column_key;
				const emailValue = typeof emailKey === 'string' ? row.data[emailKey]?.value : undefined;
				state.job = {
					requestedAt: now,
					startAt,
					endAt,
					outcome: failsByInput || failsByChance ? 'failed' : 'done',
					value: extructCellValue(column.config, input, emailValue),
				};
				settle(state, now);
				requested++;
				completesAt = Math.max(completesAt, endAt);
			}
		}
		const run: ExtructRun = {
			id: uuid(),
			tableId: table.id,
			mode,
			startedAt: now,
			completesAt,
			num_requested_cells: requested,
			rows: targetRows.map((r) => r.id),
			columns: columns.map((c) => c.id),
		};
		runs.push(run);
		return run;
	};

	const buildTable = (
		input: { name: string; description: string | null; tags: string[]; kind: ExtructTable['kind']; configs: Array<Record<string, unknown>> },
		now: number,
	): ExtructTable => {
		const userKeys = new Set(input.configs.map((c) => c.key as string));
		const configs = [...EXTRUCT_AUTO_COLUMNS[input.kind].filter((c) => !userKeys.has(c.key)), ...input.configs];
		const table: ExtructTable = {
			id: uuid(),
			created_at: iso(now),
			name: input.name,
			description: input.description,
			tags: input.tags,
			kind: input.kind,
			columns: configs.map((c) => newColumn(c, now)),
			rows: [],
			owner: { id: user.id, email: user.email },
			scope: 'personal',
		};
		tables.set(table.id, table);
		return table;
	};

	// ----- output shapes -----

	const tableOut = (t: ExtructTable) => ({
		id: t.id,
		created_at: t.created_at,
		name: t.name,
		kind: t.kind,
		columns: t.columns,
		owner: t.owner,
		scope: t.scope,
		description: t.description,
		tags: t.tags,
		// docs silent: relationships between company and people tables are not simulated.
		child_relationships: [],
		parent_relationships: [],
	});
	const rowOut = (r: ExtructRow) => ({
		id: r.id,
		created_at: r.created_at,
		parent_row_id: r.parent_row_id,
		company_profile_id: r.company_profile_id,
		data: r.data,
		metadata: r.metadata,
		parent_data: null,
	});

	// ----- routing, auth -----

	const known: Array<{ method: string; regex: RegExp }> = [];
	const add = (method: string, pattern: string, handler: (req: SandboxRequest) => SandboxResponse) => {
		const source = pattern
			.split('/')
			.map((part) => (part.startsWith(':') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
			.join('/');
		known.push({ method, regex: new RegExp(`^${source}/?$`) });
		server.route(method, pattern, handler);
	};

	// FastAPI routes before it authenticates: an unknown path is a 404, a known path with another method a 405.
	server.use((req) => {
		const matches = known.filter((k) => k.regex.test(req.path));
		if (!matches.length) return detail(404, 'Not Found');
		if (!matches.some((k) => k.method === req.method)) {
			return json(405, { detail: 'Method Not Allowed' }, { allow: [...new Set(matches.map((k) => k.method))].join(', ') });
		}
		return undefined;
	});
	server.use((req) => {
		const header = req.headers.authorization;
		const match = typeof header === 'string' ? /^Bearer\s+(\S.*)$/i.exec(header.trim()) : null;
		if (!match) return json(401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
		if (match[1].trim() !== token) return json(401, { detail: 'Invalid token' }, { 'www-authenticate': 'Bearer' });
		if (req.method !== 'GET') changes++;
		return undefined;
	});

	const visible = (table: ExtructTable) => table.owner.id === user.id || table.scope === 'organization';

	/** The billing refusal for a request that spends credits, if any. docs silent: the messages. */
	const billingRefusal = (): SandboxResponse | undefined => {
		const reason = sandbox.billing ?? (user.available_credits <= 0 ? 'insufficient_credits' : undefined);
		if (!reason) return undefined;
		const message = {
			plan_required: 'Your plan does not include this feature. Upgrade to continue.',
			payment_failed: 'Your last payment failed. Update your payment method to continue.',
			insufficient_credits: 'Not enough credits to run enrichment.',
		}[reason];
		return json(402, { detail: { error: reason, message } });
	};

	const withTable = (handler: (req: SandboxRequest, table: ExtructTable) => SandboxResponse) => (req: SandboxRequest) => {
		const table = tables.get(req.params.id);
		// docs silent: FastAPI would validate the body before the handler looks the table up; the
		// sandbox answers 404 first for an unknown table. docs silent: another member's personal
		// table is not found either.
		if (!table || !visible(table)) return detail(404, 'Table not found');
		return handler(req, table);
	};

	/** `limit` / `offset` query parameters; limit 1..100 (400 otherwise), offset >= 0. */
	const paging = (req: SandboxRequest): { limit: number; offset: number } | { error: SandboxResponse } => {
		const errors: FastApiError[] = [];
		const values: Record<string, number> = { limit: 50, offset: 0 };
		for (const name of ['limit', 'offset'] as const) {
			const raw = req.query[name];
			if (raw === undefined) continue;
			if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
				errors.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw });
			} else values[name] = parseInt(raw, 10);
		}
		if (errors.length) return { error: unprocessable(errors) };
		if (values.limit < 1 || values.limit > 100) return { error: detail(400, 'limit must be between 1 and 100') };
		// docs silent: a negative offset; 400 like the limit.
		if (values.offset < 0) return { error: detail(400, 'offset must be greater than or equal to 0') };
		return { limit: values.limit, offset: values.offset };
	};

	const validateRows = (
		body: Record<string, unknown>,
		table: ExtructTable,
		patch: boolean,
	): { error: SandboxResponse } | { rows: Array<{ id?: string; data: Record<string, unknown>; metadata?: Record<string, unknown> | null }>; run: boolean } => {
		const errors: FastApiError[] = [];
		let run = false;
		if (body.run !== undefined) {
			const parsed = parseBool(body.run);
			if (parsed === undefined) errors.push(errBool(['body', 'run'], body.run));
			else run = parsed;
		}
		if (body.rows === undefined) return { error: unprocessable([errMissing(['body', 'rows'], body), ...errors]) };
		if (!Array.isArray(body.rows)) return { error: unprocessable([errList(['body', 'rows'], body.rows), ...errors]) };
		const keys = new Set(table.columns.map((c) => c.config.key));
		const index = rowIndex(table);
		const rows = body.rows.map((item, i) => {
			const loc: Loc = ['body', 'rows', i];
			if (!isObject(item)) {
				errors.push(errModel(loc, item));
				return undefined;
			}
			if (patch && item.id !== undefined && item.id !== null) {
				if (typeof item.id !== 'string') errors.push(errString([...loc, 'id'], item.id));
				else if (!index.has(item.id)) errors.push(errValue([...loc, 'id'], 'Row not found', item.id));
			}
			if (item.data === undefined) errors.push(errMissing([...loc, 'data'], item));
			else if (!isObject(item.data)) errors.push(errDict([...loc, 'data'], item.data));
			else {
				for (const [key, value] of Object.entries(item.data)) {
					// docs silent: a key that is no column of the table; refused, pinpointing the row and key.
					if (!keys.has(key)) errors.push(errValue([...loc, 'data', key], `Unknown column key '${key}'`, value));
					else if (typeof value === 'string' && value.length > maxStringLength) {
						errors.push({
							type: 'string_too_long',
							loc: [...loc, 'data', key],
							msg: `String should have at most ${maxStringLength} characters`,
							input: value,
							ctx: { max_length: maxStringLength },
						});
					}
				}
			}
			if (item.metadata !== undefined && item.metadata !== null && !isObject(item.metadata)) errors.push(errDict([...loc, 'metadata'], item.metadata));
			return {
				id: typeof item.id === 'string' ? item.id : undefined,
				data: (item.data ?? {}) as Record<string, unknown>,
				metadata: item.metadata as Record<string, unknown> | null | undefined,
			};
		});
		if (errors.length) return { error: unprocessable(errors) };
		return { rows: rows as Array<{ id?: string; data: Record<string, unknown>; metadata?: Record<string, unknown> | null }>, run };
	};

	// ----- endpoints -----

	add('GET', '/v1/user', () => json(200, { ...user }));

	add('GET', '/v1/tables', (req) => {
		const page = paging(req);
		if ('error' in page) return page.error;
		const errors: FastApiError[] = [];
		const kind = req.query.kind;
		if (kind !== undefined && kind !== '' && !(EXTRUCT_TABLE_KINDS as readonly string[]).includes(kind)) {
			errors.push(errEnum(['query', 'kind'], kind, EXTRUCT_TABLE_KINDS));
		}
		const scope = req.query.scope;
		if (scope !== undefined && scope !== '' && !['personal', 'organization'].includes(scope)) errors.push(errEnum(['query', 'scope'], scope, ['personal', 'organization']));
		// '+' in a query string decodes to a space; accept `+name` and ` name` as `name`.
		const sortRaw = req.query.sort === undefined ? '-created_at' : req.query.sort.trim().replace(/^\+/, '');
		if (!(EXTRUCT_SORTS as readonly string[]).includes(sortRaw)) errors.push(errEnum(['query', 'sort'], req.query.sort, EXTRUCT_SORTS));
		if (errors.length) return unprocessable(errors);
		const search = (req.query.search ?? '').toLowerCase();
		// docs: `tags` is repeated, and a table with any of them matches. A value is one tag as it is
		// (`tags=a,b` is the tag "a,b"); `tags[0]=a` is not this parameter at all.
		const tags = req.queryAll.getAll('tags').filter(Boolean);
		// docs: `personal` is the caller's own tables; `organization` every table the caller sees in
		// the organization, the caller's own included. docs silent: no scope is the same as `organization`.
		const all = [...tables.values()].filter(visible).map((t, position) => ({ t, position }));
		const filtered = all.filter(
			({ t }) =>
				(!kind || t.kind === kind) &&
				(scope !== 'personal' || t.owner.id === user.id) &&
				(!search || t.name.toLowerCase().includes(search)) &&
				(!tags.length || tags.some((tag) => t.tags.includes(tag))),
		);
		const descending = sortRaw.startsWith('-');
		const field = sortRaw.replace(/^-/, '');
		filtered.sort((a, b) => {
			let c = 0;
			if (field === 'name') c = a.t.name.toLowerCase() < b.t.name.toLowerCase() ? -1 : a.t.name.toLowerCase() > b.t.name.toLowerCase() ? 1 : 0;
			else if (field === 'num_rows') c = a.t.rows.length - b.t.rows.length;
			else c = a.t.created_at < b.t.created_at ? -1 : a.t.created_at > b.t.created_at ? 1 : 0;
			if (c === 0) c = a.position - b.position;
			return descending ? -c : c;
		});
		const total = filtered.length;
		const body = filtered.slice(page.offset, page.offset + page.limit).map(({ t }) => ({ ...tableOut(t), num_rows: t.rows.length }));
		return json(200, body, {
			'x-extruct-pagination-total': String(total),
			'x-extruct-pagination-total-pages': String(Math.ceil(total / page.limit)),
			'x-extruct-pagination-limit': String(page.limit),
			'x-extruct-pagination-offset': String(page.offset),
			'x-extruct-pagination-page': String(Math.floor(page.offset / page.limit) + 1),
		});
	});

	add('POST', '/v1/tables', (req) => {
		// docs silent: an absent body; every field has a default, so it creates an Untitled Table.
		const read = readBody(req, false);
		if ('error' in read) return read.error;
		const body = read.body;
		const errors: FastApiError[] = [];
		if (body.name !== undefined && typeof body.name !== 'string') errors.push(errString(['body', 'name'], body.name));
		if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') errors.push(errString(['body', 'description'], body.description));
		if (body.tags !== undefined && body.tags !== null) {
			if (!Array.isArray(body.tags)) errors.push(errList(['body', 'tags'], body.tags));
			else body.tags.forEach((t, i) => typeof t !== 'string' && errors.push(errString(['body', 'tags', i], t)));
		}
		const kind = body.kind === undefined ? 'company' : body.kind;
		if (!(EXTRUCT_TABLE_KINDS as readonly unknown[]).includes(kind)) errors.push(errEnum(['body', 'kind'], kind, EXTRUCT_TABLE_KINDS));
		let configs: unknown[] = [];
		if (body.column_configs !== undefined && body.column_configs !== null) {
			if (!Array.isArray(body.column_configs)) errors.push(errList(['body', 'column_configs'], body.column_configs));
			else {
				configs = body.column_configs;
				const autoKeys = EXTRUCT_AUTO_COLUMNS[(EXTRUCT_TABLE_KINDS as readonly unknown[]).includes(kind) ? (kind as ExtructTable['kind']) : 'generic'].map((c) => c.key);
				errors.push(...validateColumnConfigs(configs, ['body', 'column_configs'], [], autoKeys));
			}
		}
		if (errors.length) return unprocessable(errors);
		const table = buildTable(
			{
				name: (body.name as string | undefined) ?? 'Untitled Table',
				description: (body.description as string | null | undefined) ?? null,
				tags: (body.tags as string[] | null | undefined) ?? [],
				kind: kind as ExtructTable['kind'],
				configs: configs as Array<Record<string, unknown>>,
			},
			Date.now(),
		);
		return json(200, tableOut(table));
	});

	add('GET', '/v1/tables/:id', withTable((_req, table) => json(200, { ...tableOut(table), status: statusOf(table) })));

	add(
		'PATCH',
		'/v1/tables/:id',
		withTable((req, table) => {
			const read = readBody(req, false);
			if ('error' in read) return read.error;
			const body = read.body;
			const errors: FastApiError[] = [];
			if (body.name !== undefined && typeof body.name !== 'string') errors.push(errString(['body', 'name'], body.name));
			if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') errors.push(errString(['body', 'description'], body.description));
			if (body.tags !== undefined && body.tags !== null) {
				if (!Array.isArray(body.tags)) errors.push(errList(['body', 'tags'], body.tags));
				else body.tags.forEach((t, i) => typeof t !== 'string' && errors.push(errString(['body', 'tags', i], t)));
			}
			const ids = new Set(table.columns.map((c) => c.id));
			if (body.columns_order !== undefined && body.columns_order !== null) {
				if (!Array.isArray(body.columns_order)) errors.push(errList(['body', 'columns_order'], body.columns_order));
				else
					body.columns_order.forEach((id, i) => {
						if (typeof id !== 'string') errors.push(errString(['body', 'columns_order', i], id));
						else if (!ids.has(id)) errors.push(errValue(['body', 'columns_order', i], 'Column not found', id));
					});
			}
			if (errors.length) return unprocessable(errors);
			if (typeof body.name === 'string') table.name = body.name;
			if (body.description !== undefined) table.description = body.description as string | null;
			if (body.tags !== undefined) table.tags = (body.tags as string[] | null) ?? [];
			if (Array.isArray(body.columns_order)) {
				// docs silent: a partial order; the named columns come first in that order, the rest keep theirs.
				const order = [...new Set(body.columns_order as string[])];
				const byId = new Map(table.columns.map((c) => [c.id, c]));
				const named = new Set(order);
				table.columns = [...order.map((id) => byId.get(id)!), ...table.columns.filter((c) => !named.has(c.id))];
			}
			return json(200, tableOut(table));
		}),
	);

	// docs silent: the answer of a delete; `{id, deleted: true}`.
	add(
		'DELETE',
		'/v1/tables/:id',
		withTable((_req, table) => {
			tables.delete(table.id);
			rowIndexes.delete(table.id);
			pools.delete(table.id);
			return json(200, { id: table.id, deleted: true });
		}),
	);

	add(
		'POST',
		'/v1/tables/:id/clone',
		withTable((req, table) => {
			let schemaOnly = true;
			if (req.query.schema_only !== undefined) {
				const parsed = parseBool(req.query.schema_only);
				if (parsed === undefined) return unprocessable([errBool(['query', 'schema_only'], req.query.schema_only)]);
				schemaOnly = parsed;
			}
			const now = Date.now();
			// docs silent: the clone's name; "<name> (copy)".
			const copy = buildTable(
				{ name: `${table.name} (copy)`, description: table.description, tags: [...table.tags], kind: table.kind, configs: [] },
				now,
			);
			copy.columns = table.columns.map((c) => newColumn(c.config, now));
			if (!schemaOnly) {
				for (const source of table.rows) {
					const row: ExtructRow = {
						id: uuid(),
						created_at: iso(now),
						parent_row_id: null,
						company_profile_id: source.company_profile_id,
						data: {},
						metadata: source.metadata === null ? null : structuredClone(source.metadata),
					};
					for (const column of table.columns) {
						const key = column.config.key;
						const state = cellState(source, key);
						// docs silent: cells still queued or running in the source start over (`created`) in the copy.
						if (!state || state.status === 'requested' || state.status === 'in_progress') row.data[key] = emptyCell(column, now);
						else row.data[key] = makeCell(structuredClone(state.value), state.status, state.updatedAt);
					}
					copy.rows.push(row);
				}
			}
			return json(200, tableOut(copy));
		}),
	);

	add(
		'POST',
		'/v1/tables/:id/columns',
		withTable((req, table) => {
			const read = readBody(req, true);
			if ('error' in read) return read.error;
			const body = read.body;
			const errors: FastApiError[] = [];
			let configs: unknown[] = [];
			if (body.column_configs === undefined) errors.push(errMissing(['body', 'column_configs'], body));
			else if (!Array.isArray(body.column_configs)) errors.push(errList(['body', 'column_configs'], body.column_configs));
			else {
				configs = body.column_configs;
				errors.push(...validateColumnConfigs(configs, ['body', 'column_configs'], table.columns.map((c) => c.config.key)));
			}
			const insertAfter = body.insert_after;
			if (insertAfter !== undefined && insertAfter !== null && typeof insertAfter !== 'boolean') {
				if (typeof insertAfter !== 'string') errors.push(errString(['body', 'insert_after'], insertAfter));
				else if (!table.columns.some((c) => c.id === insertAfter)) errors.push(errValue(['body', 'insert_after'], 'Column not found', insertAfter));
			}
			if (errors.length) return unprocessable(errors);
			const now = Date.now();
			const created = (configs as Array<Record<string, unknown>>).map((c) => newColumn(c, now));
			let at = table.columns.length;
			if (insertAfter === false) at = 0;
			else if (typeof insertAfter === 'string') at = table.columns.findIndex((c) => c.id === insertAfter) + 1;
			table.columns.splice(at, 0, ...created);
			for (const row of table.rows) for (const column of created) row.data[column.config.key] = emptyCell(column, now);
			return json(200, created);
		}),
	);

	add(
		'PATCH',
		'/v1/tables/:id/columns/:cid',
		withTable((req, table) => {
			const column = table.columns.find((c) => c.id === req.params.cid);
			if (!column) return detail(404, 'Column not found');
			const read = readBody(req, true);
			if ('error' in read) return read.error;
			const others = table.columns.filter((c) => c !== column).map((c) => c.config.key);
			const errors = validateColumnConfig(read.body, ['body'], new Set(others), new Set([...others, String(read.body.key)]));
			if (errors.length) return unprocessable(errors);
			const now = Date.now();
			const config = structuredClone(read.body) as ExtructColumn['config'];
			const oldKey = column.config.key;
			const kindChanged = config.kind !== column.config.kind;
			column.config = config;
			for (const row of table.rows) {
				if (config.key !== oldKey) {
					const cell = row.data[oldKey];
					delete row.data[oldKey];
					if (cell) row.data[config.key] = cell;
				}
				// docs silent: a column whose kind changes starts over; a changed prompt keeps the old values
				// until the column is run again.
				if (kindChanged || !row.data[config.key]) row.data[config.key] = emptyCell(column, now);
			}
			return json(200, column);
		}),
	);

	add(
		'DELETE',
		'/v1/tables/:id/columns/:cid',
		withTable((req, table) => {
			const column = table.columns.find((c) => c.id === req.params.cid);
			if (!column) return detail(404, 'Column not found');
			table.columns = table.columns.filter((c) => c !== column);
			for (const row of table.rows) delete row.data[column.config.key];
			return json(200, { id: column.id, deleted: true });
		}),
	);

	add(
		'GET',
		'/v1/tables/:id/data',
		withTable((req, table) => {
			const page = paging(req);
			if ('error' in page) return page.error;
			return json(200, {
				id: table.id,
				name: table.name,
				kind: table.kind,
				columns: table.columns,
				status: statusOf(table),
				rows: table.rows.slice(page.offset, page.offset + page.limit).map(rowOut),
			});
		}),
	);

	add(
		'GET',
		'/v1/tables/:id/rows/:rowId',
		withTable((req, table) => {
			const row = rowIndex(table).get(req.params.rowId);
			if (!row) return detail(404, 'Row not found');
			return json(200, {
				id: row.id,
				created_at: row.created_at,
				status: rowStatus(table, row),
				columns: table.columns.map((c) => c.config.key),
				parent_row_id: row.parent_row_id,
				company_profile_id: row.company_profile_id,
				data: row.data,
				metadata: row.metadata,
				parent_data: null,
			});
		}),
	);

	add(
		'POST',
		'/v1/tables/:id/rows',
		withTable((req, table) => {
			const read = readBody(req, true);
			if ('error' in read) return read.error;
			const valid = validateRows(read.body, table, false);
			if ('error' in valid) return valid.error;
			// docs silent: a billing refusal of rows added with `run` stores nothing.
			const refused = valid.run ? billingRefusal() : undefined;
			if (refused) return refused;
			const now = Date.now();
			// docs silent: metadata when absent; `{}` as in the seed's example answer.
			const created = valid.rows.map((r) => newRow(table, r.data, r.metadata === undefined ? {} : r.metadata, now));
			table.rows.push(...created);
			const index = rowIndex(table);
			for (const row of created) index.set(row.id, row);
			if (valid.run && created.length) startRun(table, 'new', created, table.columns, now);
			for (const row of created) recordEvent('added', table.id, row.id, now);
			return json(200, created.map(rowOut));
		}),
	);

	add(
		'PATCH',
		'/v1/tables/:id/rows',
		withTable((req, table) => {
			const read = readBody(req, true);
			if ('error' in read) return read.error;
			const valid = validateRows(read.body, table, true);
			if ('error' in valid) return valid.error;
			const refused = valid.run ? billingRefusal() : undefined;
			if (refused) return refused;
			const now = Date.now();
			const index = rowIndex(table);
			const touched: ExtructRow[] = [];
			for (const item of valid.rows) {
				if (item.id === undefined) {
					const row = newRow(table, item.data, item.metadata === undefined ? {} : item.metadata, now);
					table.rows.push(row);
					index.set(row.id, row);
					touched.push(row);
					recordEvent('added', table.id, row.id, now);
					continue;
				}
				const row = index.get(item.id)!;
				for (const [key, value] of Object.entries(item.data)) writeCell(table, row, key, value, now);
				// docs silent: metadata given on update replaces the row's metadata.
				if (item.metadata !== undefined) row.metadata = item.metadata;
				touched.push(row);
				recordEvent('updated', table.id, row.id, now);
			}
			if (valid.run && touched.length) startRun(table, 'new', [...new Set(touched)], table.columns, now);
			return json(200, touched.map(rowOut));
		}),
	);

	add(
		'DELETE',
		'/v1/tables/:id/rows',
		withTable((req, table) => {
			const read = readBody(req, true);
			if ('error' in read) return read.error;
			const ids = read.body.rows;
			if (ids === undefined) return unprocessable([errMissing(['body', 'rows'], read.body)]);
			if (!Array.isArray(ids)) return unprocessable([errList(['body', 'rows'], ids)]);
			const errors = ids.flatMap((id, i) => (typeof id === 'string' ? [] : [errString(['body', 'rows', i], id)]));
			if (errors.length) return unprocessable(errors);
			const index = rowIndex(table);
			// docs silent: unknown ids are skipped (not an error); the answer lists what was deleted.
			const deleted = [...new Set(ids as string[])].filter((id) => index.has(id));
			const gone = new Set(deleted);
			table.rows = table.rows.filter((r) => !gone.has(r.id));
			for (const id of deleted) index.delete(id);
			for (const id of deleted) recordEvent('deleted', table.id, id, Date.now());
			return json(200, deleted);
		}),
	);

	add(
		'POST',
		'/v1/tables/:id/run',
		withTable((req, table) => {
			const read = readBody(req, false);
			if ('error' in read) return read.error;
			const body = read.body;
			const errors: FastApiError[] = [];
			const mode = body.mode === undefined || body.mode === null ? 'new' : body.mode;
			if (!(EXTRUCT_RUN_MODES as readonly unknown[]).includes(mode)) errors.push(errEnum(['body', 'mode'], mode, EXTRUCT_RUN_MODES));
			const index = rowIndex(table);
			const columnsById = new Map(table.columns.map((c) => [c.id, c]));
			const ids = (field: 'rows' | 'columns', has: (id: string) => boolean, notFound: string): string[] | undefined => {
				const list = body[field];
				if (list === undefined || list === null) return undefined;
				if (!Array.isArray(list)) {
					errors.push(errList(['body', field], list));
					return undefined;
				}
				list.forEach((id, i) => {
					if (typeof id !== 'string') errors.push(errString(['body', field, i], id));
					else if (!has(id)) errors.push(errValue(['body', field, i], notFound, id));
				});
				return [...new Set(list as string[])];
			};
			const rowIds = ids('rows', (id) => index.has(id), 'Row not found');
			const columnIds = ids('columns', (id) => columnsById.has(id), 'Column not found');
			if (errors.length) return unprocessable(errors);
			const refused = billingRefusal();
			if (refused) return refused;
			const wantedRows = rowIds && new Set(rowIds);
			const wantedColumns = columnIds && new Set(columnIds);
			// Cells queue in table order (rows, then columns), whatever order the request names them in.
			const targetRows = wantedRows ? table.rows.filter((r) => wantedRows.has(r.id)) : table.rows;
			// docs silent: input columns named in `columns` are skipped (there is nothing to run).
			const targetColumns = wantedColumns ? table.columns.filter((c) => wantedColumns.has(c.id)) : table.columns;
			const run = startRun(table, mode as (typeof EXTRUCT_RUN_MODES)[number], targetRows, targetColumns);
			// docs silent: `rows` / `columns` echo the request (null when not given), not the resolved lists.
			return json(200, {
				id: run.id,
				status: 'created',
				rows: rowIds ?? null,
				columns: columnIds ?? null,
				num_requested_cells: run.num_requested_cells,
				mode: run.mode,
			});
		}),
	);

	// ----- direct access -----

	const seedTable: ExtructSandbox['seedTable'] = (input) => {
		const kind = input.kind ?? 'company';
		const configs = (input.columns ?? []).map((c, i) => {
			const key = c.key ?? (c.name ? slug(c.name).replace(/-/g, '_') : `column_${i + 1}`);
			return { ...c, kind: c.kind ?? 'input', key, name: c.name ?? key } as Record<string, unknown>;
		});
		const errors = validateColumnConfigs(configs, ['columns'], [], EXTRUCT_AUTO_COLUMNS[kind].map((c) => c.key));
		if (errors.length) throw new Error(`seedTable: invalid columns: ${JSON.stringify(errors.map((e) => ({ loc: e.loc, msg: e.msg })))}`);
		changes++;
		const now = Date.now();
		const table = buildTable({ name: input.name ?? 'Untitled Table', description: null, tags: input.tags ?? [], kind, configs }, now);
		if (input.scope) table.scope = input.scope;
		if (input.owner) table.owner = { ...input.owner };
		const keys = new Set(table.columns.map((c) => c.config.key));
		for (const [i, data] of (input.rows ?? []).entries()) {
			const unknown = Object.keys(data).filter((k) => !keys.has(k));
			if (unknown.length) throw new Error(`seedTable: row ${i}: unknown column key(s) ${unknown.join(', ')}`);
			table.rows.push(newRow(table, data, {}, now));
		}
		return table;
	};

	const tableStatus = (tableId: string): ExtructTableStatus => {
		const table = tables.get(tableId);
		if (!table) throw new Error(`tableStatus: no table ${tableId}`);
		return statusOf(table, false);
	};

	const cellStatus = (cell: ExtructCell): CellStatus => {
		const state = stateOf(cell);
		if (!state) return cell.status;
		settle(state);
		return state.status;
	};

	// ----- row history and direct row changes (tests and benchmarks) -----

	const directTable = (tableId: string, what: string): ExtructTable => {
		const table = tables.get(tableId);
		if (!table) throw new Error(`${what}: no table ${tableId}`);
		return table;
	};

	const addRows: ExtructSandbox['addRows'] = (tableId, rows, options = {}) => {
		const table = directTable(tableId, 'addRows');
		changes++;
		const now = Date.now();
		const created = rows.map((data) => newRow(table, data, {}, now));
		table.rows.push(...created);
		const index = rowIndex(table);
		for (const row of created) index.set(row.id, row);
		if (options.run && created.length) startRun(table, 'new', created, table.columns, now);
		for (const row of created) recordEvent('added', table.id, row.id, now);
		return created;
	};

	const updateRows: ExtructSandbox['updateRows'] = (tableId, updates) => {
		const table = directTable(tableId, 'updateRows');
		changes++;
		const now = Date.now();
		const index = rowIndex(table);
		const touched: ExtructRow[] = [];
		for (const { id, data } of updates) {
			const row = index.get(id);
			if (!row) continue;
			for (const [key, value] of Object.entries(data)) writeCell(table, row, key, value, now);
			touched.push(row);
			recordEvent('updated', table.id, row.id, now);
		}
		return touched;
	};

	const deleteRows: ExtructSandbox['deleteRows'] = (tableId, rowIds) => {
		const table = directTable(tableId, 'deleteRows');
		changes++;
		const index = rowIndex(table);
		const deleted = [...new Set(rowIds)].filter((id) => index.has(id));
		const gone = new Set(deleted);
		table.rows = table.rows.filter((r) => !gone.has(r.id));
		for (const id of deleted) index.delete(id);
		for (const id of deleted) recordEvent('deleted', table.id, id, Date.now());
		return deleted;
	};

	const runRows: ExtructSandbox['runRows'] = (tableId, options = {}) => {
		const table = directTable(tableId, 'runRows');
		changes++;
		const wantedRows = options.rowIds && new Set(options.rowIds);
		const wantedColumns = options.columnKeys && new Set(options.columnKeys);
		return startRun(
			table,
			options.mode ?? 'new',
			wantedRows ? table.rows.filter((r) => wantedRows.has(r.id)) : table.rows,
			wantedColumns ? table.columns.filter((c) => wantedColumns.has(c.config.key)) : table.columns,
		);
	};

	const seedRows: ExtructSandbox['seedRows'] = (tableId, count, data, when = Date.now()) => {
		const table = directTable(tableId, 'seedRows');
		changes++;
		const at = iso(when);
		const index = rowIndex(table);
		for (let i = 0; i < count; i++) {
			const values = data(i);
			const cells: Record<string, ExtructCell> = {};
			for (const column of table.columns) {
				const key = column.config.key;
				if (key in values) cells[key] = { value: values[key], status: 'done', updated_at: at };
				else cells[key] = isInputColumn(column) ? { value: null, status: 'done', updated_at: at } : { value: null, status: 'created', updated_at: null };
			}
			const row: ExtructRow = { id: uuid(), created_at: at, parent_row_id: null, company_profile_id: null, data: cells, metadata: {} };
			table.rows.push(row);
			index.set(row.id, row);
		}
	};

	await server.start();
	const sandbox: ExtructSandbox = {
		billing: undefined,
		history,
		addRows,
		updateRows,
		deleteRows,
		runRows,
		seedRows,
		server,
		url: server.url,
		token,
		tables,
		runs,
		user,
		seedTable,
		tableStatus,
		cellStatus,
		close: () => server.close(),
	};
	return sandbox;
}
