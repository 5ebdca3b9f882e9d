/**
 * Authentication by node version: version 1 (saved workflows made before API keys, which have no
 * Authentication parameter) keeps the session cookie; version 2, what the editor creates, defaults
 * to an API key. Resolved as n8n resolves a node's parameters, and run against the sandbox.
 */
import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeType } from 'n8n-workflow';

import { Clay } from '../../nodes/Clay/Clay.node';
import { ClayTrigger } from '../../nodes/Clay/ClayTrigger.node';
import { byId, clayFixture, leadsTable } from './setup';
import type { ClayFixture } from './setup';

const resolve = (type: INodeType, typeVersion: number, parameters: Record<string, unknown> = {}) => {
	const node = { name: 'N', type: `n8n-nodes-enrichment-tables.${type.description.name}`, typeVersion, parameters } as unknown as INode;
	return NodeHelpers.getNodeParameters(type.description.properties, parameters as never, true, false, node, type.description) ?? {};
};

describe.each([
	['Clay', new Clay() as INodeType],
	['Clay Trigger', new ClayTrigger() as INodeType],
])('%s: Authentication by version', (_name, type) => {
	test('new nodes are version 2 and default to an API key; version 1 keeps the session cookie', () => {
		expect(type.description.version).toEqual([1, 2]);
		expect(type.description.defaultVersion).toBe(2);
		expect(resolve(type, 2).authentication).toBe('apiKey');
		expect(resolve(type, 1).authentication).toBe('sessionCookie');
		expect(resolve(type, 1, { authentication: 'apiKey' }).authentication).toBe('apiKey');
		expect(resolve(type, 2, { authentication: 'sessionCookie' }).authentication).toBe('sessionCookie');
	});
});

describe('Clay: the credential each version uses', () => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture()));
	afterAll(async () => await fx.sandbox.close());

	test.each([
		[1, 'cookie'],
		[2, 'authorization'],
	])('version %s without an Authentication parameter sends the %s header', async (typeVersion, header) => {
		const table = leadsTable(fx.sandbox, [{ Name: 'a' }]);
		fx.sandbox.server.clearLog();
		const result = await fx.harness.execute({ node: 'clay', parameters: { resource: 'record', operation: 'count', table: byId(table.id) }, typeVersion });
		expect(result.error).toBeUndefined();
		const sent = fx.sandbox.server.log.map((request) => Object.keys(request.headers));
		expect(sent.length).toBeGreaterThan(0);
		for (const headers of sent) expect(headers).toContain(header);
	});
});

describe('Clay in the editor: wording and defaults', () => {
	const property = (type: INodeType, name: string, where: (p: { displayOptions?: { show?: Record<string, unknown> } }) => boolean = () => true) =>
		type.description.properties.find((p) => p.name === name && where(p))!;

	test('the Clay Trigger says Records, not Rows', () => {
		const options = property(new ClayTrigger(), 'options');
		expect(options.options!.map((option) => (option as { displayName: string }).displayName)).toContain('Include Existing Records');
	});

	test('Record → Get takes the record ID from the input item by default, as Update, Delete and Run do', () => {
		const clay = new Clay();
		for (const [operation, name] of [
			['get', 'recordId'],
			['update', 'recordId'],
			['delete', 'recordIds'],
			['run', 'recordId'],
		]) {
			expect(property(clay, name, (p) => (p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation) ?? false).default).toBe('={{ $json.id }}');
		}
	});

	test('Run Enrichment says what an empty column choice runs, and that it spends credits; Key Column lists input columns only', () => {
		const clay = new Clay();
		expect(property(clay, 'fieldIds').hint).toMatch(/Empty: every enrichment column.*credits/);
		expect(property(clay, 'keyField').typeOptions?.loadOptionsMethod).toBe('getInputFields');
	});
});
