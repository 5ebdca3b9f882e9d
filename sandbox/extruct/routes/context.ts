/** What every route module of the Extruct sandbox works with. */
import type { SandboxServer } from '../../framework';
import type { Enrichment } from '../enrichment';
import type { Limits } from '../limits';
import type { ExtructStore } from '../store';

export interface RouteContext {
	server: SandboxServer;
	store: ExtructStore;
	enrichment: Enrichment;
	limits: Limits;
	/** A string cell value longer than this is refused with 422. */
	maxStringLength: number;
}
