/**
 * The release pipeline, read as GitHub would read it (the workflows cannot run here): CI runs
 * what `.ci/run` runs, a version tag publishes to npm with provenance, and the licence and
 * changelog a published package carries are there and agree with package.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; license: string; files: string[] };

interface Step {
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	on: Record<string, { branches?: string[]; tags?: string[] } | null>;
	permissions?: Record<string, string>;
	jobs: Record<string, { 'runs-on': string; container?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Workflow;
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps);
const runs = (flow: Workflow) => steps(flow).flatMap((step) => (step.run ? [step.run] : []));

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('ci.yml');

	it('runs on every push to main and every pull request', () => {
		expect(ci.on.push?.branches).toEqual(['main']);
		expect(ci.on).toHaveProperty('pull_request');
	});

	it('runs .ci/run, the command docs/development.md names as what CI runs, after checking out', () => {
		expect(runs(ci)).toContain('bash .ci/run');
		expect(steps(ci)[0].uses).toMatch(/^actions\/checkout@v\d+$/);
		expect(read('docs/development.md')).toMatch(/`bash \.ci\/run` \| what CI runs on a clean checkout/);
	});

	it('runs in Debian as root, where the scripts install Chromium, PostgreSQL and Redis with apt-get', () => {
		const job = Object.values(ci.jobs)[0];
		expect(job.container).toMatch(/^node:20-bookworm$/);
		expect(read('scripts/e2e/install-chromium.sh')).toMatch(/apt-get install/);
		expect(read('scripts/queue/install-services.sh')).toMatch(/apt-get install/);
	});

	it('can only read the repository', () => {
		expect(ci.permissions).toEqual({ contents: 'read' });
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('publish.yml');

	it('runs on a version tag only', () => {
		expect(Object.keys(publish.on)).toEqual(['push']);
		expect(publish.on.push?.tags).toEqual(['v*.*.*']);
		expect(publish.on.push?.branches).toBeUndefined();
	});

	it('has the OIDC token that provenance needs, and read access to the code, nothing more', () => {
		expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		for (const job of Object.values(publish.jobs)) expect(job.permissions).toBeUndefined();
	});

	it('publishes with provenance, publicly, from npm ci and the checks, with the token from the secrets', () => {
		const commands = runs(publish);
		const publishAt = commands.findIndex((command) => /^npm publish\b/.test(command));
		expect(commands[publishAt]).toBe('npm publish --provenance --access public');
		expect(commands.filter((command) => /^npm publish\b/.test(command))).toHaveLength(1);
		for (const before of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test', 'npm run scan']) {
			const at = commands.findIndex((command) => command.startsWith(before));
			expect({ before, at: at >= 0 && at < publishAt }).toEqual({ before, at: true });
		}
		const step = steps(publish).find((s) => s.run === commands[publishAt])!;
		expect(step.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		const setup = steps(publish).find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with).toMatchObject({ 'registry-url': 'https://registry.npmjs.org' });
	});

	it('refuses a tag that is not package.json\'s version', () => {
		expect(runs(publish).some((command) => command.includes('GITHUB_REF_NAME') && command.includes("require('./package.json').version"))).toBe(true);
	});
});

describe('LICENSE and CHANGELOG.md', () => {
	it('LICENSE is the MIT licence package.json names', () => {
		expect(pkg.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
		expect(read('LICENSE')).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
	});

	it('CHANGELOG.md has an Unreleased section and one for the current version, newest first', () => {
		const headings = [...read('CHANGELOG.md').matchAll(/^## \[([^\]]+)\]/gm)].map((match) => match[1]);
		expect(headings[0]).toBe('Unreleased');
		expect(headings).toContain(pkg.version);
	});
});
