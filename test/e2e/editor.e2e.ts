/**
 * The packed package in a running n8n (`n8n start`), driven through n8n's own editor by a
 * headless Chromium (Debian's chromium, via playwright-core): first-run owner setup, then for
 * every node of package.json a new workflow, the node found by name in the node panel, added to
 * the canvas, its parameters open; for one node per service the table list loaded "From list"
 * from the sandbox through the resource locator. The assertions are on what is on screen;
 * screenshots go to test-artifacts/e2e/. The same n8n also runs the examples that their own
 * trigger starts (cases.ts EXAMPLES with `start: 'published'`): published before n8n starts,
 * each is started as in production — its webhook called, or a row added for its polling
 * trigger — and what it answered and stored is checked.
 *
 * The credentials are imported with `n8n import:credentials` before n8n starts (the editor
 * then preselects each node's credential), not typed into n8n's credential dialog: this suite
 * proves the nodes, not n8n's credential UI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { credentialsFor, EDITOR_NODES, EXAMPLES, loadExample, startSandboxes } from './cases';
import type { PublishedExample, Sandboxes } from './cases';
import {
	artifactPath,
	assertN8nInstalled,
	assertPackageLoaded,
	createUserFolder,
	importCredentials,
	importWorkflow,
	N8N_VERSION,
	PACKAGE_NAME,
	packageJson,
	publishWorkflow,
	ROOT,
	startN8n,
	waitFor,
} from './n8n';
import type { N8nServer, UserFolder } from './n8n';

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Bound for every single wait in the browser: a broken editor fails the test, it does not hang it. */
const STEP_MS = 30_000;
const OWNER = { email: 'owner@e2e.example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Password-1234' };

interface PackageNode {
	/** The node's display name, e.g. "Extruct Trigger". */
	displayName: string;
	/**
	 * The name n8n's node panel lists it under: n8n shows a service's action node and trigger
	 * node as one entry named without " Trigger" ("Extruct"), whose panel lists the trigger's
	 * events under "Triggers" and the node's operations under "Actions".
	 */
	panelName: string;
	/** Full node type, e.g. "n8n-nodes-enrichment-tables.extruct". */
	type: string;
	isTrigger: boolean;
}

/** The nodes package.json lists, read from the built files (the ones packed). */
function packageNodes(): PackageNode[] {
	return packageJson().n8n.nodes.map((file) => {
		const exports = require(path.join(ROOT, file)) as Record<string, new () => { description: { displayName: string; name: string; group: string[] } }>;
		const NodeClass = Object.values(exports).find((value) => typeof value === 'function');
		if (!NodeClass) throw new Error(`${file} exports no node class`);
		const { description } = new NodeClass();
		return {
			displayName: description.displayName,
			panelName: description.displayName.replace(/ Trigger$/, ''),
			type: `${PACKAGE_NAME}.${description.name}`,
			isTrigger: description.group.includes('trigger'),
		};
	});
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
const fileName = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();

async function screenshot(page: Page, name: string): Promise<string> {
	const file = artifactPath('screenshots', `${name}.png`);
	await page.screenshot({ path: file, fullPage: false });
	return file;
}

/** Opens an editor URL; right after start n8n may answer "Cannot GET /" for a while. */
async function openEditor(page: Page, server: N8nServer, route: string, ready: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		await page.goto(`${server.url}${route}`, { waitUntil: 'domcontentloaded', timeout: STEP_MS });
		try {
			await page.locator(ready).first().waitFor({ state: 'visible', timeout: 10_000 });
			return;
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`n8n's editor did not show ${ready} at ${route}: ${(error as Error).message.split('\n')[0]}`);
		}
	}
}

