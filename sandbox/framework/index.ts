/**
 * The shared machinery of the local stand-ins for the three services: the HTTP server with its
 * routing, latency and request log (server.ts), requests, answers and error answers (http.ts),
 * fault injection (faults.ts), rate limiting (rateLimit.ts) and seeded randomness (random.ts).
 *
 * Sandboxes are development tooling: they are never shipped in `dist/` nor imported by a node.
 */
export * from './faults';
export * from './http';
export * from './random';
export * from './rateLimit';
export * from './server';
