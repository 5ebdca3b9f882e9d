/** Seeded randomness of the sandboxes: the same seed gives the same faults and the same ids. */

/** Small deterministic PRNG (mulberry32), so fault patterns repeat for a given seed. */
export function makeRandom(seed = 1): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const HEX = '0123456789abcdef';

/** A UUID v4 from 32 draws of `random`, one per hex digit (version 4, variant 10xx). */
export function uuidV4(random: () => number): string {
	let s = '';
	for (let i = 0; i < 32; i++) {
		const digit = Math.floor(random() * 16);
		s += HEX[i === 12 ? 4 : i === 16 ? (digit & 0x3) | 0x8 : digit];
	}
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
