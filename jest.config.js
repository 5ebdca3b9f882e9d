/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	reporters: ['default', '<rootDir>/test/reporters/summary.js'],
	testTimeout: 60000,
	maxWorkers: 2,
};
