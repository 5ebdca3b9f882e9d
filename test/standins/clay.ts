/**
 * An independent stand-in for Clay's v3 web API (https://api.clay.com/v3), written from public
 * sources only, so that the package is checked against readings of Clay that are not its own. It
 * shares no code with sandbox/ or nodes/ and was written without reading sandbox/clay/.
 *
 * Sources (each route below follows the first one named; "seed" = /work/shared/seeds/004, Clay's
 * "Tables" page from claydocs.claygenius.io):
 * - Z: zapier/connectors apps/clay — connections.ts, scripts/*.ts, tests/*.test.ts,
 *   references/clay-api-gotchas.md, live-smoke-test.md (live run 2026-07-20, with an API key).
 * - D: dinolukovac-create/DinoClayAPI-Playbook — clay.py and README.md (an API-key client
 *   "verified against a live workspace": auth, error dictionary, silent failures, runs).
 * - C: TenSpy-ai/claycast — references/clay-api-reference.md (a session-cookie client, "validated in
 *   production March–April 2026", later notes to 2026-09).
 * - R: a public "Clay v3 API Reference, validated live 2026-08-04" (a skill's references file found
 *   by searching code for `tableTotalRecordsCount`; the index does not name its repository).
 *
 * | route                                        | follows | answer                                              |
 * |----------------------------------------------|---------|-----------------------------------------------------|
 * | auth: raw `authorization: <key>`             | Z, D    | none/other 401 `{type: Unauthorized}` (R); `Bearer` 403 (D) |
 * | GET /v3/ (who am I)                           | Z       | `{status, auth: {email, actor: {userId}}}`           |
 * | GET /v3/my-workspaces                         | D       | `{results: [{id, name}]}`                            |
 * | GET /v3/users/{userId}/workspaces             | Z       | `{results: [{id, name}]}`                            |
 * | GET /v3/workspaces/{ws}/tables                | Z, D    | `{results: [{id, name, type, workbookId}]}`          |
 * | GET /v3/tables/{t}                            | Z, R    | `{table: {…, firstViewId, fields, views}, extraData}` |
 * | GET /v3/tables/{t}/count                      | R, D, C | `{tableTotalRecordsCount}` (not the seed's `{count}`) |
 * | GET /v3/tables/{t}/views/{v}/records/ids      | R, C, D | `{results: [ids]}` (not the seed's `{recordIds}`); `limit` honoured (D) |
 * | GET /v3/tables/{t}/views/{v}/records          | Z, D    | `{results}`, default 100 a page, `offset` ignored (D #10) |
 * | GET /v3/tables/{t}/records/{r}                | C, D    | the record, action cells with `externalContent` (C)  |
 * | POST /v3/tables/{t}/bulk-fetch-records        | R, C    | `{results}`; empty ids 400 (C); `externalContent` only for `includeExternalContentFieldIds` (R) |
 * | POST /v3/tables/{t}/records                   | Z, D, C | `{records: [{id, cells, …}]}`; a sent id is kept (seed, C) |
 * | POST /v3/tables/{t}/find                      | Z       | AND filter of FIELD operands → `{results}`           |
 * | PATCH /v3/tables/{t}/run                      | C, D, seed | `{recordCount, runMode: INDIVIDUAL \| NONE}`; no runRecords 400 (C) |
 * | anything else                                 | R, D    | 404 `{type: "NoMatchingURL", message: "Invalid URL"}` |
 * | a known route with a wrong id                 | R, D    | 404 `{type: "NotFound"}`                             |
 *
 * Not served (not in the flows this stand-in checks, so a call to them shows as a 404): record
 * updates and deletes, sources, `/fieldrun`. A create's `{value: …}`-wrapped cell is refused with
 * `INVALID_VALUE` as api-notes (client) says.
 *
 * Where the sources disagree or are silent (each marked "choice" where it is made below):
 * - C says a create with populated cells drops the values; Z's live smoke test and D ("returns them
 *   with computed cells") store them. The stand-in stores them.
 * - C says bulk-fetch-records carries no `externalContent`; R (later, validated 2026-08-04/05) says it
 *   does for the fields named in `includeExternalContentFieldIds`. The stand-in follows R.
 * - A cell's in-flight status: C saw `QUEUED` (and `PENDING`); no source names the state while a
 *   provider works. R's filter operators `QUEUED` / `IS_RUNNING` suggest `RUNNING`: the stand-in goes
 *   QUEUED → RUNNING → SUCCESS. Finished statuses: `SUCCESS` and `ERROR_BLANK_TOKEN` for an empty input (R, D).
 * - A forced run: D says `forceRun` clears the cell before running it; nothing says how soon. The
 *   stand-in keeps showing the old finished cell for `forceStaleMs` after the run call, then clears
 *   it to `QUEUED` (with `trigger: "FORCE-RUN"`, as C saw), then runs it.
 * - Without `forceRun`, cells that already succeeded or are in flight are left alone (choice: no
 *   source says; only cells without a result, or with an error, run); the answer is still `INDIVIDUAL` (C: the ACK says nothing
 *   about what ran). `NONE` only when no record of the request exists (D #2).
 * - `viewIdTopRecords`: the seed and C (run_column top_n) run the view's first N records; D says every
 *   shape but `recordIds` answered `NONE` for it. The stand-in follows the seed and C.
 * - A repeated id in a create: no source settles it. Choice: it writes over that record, as D says
 *   `POST /tables/{t}/records/{id}` does (an upsert).
 * - Tables made in the product get one blank row (C); the stand-in's tables are seeded empty.
 * - Record order in a view: oldest first (R notes views may sort otherwise).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface StandinOptions {
	apiKey?: string;
	/** How long a forced re-run of a finished cell still shows its old result, ms. */
	forceStaleMs?: number;
	/** How long a cell stays QUEUED, then RUNNING, ms. */
	queuedMs?: number;
	runningMs?: number;
}

