/**
 * Production entry: one HTTP server for the SvelteKit pages (adapter-node's handler) and for
 * WebSocket upgrades, with an ordered shutdown.
 */
import { createServer, type RequestListener } from 'node:http';
import { closeRuntime, getRuntime } from '../src/lib/server/runtime.ts';
import { handleUpgrade, syncServerFor } from './upgrade.ts';
import { attachMinutesRenderer } from './minutes-render.ts';

const runtime = await getRuntime(process.env);
const { config, log } = runtime;
// adapter-node reads ORIGIN when its handler is imported; keep it equal to ours.
process.env.ORIGIN = config.origin;

const handlerUrl = new URL('../build/handler.js', import.meta.url).href;
const { handler } = (await import(handlerUrl)) as { handler: RequestListener };

syncServerFor(runtime);
attachMinutesRenderer(runtime);
const server = createServer(handler);
server.on('upgrade', handleUpgrade);
server.headersTimeout = 30_000;
server.requestTimeout = 60_000;

server.listen(config.port, config.host, () => {
	log.info({ port: config.port, host: config.host, origin: config.origin }, 'listening');
	console.log(`\nMARAC portal: open ${config.origin}\n`);
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	log.info({ signal }, 'shutting down');
	const force = setTimeout(() => {
		log.error('shutdown took too long; exiting');
		process.exit(1);
	}, 10_000);
	force.unref();
	// 1. stop accepting; 2. flush and close the sync server; 3. close HTTP; 4. close the database.
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	await syncServerFor(runtime).close();
	server.closeIdleConnections();
	await closed;
	await closeRuntime();
	log.info('stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
