import { existsSync, readFileSync } from 'node:fs';

/** What n8n's logger wrote so far (the harness points it at a file). */
export async function loggedText(): Promise<string> {
	await new Promise((resolve) => setTimeout(resolve, 200)); // the file transport writes asynchronously
	const file = process.env.N8N_LOG_FILE_LOCATION;
	return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
}
