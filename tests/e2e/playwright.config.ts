import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { servers, type E2eServer } from './servers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Playwright cannot download browsers here: use the system Chromium (DESIGN §11).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function webServer(server: E2eServer) {
	return {
		name: server.name,
		command: 'node_modules/.bin/node tests/e2e/serve.ts',
		cwd: root,
		url: `${server.url}/healthz`,
		env: server.env,
		reuseExistingServer: false,
		// First start migrates and seeds the embedded database.
		timeout: 120_000,
		stdout: 'ignore' as const,
		stderr: 'pipe' as const,
		gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 }
	};
}

export default defineConfig({
	testDir: '.',
	testMatch: '*.spec.ts',
	outputDir: `${root}/test-results`,
	fullyParallel: false,
	// Two cores: the servers and one browser are enough load.
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI
		? [['list'], ['html', { open: 'never', outputFolder: `${root}/playwright-report` }]]
		: 'list',
	use: {
		baseURL: servers.main.url,
		browserName: 'chromium',
		headless: true,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--headless',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: [webServer(servers.main), webServer(servers.idle), webServer(servers.mfaRequired)]
});
