import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { Access } from '../../src/lib/server/policy/index.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import {
	bindClient,
	rebindClient,
	type Appender,
	type StoredDocument
} from '../../src/lib/server/documents/store.ts';
import type { Logger } from '../../src/lib/server/log.ts';
import type { Decoder } from './decoder.ts';
import { HostileInput, MirrorMissing } from './decoder.ts';
import { admitInline } from './admission.ts';
import {
	CLOSE_DOCUMENT_FULL,
	CLOSE_MALFORMED,
	MAX_AWARENESS_ENTRIES,
	MAX_AWARENESS_STATE_BYTES,
	MalformedMessage,
	awarenessMessage,
	checkStateVector,
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
	/**
	 * The server has closed this socket (access ended, refused input, limits): messages still
	 * queued from it are dropped, and the client ids it used are no longer its to hold.
	 */
	dismissed: boolean;
}

export interface RoomDeps {
	db: Database;
	appender: Appender;
	decoder: Decoder;
	log: Logger;
	maxDocumentBytes: number;
	onActivity(peer: Peer): void;
	/** The session no longer exists or has expired (so its client ids may pass to its user). */
	sessionEnded(sessionId: string): Promise<boolean>;
	/** After any change has been applied (and is durable): refresh projections. */
	onChange?(doc: string): void;
	/** Other processes (Redis); only durable updates and local presence are published. */
	publishUpdate?(doc: string, update: Uint8Array): void;
	publishAwareness?(doc: string, update: Uint8Array): void;
}

