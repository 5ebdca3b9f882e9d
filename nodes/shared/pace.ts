/**
 * Pacing writes to a service's rate limit: at most `limit` writes per `windowMs`, with at
 * most `concurrency` in flight. One pacer lives for one execution (never module-level: in
 * queue mode many workers run executions at once, each paces its own writes and a 429
 * from the shared bucket is still honoured by the request engine).
 *
 * The rule: a write may start when fewer than `limit` writes are in flight or finished
 * within the last `windowMs`. A write's request reaches the service between its start and
 * its end, so counting finished writes by their END time means no window of `windowMs` on
 * the service's side (fixed or sliding) ever sees more than `limit` of them, whatever the
 * network latency — and a write the engine retried after a 429 ends late, so it is counted
 * where it really landed. Short runs are not slowed down: the first `limit` writes go at
 * once (bounded by `concurrency`), waiting starts only when a window is used up.
 *
 * Every task runs at most once, in the order it was handed in: pacing never repeats a
 * write, and drops one only when its own `skip` says so (e.g. an earlier write failed and
 * the execution stops) — then its promise rejects with the reason.
 */
import { sleep } from 'n8n-workflow';

const POKE_STEP_MS = 250;

export interface PacerOptions {
	/** Writes allowed per window. */
	limit: number;
	/** Length of the rate-limit window in ms (60,000 for "per minute"). */
	windowMs: number;
	/** Writes in flight at most. */
	concurrency: number;
	/** Clock and wait, replaceable in tests. */
	now?: () => number;
	wait?: (ms: number) => Promise<void>;
}

export interface PacerStats {
	/** Tasks started. */
	started: number;
	/** How many times the pacer waited for the window to free up. */
	windowWaits: number;
	/** Total time spent waiting for the window, in ms. */
	waitedMs: number;
}

export class Pacer {
	readonly limit: number;
	readonly windowMs: number;
	readonly concurrency: number;
	readonly stats: PacerStats = { started: 0, windowWaits: 0, waitedMs: 0 };

	private readonly now: () => number;
	private readonly wait: (ms: number) => Promise<void>;
	private readonly queue: Array<{ start: () => void; skip?: () => Error | undefined; reject: (error: Error) => void }> = [];
	/** End times of finished tasks, ascending. */
	private readonly ends: number[] = [];
	private inFlight = 0;
	private pumping = false;
	private onRelease?: () => void;
	private poked = false;

	constructor(options: PacerOptions) {
		this.limit = Math.max(1, Math.floor(options.limit));
		this.windowMs = Math.max(1, options.windowMs);
		this.concurrency = Math.max(1, Math.floor(options.concurrency));
		this.now = options.now ?? (() => Date.now());
		this.wait = options.wait ?? (async (ms) => await sleep(ms));
	}

	/**
	 * Runs `task` once, when the window and the concurrency allow it. `skip` is asked right
	 * before the task would start: when it returns an error, the task is dropped unstarted and
	 * the returned promise rejects with that error (no slot is used).
	 */
	async run<T>(task: () => Promise<T>, skip?: () => Error | undefined): Promise<T> {
		return await new Promise<T>((resolve, reject) => {
			this.queue.push({
				skip,
				reject,
				start: () => {
					this.inFlight++;
					this.stats.started++;
					Promise.resolve()
						.then(task)
						.then(resolve, reject)
						.finally(() => this.release());
				},
			});
			void this.pump();
		});
	}

	/** Re-checks the queued tasks' `skip` soon, even while waiting for the window. */
	poke(): void {
		this.poked = true;
		void this.pump();
	}

	/** Runs `worker` over `list` through the pacer; resolves when all are done (results in order). */
	async map<T, R>(list: readonly T[], worker: (entry: T, position: number) => Promise<R>): Promise<R[]> {
		return await Promise.all(list.map(async (entry, position) => await this.run(async () => await worker(entry, position))));
	}

	private prune(now: number): void {
		while (this.ends.length && this.ends[0] <= now - this.windowMs) this.ends.shift();
	}

	private release(): void {
		this.inFlight--;
		const now = this.now();
		const last = this.ends[this.ends.length - 1];
		this.ends.push(last !== undefined && last > now ? last : now);
		const wake = this.onRelease;
		this.onRelease = undefined;
		wake?.();
		void this.pump();
	}

	private async nextRelease(): Promise<void> {
		await new Promise<void>((resolve) => (this.onRelease = resolve));
	}

	/**
	 * Waits `ms`, in steps of at most `POKE_STEP_MS` so that a poke is seen soon and no long
	 * timer is left behind when the execution ends early.
	 */
	private async waitOrPoke(ms: number): Promise<void> {
		const began = this.now();
		this.poked = false;
		for (let left = ms; left > 0 && !this.poked; left = ms - (this.now() - began)) {
			await this.wait(Math.min(left, POKE_STEP_MS));
		}
		this.stats.waitedMs += Math.max(0, this.now() - began);
	}

	/** Drops queued tasks at the head whose `skip` gives a reason. */
	private dropSkipped(): void {
		while (this.queue.length) {
			const reason = this.queue[0].skip?.();
			if (!reason) return;
			this.queue.shift()!.reject(reason);
		}
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			for (;;) {
				this.dropSkipped();
				if (!this.queue.length) return;
				const now = this.now();
				this.prune(now);
				if (this.inFlight >= this.concurrency) {
					await this.nextRelease();
					continue;
				}
				if (this.inFlight + this.ends.length >= this.limit) {
					if (!this.ends.length) {
						// Every slot of the window is a write still in flight.
						await this.nextRelease();
						continue;
					}
					const ms = Math.max(1, this.ends[0] + this.windowMs - now + 1);
					this.stats.windowWaits++;
					await this.waitOrPoke(ms);
					continue;
				}
				this.queue.shift()!.start();
			}
		} finally {
			this.pumping = false;
		}
	}
}
