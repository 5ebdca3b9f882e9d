/**
 * No module-level state in nodes/ or credentials/ (design.md: "Stateless across workers"): in
 * queue mode every execution may run in another `n8n worker` process, and several run in one
 * process at once, so what a module keeps between calls is missing in the next worker and
 * shared by strangers in this one. Whatever must last goes into n8n's static data (triggers),
 * whatever one execution needs lives in objects it creates (a PacedRowWriter, a Pacer).
 *
 * The scan is test/queue-mode/module-state.ts. The few module-level containers allowed are
 * listed here with the reason each one holds nothing across executions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { scanModuleState, sourceFiles } from './module-state';
import type { Finding } from './module-state';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `file:name` → why it is not state across executions. Each is a WeakMap keyed by the context
 * object n8n makes for one node execution: an entry is reachable only through that object and
 * is collected with it, so no other execution (or worker) ever sees it.
 */
const ALLOWED: Record<string, string> = {
	'nodes/shared/secrets.ts:perContext': "the credential's Base URL and secrets, read once per execution context",
	'nodes/shared/parameters.ts:readers': "an execution's item-parameter reader, per execution context",
	'nodes/shared/pace.ts:pacersByContext': 'the write pacers of an execution context, which its 429s hold (holdWrites)',
	'nodes/Clay/api.ts:missingBulk': "the bulk endpoints (bulk update, bulk-fetch-records) Clay answered NoMatchingURL for, by table, per execution context (each record is then written or read alone)",
	'nodes/shared/tool.ts:lookups': 'the table names a tool execution looked up, per execution context',
};

const label = (finding: Finding) => `${finding.file}:${finding.name}`;
const describeFinding = (finding: Finding) => `${finding.file}:${finding.line} ${finding.name}: ${finding.why}`;

describe('no module-level mutable state in nodes/ and credentials/', () => {
	const files = sourceFiles([path.join(ROOT, 'nodes'), path.join(ROOT, 'credentials')]);
	const findings = scanModuleState(files, undefined, ROOT);

	test('the scan reads every source file of the package', () => {
		expect(files.length).toBeGreaterThan(50);
		expect(files.some((file) => file.endsWith('nodes/shared/pace.ts'))).toBe(true);
	});

	test('none outside the allowed per-execution-context WeakMaps', () => {
		const unexpected = findings.filter((finding) => !(label(finding) in ALLOWED));
		expect(unexpected.map(describeFinding)).toEqual([]);
	});

	test('each allowed entry still exists (the list does not outlive the code) and is a WeakMap', () => {
		for (const name of Object.keys(ALLOWED)) {
			const [file, binding] = name.split(':');
			const weak = new RegExp(`^const ${binding} = new WeakMap<`, 'm').test(readFileSync(path.join(ROOT, file), 'utf8'));
			expect({ name, found: findings.some((finding) => label(finding) === name), weak }).toEqual({ name, found: true, weak: true });
		}
	});
});

describe('the scan finds planted module-level state', () => {
	const scan = (sources: Record<string, string>) =>
		scanModuleState(
			Object.keys(sources).map((file) => path.join('/planted', file)),
			(file) => sources[path.relative('/planted', file)],
			'/planted',
		).map((finding) => `${finding.file}:${finding.name}`);

	test.each([
		['a top-level let', { 'a.ts': 'let calls = 0;\nexport function f() { calls++; }' }, ['a.ts:calls']],
		['a top-level var', { 'a.ts': 'var cursor;\nexport const f = () => cursor;' }, ['a.ts:cursor']],
		['a Map filled by a function (a cache)', { 'a.ts': 'const cache = new Map<string, number>();\nexport function f(k: string) { cache.set(k, 1); }' }, ['a.ts:cache']],
		['a Set added to', { 'a.ts': 'const seen = new Set<string>();\nexport const f = (id: string) => seen.add(id);' }, ['a.ts:seen']],
		['an array pushed to', { 'a.ts': 'const queue: string[] = [];\nexport function f(x: string) { queue.push(x); }' }, ['a.ts:queue']],
		['an object whose member is assigned', { 'a.ts': 'const state = { last: 0 };\nexport function f(n: number) { state.last = n; }' }, ['a.ts:state']],
		['an object member by index', { 'a.ts': 'const byTable: Record<string, number> = {};\nexport function f(t: string) { byTable[t] = 1; }' }, ['a.ts:byTable']],
		['an object counted up', { 'a.ts': 'const stats = { requests: 0 };\nexport function f() { stats.requests += 1; }' }, ['a.ts:stats']],
		['Object.assign onto a module object', { 'a.ts': 'const config = {};\nexport function f(o: object) { Object.assign(config, o); }' }, ['a.ts:config']],
		['a static field', { 'a.ts': 'export class RateLimiter {\n  static remaining = 100;\n}' }, ['a.ts:RateLimiter.remaining']],
		['a static readonly Map changed', { 'a.ts': 'export class Tokens {\n  static readonly byKey = new Map<string, string>();\n  static put(k: string) { Tokens.byKey.set(k, k); }\n}' }, ['a.ts:Tokens.byKey']],
		['an exported container changed by its importer', { 'a.ts': 'export const registry: string[] = [];', 'b.ts': "import { registry } from './a';\nexport const f = () => registry.push('x');" }, ['b.ts:registry']],
		['a closure with state, run at load time', { 'a.ts': 'export const next = (() => { let n = 0; return () => ++n; })();' }, ['a.ts:next']],
	])('%s', (_what, sources, expected) => {
		expect(scan(sources)).toEqual(expected);
	});

	test('constant tables and per-call state pass', () => {
		expect(
			scan({
				'ok.ts': [
					"const TERMINAL = new Set(['done', 'failed']);",
					"export const description = [{ displayName: 'Table', name: 'table' }];",
					'export const isTerminal = (s: string) => TERMINAL.has(s);',
					'export function rows() { const out: number[] = []; out.push(1); const cache = new Map(); cache.set(1, 2); return out; }',
					'export class Session { private readonly seen = new Set<string>(); add(id: string) { this.seen.add(id); } static readonly LIMIT = 100; }',
				].join('\n'),
			}),
		).toEqual([]);
	});
});
