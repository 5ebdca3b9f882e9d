// ESLint 9 flat config: n8n's two linters for community nodes.
// - @n8n/eslint-plugin-community-nodes (recommended): the verification rules n8n applies to
//   community packages (restricted imports and globals, no runtime dependencies, credential
//   tests, paired items, continue-on-fail...).
// - eslint-plugin-n8n-nodes-base: its community (package.json), credentials and nodes configs,
//   which were written for the legacy config format and are adapted here.
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

const legacy = n8nNodesBase.configs;

export default [
	{
		ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', 'test-artifacts/**'],
	},
	{
		files: ['**/*.ts', 'package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...communityNodes.configs.recommended,
	},
	{
		files: ['package.json'],
		rules: legacy.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...legacy.credentials.rules,
			// "Only applicable to nodes in the main repository" (the rule's own words): it wants a
			// docs slug; a community credential links a full URL, which the community plugin's
			// credential-documentation-url rule requires. n8n-nodes-starter turns it off too.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...legacy.nodes.rules,
			// These two want inputs/outputs as the string 'main'; the community plugin's
			// node-connection-type-literal rule (newer, and n8n's current convention) wants
			// NodeConnectionTypes.Main. The community rule wins.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
