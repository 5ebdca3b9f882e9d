/**
 * End-to-end suite (`npm run test:e2e`): the packed package in a real n8n (see test/e2e/).
 * Not part of `npm test` (jest.config.js matches `*.test.ts` only): these tests need the n8n
 * installed by scripts/e2e/install-n8n.sh and Chromium from scripts/e2e/install-chromium.sh.
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Builds and packs the package once for every test file.
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	reporters: ['default', '<rootDir>/test/reporters/summary.js'],
	// Each test bounds its own waits; this is the backstop.
	testTimeout: 10 * 60 * 1000,
	// One n8n at a time on a 2-core machine.
	maxWorkers: 1,
	// Fail a test file rather than wait on a child process somebody forgot to end.
	forceExit: true,
	verbose: true,
};
