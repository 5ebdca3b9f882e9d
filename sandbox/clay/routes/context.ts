/** What every route module of the Clay sandbox works with. */
import type { Enrichment } from '../enrichment';
import type { Limits } from '../faults';
import type { Routes } from '../http';
import type { ClayStore } from '../store';

export interface RouteContext {
	routes: Routes;
	store: ClayStore;
	enrichment: Enrichment;
	limits: Limits;
	/** The server's origin (webhook URLs are built from it); set once the server listens. */
	origin(): string;
	userId: string;
	email: string;
}
