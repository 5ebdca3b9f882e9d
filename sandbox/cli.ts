/**
 * `npm run sandbox`: the three local stand-ins (Extruct, JustPaid, Clay) on fixed ports, each
 * with one small example table, so the nodes can be tried in a real n8n without an account.
 * It prints, per service, the Base URL and the secret to paste into the n8n credential.
 *
 *   npm run sandbox
 *   npm run sandbox -- --extruct-port 5010 --justpaid-port 5020 --clay-port 5030
 *   npm run sandbox -- --host 0.0.0.0      (reachable from n8n in Docker: use host.docker.internal)
 *   npm run sandbox -- --clay-shapes seed --clay-ids assign   (a Clay behaviour profile: sandbox/clay/profiles.ts)
 *
 * State lives in memory only; Ctrl-C stops the servers.
 */

import { describeProfile, PROFILE_FLAGS, readProfileFlag, resolveProfile, startClaySandbox } from './clay';
import type { ClayProfileOptions } from './clay';
import { EXAMPLE_COMPANY_COLUMNS } from './examples';
import { startExtructSandbox } from './extruct';
import { startJustPaidSandbox } from './justpaid';

interface CliOptions {
	host: string;
	extructPort: number;
	justpaidPort: number;
	clayPort: number;
	clay: ClayProfileOptions;
}

const USAGE = `Usage: npm run sandbox -- [--host 127.0.0.1] [--extruct-port 4010] [--justpaid-port 4020] [--clay-port 4030]\n       Clay behaviour: ${PROFILE_FLAGS}`;

function parseArgs(argv: string[]): CliOptions {
	const options: CliOptions = { host: '127.0.0.1', extructPort: 4010, justpaidPort: 4020, clayPort: 4030, clay: {} };
	const ports: Record<string, 'extructPort' | 'justpaidPort' | 'clayPort'> = {
		'--extruct-port': 'extructPort',
		'--justpaid-port': 'justpaidPort',
		'--clay-port': 'clayPort',
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
		if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		}
		if (flag.startsWith('--clay-') && flag !== '--clay-port') {
			const next = inline ?? argv[i + 1];
			const read = readProfileFlag(options.clay, flag, next);
			if (read === false) throw new Error(`Unknown option ${flag}\n${USAGE}`);
			if (read === true && inline === undefined) i++;
			continue;
		}
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
		if (flag === '--host') options.host = value;
		else if (ports[flag]) {
			const port = Number(value);
			if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag}: "${value}" is not a port number`);
			options[ports[flag]] = port;
		} else throw new Error(`Unknown option ${flag}\n${USAGE}`);
	}
	return options;
}

/** Starts one sandbox on its fixed port, with a clear message when the port is taken. */
async function listen<T>(service: string, port: number, start: () => Promise<T>): Promise<T> {
	try {
		return await start();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const flag = `--${service.toLowerCase()}-port`;
		if (code === 'EADDRINUSE') throw new Error(`Port ${port} (${service}) is in use: choose another with ${flag}`);
		throw error;
	}
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));

	const { host } = options;
	// Enrichment takes a few seconds per cell, so a run can be watched from n8n.
	const extruct = await listen('Extruct', options.extructPort, () =>
		startExtructSandbox({ cellStartMs: 1000, cellDurationMs: 3000, port: options.extructPort, host }),
	);
	const justpaid = await listen('JustPaid', options.justpaidPort, () => startJustPaidSandbox({ port: options.justpaidPort, host })).catch(
		async (error) => {
			await extruct.close();
			throw error;
		},
	);
	const clay = await listen('Clay', options.clayPort, () =>
		startClaySandbox({ runStartMs: 1000, runDurationMs: 3000, port: options.clayPort, host, ...options.clay }),
	).catch(async (error) => {
		await Promise.all([extruct.close(), justpaid.close()]);
		throw error;
	});
	const closeAll = async () => await Promise.all([extruct.close(), justpaid.close(), clay.close()]);

	const extructTable = extruct.seedTable({
		name: 'Example companies',
		kind: 'company',
		columns: EXAMPLE_COMPANY_COLUMNS,
		rows: [{ input: 'https://stripe.com' }, { input: 'https://notion.so' }, { input: 'https://figma.com' }],
	});
	const justpaidTable = justpaid.seedTable({
		name: 'Example leads',
		columns: [
			{ name: 'company', type: 'text', required: true },
			{ name: 'email', type: 'email' },
			{ name: 'stage', type: 'select', options: ['new', 'contacted', 'won', 'lost'] },
			{ name: 'amount', type: 'number' },
		],
		rows: [
			{ company: 'Stripe', email: 'billing@stripe.example', stage: 'new', amount: 1200 },
			{ company: 'Notion', email: 'ops@notion.example', stage: 'contacted', amount: 800 },
		],
	});
	const clayTable = clay.seedTable({
		name: 'Example companies',
		fields: [
			{ name: 'Company', type: 'text' },
			{ name: 'Website', type: 'url' },
		],
		records: [
			{ Company: 'Stripe', Website: 'https://stripe.com' },
			{ Company: 'Figma', Website: 'https://figma.com' },
		],
	});

	const lines = [
		'Sandboxes of n8n-nodes-enrichment-tables are running (in memory; Ctrl-C stops them).',
		'In n8n, create each credential with these values:',
		'',
		'Extruct API',
		`  Base URL:   ${extruct.url}`,
		`  API Token:  ${extruct.token}`,
		`  Example table: "${extructTable.name}" (id ${extructTable.id}), ${extructTable.rows.length} rows`,
		'',
		'JustPaid API',
		`  Base URL:   ${justpaid.url}`,
		`  API Key:    ${justpaid.apiKey}`,
		`  Example table: "${justpaidTable.name}" (id ${justpaidTable.id}), ${justpaidTable.rows.length} rows`,
		'',
		`Clay (behaviour: ${describeProfile(resolveProfile(options.clay))})`,
		`  Base URL:   ${clay.url}`,
		`  Session cookie (claysession), for the Clay Session Cookie API credential: ${clay.session}`,
		`  API key, for the Clay API Key API credential: ${clay.apiKey}`,
		`  Example table: "${clayTable.name}" (id ${clayTable.id}), ${clayTable.records.size} records`,
	];
	if (options.host === '0.0.0.0' || options.host === '::') {
		lines.push('', `Listening on all interfaces: from n8n in Docker use http://host.docker.internal:<port> as the Base URL.`);
	}
	console.log(lines.join('\n'));

	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping the sandboxes…');
		closeAll().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(`Sandbox failed to start: ${error.message}`);
	process.exitCode = 1;
});
