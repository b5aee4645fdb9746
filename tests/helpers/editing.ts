/**
 * A steady editing workload on one document for crash and outage tests: stock y-websocket
 * writers each appending numbered tokens to one Y.Array, and every client (writers and read-only
 * observers) able to say which tokens it has SEEN from someone else. Durable before relay
 * (DESIGN §6) means each of those must already be in the database.
 *
 *   const work = startEditing({ url: () => wsUrl(server), origin: () => server.origin, ... });
 *   await work.synced();
 *   ...kill the server...
 *   await work.disconnected();
 *   const seen = work.seenByOthers();   // must be a subset of tokensInDatabase(db, docName)
 */
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { Database } from '../../src/lib/server/db/index.ts';
import { loadDocument } from '../../src/lib/server/documents/store.ts';
import { and, eq } from 'drizzle-orm';
import { agencies, cases } from '../../src/lib/server/db/schema/index.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import type { Backend } from './db.ts';
import { signedInClient, startServer, type TestServer } from './server.ts';
import { syncProvider, until } from './sync.ts';

/** The Y.Array the workload writes to (a key no document type uses). */
export const TOKENS = 'reliability-tokens';

export interface EditingClient {
	label: string;
	provider: WebsocketProvider;
	/** Tokens this client wrote (the others it holds came from the server). */
	written: string[];
}

export interface EditingOptions {
	/** `ws://host:port/sync`, read at each (re)connection. */
	url: () => string;
	origin: () => string;
	docName: string;
	writers: { label: string; cookie: string }[];
	readers: { label: string; cookie: string }[];
	/** Each writer appends one token this often (kept under the per-socket message rate). */
	intervalMs?: number;
}

export function tokensOf(doc: Y.Doc): string[] {
	return doc.getArray<string>(TOKENS).toArray();
}

/** The document as a fresh load from the database would build it. */
export async function tokensInDatabase(db: Database, docName: string): Promise<string[]> {
	const stored = await loadDocument(db, docName);
	const doc = new Y.Doc();
	for (const update of [stored.snapshot, ...stored.updates]) if (update) Y.applyUpdate(doc, update);
	const tokens = tokensOf(doc);
	doc.destroy();
	return tokens;
}

export function startEditing(options: EditingOptions) {
	const interval = options.intervalMs ?? 40;
	const open = (label: string, cookie: string): EditingClient => ({
		label,
		written: [],
		// A short back-off ceiling: the server is back within seconds and the test waits on it.
		provider: syncProvider(options.url(), options.docName, cookie, {
			origin: options.origin,
			maxBackoffTime: 250
		})
	});
	const writers = options.writers.map((w) => open(w.label, w.cookie));
	const readers = options.readers.map((r) => open(r.label, r.cookie));
	const clients = [...writers, ...readers];
	let writing = true;
	const timers = writers.map((writer) =>
		setInterval(() => {
			if (!writing) return;
			// Written whether or not the socket is up: offline edits must reach the server later.
			const token = `${writer.label}:${writer.written.length}`;
			writer.written.push(token);
			writer.provider.doc.getArray<string>(TOKENS).push([token]);
		}, interval)
	);

	return {
		clients,
		/** Resolves once every client is connected and has synced with the server. */
		synced(timeoutMs = 30_000) {
			return until(() => clients.every((c) => c.provider.synced), timeoutMs);
		},
		/** Resolves once no client has an open socket (after a crash nothing more can arrive). */
		disconnected(timeoutMs = 10_000) {
			return until(() => clients.every((c) => !c.provider.wsconnected), timeoutMs);
		},
		/** Every token some client holds that another client wrote: it came through the server. */
		seenByOthers(): Set<string> {
			const seen = new Set<string>();
			for (const client of clients) {
				const own = new Set(client.written);
				for (const token of tokensOf(client.provider.doc)) if (!own.has(token)) seen.add(token);
			}
			return seen;
		},
		written(): string[] {
			return writers.flatMap((w) => w.written);
		},
		/** Stops writing (for quiescence) without closing anything. */
		pause() {
			writing = false;
		},
		/** Points every client at a server that had to move port on restart. */
		retarget() {
			for (const client of clients) client.provider.serverUrl = options.url();
		},
		/** Every client holds the same tokens in the same order, and every token written. */
		converged(): boolean {
			const first = JSON.stringify(tokensOf(clients[0]!.provider.doc));
			if (!clients.every((c) => JSON.stringify(tokensOf(c.provider.doc)) === first)) return false;
			return tokensOf(clients[0]!.provider.doc).length === writers.flatMap((w) => w.written).length;
		},
		stop() {
			writing = false;
			for (const timer of timers) clearInterval(timer);
			for (const client of clients) client.provider.destroy();
		}
	};
}

export type Editing = ReturnType<typeof startEditing>;

/** What both crash tests edit: one agency document of DEMO-0001, on the real server. */
export interface EditedServer {
	server: TestServer;
	/** DEMO-0001's police document: written by police, coordinator and chair; read by observer. */
	docName: string;
	/** Session cookies of police@, coordinator@, chair@ and observer@ (demo accounts). */
	cookies: Record<string, string>;
}

/** Starts the production server on the demo data and signs in the people who will edit. */
export async function startEditedServer(backend: Backend): Promise<EditedServer> {
	let docName = '';
	const server = await startServer({
		backend,
		mfaPolicy: 'optional',
		seed: async (db) => {
			await seedDemo(db);
			const [c] = await db.select().from(cases).where(eq(cases.reference, 'DEMO-0001'));
			const [police] = await db
				.select()
				.from(agencies)
				.where(and(eq(agencies.areaId, c!.areaId), eq(agencies.sector, 'police')));
			docName = `case:${c!.id}:agency:${police!.id}`;
		}
	});
	const cookies: Record<string, string> = {};
	for (const who of ['police', 'coordinator', 'chair', 'observer']) {
		cookies[who] = (await signedInClient(server, `${who}@demo.example`)).cookieHeader();
	}
	return { server, docName, cookies };
}
