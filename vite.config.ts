import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { handleUpgrade, SYNC_PATH_PREFIX } from './server/upgrade.ts';

/** Attaches the production upgrade handler to the dev server, so `npm run dev` matches `npm start`. */
function syncDevServer(): Plugin {
	return {
		name: 'marac-sync-dev-server',
		configureServer(server) {
			// The dev server's own address is the origin sockets and forms must come from,
			// unless ORIGIN says otherwise.
			server.httpServer?.once('listening', () => {
				const address = server.httpServer?.address();
				if (address && typeof address === 'object') {
					process.env.ORIGIN ??= `http://localhost:${address.port}`;
				}
			});
			server.httpServer?.on('upgrade', (req, socket, head) => {
				// Vite's own HMR socket shares this server; only claim our path.
				if (req.url?.startsWith(SYNC_PATH_PREFIX)) handleUpgrade(req, socket, head);
			});
		}
	};
}

export default defineConfig({
	plugins: [tailwindcss(), sveltekit(), syncDevServer()],
	test: {
		include: ['tests/**/*.test.ts'],
		exclude: ['tests/e2e/**', 'tests/bench/**', 'node_modules/**'],
		environment: 'node',
		globalSetup: ['tests/helpers/global-setup.ts'],
		pool: 'forks',
		maxWorkers: 2,
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
