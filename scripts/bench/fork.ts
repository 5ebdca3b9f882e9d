/** Running one case in a child process and getting its report back (IPC). */
import { fork } from 'node:child_process';
import path from 'node:path';

import type { CaseReport, CaseRequest } from './child';

const ENTRY = path.resolve(__dirname, '..', 'bench.ts');

/**
 * Starts `tsx scripts/bench.ts --case <name>` (the child inherits tsx's loader from this
 * process), hands it the request, and resolves with its report. `ready` runs when the child
 * has warmed up and is about to start the measured run (it waits for `ready` to finish).
 */
export async function inChild(name: string, request: CaseRequest, ready: () => void = () => undefined): Promise<CaseReport> {
	return await new Promise<CaseReport>((resolve, reject) => {
		const child = fork(ENTRY, ['--case', name], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			execArgv: [...process.execArgv, '--expose-gc', ...(process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(' ') : [])],
		});
		let report: CaseReport | undefined;
		let failure: string | undefined;
		child.on('message', (message: { report?: CaseReport; error?: string; ready?: boolean }) => {
			if (message.ready) {
				ready();
				child.send({ go: true });
			}
			if (message.report) report = message.report;
			if (message.error) failure = message.error;
		});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (report) resolve(report);
			else reject(new Error(`case ${name} failed${failure ? `: ${failure}` : ''} (exit code ${code})`));
		});
		child.send({ request });
	});
}
