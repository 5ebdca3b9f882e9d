/** An HTTP client of the Extruct sandbox and a sandbox of its own per test, for the sandbox's own suites. */
import { startExtructSandbox, type ExtructSandbox, type ExtructSandboxOptions } from '../../sandbox/extruct';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Answer {
	status: number;
	headers: Headers;
	body: any;
}

export function client(sb: ExtructSandbox) {
	return async (method: string, path: string, body?: unknown, init: { token?: string | null; raw?: string; contentType?: string } = {}): Promise<Answer> => {
		const headers: Record<string, string> = {};
		const token = init.token === undefined ? sb.token : init.token;
		if (token !== null) headers.authorization = `Bearer ${token}`;
		if (body !== undefined || init.raw !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
		const res = await fetch(`${sb.url}${path}`, { method, headers, body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
	};
}

export async function withSandbox(options: ExtructSandboxOptions, fn: (sb: ExtructSandbox, api: ReturnType<typeof client>) => Promise<void>) {
	const sb = await startExtructSandbox(options);
	try {
		await fn(sb, client(sb));
	} finally {
		await sb.close();
	}
}
