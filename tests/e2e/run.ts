/**
 * `npm run test:e2e`: builds the app if needed, then runs Playwright against the production
 * server in the system Chromium. Without Chromium the run is skipped, except under CI.
 * Extra arguments go to Playwright: `npm run test:e2e -- --grep dashboard`.
 */
import { accessSync, constants, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../server/build.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

function executable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once('error', () => resolve(false));
		probe.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
			probe.close(() => resolve(true))
		);
	});
}

/**
 * Free ports in 3500-3599 for the servers the suite starts (see servers.ts). The search starts at
 * a random port, so two runs on one machine (e.g. in two worktrees) rarely race for the same one.
 */
async function freePorts(count: number): Promise<number[]> {
	const ports: number[] = [];
	const start = Math.floor(Math.random() * 100);
	for (let i = 0; i < 100 && ports.length < count; i++) {
		const port = 3500 + ((start + i) % 100);
		if (await portIsFree(port)) ports.push(port);
	}
	if (ports.length < count) throw new Error('e2e: not enough free ports in 3500-3599');
	return ports;
}

if (!executable(chromium)) {
	const message = `e2e skipped: no Chromium at ${chromium}; install with apt-get install -y chromium`;
	if (ci) {
		console.error(`${message} (CI is set, so this is a failure)`);
		process.exit(1);
	}
	console.log(message);
	process.exit(0);
}

ensureBuilt();

process.env.CHROMIUM_PATH = chromium;
process.env.E2E_PORTS ??= (await freePorts(3)).join(',');
// Each run's throwaway databases are its own, even if another run picked the same ports.
process.env.E2E_RUN ??= String(process.pid);
// servers.ts reads E2E_PORTS when imported, so import it only now.
const { servers } = await import('./servers.ts');

const result = spawnSync(
	process.execPath,
	[
		'node_modules/@playwright/test/cli.js',
		'test',
		'-c',
		'tests/e2e/playwright.config.ts',
		...process.argv.slice(2)
	],
	{ cwd: root, stdio: 'inherit', env: process.env }
);

// The servers' embedded databases are throwaway.
for (const server of Object.values(servers))
	rmSync(server.dataDir, { recursive: true, force: true });

if (result.error) throw result.error;
process.exit(result.status ?? 1);
