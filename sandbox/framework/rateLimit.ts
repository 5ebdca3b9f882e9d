/** Fixed-window rate limiter keyed by caller (e.g. API key + bucket name). */
export class RateLimiter {
	private windows = new Map<string, { start: number; count: number }>();

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/** Takes one unit; returns the seconds to wait when the bucket is empty. */
	take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
		let w = this.windows.get(key);
		if (!w || now - w.start >= this.windowMs) {
			w = { start: now, count: 0 };
			this.windows.set(key, w);
		}
		if (w.count < this.limit) {
			w.count++;
			return { ok: true };
		}
		const waitMs = w.start + this.windowMs - now;
		return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
	}

	/** Milliseconds until the current window of `key` resets (0 when none is open). */
	msUntilReset(key: string, now = Date.now()): number {
		const w = this.windows.get(key);
		return w ? Math.max(0, w.start + this.windowMs - now) : 0;
	}

	reset(): void {
		this.windows.clear();
	}
}
