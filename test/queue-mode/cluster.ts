/**
 * n8n in queue mode, as n8n's docs set it up: PostgreSQL and Redis (services.ts), one main
 * process (`n8n start`: editor, webhooks, triggers; it enqueues executions in Redis) and
 * `n8n worker` processes that take them from the queue. Every process gets the same database,
 * Redis and N8N_ENCRYPTION_KEY, and a user folder of its own with the packed package installed
 * in `.n8n/nodes` — as each worker of a real deployment is its own machine or container, and
 * must have the community package installed itself (n8n loads nodes from the local folder;
 * the database only says which packages the main process installed).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

import { artifactPath, errorsOf, freePort, N8N_BIN, n8nEnv, NODE_BIN, waitFor } from '../e2e/n8n';
import type { UserFolder } from '../e2e/n8n';

import type { Postgres, Service } from './services';
import { stopChild } from './services';

/** One key for every process: credentials imported by the CLI are read by the workers. */
export const ENCRYPTION_KEY = 'queue-mode-e2e-encryption-key-0123456789';

export function queueEnv(postgres: Postgres, redis: Service): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		// The test's PostgreSQL trusts connections from 127.0.0.1: any password does.
		DB_POSTGRESDB_PASSWORD: 'n8n',
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
	};
}

export interface Worker {
	name: string;
	output(): string;
	/** The execution IDs this worker said it started ("Worker started execution <id> (job <n>)"). */
	startedExecutions(): string[];
	stop(): Promise<void>;
}

/** `n8n worker` with its health server on a free port; resolves once /healthz/readiness (database and Redis reached) answers. */
export async function startWorker(name: string, folder: UserFolder, env: NodeJS.ProcessEnv, concurrency: number): Promise<Worker> {
	const healthPort = await freePort();
	const child = spawn(NODE_BIN, [N8N_BIN, 'worker', `--concurrency=${concurrency}`], {
		cwd: folder.root,
		env: n8nEnv(folder, {
			...env,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		}),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exited: string | undefined;
	child.once('exit', (code, signal) => (exited = `n8n worker ${name} exited with ${code ?? signal}`));
	const worker: Worker = {
		name,
		output: () => output,
		startedExecutions: () => [...output.matchAll(/Worker started execution (\w+) \(job/g)].map((match) => match[1]),
		stop: async () => {
			await stopChild(child);
			writeFileSync(artifactPath('logs', `queue-${name}.log`), output);
		},
	};
	try {
		await waitFor(
			`n8n worker ${name} to be ready`,
			async () => {
				if (exited) throw new Error(`${exited}:\n${errorsOf(output)}`);
				return (await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`)).ok;
			},
			180_000,
		);
	} catch (error) {
		await worker.stop();
		throw error;
	}
	return worker;
}
