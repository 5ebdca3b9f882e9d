/**
 * What the sandboxes hold for the workflows of examples/: the enrichment columns of the
 * Extruct company table those workflows read (`funding_stage`, `sells_to_enterprises`).
 * Shared by the demo, `npm run sandbox`, and the tests that run the examples.
 */
import type { ExtructSandbox } from './extruct';

export const EXAMPLE_COMPANY_COLUMNS: NonNullable<Parameters<ExtructSandbox['seedTable']>[0]['columns']> = [
	{
		kind: 'agent',
		name: 'Funding Stage',
		key: 'funding_stage',
		value: { agent_type: 'research_pro', prompt: 'What is the latest funding stage of {input}?', output_format: 'text' },
	},
	{ kind: 'criterion_grade', name: 'Sells to Enterprises', key: 'sells_to_enterprises', value: { criterion: 'The company sells to enterprises' } },
];
