import * as Y from 'yjs';
import { gt, asc } from 'drizzle-orm';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { accessChanges } from '../../src/lib/server/db/schema/index.ts';
import { compact, createAppender, loadDocument } from '../../src/lib/server/documents/store.ts';
import type { DocumentService } from '../../src/lib/server/documents/types.ts';
import { access } from '../../src/lib/server/policy/facts.ts';
import { parseDocumentName } from '../../src/lib/documents/names.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import {
	sessionEnded,
	touchSession,
	validateSessionToken
} from '../../src/lib/server/auth/session.ts';
import * as audit from '../../src/lib/server/audit/index.ts';
import type { Actor } from '../../src/lib/server/audit/index.ts';
import { createDecoder } from './decoder.ts';
import { createRoom, type Peer, type Room } from './room.ts';
import { createRedisRelay, type Relay } from './relay.ts';
import { projectorFor } from '../../src/lib/server/documents/projections.ts';
import { CLOSE_ACCESS_CHANGED, CLOSE_GOING_AWAY } from './protocol.ts';

/** When a socket's access must next be re-checked even if nothing is recorded as changed. */
export function nextCheck(
	now: Date,
	session: { idleExpiresAt: Date; absoluteExpiresAt: Date },
	validUntil: Date | null
): number {
	return Math.min(
		session.idleExpiresAt.getTime(),
		session.absoluteExpiresAt.getTime(),
		validUntil?.getTime() ?? Infinity,
		now.getTime() + 60_000
	);
}

export interface HubOptions {
	/** How often each process looks for access changes (revocation must land within 1 s). */
	watchIntervalMs?: number;
	/** Fold the log into a snapshot once this many rows have accumulated. */
	compactAfterRows?: number;
	maxDocumentBytes?: number;
	decodeTimeoutMs?: number;
	/** With several processes: how often open documents re-sync from the database. */
	resyncIntervalMs?: number;
}

/**
 * The documents this process has open, the sockets on them, and the checks that close a socket
 * the moment its owner loses access.
 */
