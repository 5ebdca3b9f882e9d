/** What every route module of the JustPaid sandbox works with. */
import type { SandboxRequest, SandboxResponse } from '../../framework';
import type { JustPaidStore } from '../store';
import type { JustPaidKey, JustPaidScope } from '../types';

/** A handler gets the request and the caller's key (authenticated, in scope, within its rate limit). */
export type JustPaidHandler = (req: SandboxRequest, key: JustPaidKey) => SandboxResponse;

export interface RouteContext {
	store: JustPaidStore;
	/** Adds a route that needs `scope`. */
	route(method: string, pattern: string, scope: JustPaidScope, handler: JustPaidHandler): void;
}
