/**
 * A live-sync server on loopback for integration tests: the real upgrade handler and hub, a test
 * database, stock y-websocket clients and raw sockets.
 *
 *   const h = await startHarness(t);                 // or startHarness(t, { messagesPerSecond: 5 })
 *   const p = provider(h, name, await sessionCookie(h, 'police@demo.example'));
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { eq } from 'drizzle-orm';
import type { TestDatabase } from './db.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import { assembleRuntime, type Runtime } from '../../src/lib/server/runtime.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { users } from '../../src/lib/server/db/schema/index.ts';
import { createSyncServer, type SyncOptions, type SyncServer } from '../../server/sync/index.ts';

export const ORIGIN = 'http://localhost:4999';

export interface Harness {
	t: TestDatabase;
	runtime: Runtime;
	sync: SyncServer;
	http: Server;
	/** `ws://127.0.0.1:<port>/sync` (append `/<documentName>`). */
	url: string;
	restart(): Promise<void>;
	stop(): Promise<void>;
}

/** Starts the sync server on an ephemeral port. Options are passed to createSyncServer. */
export async function startHarness(
	t: TestDatabase,
	options: SyncOptions = {},
	env: Record<string, string | undefined> = {}
): Promise<Harness> {
	const config = loadConfig({
		ORIGIN,
		LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
		DATA_DIR: 'memory://',
		...env
	});
	const h = { t } as Harness;
	async function start() {
		h.runtime = await assembleRuntime(config, t.handle);
		h.sync = createSyncServer(h.runtime, { watchIntervalMs: 100, ...options });
		h.http = createServer((_req, res) => res.writeHead(404).end());
		h.http.on('upgrade', (req, socket, head) => h.sync.handleUpgrade(req, socket, head));
		await new Promise<void>((resolve) => h.http.listen(0, '127.0.0.1', resolve));
		h.url = `ws://127.0.0.1:${(h.http.address() as AddressInfo).port}/sync`;
	}
	h.stop = async () => {
		await h.sync.close();
		h.http.closeAllConnections();
		await new Promise<void>((resolve) => h.http.close(() => resolve()));
	};
	h.restart = async () => {
		await h.stop();
		await start();
	};
	await start();
	return h;
}

/** A fully signed-in (second factor passed) session for a seeded user. */
export async function signedIn(
	h: Harness,
	email: string
): Promise<{ cookie: string; sessionId: string; userId: string }> {
	const [user] = await h.t.db.select().from(users).where(eq(users.email, email));
	const { token, session } = await createSession(
		h.t.db,
		{ userId: user!.id, now: new Date(), twoFactorVerified: true },
		h.runtime.auth.sessionPolicy
	);
	return { cookie: `session=${token}`, sessionId: session.id, userId: user!.id };
}

/** The `Cookie` header of a new fully signed-in session for a seeded user. */
export async function sessionCookie(h: Harness, email: string): Promise<string> {
	return (await signedIn(h, email)).cookie;
}

/** `origin` may be a function: read at each (re)connection, for a server that moved port. */
export function socketClass(cookie: string, origin: string | (() => string) = ORIGIN) {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			const sent = typeof origin === 'function' ? origin() : origin;
			super(url, protocols, { headers: { cookie, origin: sent } });
		}
	};
}

export interface ProviderOptions {
	origin?: string | (() => string);
	doc?: Y.Doc;
	/** The stock client's reconnect back-off ceiling (its default is 2.5 s). */
	maxBackoffTime?: number;
}

/**
 * A stock y-websocket client (no BroadcastChannel, no periodic resync) for any server:
 * `url` is `ws://host:port/sync`.
 */
export function syncProvider(
	url: string,
	name: string,
	cookie: string,
	options: ProviderOptions = {}
) {
	return new WebsocketProvider(url, name, options.doc ?? new Y.Doc(), {
		WebSocketPolyfill: socketClass(
			cookie,
			options.origin
		) as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		resyncInterval: -1,
		...(options.maxBackoffTime ? { maxBackoffTime: options.maxBackoffTime } : {})
	});
}

/** A stock y-websocket client on the in-process harness. */
export function provider(h: Harness, name: string, cookie: string, doc = new Y.Doc()) {
	return syncProvider(h.url, name, cookie, { doc });
}

export function synced(p: WebsocketProvider): Promise<void> {
	return new Promise((resolve) => {
		if (p.synced) return resolve();
		p.once('sync', (s: boolean) => s && resolve());
	});
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000) {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > timeoutMs) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Opens a raw socket; resolves with the HTTP status of a refused upgrade, or the open socket. */
export function rawSocket(
	h: Harness,
	name: string,
	headers: Record<string, string>
): Promise<{ status: number; socket?: WebSocket; bytes: number }> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`${h.url}/${name}`, { headers });
		ws.on('unexpected-response', (_req, res) => {
			let bytes = 0;
			res.on('data', (chunk: Buffer) => (bytes += chunk.length));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
		});
		ws.on('open', () => resolve({ status: 101, socket: ws, bytes: 0 }));
		ws.on('error', () => {});
	});
}

export function closed(ws: WebSocket): Promise<{ code: number; at: number }> {
	return new Promise((resolve) => ws.on('close', (code) => resolve({ code, at: Date.now() })));
}
