/**
 * `npm run bench`: throughput, pacing, waiting and memory of the three nodes, measured.
 *
 * The sandboxes run in this process with 20 ms of latency per request; every case runs in a
 * child process of its own (`--case <name>`), through n8n-core's real execution (the test
 * harness), so one case's memory or CPU never pollutes another's. See scripts/bench/main.ts.
 */
import { main } from './bench/main';
import { runCase } from './bench/child';
import type { CaseRequest } from './bench/child';

const caseAt = process.argv.indexOf('--case');
if (caseAt !== -1) {
	// Child: wait for the request, run it, report, exit.
	process.once('message', (message: { request: CaseRequest }) => {
		runCase(message.request)
			.then((report) => process.send!({ report }, () => process.exit(0)))
			.catch((error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)));
	});
} else {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		},
	);
}
