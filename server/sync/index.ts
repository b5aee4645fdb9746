import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { sessionCookieName } from '../../src/lib/server/auth/cookies.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { sessionStage } from '../../src/lib/server/auth/flows.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { access } from '../../src/lib/server/policy/facts.ts';
import * as audit from '../../src/lib/server/audit/index.ts';
import { createHub, nextCheck, type HubOptions } from './hub.ts';
import type { Peer } from './room.ts';
import { CLOSE_MALFORMED, CLOSE_RATE, CLOSE_TRY_AGAIN } from './protocol.ts';

export const SYNC_PREFIX = '/sync/';
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export interface SyncOptions extends HubOptions {
	maxSocketsPerUser?: number;
	/** Sustained messages per second per socket, and the burst allowed above it. */
	messagesPerSecond?: number;
	messageBurst?: number;
	/**
	 * Messages a socket may have waiting on the server (e.g. commits stalled while the database
	 * is away) before it is closed with 1013, "try again later": the client reconnects and
	 * resyncs. Not the client's fault, so not the final 4429 a flood gets.
	 */
	maxQueuedMessages?: number;
}

function refuse(socket: Duplex, status: number, reason: string) {
	socket.on('error', () => socket.destroy());
	if (!socket.writable) return void socket.destroy();
	socket.end(
		`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`,
		() => socket.destroy()
	);
}

function cookieValue(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name)
			return decodeURIComponent(part.slice(eq + 1).trim());
	}
	return null;
}

function documentNameFrom(pathname: string): string {
	try {
		return decodeURIComponent(pathname.slice(SYNC_PREFIX.length));
	} catch {
		return ''; // not a valid name: refused like any forbidden one
	}
}

function clientAddress(req: IncomingMessage): string | null {
	return req.socket.remoteAddress ?? null;
}

/**
 * The WebSocket side of the portal: `/sync/<documentName>` with the stock y-websocket protocol.
 * Every refusal happens before the upgrade: 401 without a fully signed-in session, 403 for a
 * foreign Origin or a forbidden, unknown or malformed document (all alike).
 */
export function createSyncServer(runtime: Runtime, options: SyncOptions = {}) {
	const { db, log, config } = runtime;
	const hub = createHub(runtime, options);
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: MAX_MESSAGE_BYTES,
		perMessageDeflate: false
	});
	// One socket per document: a case workspace opens the plan, every agency's summary, the
	// viewer's notes and perhaps the restricted panel (about 16 in a 12-agency area), and a person
	// may have the case and the live meeting open side by side.
	const maxPerUser = options.maxSocketsPerUser ?? 48;
	const rate = options.messagesPerSecond ?? 50;
	const burst = options.messageBurst ?? 300;
	const maxQueued = options.maxQueuedMessages ?? 1000;
	let nextPeerId = 1;
	/** Open (or opening) sockets per user in this process. */
	const socketsByUser = new Map<string, number>();
	runtime.documents = hub.service;

	async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
		const now = runtime.now();
		const url = new URL(req.url ?? '/', config.origin);
		if (!url.pathname.startsWith(SYNC_PREFIX)) return refuse(socket, 404, 'Not Found');
		const ip = clientAddress(req);
		// Upgrades skip SvelteKit's CSRF check: the Origin must be exactly ours.
		if (req.headers.origin !== config.origin) return refuse(socket, 403, 'Forbidden');
		const token = cookieValue(req.headers.cookie, sessionCookieName(config));
		const valid = token
			? await validateSessionToken(db, token, runtime.auth.sessionPolicy, now)
			: null;
		if (!valid || sessionStage(valid.user, valid.session, runtime.mfaPolicy) !== 'full') {
			return refuse(socket, 401, 'Unauthorized');
		}
		const name = documentNameFrom(url.pathname);
		const memberships = await membershipsOf(db, valid.user.id);
		const principal = { userId: valid.user.id, isAdmin: valid.user.isAdmin, memberships };
		const decision = await access(db, principal, name, now);
		const seat = memberships.find((m) => m.areaId === decision.areaId) ?? null;
		const actor = {
			userId: valid.user.id,
			sessionId: valid.session.id,
			areaId: seat?.areaId,
			agencyId: seat?.agencyId,
			role: seat?.role,
			ip
		};
		if (decision.access === 'none') {
			await audit.record(db, actor, {
				action: 'document.open',
				outcome: 'denied',
				target: name.slice(0, 200),
				at: now
			});
			return refuse(socket, 403, 'Forbidden');
		}
		// Check and take a slot in one step: awaiting a count here let simultaneous upgrades all
		// pass the check before any of them was attached. The slot is freed when the connection
		// closes, however far it got.
		const userId = valid.user.id;
		const held = socketsByUser.get(userId) ?? 0;
		if (held >= maxPerUser) return refuse(socket, 429, 'Too Many Requests');
		socketsByUser.set(userId, held + 1);
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			const left = (socketsByUser.get(userId) ?? 1) - 1;
			if (left > 0) socketsByUser.set(userId, left);
			else socketsByUser.delete(userId);
		};
		socket.once('close', release);
		if (socket.destroyed) release();
		// Load before sync: the document is in memory before the socket exists, and stays loaded
		// until the socket is attached (or the upgrade is abandoned).
		const { room, release: entered } = await hub.enter(name);
		socket.once('close', entered);
		if (socket.destroyed) entered();
		await audit.record(db, actor, {
			action: 'document.open',
			outcome: 'success',
			target: name,
			details: { access: decision.access },
			at: now
		});
		wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
			let tokens = burst;
			let refilledAt = Date.now();
			const peer: Peer = {
				id: nextPeerId++,
				userId: valid.user.id,
				sessionId: valid.session.id,
				token: token!,
				principal,
				access: decision.access as 'read' | 'write',
				identity: {
					name: valid.user.name,
					agency: seat?.agencyName ?? null,
					role: seat?.role ?? null
				},
				clientIds: new Set(),
				recheckAt: nextCheck(now, valid.session, decision.validUntil),
				queue: Promise.resolve(),
				queued: 0,
				dismissed: false,
				send(data) {
					if (ws.readyState === ws.OPEN) ws.send(data);
				},
				close(code, reason) {
					peer.dismissed = true;
					if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
				}
			};
			ws.on('error', () => ws.terminate());
			ws.on('message', (data, isBinary) => {
				const nowMs = Date.now();
				tokens = Math.min(burst, tokens + ((nowMs - refilledAt) / 1000) * rate);
				refilledAt = nowMs;
				if (tokens < 1) return peer.close(CLOSE_RATE, 'too many messages');
				if (peer.queued >= maxQueued) return peer.close(CLOSE_TRY_AGAIN, 'server busy');
				tokens -= 1;
				if (!isBinary || !(data instanceof Buffer))
					return peer.close(CLOSE_MALFORMED, 'binary frames only');
				hub.receive(room, peer, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
			});
			ws.on('close', () => hub.detach(room, peer));
			hub.attach(room, peer);
			entered();
		});
	}

	let closing: Promise<void> | null = null;
	return {
		hub,
		handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
			upgrade(req, socket, head).catch((error: unknown) => {
				log.error({ error: String(error) }, 'upgrade failed');
				refuse(socket, 500, 'Internal Server Error');
			});
		},
		close(): Promise<void> {
			closing ??= (async () => {
				await hub.close();
				for (const ws of wss.clients) ws.terminate();
				wss.close();
			})();
			return closing;
		}
	};
}

export type SyncServer = ReturnType<typeof createSyncServer>;
