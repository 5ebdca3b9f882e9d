/**
 * A stable, pure hash for ids derived from data (e.g. a record id from a key value), so the
 * same input gives the same id on every run, worker and machine. Not a security hash.
 * Written out here because nodes may not import `crypto`.
 */

const MASK_64 = (1n << 64n) - 1n;
const FNV_PRIME_64 = 0x100000001b3n;

/** FNV-1a over the UTF-8 bytes of `text`, 64 bits, from the given offset basis. */
function fnv1a64(text: string, basis: bigint): bigint {
	let hash = basis;
	for (const byte of utf8(text)) {
		hash ^= BigInt(byte);
		hash = (hash * FNV_PRIME_64) & MASK_64;
	}
	return hash;
}

function utf8(text: string): number[] {
	const bytes: number[] = [];
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code < 0x80) bytes.push(code);
		else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
		else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
		else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
	}
	return bytes;
}

/**
 * 128-bit hex digest of `text`: two FNV-1a 64 passes (the standard offset basis, and a
 * second basis over the text with its length appended), 32 hex characters.
 */
export function stableHash(text: string): string {
	const a = fnv1a64(text, 0xcbf29ce484222325n);
	const b = fnv1a64(`${text}\u0000${text.length}`, 0x84222325cbf29ce4n);
	return a.toString(16).padStart(16, '0') + b.toString(16).padStart(16, '0');
}
