/** Removes the folder global-setup.ts packed the package into (a copy stays in test-artifacts/e2e/). */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { TARBALL_ENV } from './n8n';

export default async function globalTeardown(): Promise<void> {
	const tarball = process.env[TARBALL_ENV];
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
}
