/**
 * The services n8n's queue mode needs, started by the test as its own processes — never the
 * system's services (a Debian install may start its own PostgreSQL or Redis; these run beside
 * them): PostgreSQL from a fresh `initdb` in a temporary folder, Redis without persistence,
 * each on a free port of 127.0.0.1. scripts/queue/install-services.sh installs Debian's
 * `postgresql` and `redis-server` packages; nothing here needs a service manager.
 *
 * PostgreSQL refuses to run as root: when the test is root (CI), initdb and postgres run as
 * the `postgres` user the Debian package creates, in a folder that user owns.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { artifactPath, freePort, run, waitFor } from '../e2e/n8n';

export interface Service {
	port: number;
	stop(): Promise<void>;
}

export interface Postgres extends Service {
	database: string;
	user: string;
	/** Runs one SQL statement with psql; returns its rows, columns separated by "|". */
	query(sql: string): Promise<string[][]>;
}

const INSTALL_HINT = 'run "bash scripts/queue/install-services.sh" (npm run test:queue does)';

/** Debian's PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin), newest major first. */
export function postgresBin(): string {
	const base = '/usr/lib/postgresql';
	const majors = existsSync(base) ? readdirSync(base).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
	const found = majors.map((major) => path.join(base, major, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')));
	if (!found) throw new Error(`Debian's PostgreSQL server is not installed: ${INSTALL_HINT}`);
	return found;
}

export function redisBin(): string {
	for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
	throw new Error(`redis-server is not installed: ${INSTALL_HINT}`);
}

/** uid/gid to run PostgreSQL as: the `postgres` user when we are root, else ourselves. */
function postgresUser(): { uid?: number; gid?: number; name: string } {
	if (process.getuid?.() !== 0) return { name: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim() };
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid, name: 'postgres' };
}

/** Ends a detached child: its whole process group, SIGTERM then SIGKILL. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, sig);
		} catch {
			// gone
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

function startLogged(command: string, args: string[], log: string, options: { uid?: number; gid?: number; cwd?: string } = {}) {
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exited: string | undefined;
	child.once('exit', (code, signal) => (exited = `${path.basename(command)} exited with ${code ?? signal}`));
	return {
		child,
		output: () => output,
		exited: () => exited,
		save: () => writeFileSync(artifactPath('logs', log), output),
	};
}

export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBin();
	const user = postgresUser();
	const dir = mkdtempSync(path.join(tmpdir(), 'n8n-queue-pg-'));
	if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
	const data = path.join(dir, 'data');
	const as = { uid: user.uid, gid: user.gid, cwd: dir };
	const initdb = startLogged(path.join(bin, 'initdb'), ['-D', data, '-U', user.name, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], 'initdb.log', as);
	const code = await new Promise<number | null>((resolve) => initdb.child.once('close', resolve));
	initdb.save();
	if (code !== 0) throw new Error(`initdb exited with ${code}:\n${initdb.output()}`);
	const port = await freePort();
	// A test database: no durability needed, the folder is thrown away.
	const server = startLogged(
		path.join(bin, 'postgres'),
		['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
		'postgres.log',
		as,
	);
	const psql = async (database: string, sql: string) =>
		await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user.name, '-d', database, '-X', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeoutMs: 60_000 });
	const stop = async () => {
		await stopChild(server.child);
		server.save();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitFor(
			'PostgreSQL to accept connections',
			async () => {
				if (server.exited()) throw new Error(`${server.exited()}:\n${server.output()}`);
				return (await psql('postgres', 'select 1').catch(() => undefined))?.stdout.trim() === '1';
			},
			60_000,
		);
		await psql('postgres', 'create database n8n');
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		port,
		database: 'n8n',
		user: user.name,
		query: async (sql) =>
			(await psql('n8n', sql)).stdout
				.split('\n')
				.filter((line) => line.length)
				.map((line) => line.split('|')),
		stop,
	};
}

export async function startRedis(): Promise<Service> {
	const dir = mkdtempSync(path.join(tmpdir(), 'n8n-queue-redis-'));
	const port = await freePort();
	const server = startLogged(redisBin(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], 'redis.log');
	const stop = async () => {
		await stopChild(server.child);
		server.save();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitFor(
			'Redis to accept connections',
			() => {
				if (server.exited()) throw new Error(`${server.exited()}:\n${server.output()}`);
				return /Ready to accept connections/i.test(server.output());
			},
			30_000,
			200,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { port, stop };
}
