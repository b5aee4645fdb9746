import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { Access } from '../../src/lib/server/policy/index.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import {
	bindClient,
	type Appender,
	type StoredDocument
} from '../../src/lib/server/documents/store.ts';
import type { Logger } from '../../src/lib/server/log.ts';
import type { Decoder } from './decoder.ts';
import { HostileInput } from './decoder.ts';
import {
	CLOSE_DOCUMENT_FULL,
	CLOSE_MALFORMED,
	awarenessMessage,
	parseMessage,
	readAwareness,
	syncStep1,
	syncStep2,
	syncUpdate,
	writeAwareness,
	type AwarenessEntry
} from './protocol.ts';

/** One open socket on one document, as the room sees it. */
export interface Peer {
	id: number;
	userId: string;
	sessionId: string;
	/** The cookie token, kept in memory only, to re-validate the session on revocation checks. */
	token: string;
	principal: Principal;
	access: Exclude<Access, 'none'>;
	/** Shown to others in presence, always from the session (never what the client claims). */
	identity: { name: string; agency: string | null; role: string | null };
	/** Yjs / awareness client ids this socket has used. */
	clientIds: Set<number>;
	send(data: Uint8Array): void;
	close(code: number, reason: string): void;
	/** Epoch ms at which session and access are re-checked even without a recorded change. */
	recheckAt: number;
	/** Messages are handled one after another per socket. */
	queue: Promise<void>;
	queued: number;
}

export interface RoomDeps {
	db: Database;
	appender: Appender;
	decoder: Decoder;
	log: Logger;
	maxDocumentBytes: number;
	onActivity(peer: Peer): void;
	/** After any change has been applied (and is durable): refresh projections. */
	onChange?(doc: string): void;
	/** Other processes (Redis); only durable updates and local presence are published. */
	publishUpdate?(doc: string, update: Uint8Array): void;
	publishAwareness?(doc: string, update: Uint8Array): void;
}

const MAX_CLIENT_IDS_PER_PEER = 4;

export type Room = ReturnType<typeof createRoom>;

