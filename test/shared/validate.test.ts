/** Input checks: zod issues as item errors naming the path, JSON parameters, lists. */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { z } from 'zod';

import { describeIssues, formatPath, jsonParameter, parseWith, toList } from '../../nodes/shared/validate';

const node = { id: '1', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

describe('validate', () => {
	it('formats paths as a reader writes them', () => {
		expect(formatPath(['columns', 2, 'value', 'prompt'])).toBe('columns[2].value.prompt');
		expect(formatPath([0, 'a'])).toBe('[0].a');
	});

	it('parseWith returns the data, or throws an item error naming the field under its parameter', () => {
		const schema = z.object({ columns: z.array(z.object({ name: z.string() })) });
		expect(parseWith(node, schema, { columns: [{ name: 'a' }] }, 0)).toEqual({ columns: [{ name: 'a' }] });
		let error: unknown;
		try {
			parseWith(node, schema, { columns: [{ name: 'a' }, {}] }, 7, 'data');
		} catch (thrown) {
			error = thrown;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/^Item 7: `data\.columns\[1\]\.name` required/);
		expect((error as NodeOperationError).description).toBe('Check the parameter "data".');
	});

	it('describeIssues lists at most five issues', () => {
		const result = z.array(z.number()).safeParse(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
		expect(result.success).toBe(false);
		expect(describeIssues(result.error!.issues).split('; ')).toHaveLength(5);
	});

	it('jsonParameter parses typed JSON, passes objects from expressions, and names the item on bad JSON', () => {
		const ctx = (value: unknown) =>
			({ getNodeParameter: () => value, getNode: () => node, getInputData: () => [{ json: {} }] }) as unknown as IExecuteFunctions;
		expect(jsonParameter(ctx('{"a": 1}'), 'json', 0, 'JSON')).toEqual({ a: 1 });
		expect(jsonParameter(ctx({ a: 2 }), 'json', 0, 'JSON')).toEqual({ a: 2 });
		expect(jsonParameter(ctx(''), 'json', 0, 'JSON')).toBeUndefined();
		expect(() => jsonParameter(ctx('{oops'), 'json', 4, 'Values')).toThrow(/^Item 4: "Values" is not valid JSON/);
	});

	it('toList splits and trims', () => {
		expect(toList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
		expect(toList([' x ', 1])).toEqual(['x', '1']);
		expect(toList(undefined)).toEqual([]);
	});
});
