/** `npm start`: build the app if the build is missing or older than the sources, then serve it. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'build', 'handler.js');

function newest(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
	return latest;
}

const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const sourcesChanged = () =>
	Math.max(...inputs.map((p) => join(root, p)).filter(existsSync).map(newest)) >
	statSync(built).mtimeMs;

if (!existsSync(built) || sourcesChanged()) {
	console.log('Building the portal (first start or sources changed)…');
	const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, NODE_ENV: 'production' }
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('./index.ts');
