/**
 * Once per `npm run test:e2e`: checks that the real n8n is installed, builds this package and
 * packs it with `npm pack` — the tarball every test installs into a fresh n8n user folder, so
 * the suite proves what would be published (the `files` list and package.json's `n8n` paths).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ARTIFACTS, artifactPath, assertN8nInstalled, N8N_VERSION, ROOT, TARBALL_ENV } from './n8n';

export default async function globalSetup(): Promise<void> {
	assertN8nInstalled();
	// Screenshots and logs of this run only.
	rmSync(ARTIFACTS, { recursive: true, force: true });
	let started = Date.now();
	try {
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		throw new Error(`npm run build failed:\n${stdout ?? ''}${stderr ?? ''}`);
	}
	const buildMs = Date.now() - started;

	started = Date.now();
	const destination = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-pack-'));
	// --ignore-scripts: the package was just built; prepack would build it again.
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
	) as Array<{ filename: string; files: unknown[] }>;
	const tarball = path.join(destination, packed[0].filename);
	process.env[TARBALL_ENV] = tarball;
	// The exact tarball the suite installed, kept with the screenshots and logs.
	copyFileSync(tarball, artifactPath(packed[0].filename));
	console.log(
		`\n[e2e] n8n ${N8N_VERSION}; built in ${(buildMs / 1000).toFixed(1)} s, packed ${packed[0].files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s: ${tarball}`,
	);
}
