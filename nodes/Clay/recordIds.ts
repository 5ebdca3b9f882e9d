/** The ids Record → Add sends with each record: random for "Generate", derived from the key for "From a Key Column". */
import { stableHash } from '../shared/hash';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const ID_CODES = Array.from(ID_ALPHABET, (character) => character.charCodeAt(0));
const FIVE_CHARACTERS = ID_CODES.length ** 5;

/** `r_` + 20 random characters: unique enough for client-chosen ids (about 119 bits); five come from each random draw. */
export function generatedId(): string {
	const codes = new Array<number>(22);
	codes[0] = 114; // r
	codes[1] = 95; // _
	for (let draw = 0; draw < 4; draw++) {
		let n = Math.floor(Math.random() * FIVE_CHARACTERS);
		for (let k = 0; k < 5; k++) {
			codes[2 + draw * 5 + k] = ID_CODES[n % ID_CODES.length];
			n = Math.floor(n / ID_CODES.length);
		}
	}
	return String.fromCharCode(...codes);
}

/** `r_` + a stable hash of the table and the key value: where Clay keeps sent ids, a key's record has a known id. */
export function keyedId(table: string, key: unknown): string {
	const text = typeof key === 'string' ? key.trim() : JSON.stringify(key);
	return `r_${stableHash(`${table}\u0000${text}`)}`;
}
