// One live compartment (DESIGN §5, §6): a Y.Doc kept in sync with /sync/<name> by y-websocket's
// stock provider, with state a page can render. Nothing is stored in the browser: no IndexedDB,
// no localStorage, no BroadcastChannel (DESIGN §7, "no case data in browser storage").
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { uint32 } from 'lib0/random';
import { parseDocumentName } from '$lib/documents/names';

export type LiveStatus = 'connecting' | 'connected' | 'disconnected' | 'stopped';
export type DocumentAccessLevel = 'read' | 'write';

/** Someone else with this document open, as the server says (identity comes from their session). */
export interface PresenceEntry {
	clientId: number;
	name: string;
	agency: string | null;
	role: string | null;
}

export interface LiveDocumentOptions {
	/** A document name, e.g. `case:<caseId>:plan`. */
	name: string;
	/** From GET /api/cases/<caseId>/documents. */
	access: DocumentAccessLevel;
	/** Lets the wrapper ask whether the document is still listed after a refused connection. */
	caseId?: string;
	/** Base of the sync endpoint; defaults to `/sync` on the page's origin (ws: or wss:). */
	url?: string;
	/** For runtimes without a browser WebSocket (Node tests). */
	WebSocketPolyfill?: typeof WebSocket;
	/** Used for the session and access checks; relative URLs (`/api/...`). */
	fetch?: typeof fetch;
	/** Start connecting at once (default true). */
	connect?: boolean;
	/**
	 * The signed-in user's id (layout data). Signing in again as the same user keeps this page's
	 * Yjs client id (the server hands it over from the ended session, with edits not yet saved);
	 * as someone else, the page writes under a new one.
	 */
	userId?: string | null;
}

export const STOP_REASONS = {
	accessChanged:
		'Your access to this part of the case has changed, or your session ended. Reload the page to see what you can still open.',
	malformed:
		'The server refused a change from this page, so live editing has stopped. Reload the page to carry on.',
	tooLarge:
		'A change was too large to send, so live editing has stopped. Reload the page; if it happens again, make the change in smaller parts.',
	documentFull:
		'This part of the case has reached its size limit, so no more changes can be saved here. Tell your MARAC coordinator.',
	rate: 'This page sent too many changes too quickly, so live editing has stopped. Reload the page to carry on.',
	refused:
		'The server closed the connection and asked this page not to reconnect. Reload the page to carry on.',
	sessionEnded: 'Your session has ended. Sign in again.',
	unsavedBeforeSignIn:
		'Changes made on this page before you signed in again could not be saved. Copy anything you still need from this page, then reload it.',
	noAccess: 'You no longer have access to this part of the case.'
} as const;

/** y-protocols message and sync sub-types (server/sync/protocol.ts). */
const MESSAGE_SYNC = 0;
const SYNC_STEP1 = 0;

/** Close codes after which reconnecting cannot help (server/sync/protocol.ts). */
const CLOSE_ACCESS_CHANGED = 4205;
const STOP_CODES: Record<number, string> = {
	[CLOSE_ACCESS_CHANGED]: STOP_REASONS.accessChanged,
	4400: STOP_REASONS.malformed,
	1009: STOP_REASONS.tooLarge,
	4413: STOP_REASONS.documentFull,
	4429: STOP_REASONS.rate
};

function stopReasonFor(code: number): string | null {
	if (STOP_CODES[code]) return STOP_CODES[code];
	// y-websocket's convention: 4400-4499 means "do not come back".
	if (code >= 4400 && code < 4500) return STOP_REASONS.refused;
	return null;
}

/** Closes in a row, without reaching sync, after which access is checked even if sockets opened. */
const REPEATED_FAILURES = 3;
const MAX_BACKOFF_MS = 2500;
const MAX_TEXT = 200;

function defaultUrl(): string {
	if (typeof location === 'undefined')
		throw new Error('LiveDocument needs `url` outside a browser');
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${scheme}//${location.host}/sync`;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value.slice(0, MAX_TEXT) : null;
}

