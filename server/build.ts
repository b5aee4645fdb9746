/** Builds the SvelteKit app when the build is missing or older than its sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'build', 'handler.js');
const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newest(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
	return latest;
}

export function buildIsCurrent(): boolean {
	if (!existsSync(built)) return false;
	const sources = inputs.map((p) => join(root, p)).filter(existsSync);
	return Math.max(...sources.map(newest)) <= statSync(built).mtimeMs;
}

export function ensureBuilt(): void {
	if (buildIsCurrent()) return;
	console.log('Building the portal (first start or sources changed)…');
	const result = spawnSync(
		process.execPath,
		[join(root, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: root,
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, NODE_ENV: 'production' }
		}
	);
	if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}