export interface Field {
	id: string;
	tableId: string;
	name: string;
	type: string;
	typeSettings: Record<string, unknown>;
}

export interface Cell {
	value?: unknown;
	metadata?: Record<string, unknown>;
	externalContent?: { fullValue: unknown };
}

export interface StoredRecord {
	id: string;
	tableId: string;
	cells: Record<string, Cell>;
	createdAt: string;
	updatedAt: string;
}

/** One cell's run: when it leaves the old result, starts and ends (ms since epoch). */
interface CellRun {
	run: number;
	force: boolean;
	clearsAt: number;
	startsAt: number;
	endsAt: number;
	old?: Cell;
}

export interface StandinTable {
	id: string;
	name: string;
	workbookId: string;
	fields: Field[];
	views: Array<{ id: string; name: string }>;
	records: Map<string, StoredRecord>;
	runs: Map<string, CellRun>;
	/** How many times each cell (record \0 field) was started. */
	runCount: Map<string, number>;
	fieldId(name: string): string;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
	status: number;
	at: number;
	/** bulk-fetch / single reads: cells served with a finished result a forced run is about to replace. */
	staleServed?: number;
}

export interface FinishedCell {
	tableId: string;
	recordId: string;
	fieldId: string;
	run: number;
	status: string;
	at: number;
}

export interface ClayStandin {
	url: string;
	apiKey: string;
	workspaceId: number;
	userId: number;
	log: LoggedRequest[];
	finished: FinishedCell[];
	seedTable(spec: { name: string; fields: Array<{ name: string; type?: string; input?: string }> }): StandinTable;
	table(id: string): StandinTable;
	/** A record as a read would show it now (every action cell with its `externalContent`). */
	read(tableId: string, recordId: string): StoredRecord | undefined;
	requests(method: string, path: string | RegExp): LoggedRequest[];
	close(): Promise<void>;
}

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: Record<string, unknown>,
	) {
		super(String(body.message));
	}
}

const id = (prefix: string) => `${prefix}_${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x')}`;
const isFinished = (cell?: Cell) => /^(SUCCESS|ERROR_)/.test(String(cell?.metadata?.status ?? ''));
const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
const notFound = (what: string) => new HttpError(404, { type: 'NotFound', message: `${what} not found` });
const badRequest = (message: string) => new HttpError(400, { type: 'BadRequest', message });

