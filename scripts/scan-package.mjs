#!/usr/bin/env node
/**
 * n8n's community-package scan (`@n8n/scan-community-package`, pinned in devDependencies), run
 * on this checkout as the published scan runs it on a release: its two lint legs through the
 * scanner's own `analyzePackage` and rule set —
 *
 *   1. the source tree (the published scan lints the GitHub commit named in the release's
 *      provenance; here, this checkout) with the scanner's SOURCE_FILE_PATTERNS;
 *   2. the tarball `npm pack` makes of the built package, unpacked, with
 *      ['**\/*.js', 'package.json'] (what `npm publish` would upload).
 *
 * Exits 1 when either leg reports a violation or fails to run, and also on a warning of the
 * scan's rules (the published scan lets warnings pass; this package keeps none); prints each
 * leg's file count and time. The scan's provenance check needs a published release (docs/development.md: Publishing).
 *
 * Usage: node scripts/scan-package.mjs   (after `npm run build`; `npm run scan` builds first)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scanner = createRequire(path.join(ROOT, 'package.json')).resolve('@n8n/scan-community-package/package.json');
const { version: scannerVersion } = createRequire(import.meta.url)(scanner);
const { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } = await import(path.join(path.dirname(scanner), 'scanner/scanner.mjs'));
// The scanner's own fast-glob and ESLint, which analyzePackage lists and lints the files with.
const glob = createRequire(scanner)('fast-glob');
const { ESLint } = createRequire(scanner)('eslint');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

/** The files a leg lints, counted as analyzePackage globs them. */
const filesOf = (dir, patterns) => glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] });

/** The scan's warnings (analyzePackage reports errors only), linted with the scan's own config. */
async function warningsOf(dir, files) {
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const results = await eslint.lintFiles(files.map((file) => path.join(dir, file)));
	return results.flatMap((result) =>
		result.messages.filter((message) => message.severity === 1).map((message) => `${path.relative(dir, result.filePath)}:${message.line ?? 0} ${message.ruleId ?? ''} ${message.message}`),
	);
}

async function leg(name, dir, patterns) {
	const started = Date.now();
	const files = filesOf(dir, patterns);
	const result = await analyzePackage(dir, patterns);
	const warnings = files.length ? await warningsOf(dir, files) : [];
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	// analyzePackage answers "passed" with no files at all: a leg that lints nothing proves nothing.
	const passed = result.passed && files.length > 0 && warnings.length === 0;
	console.log(`[scan] ${name}: ${passed ? 'passed' : 'FAILED'} — ${files.length} files (${patterns.join(', ')}), ${warnings.length} warnings, in ${seconds} s`);
	if (!passed) {
		if (!result.passed || !files.length) console.log(`[scan]   ${result.message ?? 'no files matched'}`);
		if (result.details) console.log(result.details);
		for (const warning of warnings) console.log(`[scan]   warning: ${warning}`);
	}
	return passed;
}

const work = mkdtempSync(path.join(tmpdir(), 'n8n-scan-'));
try {
	console.log(`[scan] @n8n/scan-community-package ${scannerVersion}`);
	const sourcePassed = await leg('source tree', ROOT, SOURCE_FILE_PATTERNS);

	// --ignore-scripts: packs the dist/ that `npm run build` made (prepack would build again).
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
	);
	const unpacked = path.join(work, 'package');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', unpacked, '--strip-components=1']);
	const tarballPassed = await leg(`tarball ${packed.filename}`, unpacked, TARBALL_PATTERNS);

	if (!sourcePassed || !tarballPassed) {
		console.log('[scan] n8n\'s community-package scan found problems (above)');
		process.exitCode = 1;
	} else {
		console.log('[scan] both legs of n8n\'s community-package scan passed');
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