const MAX_CLIENT_IDS_PER_PEER = 4;
/** Presence broadcasts per document: at most one per this many milliseconds. */
const AWARENESS_INTERVAL_MS = 100;

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
		// Changes that did not come through the decoder (server edits, other processes) keep the
		// decoder's mirror of this document in step; a client's update is already in it.
		if (typeof origin === 'string') deps.decoder.apply(name, update);
	});

	/**
	 * Presence messages of at most MAX_AWARENESS_ENTRIES entries (one, maybe empty, at least):
	 * the stock client sends each one it receives straight back, and the server refuses larger.
	 */
	function presenceMessages(ids: number[]): Uint8Array[] {
		const messages: Uint8Array[] = [];
		for (let i = 0; i === 0 || i < ids.length; i += MAX_AWARENESS_ENTRIES) {
			const chunk = ids.slice(i, i + MAX_AWARENESS_ENTRIES);
			messages.push(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, chunk)));
		}
		return messages;
	}

	// Presence goes out at most once per interval, with every change since: the stock
	// y-websocket client sends each presence message it receives straight back, so an unthrottled
	// broadcast lets one chatty socket push every other socket over its message rate (4429).
	const awarenessChanged = new Set<number>();
	let awarenessTimer: ReturnType<typeof setTimeout> | null = null;
	let awarenessSentAt = 0;
	function flushAwareness() {
		awarenessTimer = null;
		if (awarenessChanged.size === 0) return;
		const changed = [...awarenessChanged];
		awarenessChanged.clear();
		awarenessSentAt = Date.now();
		for (const message of presenceMessages(changed)) for (const peer of peers) peer.send(message);
	}

	awareness.on(
		'update',
		(
			{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
			origin: unknown
		) => {
			const changed = [...added, ...updated, ...removed];
			// Another process's entries that time out here are not removed anywhere else: this
			// process's clock says nothing about whether their socket is still there.
			if (origin !== 'remote' && origin !== 'timeout') {
				deps.publishAwareness?.(name, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
			}
			for (const id of changed) awarenessChanged.add(id);
			if (awarenessTimer) return;
			const wait = awarenessSentAt + AWARENESS_INTERVAL_MS - Date.now();
			if (wait <= 0) flushAwareness();
			else awarenessTimer = setTimeout(flushAwareness, wait);
		}
	);

	function join(peer: Peer) {
		peers.add(peer);
		peer.send(syncStep1(doc));
		const states = [...awareness.getStates().keys()];
		if (states.length > 0) {
			for (const message of presenceMessages(states)) peer.send(message);
		}
	}

	function leave(peer: Peer) {
		if (!peers.delete(peer)) return;
		const mine = [...peer.clientIds].filter((id) => awareness.getStates().has(id));
		if (mine.length > 0) awarenessProtocol.removeAwarenessStates(awareness, mine, 'leave');
	}

	/** Another connected socket, of another session, uses this client id. */
	const inUseElsewhere = (peer: Peer, client: number) =>
		[...peers].some(
			(other) =>
				!other.dismissed && other.sessionId !== peer.sessionId && other.clientIds.has(client)
		);

	/**
	 * Client ids are bound to the session that first writes with them. An id another live
	 * connection uses (presence announces it to everyone) is theirs too, even before their first
	 * edit: otherwise anyone could claim it first and lock them out. The one hand-over: from a
	 * session that has ended to a later session of the same user, so a page that kept its
	 * document (and edits not yet saved) across a sign-out and sign-in can save them.
	 */
	async function claimClients(peer: Peer, clients: number[]) {
		const unbound: number[] = [];
		const me = { sessionId: peer.sessionId, userId: peer.userId };
		for (const client of clients) {
			const owner = bindings.get(client);
			if (owner?.sessionId === peer.sessionId) continue;
			if (inUseElsewhere(peer, client)) {
				throw new HostileInput(`client id ${client} is in use by another session`);
			}
			if (owner !== undefined) {
				const handedOver =
					owner.userId === peer.userId &&
					(await deps.sessionEnded(owner.sessionId)) &&
					(await rebindClient(deps.db, name, client, owner, me));
				if (!handedOver) throw new HostileInput(`client id ${client} belongs to another session`);
				bindings.set(client, me);
				peer.clientIds.add(client);
				continue;
			}
			unbound.push(client);
		}
		const added = unbound.filter((client) => !peer.clientIds.has(client)).length;
		if (peer.clientIds.size + added > MAX_CLIENT_IDS_PER_PEER) {
			throw new HostileInput('too many client ids');
		}
		for (const client of unbound) {
			const won = await bindClient(deps.db, name, client, {
				sessionId: peer.sessionId,
				userId: peer.userId
			});
			if (!won) throw new HostileInput(`client id ${client} belongs to another session`);
			bindings.set(client, me);
			peer.clientIds.add(client);
		}
	}

	/**
	 * Client updates are admitted inline (admission.ts) or trial-integrated by the decoder's
	 * mirror, and then applied here in one order (a ticket per update), so the cost measured there
	 * is the cost paid here.
	 */
	let integrated: Promise<void> = Promise.resolve();
	let applied: Promise<void> = Promise.resolve();
	/** Client updates checked and on their way to the document (committing, or waiting to apply). */
	let unapplied = 0;

	async function integrateFirst(update: Uint8Array, prior: Promise<void>) {
		// A mirror (re)loaded from this document must include every update ahead of this one.
		const current = () => Y.encodeStateAsUpdate(doc);
		if (!deps.decoder.mirrors(name)) await prior;
		try {
			return await deps.decoder.integrate(
				name,
				update,
				deps.decoder.mirrors(name) ? undefined : current
			);
		} catch (error) {
			if (!(error instanceof MirrorMissing)) throw error;
			await prior;
			return await deps.decoder.integrate(name, update, current);
		}
	}

	async function acceptUpdate(peer: Peer, update: Uint8Array) {
		// Read-only sockets: dropped, never applied or persisted.
		if (peer.access !== 'write') return;
		if (update.byteLength <= 2) return; // an empty update (nothing to add)
		if (approxBytes + update.byteLength > deps.maxDocumentBytes) {
			peer.close(CLOSE_DOCUMENT_FULL, 'document size limit reached');
			return;
		}
		const [priorIntegrated, priorApplied] = [integrated, applied];
		let integrateDone!: () => void;
		let applyDone!: () => void;
		integrated = new Promise<void>((resolve) => (integrateDone = resolve));
		applied = new Promise<void>((resolve) => (applyDone = resolve));
		let counted = false;
		try {
			try {
				await priorIntegrated;
				// A small update that is provably cheap to apply (admission.ts) skips the worker,
				// but only against the document as it will be when this update is applied: with
				// no earlier update still on its way in.
				const inline = unapplied === 0 ? admitInline(doc, update) : null;
				// Otherwise one worker round trip: the worker decodes strictly, checks bounds and
				// integrates it into its mirror of this document under a CPU budget, so what it
				// costs here is known to be bounded.
				const decoded = inline ?? (await integrateFirst(update, priorApplied));
				// The client ids it writes as must be this session's; if not, a mirror that now
				// holds the update is dropped and reloaded.
				try {
					await claimClients(peer, decoded.clients);
				} catch (error) {
					if (!inline) deps.decoder.forget(name);
					throw error;
				}
				// A mirror the worker keeps of this document (for the worker's way) stays in step.
				if (inline) deps.decoder.apply(name, update);
				unapplied += 1;
				counted = true;
			} finally {
				integrateDone();
			}
			// Durable before relay: nobody sees this update until it is committed.
			let id: number;
			try {
				id = await deps.appender.append({
					docName: name,
					update,
					userId: peer.userId,
					sessionId: peer.sessionId
				});
			} catch (error) {
				deps.decoder.forget(name); // the mirror now holds an update this document will not
				throw error;
			}
			await priorApplied;
			foldedIds.push(id);
			approxBytes += update.byteLength;
			Y.applyUpdate(doc, update, peer);
		} finally {
			if (counted) unapplied -= 1;
			applyDone();
		}
		deps.publishUpdate?.(name, update);
		deps.onActivity(peer);
	}

	function acceptAwareness(peer: Peer, update: Uint8Array) {
		const entries: AwarenessEntry[] = [];
		for (const entry of readAwareness(update)) {
			// Presence of an id bound to another user's session is dropped; one of this user's
			// own (an earlier session's, handed over with the next edit) is shown.
			const owner = bindings.get(entry.clientId);
			if (owner !== undefined && owner.userId !== peer.userId) continue;
			const claimedElsewhere = [...peers].some(
				(other) => other !== peer && !other.dismissed && other.clientIds.has(entry.clientId)
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
			// What goes out (with the identity added) must itself be within the limit: every stock
			// client sends it back, and a larger echo would get that innocent client closed.
			if (Buffer.byteLength(JSON.stringify(state)) > MAX_AWARENESS_STATE_BYTES) {
				throw new MalformedMessage('awareness state too large');
			}
			entries.push({ ...entry, state });
		}
		if (entries.length > 0) {
			awarenessProtocol.applyAwarenessUpdate(awareness, writeAwareness(entries), peer);
		}
	}

	async function handle(peer: Peer, data: Uint8Array) {
		// Closed by the server (e.g. its access ended): nothing more from it is taken.
		if (peer.dismissed) return;
		let message;
		try {
			message = parseMessage(data);
		} catch {
			peer.close(CLOSE_MALFORMED, 'malformed message');
			return;
		}
		try {
			switch (message.type) {
				case 'step1': {
					// A client knows the document's clients and a few of its own, never thousands more.
					const limit = doc.store.clients.size + 1024;
					peer.send(syncStep2(doc, checkStateVector(message.stateVector, limit)));
					break;
				}
				case 'update':
					await acceptUpdate(peer, message.update);
					break;
				case 'awareness':
					acceptAwareness(peer, message.update);
					break;
				case 'query-awareness': {
					const states = [...awareness.getStates().keys()];
					for (const message of presenceMessages(states)) peer.send(message);
					break;
				}
			}
		} catch (error) {
			if (
				error instanceof HostileInput ||
				error instanceof MalformedMessage ||
				error instanceof SyntaxError ||
				isDecodeError(error)
			) {
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

	/** Presence of this process's own sockets, for another process that just opened the document. */
	function localPresence(): Uint8Array | null {
		const states = awareness.getStates();
		const ids = [...peers].flatMap((p) => [...p.clientIds]).filter((id) => states.has(id));
		return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(awareness, ids) : null;
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
		localPresence,
		destroy() {
			if (awarenessTimer) clearTimeout(awarenessTimer);
			deps.decoder.forget(name);
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
