/** What every route module of the Clay sandbox works with. */
import type { SandboxServer } from '../../framework';
import type { Enrichment } from '../enrichment';
import type { Limits } from '../limits';
import type { ClayStore } from '../store';

export interface RouteContext {
	server: SandboxServer;
	store: ClayStore;
	enrichment: Enrichment;
	limits: Limits;
	/** The server's origin (webhook URLs are built from it); set once the server listens. */
	origin(): string;
	userId: string;
	email: string;
}