/** A loaded document with its sockets. Created only after its stored state is loaded. */
export function createRoom(name: string, stored: StoredDocument, deps: RoomDeps) {
	const doc = new Y.Doc({ gc: true });
	let skipped = 0;
	for (const update of [stored.snapshot, ...stored.updates]) {
		if (!update) continue;
		try {
			Y.applyUpdate(doc, update, 'load');
		} catch {
			skipped += 1;
		}
	}
	if (skipped > 0) deps.log.error({ doc: name, skipped }, 'stored updates could not be applied');
	const awareness = new awarenessProtocol.Awareness(doc);
	awareness.setLocalState(null);
	const peers = new Set<Peer>();
	const bindings = new Map(stored.clients);
	/** Log rows whose content is in `doc`: compaction may fold exactly these. */
	const foldedIds = [...stored.updateIds];
	let approxBytes =
		(stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((n, u) => n + u.byteLength, 0);

	doc.on('update', (update: Uint8Array, origin: unknown) => {
		const message = syncUpdate(update);
		for (const peer of peers) if (peer !== origin) peer.send(message);
		if (origin !== 'load') deps.onChange?.(name);
	});

	awareness.on(
		'update',
		(
			{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
			origin: unknown
		) => {
			const changed = [...added, ...updated, ...removed];
			const encoded = awarenessProtocol.encodeAwarenessUpdate(awareness, changed);
			const message = awarenessMessage(encoded);
			for (const peer of peers) peer.send(message);
			if (origin !== 'remote') deps.publishAwareness?.(name, encoded);
		}
	);

	function join(peer: Peer) {
		peers.add(peer);
		peer.send(syncStep1(doc));
		const states = [...awareness.getStates().keys()];
		if (states.length > 0) {
			peer.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, states)));
		}
	}

	function leave(peer: Peer) {
		if (!peers.delete(peer)) return;
		const mine = [...peer.clientIds].filter((id) => awareness.getStates().has(id));
		if (mine.length > 0) awarenessProtocol.removeAwarenessStates(awareness, mine, 'leave');
	}

	async function acceptUpdate(peer: Peer, update: Uint8Array) {
		// Read-only sockets: dropped, never applied or persisted.
		if (peer.access !== 'write') return;
		if (update.byteLength <= 2) return; // an empty update (nothing to add)
		const decoded = await deps.decoder.decode(update);
		for (const client of decoded.clients) {
			const owner = bindings.get(client);
			if (owner === peer.sessionId) continue;
			if (owner !== undefined)
				throw new HostileInput(`client id ${client} belongs to another session`);
			if (peer.clientIds.size >= MAX_CLIENT_IDS_PER_PEER && !peer.clientIds.has(client)) {
				throw new HostileInput('too many client ids');
			}
			const won = await bindClient(deps.db, name, client, {
				sessionId: peer.sessionId,
				userId: peer.userId
			});
			if (!won) throw new HostileInput(`client id ${client} belongs to another session`);
			bindings.set(client, peer.sessionId);
			peer.clientIds.add(client);
		}
		if (approxBytes + update.byteLength > deps.maxDocumentBytes) {
			peer.close(CLOSE_DOCUMENT_FULL, 'document size limit reached');
			return;
		}
		// Durable before relay: nobody sees this update until it is committed.
		const id = await deps.appender.append({
			docName: name,
			update,
			userId: peer.userId,
			sessionId: peer.sessionId
		});
		foldedIds.push(id);
		approxBytes += update.byteLength;
		Y.applyUpdate(doc, update, peer);
		deps.publishUpdate?.(name, update);
		deps.onActivity(peer);
	}

	function acceptAwareness(peer: Peer, update: Uint8Array) {
		const entries: AwarenessEntry[] = [];
		for (const entry of readAwareness(update)) {
			const owner = bindings.get(entry.clientId);
			if (owner !== undefined && owner !== peer.sessionId) continue;
			const claimedElsewhere = [...peers].some(
				(other) => other !== peer && other.clientIds.has(entry.clientId)
			);
			if (claimedElsewhere) continue;
			if (!peer.clientIds.has(entry.clientId)) {
				if (peer.clientIds.size >= MAX_CLIENT_IDS_PER_PEER) continue;
				peer.clientIds.add(entry.clientId);
			}
			const state =
				entry.state && typeof entry.state === 'object' && !Array.isArray(entry.state)
					? { ...(entry.state as Record<string, unknown>), user: peer.identity }
					: null;
			entries.push({ ...entry, state });
		}
		if (entries.length > 0) {
			awarenessProtocol.applyAwarenessUpdate(awareness, writeAwareness(entries), peer);
		}
	}

	async function handle(peer: Peer, data: Uint8Array) {
		let message;
		try {
			message = parseMessage(data);
		} catch {
			peer.close(CLOSE_MALFORMED, 'malformed message');
			return;
		}
		try {
			switch (message.type) {
				case 'step1':
					peer.send(syncStep2(doc, message.stateVector));
					break;
				case 'update':
					await acceptUpdate(peer, message.update);
					break;
				case 'awareness':
					acceptAwareness(peer, message.update);
					break;
				case 'query-awareness': {
					const states = [...awareness.getStates().keys()];
					peer.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, states)));
					break;
				}
			}
		} catch (error) {
			if (error instanceof HostileInput || error instanceof SyntaxError || isDecodeError(error)) {
				deps.log.warn({ doc: name, userId: peer.userId, reason: String(error) }, 'refused message');
				peer.close(CLOSE_MALFORMED, 'malformed message');
				return;
			}
			throw error;
		}
	}

	/** Applies a server-side change: persisted first, then applied and broadcast to every socket. */
	async function applyServerUpdate(
		update: Uint8Array,
		userId: string | null,
		sessionId: string | null
	) {
		const id = await deps.appender.append({ docName: name, update, userId, sessionId });
		foldedIds.push(id);
		approxBytes += update.byteLength;
		Y.applyUpdate(doc, update, 'server');
		deps.publishUpdate?.(name, update);
	}

	/** An update another process has already made durable (relay or re-sync). */
	function applyRemote(update: Uint8Array) {
		Y.applyUpdate(doc, update, 'remote');
	}

	function applyRemoteAwareness(update: Uint8Array) {
		awarenessProtocol.applyAwarenessUpdate(awareness, update, 'remote');
	}

	return {
		name,
		doc,
		awareness,
		peers,
		foldedIds,
		join,
		leave,
		handle,
		applyServerUpdate,
		applyRemote,
		applyRemoteAwareness,
		destroy() {
			awareness.destroy();
			doc.destroy();
		}
	};
}

function isDecodeError(error: unknown): boolean {
	return (
		error instanceof Error &&
		/Unexpected end of array|Integer out of Range|malformed/i.test(error.message)
	);
}
