/** The retry helpers of request.ts. */
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from '../../nodes/shared/request';

describe('backoffDelay', () => {
	const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };

	it('doubles with each attempt, between half and all of it (jitter)', () => {
		expect(backoffDelay(0, policy, () => 0)).toBe(50);
		expect(backoffDelay(0, policy, () => 1)).toBe(100);
		expect(backoffDelay(2, policy, () => 0)).toBe(200);
		expect(backoffDelay(2, policy, () => 1)).toBe(400);
	});

	it('never exceeds the maximum', () => {
		expect(backoffDelay(20, policy, () => 1)).toBe(1000);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates, never below zero', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
	});

	it('gives undefined for a missing or unreadable header', () => {
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});
