/**
 * The value an enriched cell of the Extruct sandbox gets, derived deterministically from the
 * row's `input` value and the column's config, so that tests can compute what to expect.
 */
import type { ExtructColumn } from './types';

function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

export const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');

const capitalize = (word: string) => (word ? word[0].toUpperCase() + word.slice(1) : word);

/** The text a row's input value is read as (strings as-is, other values as JSON). */
export function extructInputText(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The domain the sandbox reads from an input: the URL's host, a bare domain, or `<slug>.example.com`. */
export function extructDomain(input: unknown): string {
	const text = extructInputText(input).trim().toLowerCase();
	if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
		try {
			const host = new URL(text).hostname.replace(/^www\./, '');
			if (host) return host;
		} catch {
			// fall through
		}
	}
	const bare = /^(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[/:?#]|$)/.exec(text);
	if (bare) return bare[1];
	return `${slug(text) || 'unknown'}.example.com`;
}

/** The company name the sandbox reads from an input: the first label of its domain, capitalised. */
export function extructCompanyName(input: unknown): string {
	return extructDomain(input).split('.')[0].split('-').map(capitalize).join(' ');
}

const INDUSTRIES = ['Software', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Logistics', 'Energy', 'Media'];
const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie'];
const LAST_NAMES = ['Smith', 'Garcia', 'Chen', 'Novak', 'Okafor', 'Larsen', 'Silva', 'Kim'];
const GRADES = ['A', 'B', 'C', 'D', 'F'];

function personFrom(hash: number) {
	const first = FIRST_NAMES[hash % FIRST_NAMES.length];
	const last = LAST_NAMES[(hash >>> 3) % LAST_NAMES.length];
	return { first, last, name: `${first} ${last}`, profile_url: `https://www.linkedin.com/in/${slug(`${first}-${last}-${hash % 10000}`)}` };
}

function valueFromSchema(schema: unknown, company: string, hash: number, depth = 0): unknown {
	if (!schema || typeof schema !== 'object' || depth > 6) return null;
	const s = schema as Record<string, unknown>;
	if (Array.isArray(s.enum) && s.enum.length) return s.enum[hash % s.enum.length];
	const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
	if (type === 'object' || (!type && s.properties && typeof s.properties === 'object')) {
		const out: Record<string, unknown> = {};
		for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
			out[name] = valueFromSchema(sub, company, fnv1a(`${hash}|${name}`), depth + 1);
		}
		return out;
	}
	if (type === 'string') return company;
	if (type === 'integer' || type === 'number') return hash % 1000;
	if (type === 'boolean') return hash % 2 === 0;
	if (type === 'array') return s.items ? [valueFromSchema(s.items, company, hash, depth + 1)] : [];
	return null;
}

function agentAnswer(config: ExtructColumn['config'], company: string, domain: string, hash: number): unknown {
	const value = (config.value ?? {}) as Record<string, unknown>;
	const labels = Array.isArray(value.labels) ? (value.labels as string[]) : [];
	switch (value.output_format) {
		case 'url':
			return `https://${domain}/${slug(config.key) || 'page'}`;
		case 'email':
			return `info@${domain}`;
		case 'select':
			return labels.length ? labels[hash % labels.length] : null;
		case 'multiselect': {
			if (!labels.length) return [];
			const picked = labels.filter((_, i) => ((hash >>> i) & 1) === 1);
			return picked.length ? picked : [labels[hash % labels.length]];
		}
		case 'numeric':
			return hash % 10000;
		case 'money':
			// docs silent: the shape of a money answer; an amount in whole units plus a currency.
			return { amount: (hash % 100000) * 100, currency: 'USD' };
		case 'date': {
			const year = 1990 + (hash % 35);
			const month = 1 + ((hash >>> 8) % 12);
			const day = 1 + ((hash >>> 12) % 28);
			return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
		}
		case 'phone':
			return `+1-555-${String(hash % 10000).padStart(4, '0')}`;
		case 'grade':
			return GRADES[hash % GRADES.length];
		case 'json': {
			const fromSchema = valueFromSchema(value.output_schema, company, hash);
			return fromSchema && typeof fromSchema === 'object' && Object.keys(fromSchema).length
				? fromSchema
				: { company, domain };
		}
		default:
			return `${config.name} for ${company}`;
	}
}

/**
 * The value a cell of column `config` gets when its enrichment is done, for a row whose
 * `input` value is `input`. `emailValue` is the row's value in the column named by a
 * `reverse_email_lookup` column's `email_column_key`.
 */
export function extructCellValue(config: ExtructColumn['config'], input: unknown, emailValue?: unknown): unknown {
	const text = extructInputText(input);
	const domain = extructDomain(text);
	const company = extructCompanyName(text);
	const hash = fnv1a(`${config.key}|${text}`);
	const source = [`https://${domain}`];
	switch (config.kind) {
		case 'agent':
			return {
				answer: agentAnswer(config, company, domain, hash),
				source,
				explanation: `Sandbox ${String(config.value?.agent_type ?? 'agent')} answer for ${company} (${domain}).`,
			};
		case 'criterion_grade':
			return {
				answer: ['Yes', 'Likely', 'No'][hash % 3],
				explanation: `Sandbox grade of ${company} against: ${String(config.value?.criterion ?? '')}`,
				source,
			};
		case 'company_people_finder': {
			const roles: string[] = Array.isArray(config.value?.roles) && config.value.roles.length ? config.value.roles : ['CEO'];
			return roles.map((role) => {
				const person = personFrom(fnv1a(`${hash}|${role}`));
				return { name: person.name, role, profile_url: person.profile_url };
			});
		}
		case 'discovery_scores':
			return hash % 101;
		case 'company_name':
			return company;
		case 'company_website':
			return `https://${domain}`;
		case 'company_profile':
			return {
				description: `${company} is a company operating at ${domain}.`,
				industry: INDUSTRIES[hash % INDUSTRIES.length],
				employees: 10 + (hash % 5000),
			};
		case 'email_finder':
			return `contact@${domain}`;
		case 'phone_finder':
			return `+1-555-${String(hash % 10000).padStart(4, '0')}`;
		case 'reverse_email_lookup': {
			const email = extructInputText(emailValue) || `contact@${domain}`;
			const emailDomain = email.includes('@') ? email.split('@')[1].toLowerCase() : domain;
			const person = personFrom(fnv1a(email));
			return {
				email,
				full_name: person.name,
				company: extructCompanyName(emailDomain),
				company_website: `https://${emailDomain}`,
				profile_url: person.profile_url,
			};
		}
		default:
			return null;
	}
}