export async function startClayStandin(options: StandinOptions = {}): Promise<ClayStandin> {
	const apiKey = options.apiKey ?? `clay_user_${randomBytes(12).toString('hex')}`;
	const timing = { forceStaleMs: options.forceStaleMs ?? 2500, queuedMs: options.queuedMs ?? 500, runningMs: options.runningMs ?? 1500 };
	const workspaceId = 424242;
	const userId = 7070;
	const tables = new Map<string, StandinTable>();
	const log: LoggedRequest[] = [];
	const finished: FinishedCell[] = [];

	const tableOf = (tableId: string) => {
		const table = tables.get(tableId);
		if (!table) throw notFound(`Table ${tableId}`);
		return table;
	};

	/** The cell an action field computes: from the field its `input` binding names (`{{f_…}}`). */
	function result(table: StandinTable, record: StoredRecord, field: Field, run: number): Cell {
		const binding = (field.typeSettings.inputsBinding as Array<{ formulaText?: string }> | undefined)?.[0]?.formulaText ?? '';
		const inputId = /\{\{(f_[A-Za-z0-9]+)\}\}/.exec(binding)?.[1];
		const input = inputId ? record.cells[inputId]?.value : undefined;
		// R, D: an empty input reference ends as ERROR_BLANK_TOKEN
		if (isBlank(input)) return { metadata: { status: 'ERROR_BLANK_TOKEN', runId: `run_${run}` } };
		const answer = `${field.name} #${run} for ${String(input)}`;
		return { value: answer, metadata: { status: 'SUCCESS', runId: `run_${run}` }, externalContent: { fullValue: { answer, run, input } } };
	}

	/** Brings a table up to now: runs that ended store their result. */
	function settle(table: StandinTable, now = Date.now()) {
		for (const [key, run] of table.runs) {
			if (run.endsAt > now) continue;
			const [recordId, fieldId] = key.split('\u0000');
			const record = table.records.get(recordId);
			const field = table.fields.find((f) => f.id === fieldId);
			table.runs.delete(key);
			if (!record || !field) continue;
			record.cells[fieldId] = result(table, record, field, run.run);
			record.updatedAt = new Date(run.endsAt).toISOString();
			finished.push({ tableId: table.id, recordId, fieldId, run: run.run, status: String(record.cells[fieldId].metadata?.status), at: run.endsAt });
		}
	}

	/** A record as served: cells in flight shown by their state now; `external`: the action fields whose `externalContent` comes along. */
	function present(table: StandinTable, record: StoredRecord, external: Set<string> | 'all', served: { stale: number }): StoredRecord {
		const now = Date.now();
		const cells: Record<string, Cell> = {};
		for (const [fieldId, cell] of Object.entries(record.cells)) cells[fieldId] = cell;
		for (const [key, run] of table.runs) {
			const [recordId, fieldId] = key.split('\u0000');
			if (recordId !== record.id) continue;
			const trigger = run.force ? { trigger: 'FORCE-RUN' } : {};
			if (now < run.clearsAt && run.old) {
				cells[fieldId] = run.old;
				served.stale++;
			} else if (now < run.startsAt) cells[fieldId] = { metadata: { status: 'QUEUED', ...trigger } };
			else cells[fieldId] = { metadata: { status: 'RUNNING', ...trigger } };
		}
		for (const field of table.fields) {
			const cell = cells[field.id];
			if (field.type !== 'action' || !cell?.externalContent || external === 'all' || external.has(field.id)) continue;
			cells[field.id] = { value: cell.value, metadata: cell.metadata };
		}
		return { id: record.id, tableId: table.id, cells: JSON.parse(JSON.stringify(cells)), createdAt: record.createdAt, updatedAt: record.updatedAt };
	}

	function seedTable(spec: { name: string; fields: Array<{ name: string; type?: string; input?: string }> }): StandinTable {
		const tableId = id('t');
		const fields: Field[] = spec.fields.map((f) => ({ id: id('f'), tableId, name: f.name, type: f.type ?? 'text', typeSettings: {} }));
		spec.fields.forEach((f, k) => {
			if (fields[k].type === 'text' || fields[k].type === 'email') fields[k].typeSettings = { dataTypeSettings: { type: fields[k].type } };
			if (fields[k].type !== 'action') return;
			const input = fields.find((other) => other.name === f.input);
			// R: an action field's inputs are `inputsBinding: [{name, formulaText}]` with `{{f_…}}` references
			fields[k].typeSettings = {
				actionKey: 'standin-enrich',
				actionVersion: 1,
				inputsBinding: input ? [{ name: 'input', formulaText: `{{${input.id}}}` }] : [],
				dataTypeSettings: { type: 'json' },
			};
		});
		const table: StandinTable = {
			id: tableId,
			name: spec.name,
			workbookId: id('wb'),
			fields,
			// D: tables normally ship with an "All rows" view; C: fresh tables' first view is "Default view"
			views: [
				{ id: id('gv'), name: 'Default view' },
				{ id: id('gv'), name: 'All rows' },
			],
			records: new Map(),
			runs: new Map(),
			runCount: new Map(),
			fieldId(name: string) {
				const field = fields.find((f) => f.name === name);
				if (!field) throw new Error(`No field ${name} in ${spec.name}`);
				return field.id;
			},
		};
		tables.set(tableId, table);
		return table;
	}

	const summary = (table: StandinTable) => ({ id: table.id, name: table.name, type: 'spreadsheet', workbookId: table.workbookId, workspaceId });

	function viewOf(table: StandinTable, viewId: string) {
		if (!table.views.some((view) => view.id === viewId)) throw notFound(`View ${viewId}`);
		return [...table.records.values()];
	}

	function limitOf(query: Record<string, string>, fallback: number) {
		const limit = Number(query.limit);
		return Number.isInteger(limit) && limit > 0 ? limit : fallback;
	}

	/** Z findRecord: `{filter: {type: "AND", operands: [{fieldId, type: "FIELD", filterConfig: {type: "OPERATOR", operator, value}}]}}`. */
	function matches(record: StoredRecord, operand: { fieldId?: string; filterConfig?: { operator?: string; value?: unknown } }): boolean {
		const value = record.cells[String(operand.fieldId)]?.value;
		const wanted = operand.filterConfig?.value;
		switch (operand.filterConfig?.operator) {
			case 'EQUAL':
				return !isBlank(value) && String(value).trim() === String(wanted).trim();
			case 'SELECT_EQUAL':
				return ((value as { optionIds?: unknown[] } | undefined)?.optionIds ?? []).includes(wanted);
			case 'USER_EQUAL':
				return ((value as { userIds?: unknown[] } | undefined)?.userIds ?? []).includes(wanted);
			case 'CHECKED':
				return value === true;
			case 'NOT_CHECKED':
				return value !== true;
			case 'EMPTY':
				return isBlank(value);
			case 'NOT_EMPTY':
				return !isBlank(value);
			default:
				throw badRequest(`Unknown filter operator ${String(operand.filterConfig?.operator)}`);
		}
	}

	/** Starts the given fields on the given records; returns how many cells were started. */
	function startRuns(table: StandinTable, recordIds: string[], fieldIds: string[], force: boolean): number {
		const now = Date.now();
		let started = 0;
		for (const recordId of recordIds) {
			const record = table.records.get(recordId)!;
			for (const fieldId of fieldIds) {
				const key = `${recordId}\u0000${fieldId}`;
				const cell = record.cells[fieldId];
				const inFlight = table.runs.has(key);
				// choice: without forceRun, cells that succeeded or are on their way are left alone
				if (!force && (inFlight || String(cell?.metadata?.status ?? '').startsWith('SUCCESS'))) continue;
				const run = (table.runCount.get(key) ?? 0) + 1;
				table.runCount.set(key, run);
				// D: a forced run clears the finished cell first; choice: only after forceStaleMs, until then the old result shows
				const old = force && !inFlight && isFinished(cell) ? cell : undefined;
				const clearsAt = old ? now + timing.forceStaleMs : now;
				const startsAt = clearsAt + timing.queuedMs;
				table.runs.set(key, { run, force, clearsAt, startsAt, endsAt: startsAt + timing.runningMs, old });
				if (old) delete record.cells[fieldId];
				started++;
			}
		}
		return started;
	}

	/** PATCH /run: the seed sends the JSON URL-encoded (`{…}=`), clients send JSON; both are read. */
	function runBody(raw: string): Record<string, unknown> {
		try {
			return JSON.parse(raw);
		} catch {
			const key = new URLSearchParams(raw).keys().next().value;
			if (key === undefined) throw badRequest('Invalid body');
			return JSON.parse(key);
		}
	}

	type Handler = (match: string[], query: Record<string, string>, body: unknown, raw: string, served: { stale: number }) => unknown;
	const routes: Array<[string, RegExp, Handler]> = [
		// Z getCurrentUser: the identity lives under `auth`
		['GET', /^\/v3\/?$/, () => ({ status: 'ok', auth: { email: 'standin@example.com', actor: { userId: String(userId) } } })],
		['GET', /^\/v3\/my-workspaces$/, () => ({ results: [{ id: workspaceId, name: 'Stand-in workspace' }] })],
		['GET', /^\/v3\/users\/([^/]+)\/workspaces$/, ([user]) => {
			if (user !== String(userId)) throw notFound(`User ${user}`);
			return { results: [{ id: workspaceId, name: 'Stand-in workspace' }] };
		}],
		['GET', /^\/v3\/workspaces\/([^/]+)\/tables$/, ([ws]) => {
			if (ws !== String(workspaceId)) throw notFound(`Workspace ${ws}`);
			return { results: [...tables.values()].map(summary) };
		}],
		['GET', /^\/v3\/tables\/([^/]+)$/, ([t]) => {
			const table = tableOf(t);
			return { table: { ...summary(table), firstViewId: table.views[0].id, tableSettings: {}, fields: table.fields, views: table.views }, extraData: {} };
		}],
		['GET', /^\/v3\/tables\/([^/]+)\/count$/, ([t]) => {
			const table = tableOf(t);
			settle(table);
			return { tableTotalRecordsCount: table.records.size };
		}],
		['GET', /^\/v3\/tables\/([^/]+)\/views\/([^/]+)\/records\/ids$/, ([t, v], query) => {
			const records = viewOf(tableOf(t), v);
			return { results: records.slice(0, limitOf(query, records.length)).map((record) => record.id) };
		}],
		['GET', /^\/v3\/tables\/([^/]+)\/views\/([^/]+)\/records$/, ([t, v], query, _body, _raw, served) => {
			const table = tableOf(t);
			settle(table);
			// D #10: `offset` re-serves the first page; the default page is 100
			return { results: viewOf(table, v).slice(0, limitOf(query, 100)).map((record) => present(table, record, new Set(), served)) };
		}],
		['GET', /^\/v3\/tables\/([^/]+)\/records\/([^/]+)$/, ([t, r], _query, _body, _raw, served) => {
			const table = tableOf(t);
			settle(table);
			const record = table.records.get(r);
			if (!record) throw notFound(`Record ${r}`);
			return present(table, record, 'all', served);
		}],
		['POST', /^\/v3\/tables\/([^/]+)\/bulk-fetch-records$/, ([t], _query, body, _raw, served) => {
			const table = tableOf(t);
			const { recordIds, includeExternalContentFieldIds } = (body ?? {}) as { recordIds?: unknown; includeExternalContentFieldIds?: unknown };
			if (!Array.isArray(recordIds) || !recordIds.length) throw badRequest('Field "recordIds" - Required');
			settle(table);
			const external = new Set(Array.isArray(includeExternalContentFieldIds) ? includeExternalContentFieldIds.map(String) : []);
			// unknown ids are left out
			return { results: recordIds.flatMap((rid) => (table.records.has(String(rid)) ? [present(table, table.records.get(String(rid))!, external, served)] : [])) };
		}],
		['POST', /^\/v3\/tables\/([^/]+)\/records$/, ([t], _query, body) => {
			const table = tableOf(t);
			const records = (body as { records?: unknown } | undefined)?.records;
			if (!Array.isArray(records)) throw badRequest('Field "records" - Required');
			settle(table);
			const now = new Date().toISOString();
			const created = records.map((sent: { id?: unknown; cells?: Record<string, unknown> }) => {
				const cells: Record<string, Cell> = {};
				for (const [fieldId, value] of Object.entries(sent?.cells ?? {})) {
					if (!table.fields.some((field) => field.id === fieldId)) throw badRequest(`Field ${fieldId} does not exist`);
					// api-notes (client): a value wrapped as {value} is refused with INVALID_VALUE
					if (value && typeof value === 'object' && 'value' in value) {
						throw new HttpError(400, { type: 'BadRequest', code: 'INVALID_VALUE', message: `Invalid value for ${fieldId}` });
					}
					cells[fieldId] = { value };
				}
				// seed, C: a sent id is kept; choice: a repeated one writes over that record
				const recordId = typeof sent?.id === 'string' && sent.id ? sent.id : id('r');
				const record: StoredRecord = { id: recordId, tableId: table.id, cells, createdAt: table.records.get(recordId)?.createdAt ?? now, updatedAt: now };
				table.records.set(recordId, record);
				return record;
			});
			return { records: created.map((record) => present(table, record, 'all', { stale: 0 })) };
		}],
		['POST', /^\/v3\/tables\/([^/]+)\/find$/, ([t], query, body, _raw, served) => {
			const table = tableOf(t);
			const filter = (body as { filter?: { type?: string; operands?: unknown[] } } | undefined)?.filter;
			if (filter?.type !== 'AND' || !Array.isArray(filter.operands)) throw badRequest('Field "filter" - Invalid');
			settle(table);
			const found = [...table.records.values()].filter((record) => filter.operands!.every((operand) => matches(record, operand as never)));
			return { results: found.slice(0, limitOf(query, 100)).map((record) => present(table, record, new Set(), served)) };
		}],
		['PATCH', /^\/v3\/tables\/([^/]+)\/run$/, ([t], _query, _body, raw) => {
			const table = tableOf(t);
			settle(table);
			const body = runBody(raw) as { fieldIds?: unknown; runRecords?: Record<string, unknown>; forceRun?: unknown };
			// C: without runRecords Clay answers 400 "Field runRecords - Required"
			if (!body.runRecords || typeof body.runRecords !== 'object') throw badRequest('Invalid request parameter(s): Field "runRecords" - Required');
			if (!Array.isArray(body.fieldIds) || !body.fieldIds.length) throw badRequest('Invalid request parameter(s): Field "fieldIds" - Required');
			const fieldIds = body.fieldIds.map(String);
			for (const fieldId of fieldIds) if (!table.fields.some((field) => field.id === fieldId)) throw notFound(`Field ${fieldId}`);
			let recordIds: string[] = [];
			const top = body.runRecords.viewIdTopRecords as { viewId?: string; numRecords?: number } | undefined;
			if (Array.isArray(body.runRecords.recordIds)) recordIds = body.runRecords.recordIds.map(String).filter((rid) => table.records.has(rid));
			else if (top?.viewId) recordIds = viewOf(table, top.viewId).slice(0, top.numRecords ?? Infinity).map((record) => record.id);
			// D #2: a run that names no real record answers 200 {runMode: "NONE"}
			if (!recordIds.length) return { recordCount: 0, runMode: 'NONE' };
			startRuns(table, recordIds, fieldIds, body.forceRun === true);
			return { recordCount: recordIds.length, runMode: 'INDIVIDUAL' };
		}],
	];

	/** Z connections.ts: the key is the raw `authorization` header; D: `Bearer <key>` is a 403, any other header a 401. */
	function authenticate(request: IncomingMessage) {
		const sent = request.headers.authorization;
		if (sent === apiKey) return;
		if (sent && /^bearer\s/i.test(sent)) throw new HttpError(403, { type: 'Forbidden', message: 'You do not have access to this resource' });
		throw new HttpError(401, { type: 'Unauthorized', message: 'You must be logged in' });
	}

	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://standin');
			const raw = Buffer.concat(chunks).toString('utf8');
			const query = Object.fromEntries(url.searchParams);
			const entry: LoggedRequest = { method: request.method ?? 'GET', path: url.pathname, query, body: undefined, status: 0, at: Date.now() };
			const served = { stale: 0 };
			let status = 200;
			let answer: unknown;
			try {
				authenticate(request);
				let body: unknown;
				if (raw && /json/i.test(String(request.headers['content-type']))) {
					try {
						body = JSON.parse(raw);
					} catch {
						throw badRequest('Invalid JSON body');
					}
				}
				entry.body = body;
				const route = routes.find(([method, pattern]) => method === request.method && pattern.test(url.pathname));
				// R, D: a path (or method) that does not exist is 404 NoMatchingURL
				if (!route) throw new HttpError(404, { type: 'NoMatchingURL', message: 'Invalid URL' });
				const match = route[1].exec(url.pathname)!.slice(1).map(decodeURIComponent);
				answer = route[2](match, entry.query, body, raw, served);
			} catch (error) {
				// a fault of the stand-in itself answers 500 (and shows in the log), rather than ending the test process
				status = error instanceof HttpError ? error.status : 500;
				answer = error instanceof HttpError ? error.body : { type: 'InternalError', message: String(error) };
			}
			entry.status = status;
			if (served.stale) entry.staleServed = served.stale;
			log.push(entry);
			response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as { port: number };

	return {
		url: `http://127.0.0.1:${port}`,
		apiKey,
		workspaceId,
		userId,
		log,
		finished,
		seedTable,
		table: tableOf,
		read(tableId, recordId) {
			const table = tableOf(tableId);
			settle(table);
			const record = table.records.get(recordId);
			return record && present(table, record, 'all', { stale: 0 });
		},
		requests: (method, path) => log.filter((entry) => entry.method === method && (typeof path === 'string' ? entry.path === path : path.test(entry.path))),
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
