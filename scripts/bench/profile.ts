/** CPU profiles of a benchmark case (BENCH_PROFILE=<dir>), through the inspector: development aid only. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * BENCH_PROFILE=<dir>: a CPU profile of the measured execution alone (not the start-up or the
 * warm-up), written to <dir>. Profiling slows the run down: its figures are not the benchmark's.
 */
export async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
	const session = new Session();
	session.connect();
	const post = async (method: string, params?: object) =>
		await new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 100 });
	await post('Profiler.start');
	return {
		async stop(file: string) {
			const { profile } = (await post('Profiler.stop')) as { profile: unknown };
			writeFileSync(file, JSON.stringify(profile));
			session.disconnect();
		},
	};
}
