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
 *
 * A bucket shared with other executions (other workers, other workflows on the key) is
 * found out by a 429: the request engine waits Retry-After and sends the refused write again,
 * and tells the pacer of its execution (`holdWrites`), which then starts no write until that
 * retry has gone out — so one 429 stops all of the execution's writes at once instead of
 * each queued write running into the empty bucket by itself and spending a retry. What the
 * execution got through in the window before the 429 is its share of the bucket: the pacer
 * keeps to that share (at least a quarter of `limit`), and takes back a quarter of `limit`
 * after each window without a 429.
 */
import { sleep } from 'n8n-workflow';

const POKE_STEP_MS = 250;
/** How much later than Retry-After the request engine may send its retry (its jitter). */
export const RETRY_JITTER_MS = 250;

/**
 * The pacers of each execution context, for `holdWrites`. Keyed by the context object n8n
 * makes for one node execution: an entry lives and dies with that execution and is never
 * seen by another one (or another worker).
 */
const pacersByContext = new WeakMap<object, Set<Pacer>>();

/**
 * A write of the execution `context` was refused with 429 and is sent again in `retryInMs`:
 * its pacers start no write before then (plus the retry's jitter), so the retry goes first.
 */
export function holdWrites(context: object, retryInMs: number): void {
	for (const pacer of pacersByContext.get(context) ?? []) pacer.hold(retryInMs + RETRY_JITTER_MS);
}

export interface PacerOptions {
	/** Writes allowed per window. */
	limit: number;
	/** Length of the rate-limit window in ms (60,000 for "per minute"). */
	windowMs: number;
	/** Writes in flight at most. */
	concurrency: number;
	/** The execution context whose 429s hold this pacer's writes (see `holdWrites`). */
	context?: object;
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
	/** How many 429s held the writes (`hold`). */
	holds: number;
}

export class Pacer {
	readonly limit: number;
	readonly windowMs: number;
	readonly concurrency: number;
	readonly stats: PacerStats = { started: 0, windowWaits: 0, waitedMs: 0, holds: 0 };

	private readonly now: () => number;
	private readonly wait: (ms: number) => Promise<void>;
	private readonly queue: Array<{ start: () => void; skip?: () => Error | undefined; reject: (error: Error) => void }> = [];
	/** End times of finished tasks, ascending. */
	private readonly ends: number[] = [];
	private inFlight = 0;
	private pumping = false;
	private onRelease?: () => void;
	private poked = false;
	/** No write starts before this time (after a 429 of the shared bucket). */
	private heldUntil = 0;
	/** Writes per window now: `limit`, or this execution's share of a bucket a 429 showed is shared. */
	private allowed: number;
	/** Since when `allowed` holds (a 429's hold ended, or it was last raised). */
	private allowedSince = 0;

	constructor(options: PacerOptions) {
		this.limit = Math.max(1, Math.floor(options.limit));
		this.windowMs = Math.max(1, options.windowMs);
		this.concurrency = Math.max(1, Math.floor(options.concurrency));
		this.allowed = this.limit;
		this.now = options.now ?? (() => Date.now());
		this.wait = options.wait ?? (async (ms) => await sleep(ms));
		if (options.context) {
			let pacers = pacersByContext.get(options.context);
			if (!pacers) pacersByContext.set(options.context, (pacers = new Set()));
			pacers.add(this);
		}
	}

	/**
	 * Starts no write for `ms` (writes in flight go on; a later hold can only extend it), and
	 * from then on as many per window as ended within the window before (this execution's
	 * share), but no fewer than a quarter of `limit`.
	 */
	hold(ms: number): void {
		const now = this.now();
		this.stats.holds++;
		this.prune(now);
		this.allowed = Math.min(this.allowed, Math.max(this.quarter(), this.ends.length));
		this.heldUntil = Math.max(this.heldUntil, now + ms);
		// The windows without a 429 are counted from the end of the hold.
		this.allowedSince = this.heldUntil;
		this.poke();
	}

	private quarter(): number {
		return Math.ceil(this.limit / 4);
	}

	/** After a whole window without a 429, a quarter of `limit` more per window. */
	private regain(now: number): void {
		if (this.allowed >= this.limit || now - this.allowedSince < this.windowMs) return;
		this.allowed = Math.min(this.limit, this.allowed + this.quarter());
		this.allowedSince = now;
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
				if (this.heldUntil > now) {
					await this.waitOrPoke(this.heldUntil - now);
					continue;
				}
				this.regain(now);
				if (this.inFlight >= this.concurrency) {
					await this.nextRelease();
					continue;
				}
				if (this.inFlight + this.ends.length >= this.allowed) {
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
