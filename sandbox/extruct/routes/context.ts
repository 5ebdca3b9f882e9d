/** What every route module of the Extruct sandbox works with. */
import type { SandboxRequest, SandboxServer } from '../../framework';
import type { Enrichment } from '../enrichment';
import type { ExtructStore } from '../store';
import type { ExtructTable } from '../types';

export interface RouteContext {
	server: SandboxServer;
	store: ExtructStore;
	enrichment: Enrichment;
	/** A string cell value longer than this is refused with 422. */
	maxStringLength: number;
	/** The table `:id` the caller sees; 404 otherwise. */
	table(req: SandboxRequest): ExtructTable;
	/** Throws the billing refusal of a request that spends credits, if one applies now. */
	assertCanSpend(): void;
}