/** What y-protocols' awareness reports with its `change` event. */
interface AwarenessChange {
	added: number[];
	updated: number[];
	removed: number[];
}

function samePresence(a: PresenceEntry[], b: PresenceEntry[]): boolean {
	return (
		a.length === b.length &&
		a.every(
			(p, i) =>
				p.clientId === b[i]!.clientId &&
				p.name === b[i]!.name &&
				p.agency === b[i]!.agency &&
				p.role === b[i]!.role
		)
	);
}

export class LiveDocument {
	readonly name: string;
	readonly caseId: string | null;
	readonly doc: Y.Doc;
	readonly provider: WebsocketProvider;

	#access = $state<DocumentAccessLevel>('read');
	#status = $state<LiveStatus>('connecting');
	#synced = $state(false);
	#presence = $state.raw<PresenceEntry[]>([]);
	#stopReason = $state<string | null>(null);
	#readOnly = $derived(this.#access !== 'write');

	#fetch: typeof fetch;
	#destroyed = false;
	/** Whether the current socket opened (reset when the provider starts a new one). */
	#opened = false;
	#everConnected = false;
	#failures = 0;
	#checking = false;
	#resumeTimer: ReturnType<typeof setTimeout> | undefined;
	#resuming = false;
	/**
	 * Yjs client ids this page wrote with before live editing stopped. The server binds a client
	 * id to the session that first used it, so after signing in again the page writes with a new
	 * one; anything written with these that the server never received cannot be sent any more.
	 */
	#retired: number[] = [];

	/** Whose page this is (see LiveDocumentOptions.userId); null when not known. */
	#userId: string | null;

