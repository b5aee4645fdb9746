import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRuntime, type Runtime } from '../src/lib/server/runtime.ts';
import { createSyncServer, SYNC_PREFIX, type SyncServer } from './sync/index.ts';

export const SYNC_PATH_PREFIX = SYNC_PREFIX;

const servers = new WeakMap<Runtime, SyncServer>();

/** The process's sync server, created with the runtime and closed before its database. */
export function syncServerFor(runtime: Runtime): SyncServer {
	let server = servers.get(runtime);
	if (!server) {
		const created = createSyncServer(runtime);
		servers.set(runtime, created);
		runtime.beforeClose.push(() => created.close());
		server = created;
	}
	return server;
}

/** Owns every WebSocket upgrade on the portal's HTTP server (production and `npm run dev`). */
export function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
	socket.on('error', () => socket.destroy());
	getRuntime(process.env)
		.then((runtime) => syncServerFor(runtime).handleUpgrade(req, socket, head))
		.catch(() => socket.destroy());
}
