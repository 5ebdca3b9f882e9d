/**
 * Behaviour profiles of the JustPaid sandbox: how a table's rows are listed where the docs say
 * only "position order (when set) then createdAt". Each choice is a switch, so that the suites
 * can run the node under every plausible one.
 */

export interface JustPaidProfileOptions {
	/**
	 * How rows with the same position and the same `createdAt` are ordered in a list.
	 * `id` (default): by id ascending. `insertion`: in the order they were written — closer to
	 * the real service, whose timestamps have sub-millisecond precision while the API shows ms.
	 */
	tieBreak?: 'id' | 'insertion';
	/**
	 * docs silent: where rows without a position stand in the list ("position order (when set)
	 * then createdAt"). `last` (default): after the positioned rows, as Postgres sorts NULLs in an
	 * ascending order; `first`: before them.
	 */
	nullPosition?: 'last' | 'first';
	/**
	 * Keep each table's list order between requests (re-sorted only after a row is created or
	 * deleted), so paging through a 100,000-row table stays fast. Off by default: a position
	 * changed by hand on a row object is not noticed while it is on.
	 */
	cacheOrder?: boolean;
}

export interface JustPaidProfile {
	tieBreak: 'id' | 'insertion';
	nullPosition: 'last' | 'first';
	cacheOrder: boolean;
}

export function resolveProfile(options: JustPaidProfileOptions = {}): JustPaidProfile {
	return {
		tieBreak: options.tieBreak ?? 'id',
		nullPosition: options.nullPosition ?? 'last',
		cacheOrder: options.cacheOrder ?? false,
	};
}