describe(`the packed package in n8n ${N8N_VERSION}'s editor (n8n start + headless Chromium)`, () => {
	const nodes = packageNodes();
	const published = EXAMPLES.filter((example): example is PublishedExample => example.start === 'published');
	/** What each published example's `prepare` returned, by file. */
	const contexts = new Map<string, unknown>();
	let sandboxes: Sandboxes | undefined;
	let folder: UserFolder | undefined;
	let server: N8nServer | undefined;
	let browser: Browser | undefined;
	let context: BrowserContext | undefined;
	/** Table names seeded per node display name. */
	const seeded: Record<string, string[]> = {};

	beforeAll(async () => {
		assertN8nInstalled();
		if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "bash scripts/e2e/install-chromium.sh" (npm run test:e2e does)`);
		sandboxes = await startSandboxes();
		for (const [name, entry] of Object.entries(EDITOR_NODES)) {
			if (entry.tableList) seeded[name] = entry.tableList.seed(sandboxes);
		}
		folder = await createUserFolder('editor');
		await importCredentials(folder, credentialsFor(sandboxes));
		// Published before n8n starts: n8n activates them at start (registers the webhooks, polls
		// each polling trigger once); the editor tests below run meanwhile.
		for (const [index, example] of published.entries()) {
			const workflow = loadExample(example.file, `e2ePublished${String(index).padStart(4, '0')}`);
			contexts.set(example.file, example.prepare(sandboxes, workflow));
			await importWorkflow(folder, workflow);
			await publishWorkflow(folder, workflow.id);
		}
		const started = Date.now();
		server = await startN8n(folder, { log: 'n8n-start-editor' });
		console.log(`[e2e] n8n start: editor ready at ${server.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		assertPackageLoaded(server.output());
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
			timeout: STEP_MS * 2,
		});
		context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		context.setDefaultTimeout(STEP_MS);
	}, 300_000);

	afterAll(async () => {
		await context?.close().catch(() => undefined);
		await browser?.close().catch(() => undefined);
		await server?.stop();
		await sandboxes?.close();
		folder?.remove();
	});

	test('every node with a table-list case is a node of package.json', () => {
		expect(Object.keys(EDITOR_NODES).filter((name) => !nodes.some((node) => node.displayName === name))).toEqual([]);
	});

	test("n8n's first-run owner setup completes", async () => {
		const page = await context!.newPage();
		try {
			await openEditor(page, server!, '/setup', 'input[name=email]');
			await expect(page.getByText('Set up owner account').first().isVisible()).resolves.toBe(true);
			await page.fill('input[name=email]', OWNER.email);
			await page.fill('input[name=firstName]', OWNER.firstName);
			await page.fill('input[name=lastName]', OWNER.lastName);
			await page.fill('input[name=password]', OWNER.password);
			await screenshot(page, '01-owner-setup');
			await page.click('[data-test-id=form-submit-button]');
			await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: STEP_MS });
			// Signed in: the main sidebar of the editor is there (its settings entry in n8n 2.x, its
			// user menu in n8n 1.x, whose sidebar has settings inside that menu).
			await page.locator('[data-test-id=main-sidebar-settings], [data-test-id=main-sidebar-user-menu]').first().waitFor({ state: 'visible' });
			await screenshot(page, '02-signed-in');
		} finally {
			await page.close();
		}
	});

	const cases = nodes.map((node) => [node.displayName, node] as const);
	test.each(cases)('%s: found by name in the node panel, added to a new workflow, its parameters open', async (displayName: string, node: PackageNode) => {
		const entry = EDITOR_NODES[displayName] ?? {};
		const page = await context!.newPage();
		const shot = (step: string) => screenshot(page, `node-${fileName(displayName)}-${step}`);
		try {
			await openEditor(page, server!, '/workflow/new', '[data-test-id=canvas-plus-button], [data-test-id=node-creator-plus-button]');
			const nodesBefore = await page.locator('[data-test-id=canvas-node]').count();

			// The node panel: search by the node's name.
			await page.locator('[data-test-id=node-creator-plus-button]').click();
			const search = page.locator('[data-test-id=node-creator-search-bar]');
			await search.fill(node.panelName);
			const entryOf = (name: string) => `[data-test-id=item-iterator-item][data-keyboard-nav-id^="${PACKAGE_NAME}."]:has([data-test-id=node-creator-item-name]:text-is("${name}"))`;
			const item = page.locator(entryOf(node.panelName)).first();
			await item.waitFor({ state: 'visible' });
			await shot('1-panel');
			// On screen: this package's entry, under the node's name, with its icon (so the icon file is in the package).
			expect((await item.locator('[data-test-id=node-creator-item-name]').innerText()).trim()).toBe(node.panelName);
			const icon = item.locator('img').first();
			await expect(icon.getAttribute('src')).resolves.toContain(`/icons/${PACKAGE_NAME}/`);
			await expect(icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);

			// Click it: a node with resources and operations (or a trigger with events) lists them; pick one.
			await item.click();
			const ownActions = page.locator(`[data-test-id=item-iterator-item][data-keyboard-nav-id^="${node.type}-"]`);
			const categories = page.locator('[data-test-id=node-creator-category-item]');
			const ndv = page.locator('[data-test-id=ndv]');
			await ndv.or(ownActions.first()).or(categories.first()).first().waitFor({ state: 'visible' });
			if (!(await ndv.isVisible())) {
				const action = entry.action
					? ownActions.filter({ has: page.locator('[data-test-id=node-creator-item-name]', { hasText: exactly(entry.action) }) }).first()
					: ownActions.first();
				// With a trigger node beside it, n8n lists the trigger's events and folds the node's
				// "Actions" away (on an empty canvas): unfold the right category (a click toggles it).
				const category = categories.and(page.locator(`[data-keyboard-nav-id="${node.isTrigger ? 'Triggers' : 'Actions'}"]`));
				for (let attempt = 0; attempt < 3 && !(await action.isVisible()); attempt++) {
					if (await category.isVisible()) await category.click();
					await action.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
				}
				await action.waitFor({ state: 'visible' });
				await shot('2-actions');
				await action.click();
			}

			// On the canvas, with its parameters open.
			await ndv.waitFor({ state: 'visible' });
			await page.locator('[data-test-id=node-parameters]').waitFor({ state: 'visible' });
			await expect(page.locator('[data-test-id=canvas-node]').count()).resolves.toBeGreaterThan(nodesBefore);
			if (entry.action) await expect(page.locator('[data-test-id=node-title-container]').first().innerText()).resolves.toContain(entry.action);
			if (entry.credential) {
				const credential = page.locator('[data-test-id=node-credentials-select] input');
				await expect(credential.inputValue()).resolves.toBe(entry.credential);
			}
			await shot('3-parameters');

			// The table list, loaded from the sandbox through the resource locator.
			if (entry.tableList) {
				const locator = page.locator(`[data-test-id=resource-locator-${entry.tableList.parameter}]`);
				await locator.locator('[data-test-id=rlc-input]').click();
				const items = page.locator('[data-test-id=rlc-item]');
				await items.first().waitFor({ state: 'visible' });
				const expected = seeded[displayName];
				// Wait until every seeded table is listed (the list may render in pages).
				await page.waitForFunction(
					(names) => {
						const shown = Array.from(document.querySelectorAll('[data-test-id=rlc-item]')).map((element) => (element as HTMLElement).innerText);
						return names.every((name) => shown.some((text) => text.includes(name)));
					},
					expected,
					{ timeout: STEP_MS },
				).catch(() => undefined);
				await shot('4-tables');
				const shown = await items.allInnerTexts();
				// Each seeded table listed exactly once (the message shows what the list did show).
				const missing = expected.filter((name) => shown.filter((text) => text.includes(name)).length !== 1);
				expect({ listed: shown, missingOrTwice: missing }).toEqual({ listed: shown, missingOrTwice: [] });
			}
		} finally {
			await page.close();
		}
	});

	// The examples started by their own trigger. Those that wait for a poll (n8n's minimum poll
	// interval is a minute) run last, so that the tests above use the time until the next poll.
	const ordered = [...published.filter((example) => !example.polls), ...published.filter((example) => example.polls)];
	test('at most one example waits for a poll (each costs up to two minutes)', () => {
		expect(published.filter((example) => example.polls).length).toBeLessThanOrEqual(1);
	});
	test.each(ordered.map((example) => [example.file, example] as const))(
		'%s: published, started by its own trigger in the running n8n; what it answered and stored is right',
		async (file: string, example: PublishedExample) => {
			const context = contexts.get(file);
			if (example.ready) {
				await waitFor(`n8n to set up ${file} (its trigger's first poll, made when n8n activates it)`, () => example.ready!(sandboxes!, context), 90_000, 1000);
			}
			const started = Date.now();
			const fired = await example.fire(server!, sandboxes!, context);
			await waitFor(
				`${file} to finish${example.polls ? ' (n8n polls at the start of each minute)' : ''}`,
				() => example.done(sandboxes!, context, fired),
				example.polls ? 150_000 : 60_000,
				1000,
			);
			console.log(`[e2e] ${file}: done ${((Date.now() - started) / 1000).toFixed(0)} s after it was started`);
			// Let a second, unwanted effect (a duplicate) arrive if there is one.
			await new Promise((resolve) => setTimeout(resolve, 3000));
			example.verify(sandboxes!, context, fired);
		},
		300_000,
	);
});
