/**
 * Behaviour profiles of the Extruct sandbox: where Extruct's docs leave a behaviour the node
 * depends on open, each plausible one is a switch, so that the suites can run the node under it.
 */

export interface ExtructProfileOptions {
	/**
	 * Profile: the table status also carries `num_cells_failed`. Off by default: Extruct's docs
	 * list no such counter (failed cells show only in the cells' own status).
	 */
	statusFailedCount?: boolean;
}

export interface ExtructProfile {
	statusFailedCount: boolean;
}

export function resolveProfile(options: ExtructProfileOptions = {}): ExtructProfile {
	return { statusFailedCount: options.statusFailedCount ?? false };
}