	constructor(options: LiveDocumentOptions) {
		const ref = parseDocumentName(options.name);
		if (!ref) throw new Error('Not a document name');
		this.name = options.name;
		this.#userId = options.userId ?? null;
		this.caseId = options.caseId ?? null;
		this.#access = options.access === 'write' ? 'write' : 'read';
		this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
		this.doc = new Y.Doc();
		this.provider = new WebsocketProvider(
			options.url ?? defaultUrl(),
			encodeURIComponent(options.name),
			this.doc,
			{
				connect: false,
				disableBc: true,
				maxBackoffTime: MAX_BACKOFF_MS,
				WebSocketPolyfill: options.WebSocketPolyfill,
				// Only the codes that mean "stop" end reconnection; everything else is retried.
				shouldReconnect: (event) => stopReasonFor(event.code) === null
			}
		);
		// The server replaces `user` with the identity from the session; we send nothing about us.
		this.provider.awareness.setLocalState({});
		const sync = this.provider.messageHandlers[MESSAGE_SYNC]!;
		this.provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, provider, emit, type) => {
			if (this.#retired.length > 0 && this.#unsentUnderRetiredIds(decoder)) {
				// Answering would send them, and the server would refuse the whole answer (4400).
				return this.#stop(STOP_REASONS.unsavedBeforeSignIn);
			}
			sync(encoder, decoder, provider, emit, type);
		};
		this.provider.on('status', ({ status }) => this.#onStatus(status));
		this.provider.on('sync', (synced: boolean) => this.#onSync(synced));
		this.provider.on('connection-close', (event) => this.#onClose(event));
		this.provider.awareness.on('change', this.#onAwareness);
		// Signing in again happens elsewhere (the sign-in page in another tab): coming back to
		// this one is the moment to see whether the page can carry on.
		if (typeof window !== 'undefined') window.addEventListener('focus', this.#onFocus);
		if (options.connect !== false) this.provider.connect();
		else this.#status = 'disconnected';
	}

	/** 'connecting' | 'connected' | 'disconnected' | 'stopped' (stopped: see stopReason). */
	get status(): LiveStatus {
		return this.#status;
	}
	/** True once the document has been loaded from the server on the current connection. */
	get synced(): boolean {
		return this.#synced;
	}
	get access(): DocumentAccessLevel {
		return this.#access;
	}
	/** True unless the user may write; the server drops a reader's changes anyway. */
	get readOnly(): boolean {
		return this.#readOnly;
	}
	/** Others with this document open (never this page). Render as text only. */
	get presence(): PresenceEntry[] {
		return this.#presence;
	}
	/** Why live editing stopped, as a sentence for the user; null while it has not. */
	get stopReason(): string | null {
		return this.#stopReason;
	}

	/**
	 * Carries on after live editing stopped (e.g. the session ended and the user has signed in
	 * again, in this tab or another): checks the session and this document's access afresh and
	 * reconnects. The same user keeps the Yjs client id (the server passes it from the ended
	 * session to the new one, so changes typed meanwhile are saved); anyone else gets a new one,
	 * since the old one stays bound to the old session. Resolves to whether it reconnected; if
	 * not, `stopReason` says why.
	 */
	async resume(): Promise<boolean> {
		if (this.#destroyed || this.#status !== 'stopped' || this.#resuming) return false;
		this.#resuming = true;
		try {
			const session = await this.#get('/api/session/status');
			if (!session) return false; // offline: nothing can be told yet
			if (session.status === 401) {
				this.#stopReason = STOP_REASONS.sessionEnded;
				return false;
			}
			const who = (await session.json().catch(() => null)) as { userId?: unknown } | null;
			const sameUser = this.#userId !== null && who?.userId === this.#userId;
			const listed = await this.#listedAccess();
			if (listed === 'session') {
				this.#stopReason = STOP_REASONS.sessionEnded;
				return false;
			}
			if (listed === 'none') {
				this.#stopReason = STOP_REASONS.noAccess;
				return false;
			}
			if (this.#destroyed || this.#status !== 'stopped') return false;
			if (listed) this.#access = listed;
			if (!sameUser) {
				this.#freshClientId();
				this.#userId = typeof who?.userId === 'string' ? who.userId : null;
			} else {
				// The server dropped this id's presence when the old socket closed, and ignores a
				// state whose clock it has already seen: announce it again with the next clock.
				const awareness = this.provider.awareness;
				awareness.setLocalState(awareness.getLocalState() ?? {});
			}
			this.#stopReason = null;
			this.#failures = 0;
			this.#status = 'connecting';
			this.provider.connect();
			return true;
		} finally {
			this.#resuming = false;
		}
	}

	#onFocus = () => {
		const reason = this.#stopReason;
		if (
			reason === STOP_REASONS.sessionEnded ||
			reason === STOP_REASONS.accessChanged ||
			reason === STOP_REASONS.noAccess
		) {
			void this.resume();
		}
	};

	/** Writes (and announces presence) under a new Yjs client id from here on. */
	#freshClientId() {
		const awareness = this.provider.awareness;
		const state = awareness.getLocalState();
		this.#retired.push(this.doc.clientID);
		awareness.setLocalState(null);
		awareness.meta.delete(this.doc.clientID);
		// Yjs reads doc.clientID at each new change; it does the same when it meets a collision.
		this.doc.clientID = uint32();
		awareness.clientID = this.doc.clientID;
		// Others ignore a first state with clock 0 (they take an unknown id to be at 0), so the
		// new id starts as the awareness constructor's own does: clock 0, then set to 1.
		awareness.meta.set(this.doc.clientID, { clock: 0, lastUpdated: Date.now() });
		awareness.setLocalState(state ?? {});
	}

	/**
	 * Peeks at a sync message: on the server's SyncStep1 (its state vector), whether this page
	 * holds changes under a retired client id, bound to the old session, that the server does
	 * not have (and would refuse from this session).
	 */
	#unsentUnderRetiredIds(decoder: decoding.Decoder): boolean {
		const peek = decoding.clone(decoder);
		if (decoding.readVarUint(peek) !== SYNC_STEP1) return false;
		const server = Y.decodeStateVector(decoding.readVarUint8Array(peek));
		const local = Y.encodeStateVector(this.doc);
		const mine = Y.decodeStateVector(local);
		// An id the server has nothing from was never bound to the old session (the server binds
		// an id when it first accepts a change written with it): it is sent, and bound to this one.
		const unsent = this.#retired.some((id) => {
			const stored = server.get(id);
			return stored !== undefined && (mine.get(id) ?? 0) > stored;
		});
		// Everything written under them is on the server: they are of no more concern.
		if (!unsent) this.#retired = [];
		return unsent;
	}

	/** Ends the connection for good: leaves presence, closes the socket, frees the document. */
	destroy() {
		if (this.#destroyed) return;
		this.#destroyed = true;
		clearTimeout(this.#resumeTimer);
		if (typeof window !== 'undefined') window.removeEventListener('focus', this.#onFocus);
		this.provider.awareness.off('change', this.#onAwareness);
		this.provider.awareness.setLocalState(null);
		this.provider.destroy();
		this.provider.awareness.destroy();
		this.doc.destroy();
		this.#presence = [];
		this.#synced = false;
		if (this.#status !== 'stopped') this.#status = 'disconnected';
	}

	#stop(reason: string) {
		if (this.#status === 'stopped' || this.#destroyed) return;
		clearTimeout(this.#resumeTimer);
		this.#stopReason = reason;
		this.#status = 'stopped';
		this.#synced = false;
		this.#presence = [];
		// No retry may start from here on. The socket itself is closed once the provider has
		// finished handling the close event that may have brought us here.
		this.provider.shouldConnect = false;
		queueMicrotask(() => {
			if (!this.#destroyed) this.provider.disconnect();
		});
	}

	#onStatus(status: 'connecting' | 'connected' | 'disconnected') {
		if (status === 'connecting') this.#opened = false;
		if (status === 'connected') {
			this.#opened = true;
			// A reconnection may land after access changed (e.g. write became read while the
			// server restarted): the server would then drop our changes silently.
			if (this.#everConnected) void this.#verifyAccess();
			this.#everConnected = true;
		}
		if (this.#status !== 'stopped' && !this.#destroyed) this.#status = status;
	}

	#onSync(synced: boolean) {
		if (synced) this.#failures = 0;
		if (this.#status !== 'stopped' && !this.#destroyed) this.#synced = synced;
	}

	#onClose(event: CloseEvent | null) {
		// null: closed by this page (disconnect, destroy or the provider's idle watchdog).
		if (!event || this.#destroyed || this.#status === 'stopped') return;
		this.#synced = false;
		// Ask why: signed out (say so), or write access shrank to read (e.g. the meeting ended and
		// the case is frozen: carry on read-only if the server still lists the document for us).
		if (event.code === CLOSE_ACCESS_CHANGED && this.caseId) {
			return void this.#continueReadOnly();
		}
		const reason = stopReasonFor(event.code);
		if (reason) return this.#stop(reason);
		this.#failures += 1;
		// A refused upgrade (401/403) reaches a browser only as 1006 before open: ask why.
		if (!this.#opened || this.#failures >= REPEATED_FAILURES) void this.#diagnose();
	}

	/** Pauses reconnection while asking the server whether the session and access still hold. */
	async #diagnose() {
		if (this.#checking) return;
		this.#checking = true;
		const started = Date.now();
		this.provider.shouldConnect = false; // the provider's scheduled retry becomes a no-op
		try {
			const reason = await this.#accessProblem();
			if (reason) return this.#stop(reason);
		} finally {
			this.#checking = false;
		}
		if (this.#destroyed || this.#status === 'stopped') return;
		const backoff = Math.min(100 * 2 ** this.#failures, MAX_BACKOFF_MS);
		clearTimeout(this.#resumeTimer);
		this.#resumeTimer = setTimeout(
			() => {
				if (!this.#destroyed && this.#status !== 'stopped') this.provider.connect();
			},
			Math.max(0, backoff - (Date.now() - started))
		);
	}

	async #continueReadOnly() {
		this.provider.shouldConnect = false;
		const listed = await this.#listedAccess();
		if (this.#destroyed || this.#status === 'stopped') return;
		// Signed out (elsewhere, or timed out): say so, so the user knows signing in again is enough.
		if (listed === 'session') return this.#stop(STOP_REASONS.sessionEnded);
		// A reader closed with 4205 has lost even read access; a writer may carry on reading.
		if (listed !== 'read' || this.#access === 'read') {
			return this.#stop(STOP_REASONS.accessChanged);
		}
		this.#access = 'read';
		this.provider.connect();
	}

	async #verifyAccess() {
		const reason = await this.#accessProblem();
		if (reason) this.#stop(reason);
	}

	/** A reason to stop, or null when the session and access look fine (or cannot be checked). */
	async #accessProblem(): Promise<string | null> {
		const session = await this.#get('/api/session/status');
		if (session?.status === 401) return STOP_REASONS.sessionEnded;
		const listed = await this.#listedAccess();
		if (listed === 'session') return STOP_REASONS.sessionEnded;
		if (listed === 'none') return STOP_REASONS.noAccess;
		if (listed && listed !== this.#access) return STOP_REASONS.accessChanged;
		return null;
	}

	/**
	 * This document's access as the server lists it now: 'read' | 'write', 'none' (not listed),
	 * 'session' (signed out), or null when it cannot be told (offline, no case id, bad answer).
	 */
	async #listedAccess(): Promise<DocumentAccessLevel | 'none' | 'session' | null> {
		if (!this.caseId) return null;
		const listing = await this.#get(`/api/cases/${encodeURIComponent(this.caseId)}/documents`);
		if (!listing) return null;
		if (listing.status === 401) return 'session';
		if (listing.status === 404) return 'none';
		if (!listing.ok) return null;
		let documents: unknown;
		try {
			documents = await listing.json();
		} catch {
			return null;
		}
		if (!Array.isArray(documents)) return null;
		const entry = documents.find(
			(d): d is { name: string; access: unknown } =>
				typeof d === 'object' && d !== null && (d as { name?: unknown }).name === this.name
		);
		if (!entry) return 'none';
		return entry.access === 'write' || entry.access === 'read' ? entry.access : null;
	}

	async #get(path: string): Promise<Response | null> {
		try {
			return await this.#fetch(path, {
				cache: 'no-store',
				credentials: 'same-origin',
				headers: { accept: 'application/json' }
			});
		} catch {
			return null; // offline or server down: the provider keeps retrying
		}
	}

	/**
	 * Presence never lists this page, so a change to this page's own awareness state (an editor's
	 * cursor) leaves it as it is. That change can arrive synchronously from anywhere: Chromium
	 * fires `focusout` when it removes a focused editor, y-prosemirror then clears the cursor,
	 * and when Svelte is the one removing the editor (the live meeting moving on to the next
	 * case) that happens inside a block's update, where writing state is an error
	 * (`state_unsafe_mutation`). So only others' changes touch `presence`, and only when the
	 * list really differs.
	 */
	#onAwareness = ({ added, updated, removed }: AwarenessChange) => {
		if (this.#destroyed) return;
		const self = this.doc.clientID;
		const others = [...added, ...updated, ...removed].some((id) => id !== self);
		if (!others) return;
		const list: PresenceEntry[] = [];
		for (const [clientId, state] of this.provider.awareness.getStates()) {
			if (clientId === self) continue;
			const user = (state as { user?: unknown } | null)?.user;
			if (!user || typeof user !== 'object') continue;
			const { name, agency, role } = user as Record<string, unknown>;
			const shown = text(name);
			if (!shown) continue;
			list.push({ clientId, name: shown, agency: text(agency), role: text(role) });
		}
		list.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
		if (!samePresence(list, this.#presence)) this.#presence = list;
	};
}