export function createHub(runtime: Runtime, options: HubOptions = {}) {
	const { db, log } = runtime;
	const appender = createAppender(db);
	const decoder = createDecoder({ timeoutMs: options.decodeTimeoutMs ?? 150 });
	const rooms = new Map<string, Promise<Room>>();
	const compactAfter = options.compactAfterRows ?? 500;
	const lastTouch = new Map<string, number>();

	// Updates that arrive from other processes while a document is still loading.
	const early = new Map<string, Uint8Array[]>();
	const relay: Relay | null = runtime.config.redisUrl
		? createRedisRelay(
				runtime.config.redisUrl,
				{
					update(doc, update) {
						const pending = rooms.get(doc);
						if (!pending) return;
						const buffer = early.get(doc);
						if (buffer) buffer.push(update);
						else void pending.then((room) => room.applyRemote(update)).catch(() => {});
					},
					awareness(doc, update) {
						void rooms
							.get(doc)
							?.then((room) => room.applyRemoteAwareness(update))
							.catch(() => {});
					},
					query(doc) {
						void rooms
							.get(doc)
							?.then((room) => {
								const presence = room.localPresence();
								if (presence) relay?.publishAwareness(doc, presence);
							})
							.catch(() => {});
					}
				},
				log
			)
		: null;

	// Projections run after changes, coalesced per document, one at a time per document.
	const projecting = new Map<string, { running: Promise<void>; again: boolean }>();
	/**
	 * What this process last wrote to each open document's read model: an edit that leaves it
	 * unchanged (text the read model does not hold) costs no database transaction. Forgotten
	 * when the document unloads, so the first projection after a load always writes.
	 */
	const projected = new Map<string, string>();
	function project(name: string) {
		const projector = projectorFor(name);
		if (!projector) return;
		const state = projecting.get(name);
		if (state) {
			state.again = true;
			return;
		}
		const entry = { running: Promise.resolve(), again: false };
		entry.running = (async () => {
			do {
				entry.again = false;
				await new Promise((resolve) => setTimeout(resolve, 20));
				const room = await rooms.get(name);
				if (!room) break;
				try {
					const content = projector.read(room.doc);
					if (content && projected.get(name) !== content.key) {
						projected.delete(name); // unknown until this write has committed
						await projector.write(db, name, content.value);
						projected.set(name, content.key);
					}
				} catch (error) {
					log.error({ doc: name, error: String(error) }, 'projection failed');
				}
			} while (entry.again);
			projecting.delete(name);
		})();
		projecting.set(name, entry);
	}

	const deps = {
		db,
		onChange: project,
		publishUpdate: relay ? (doc: string, u: Uint8Array) => relay.publishUpdate(doc, u) : undefined,
		publishAwareness: relay
			? (doc: string, u: Uint8Array) => relay.publishAwareness(doc, u)
			: undefined,
		appender,
		decoder,
		log,
		maxDocumentBytes: options.maxDocumentBytes ?? 16 * 1024 * 1024,
		sessionEnded: (sessionId: string) =>
			sessionEnded(db, sessionId, runtime.auth.sessionPolicy, runtime.now()),
		onActivity(peer: Peer) {
			// Authenticated edits count as activity for the idle timeout (at most once a minute).
			const now = runtime.now();
			if (now.getTime() - (lastTouch.get(peer.sessionId) ?? 0) < 60_000) return;
			lastTouch.set(peer.sessionId, now.getTime());
			void validateSessionToken(db, peer.token, runtime.auth.sessionPolicy, now, { touch: false })
				.then((valid) =>
					valid ? touchSession(db, valid.session, runtime.auth.sessionPolicy, now) : null
				)
				.catch((error: unknown) => log.warn({ error: String(error) }, 'touch failed'));
		}
	};

	/** Load before sync: the room exists only once its stored state is in memory. */
	function open(name: string): Promise<Room> {
		let room = rooms.get(name);
		if (!room) {
			room = (async () => {
				// Subscribe before loading, so nothing committed elsewhere falls between the two.
				if (relay) {
					early.set(name, []);
					await relay.subscribe(name);
				}
				const created = createRoom(name, await loadDocument(db, name), deps);
				for (const update of early.get(name) ?? []) created.applyRemote(update);
				early.delete(name);
				relay?.queryAwareness(name);
				return created;
			})();
			room.catch(() => {
				rooms.delete(name);
				early.delete(name);
			});
			rooms.set(name, room);
		}
		return room;
	}

	/** Pub/sub can drop messages: bring an open document up to date from the database. */
	async function resync(room: Room) {
		const stored = await loadDocument(db, room.name);
		const scratch = new Y.Doc();
		for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(scratch, u);
		const missing = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(room.doc));
		scratch.destroy();
		room.applyRemote(missing);
		// Everything read is now in memory, so this process may fold those rows too.
		const known = new Set(room.foldedIds);
		room.foldedIds.push(...stored.updateIds.filter((id) => !known.has(id)));
		// Presence is relayed as it changes and when another process asks, but pub/sub may drop
		// either: repeat this process's own. Unchanged entries (same clock) are ignored there.
		const presence = room.localPresence();
		if (presence) relay?.publishAwareness(room.name, presence);
	}

	async function fold(room: Room) {
		if (room.foldedIds.length === 0) return;
		const ids = room.foldedIds.splice(0);
		try {
			await compact(db, room.name, Y.encodeStateAsUpdate(room.doc), ids);
		} catch (error) {
			room.foldedIds.unshift(...ids);
			log.error({ doc: room.name, error: String(error) }, 'compaction failed');
		}
	}

	/**
	 * Sockets between `enter` and `attach` (the upgrade is still being audited and completed):
	 * they keep their document loaded. Without this, a document unloading as its last socket
	 * left could hand a new socket a room that was already destroyed and unsubscribed from the
	 * other processes, so it would see none of their edits or presence.
	 */
	const entering = new Map<string, number>();
	const inUse = (room: Room) => room.peers.size > 0 || (entering.get(room.name) ?? 0) > 0;

	async function unloadIfIdle(name: string) {
		const pending = rooms.get(name);
		if (!pending) return;
		const room = await pending;
		if (inUse(room)) return;
		await projecting.get(name)?.running;
		if (inUse(room) || rooms.get(name) !== pending) return;
		rooms.delete(name);
		projected.delete(name);
		await relay?.unsubscribe(name).catch(() => {});
		await fold(room);
		room.destroy();
	}

	/** Opens a document for a socket being upgraded; `release` once attached or abandoned. */
	async function enter(name: string): Promise<{ room: Room; release(): void }> {
		entering.set(name, (entering.get(name) ?? 0) + 1);
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			const left = (entering.get(name) ?? 1) - 1;
			if (left > 0) return void entering.set(name, left);
			entering.delete(name);
			void unloadIfIdle(name).catch(() => {});
		};
		try {
			return { room: await open(name), release };
		} catch (error) {
			release();
			throw error;
		}
	}

	function attach(room: Room, peer: Peer) {
		room.join(peer);
	}

	function detach(room: Room, peer: Peer) {
		room.leave(peer);
		// Let the socket's last messages finish (commit and apply) before the document is folded
		// and unloaded, or a late commit would stay in the log until the next load.
		void peer.queue.finally(() => {
			if (room.peers.size === 0) void unloadIfIdle(room.name);
		});
	}

	function receive(room: Room, peer: Peer, data: Uint8Array) {
		peer.queued += 1;
		peer.queue = peer.queue
			.then(() => room.handle(peer, data))
			.then(async () => {
				if (room.foldedIds.length >= compactAfter) await fold(room);
			})
			.catch((error: unknown) => {
				log.error({ doc: room.name, error: String(error) }, 'message handling failed');
				peer.close(1011, 'server error');
			})
			.finally(() => {
				peer.queued -= 1;
			});
	}

	async function allPeers(): Promise<{ room: Room; peer: Peer }[]> {
		const list: { room: Room; peer: Peer }[] = [];
		for (const pending of rooms.values()) {
			const room = await pending.catch(() => null);
			if (room) for (const peer of room.peers) list.push({ room, peer });
		}
		return list;
	}

	/** Re-checks one socket's session and access; closes it (4205) if either shrank. */
	async function recheck(room: Room, peer: Peer) {
		const now = runtime.now();
		const valid = await validateSessionToken(db, peer.token, runtime.auth.sessionPolicy, now, {
			touch: false
		});
		let allowed: string = 'none';
		if (valid) {
			const principal = {
				userId: valid.user.id,
				isAdmin: valid.user.isAdmin,
				memberships: await membershipsOf(db, valid.user.id)
			};
			const decision = await access(db, principal, room.name, now);
			allowed = decision.access;
			peer.recheckAt = nextCheck(now, valid.session, decision.validUntil);
		}
		if (allowed === 'none' || (peer.access === 'write' && allowed === 'read')) {
			peer.close(CLOSE_ACCESS_CHANGED, 'access changed');
			await audit.record(
				db,
				{ userId: peer.userId, sessionId: peer.sessionId },
				{ action: 'document.revoked', outcome: 'denied', target: room.name, at: now }
			);
		}
	}

	// Revocation: every process polls the access-change log, so a change made anywhere reaches
	// every socket within the interval plus one check.
	let lastChange = 0;
	let watching = true;
	const ready = db
		.select({ id: accessChanges.id })
		.from(accessChanges)
		.orderBy(asc(accessChanges.id))
		.then((rows) => {
			lastChange = rows.at(-1)?.id ?? 0;
		});
	const interval = options.watchIntervalMs ?? 250;
	async function watch() {
		await ready;
		while (watching) {
			try {
				const changes = await db
					.select()
					.from(accessChanges)
					.where(gt(accessChanges.id, lastChange))
					.orderBy(asc(accessChanges.id));
				lastChange = changes.at(-1)?.id ?? lastChange;
				const now = runtime.now().getTime();
				const checks: Promise<void>[] = [];
				for (const { room, peer } of await allPeers()) {
					const affected = changes.some(
						(c) =>
							(c.userId !== null && c.userId === peer.userId) ||
							(c.sessionId !== null && c.sessionId === peer.sessionId) ||
							(c.caseId !== null && room.name.startsWith(`case:${c.caseId}:`)) ||
							(c.areaId !== null && peer.principal.memberships.some((m) => m.areaId === c.areaId))
					);
					// Time-based expiry (idle and absolute session limits, grants that lapse) needs
					// no event: each socket knows when its access must next be re-checked.
					if (affected || peer.recheckAt <= now) checks.push(recheck(room, peer));
				}
				await Promise.all(checks);
			} catch (error) {
				log.warn({ error: String(error) }, 'access watch failed; retrying');
			}
			await new Promise((resolve) => setTimeout(resolve, interval).unref());
		}
	}
	const watcher = watch();

	const resyncTimer = relay
		? setInterval(() => {
				for (const pending of rooms.values()) {
					void pending
						.then(resync)
						.catch((error: unknown) => log.warn({ error: String(error) }, 're-sync failed'));
				}
			}, options.resyncIntervalMs ?? 10_000)
		: null;
	resyncTimer?.unref();

	async function serverEdit(name: string, actor: Actor, change: (doc: Y.Doc) => void) {
		if (!parseDocumentName(name)) throw new Error('not a document name');
		const room = await open(name);
		const scratch = new Y.Doc();
		Y.applyUpdate(scratch, Y.encodeStateAsUpdate(room.doc));
		const updates: Uint8Array[] = [];
		scratch.on('update', (u: Uint8Array) => updates.push(u));
		scratch.transact(() => change(scratch));
		scratch.destroy();
		const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
		if (updates.length > 0) {
			await room.applyServerUpdate(update, actor.userId, actor.sessionId ?? null);
		}
		await audit.record(db, actor, {
			action: 'document.server_edit',
			outcome: 'success',
			target: name
		});
		if (room.peers.size === 0) void unloadIfIdle(name);
	}

	const service: DocumentService = {
		edit: serverEdit,
		async read(name: string) {
			const room = await open(name);
			const state = Y.encodeStateAsUpdate(room.doc);
			if (room.peers.size === 0) void unloadIfIdle(name);
			return state;
		}
	};

	return {
		open,
		enter,
		attach,
		detach,
		receive,
		service,
		/** Documents loaded in this process now (tests and the benchmark). */
		openDocuments(): string[] {
			return [...rooms.keys()];
		},
		/** How many of these documents the decode worker holds a mirror of (for the benchmark). */
		mirrored(names: string[]): number {
			return names.filter((name) => decoder.mirrors(name)).length;
		},
		peerCount(userId: string): Promise<number> {
			return allPeers().then((list) => list.filter((p) => p.peer.userId === userId).length);
		},
		/** Ordered shutdown: stop watching, close sockets, commit pending updates, fold the logs. */
		async close() {
			watching = false;
			if (resyncTimer) clearInterval(resyncTimer);
			await watcher.catch(() => {});
			for (const { peer } of await allPeers()) peer.close(CLOSE_GOING_AWAY, 'server shutting down');
			await appender.drain();
			await Promise.all([...projecting.values()].map((p) => p.running));
			for (const pending of [...rooms.values()]) {
				const room = await pending.catch(() => null);
				if (room) {
					await fold(room);
					room.destroy();
				}
			}
			rooms.clear();
			await decoder.close();
			await relay?.close();
		}
	};
}

export type Hub = ReturnType<typeof createHub>;
