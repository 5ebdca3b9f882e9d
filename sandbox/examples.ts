/**
 * What the sandboxes hold for the workflows of examples/: the enrichment columns of the
 * Extruct company table those workflows read (`funding_stage`, `sells_to_enterprises`), and the
 * Clay lead table with leads for the Clay example.
 * Shared by the demo, `npm run sandbox`, and the tests that run the examples.
 */
import type { ClaySandbox } from './clay';
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

/** The Clay lead table examples/clay-webhook-enrich-lead.json writes to: its input columns and two enrichment columns. */
export const EXAMPLE_LEAD_FIELDS: Parameters<ClaySandbox['seedTable']>[0]['fields'] = [
	{ name: 'Name' },
	{ name: 'Email', type: 'email' },
	{ name: 'Domain', type: 'url' },
	{ name: 'Company Domain', type: 'action' },
	{ name: 'Headcount', type: 'action' },
];

/** Three leads as the example's webhook receives them (`body`), for a run started by hand. */
export const EXAMPLE_LEADS = [
	{ body: { name: 'Ada Lovelace', email: 'ada@analytical.example', domain: 'analytical.example' } },
	{ body: { name: 'Grace Hopper', email: 'grace@cobol.example', domain: 'cobol.example' } },
	{ body: { name: 'Alan Turing', email: 'alan@bletchley.example', domain: 'bletchley.example' } },
];
