/**
 * Queue-mode suite (`npm run test:queue`): the packed package in n8n 2.41.1 with PostgreSQL,
 * Redis, a main process and two workers (see test/queue-mode/queue-mode.e2e.ts). Not part of
 * `npm test` (which runs the unit tests of test/queue-mode/*.test.ts) nor of `npm run test:e2e`.
 */
const e2e = require('./jest.e2e.config');

/** @type {import('jest').Config} */
module.exports = {
	...e2e,
	roots: ['<rootDir>/test/queue-mode'],
	testMatch: ['**/*.e2e.ts'],
};
