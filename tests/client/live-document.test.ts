/**
 * The LiveDocument wrapper (src/lib/sync/live-document.svelte.ts) running in Node against the real
 * sync server (server/sync) on a real database. Node has no browser WebSocket or cookie jar, so
 * the wrapper gets a `ws` subclass that sends the session cookie and Origin, and a fetch that
 * sends the cookie. The two JSON endpoints the wrapper reads are served here by a stand-in that
 * answers from the same server modules as the SvelteKit routes (session validation, caseDocuments).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import WebSocket from 'ws';
import { ORIGIN, sessionCookie, signedIn, socketClass, type Harness } from '../helpers/sync.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import { assembleRuntime } from '../../src/lib/server/runtime.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	invalidateUserSessions,
	sessionStatus,
	validateSessionToken
} from '../../src/lib/server/auth/session.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { caseDocuments } from '../../src/lib/server/policy/facts.ts';
import {
	agencies,
	agendaItems,
	cases,
	docUpdates,
	meetings,
	memberships,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { recordAccessChange } from '../../src/lib/server/policy/changes.ts';
import { createSyncServer } from '../../server/sync/index.ts';
import { addAction, readActions } from '../../src/lib/documents/shapes.ts';
import * as Y from 'yjs';
import {
	Awareness,
	applyAwarenessUpdate,
	encodeAwarenessUpdate,
	removeAwarenessStates
} from 'y-protocols/awareness';
import { LiveDocument, STOP_REASONS } from '../../src/lib/sync/live-document.svelte.ts';

/**
 * The shared harness (tests/helpers/sync.ts), plus what a browser page also needs: the JSON
 * endpoints on the same origin, restarts on the same port (a page keeps its URL), and a count of
 * upgrade attempts to prove that a stopped wrapper stays stopped.
 */
interface LiveHarness extends Harness {
	port: number;
	/** http://… for the JSON stand-ins */
	base: string;
	/** Upgrade requests seen, by session cookie. */
	upgrades: Map<string, number>;
	/** Starts again on the same port after stop(). */
	start(): Promise<void>;
}

function tokenOf(req: IncomingMessage): string | null {
	const match = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '');
	return match ? decodeURIComponent(match[1]!) : null;
}

function json(res: ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function api(h: LiveHarness, req: IncomingMessage, res: ServerResponse) {
	const { db, auth } = h.runtime;
	const path = new URL(req.url ?? '/', h.base).pathname;
	const token = tokenOf(req);
	const valid = token
		? await validateSessionToken(db, token, auth.sessionPolicy, h.runtime.now(), { touch: false })
		: null;
	if (!valid) return json(res, 401, { message: 'Sign in to continue.' });
	if (path === '/api/session/status') {
		return json(res, 200, sessionStatus(valid.session, h.runtime.now()));
	}
	const m = /^\/api\/cases\/([^/]+)\/documents$/.exec(path);
	if (!m) return json(res, 404, { message: 'Not found.' });
	const principal = {
		userId: valid.user.id,
		isAdmin: valid.user.isAdmin,
		memberships: await membershipsOf(db, valid.user.id)
	};
	const caseId = decodeURIComponent(m[1]!);
	const documents = /^[0-9a-f-]{36}$/.test(caseId)
		? await caseDocuments(db, principal, caseId, h.runtime.now())
		: null;
	return documents ? json(res, 200, documents) : json(res, 404, { message: 'Case not found.' });
}

async function startLiveHarness(t: TestDatabase): Promise<LiveHarness> {
	const config = loadConfig({
		ORIGIN,
		LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
		DATA_DIR: 'memory://'
	});
	const h = { t, upgrades: new Map(), port: 0 } as unknown as LiveHarness;
	async function start() {
		h.runtime = await assembleRuntime(config, t.handle);
		h.sync = createSyncServer(h.runtime, { watchIntervalMs: 100 });
		h.http = createServer((req, res) => {
			api(h, req, res).catch(() => res.writeHead(500).end());
		});
		h.http.on('upgrade', (req, socket, head) => {
			const key = req.headers.cookie ?? '';
			h.upgrades.set(key, (h.upgrades.get(key) ?? 0) + 1);
			h.sync.handleUpgrade(req, socket, head);
		});
		await new Promise<void>((resolve) => h.http.listen(h.port, '127.0.0.1', resolve));
		h.port = (h.http.address() as AddressInfo).port;
		h.url = `ws://127.0.0.1:${h.port}/sync`;
		h.base = `http://127.0.0.1:${h.port}`;
	}
	h.stop = async () => {
		await h.sync.close();
		h.http.closeAllConnections();
		await new Promise<void>((resolve) => h.http.close(() => resolve()));
	};
	h.start = start;
	h.restart = async () => {
		await h.stop();
		await start();
	};
	await start();
	return h;
}

/** What a browser's same-origin fetch would do: resolve against the page and send the cookie. */
function cookieFetch(h: LiveHarness, cookie: string, seen: string[] = []): typeof fetch {
	return (input, init) => {
		const path = String(input);
		seen.push(path);
		return fetch(new URL(path, h.base), { method: init?.method ?? 'GET', headers: { cookie } });
	};
}

async function until(check: () => boolean, what: string | (() => string), timeoutMs = 5000) {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > timeoutMs) {
			throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
		}
		await new Promise((r) => setTimeout(r, 20));
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDatabases())('LiveDocument against the sync server on $name', (backend) => {
	let t: TestDatabase;
	let h: LiveHarness;
	let caseId: string;
	let policeAgency: string;
	let healthAgency: string;
	let mentalHealthAgency: string;
	const open: LiveDocument[] = [];

	function live(
		cookie: string,
		name: string,
		access: 'read' | 'write',
		extra: { caseId?: string; seen?: string[] } = {}
	) {
		const doc = new LiveDocument({
			name,
			access,
			caseId: extra.caseId,
			url: h.url,
			WebSocketPolyfill: socketClass(cookie) as unknown as typeof globalThis.WebSocket,
			fetch: cookieFetch(h, cookie, extra.seen)
		});
		open.push(doc);
		return doc;
	}

	async function userName(email: string) {
		const [user] = await t.db.select().from(users).where(eq(users.email, email));
		return user!;
	}

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startLiveHarness(t);
		caseId = (await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0001')))[0]!.id;
		const ag = await t.db.select().from(agencies);
		policeAgency = ag.find((a) => a.sector === 'police')!.id;
		healthAgency = ag.find((a) => a.sector === 'health')!.id;
		mentalHealthAgency = ag.find((a) => a.sector === 'mental_health')!.id;
	});

	afterAll(async () => {
		for (const doc of open) doc.destroy();
		await h?.stop();
		await t?.cleanup();
	});

	it('refuses a string that is not a document name before opening anything', () => {
		expect(
			() => new LiveDocument({ name: 'case:../../etc', access: 'read', url: h.url })
		).toThrow();
	});

	it('two wrappers converge and each lists the other in presence with the server’s names', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const police = live(await sessionCookie(h, 'police@demo.example'), name, 'write');
		const coordinator = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'write');
		await until(() => police.synced && coordinator.synced, 'both synced');
		expect(police.status).toBe('connected');
		expect(police.readOnly).toBe(false);
		expect(coordinator.readOnly).toBe(false);

		const at = new Date().toISOString();
		addAction(police.doc, {
			id: 'police-1',
			text: 'Flag the address',
			dueOn: null,
			status: 'open',
			createdAt: at,
			createdBy: 'police'
		});
		addAction(coordinator.doc, {
			id: 'coord-1',
			text: 'Chase housing',
			dueOn: '2030-01-01',
			status: 'open',
			createdAt: at,
			createdBy: 'coordinator'
		});
		const ids = (d: LiveDocument) => readActions(d.doc).map((a) => a.id);
		await until(
			() => ids(police).length === 2 && ids(coordinator).length === 2,
			'both actions everywhere'
		);
		expect(ids(police)).toEqual(ids(coordinator));
		expect(ids(police).sort()).toEqual(['coord-1', 'police-1']);

		// A page cannot claim to be someone else: the server rewrites identity from the session.
		police.provider.awareness.setLocalStateField('user', { name: 'Forged Name', agency: 'Nope' });
		const policeUser = await userName('police@demo.example');
		const coordinatorUser = await userName('coordinator@demo.example');
		await until(
			() => police.presence.length === 1 && coordinator.presence.length === 1,
			'each sees the other'
		);
		await sleep(200); // let the forged state (rewritten) arrive too
		expect(coordinator.presence).toEqual([
			expect.objectContaining({
				clientId: police.doc.clientID,
				name: policeUser.name,
				role: 'agency_rep'
			})
		]);
		expect(coordinator.presence[0]!.agency).not.toBe('Nope');
		expect(coordinator.presence[0]!.agency).toBeTruthy();
		expect(police.presence).toEqual([
			{
				clientId: coordinator.doc.clientID,
				name: coordinatorUser.name,
				agency: 'Demo MARAC Coordination',
				role: 'coordinator'
			}
		]);

		// destroy() leaves presence at once, not after the 30 s awareness timeout.
		police.destroy();
		await until(() => coordinator.presence.length === 0, 'police gone from presence', 2000);
		expect(police.presence).toEqual([]);
		coordinator.destroy();
	});

	it('a reader is read-only and still receives a writer’s changes', async () => {
		const name = `case:${caseId}:plan`;
		const reader = live(await sessionCookie(h, 'observer@demo.example'), name, 'read');
		const writer = live(await sessionCookie(h, 'chair@demo.example'), name, 'write');
		await until(() => reader.synced && writer.synced, 'both synced');
		expect(reader.readOnly).toBe(true);
		expect(writer.readOnly).toBe(false);
		writer.doc.getMap<boolean>('riskFlags').set('children', true);
		await until(() => reader.doc.getMap('riskFlags').get('children') === true, 'flag relayed');
		reader.destroy();
		writer.destroy();
	});

	it('stops for good, with the reason, when the user’s sessions are ended', async () => {
		const cookie = await sessionCookie(h, 'housing@demo.example');
		const seen: string[] = [];
		const doc = live(cookie, `case:${caseId}:plan`, 'read', { caseId, seen });
		await until(() => doc.synced, 'synced');
		expect(h.upgrades.get(cookie)).toBe(1);
		const housing = await userName('housing@demo.example');
		await invalidateUserSessions(t.db, housing.id);
		await until(() => doc.status === 'stopped', 'stopped', 2000);
		expect(doc.stopReason).toBe(STOP_REASONS.sessionEnded);
		expect(doc.synced).toBe(false);
		// The provider would have retried after 200 ms, 400 ms, …: none may happen.
		await sleep(2000);
		expect(h.upgrades.get(cookie)).toBe(1);
		expect(doc.status).toBe('stopped');
		// One question, to tell a signed-out user from one whose access changed.
		expect(seen).toEqual([`/api/cases/${caseId}/documents`]);
	});

	it('a refused upgrade whose session has ended stops with the session reason', async () => {
		const cookie = await sessionCookie(h, 'probation@demo.example');
		await invalidateUserSessions(t.db, (await userName('probation@demo.example')).id);
		const seen: string[] = [];
		// A forbidden document too: whatever the refusal, the session answer decides.
		const doc = live(cookie, `case:${caseId}:notes:${healthAgency}`, 'read', { seen });
		await until(() => doc.status === 'stopped', 'stopped');
		expect(doc.stopReason).toBe(STOP_REASONS.sessionEnded);
		expect(seen).toContain('/api/session/status');
		const upgrades = h.upgrades.get(cookie);
		expect(upgrades).toBe(1);
		await sleep(1000);
		expect(h.upgrades.get(cookie)).toBe(upgrades);
	});

	it('a refused upgrade for a document no longer listed for the case stops with the access reason', async () => {
		const cookie = await sessionCookie(h, 'police@demo.example');
		const seen: string[] = [];
		const doc = live(cookie, `case:${caseId}:notes:${healthAgency}`, 'write', { caseId, seen });
		await until(() => doc.status === 'stopped', 'stopped');
		expect(doc.stopReason).toBe(STOP_REASONS.noAccess);
		expect(seen).toEqual(['/api/session/status', `/api/cases/${caseId}/documents`]);
		const upgrades = h.upgrades.get(cookie);
		await sleep(1000);
		expect(h.upgrades.get(cookie)).toBe(upgrades);
	});

	it('without a case to ask about, a refused upgrade with a live session is retried; destroy() ends it', async () => {
		const cookie = await sessionCookie(h, 'education@demo.example');
		const seen: string[] = [];
		const doc = live(cookie, `case:${caseId}:notes:${healthAgency}`, 'read', { seen });
		await until(() => (h.upgrades.get(cookie) ?? 0) >= 3, 'three attempts', 5000);
		expect(doc.status).not.toBe('stopped');
		expect(doc.stopReason).toBeNull();
		expect(seen.every((p) => p === '/api/session/status')).toBe(true);
		expect(seen.length).toBeGreaterThanOrEqual(2);
		doc.destroy();
		const after = h.upgrades.get(cookie);
		await sleep(1500);
		expect(h.upgrades.get(cookie)).toBe(after);
	});

	it('stops with a plain reason when the server refuses a malformed message (4400)', async () => {
		const cookie = await sessionCookie(h, 'idva@demo.example');
		const doc = live(cookie, `case:${caseId}:restricted`, 'write');
		await until(() => doc.synced, 'synced');
		doc.provider.ws!.send(Uint8Array.from([0, 2, 5, 0xff, 0xff, 0xff, 0xff, 0xff]));
		await until(() => doc.status === 'stopped', 'stopped');
		expect(doc.stopReason).toBe(STOP_REASONS.malformed);
		await sleep(1000);
		expect(h.upgrades.get(cookie)).toBe(1);
	});

	it('stops after reconnecting when the access it was opened with has shrunk (write to read)', async () => {
		const email = 'mental-health@demo.example';
		const cookie = await sessionCookie(h, email);
		const seen: string[] = [];
		const doc = live(cookie, `case:${caseId}:agency:${mentalHealthAgency}`, 'write', {
			caseId,
			seen
		});
		await until(() => doc.synced, 'synced');
		expect(seen).toEqual([]);
		// Changed while the server was down: no socket was open to be closed with 4205, and the
		// server would now accept the socket read-only and silently drop this page's edits.
		await h.stop();
		const user = await userName(email);
		await t.db.update(memberships).set({ role: 'observer' }).where(eq(memberships.userId, user.id));
		await h.start();
		await until(() => doc.status === 'stopped', 'stopped', 8000);
		expect(doc.stopReason).toBe(STOP_REASONS.accessChanged);
		expect(seen).toContain(`/api/cases/${caseId}/documents`);
		expect(h.upgrades.get(cookie)).toBe(2);
	});

	it('reconnects and resyncs after the server goes away (1001), keeping edits made meanwhile', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const cookie = await sessionCookie(h, 'police@demo.example');
		const doc = live(cookie, name, 'write', { caseId });
		await until(() => doc.synced, 'synced');
		await h.stop();
		await until(() => doc.status !== 'connected', 'disconnect noticed');
		addAction(doc.doc, {
			id: 'offline-1',
			text: 'Written while the server restarted',
			dueOn: null,
			status: 'open',
			createdAt: null,
			createdBy: null
		});
		await sleep(300); // a retry or two fails while the server is down
		await h.start();
		await until(() => doc.synced && doc.status === 'connected', 'resynced', 8000);
		expect(doc.stopReason).toBeNull();
		expect(h.upgrades.get(cookie)).toBeGreaterThanOrEqual(2);
		const other = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'write');
		await until(
			() => readActions(other.doc).some((a) => a.id === 'offline-1'),
			() => `offline edit relayed (writer: ${doc.status}, ${doc.stopReason ?? 'no stop reason'})`
		);
		doc.destroy();
		other.destroy();
	});

	/**
	 * One page (one LiveDocument, one Y.Doc) whose cookie changes as a browser's would: the
	 * session ends, the user signs in again, and the page carries on.
	 */
	async function pageThatSignsInAgain(name: string, email: string) {
		const jar = { cookie: await sessionCookie(h, email) };
		const doc = new LiveDocument({
			name,
			access: 'write',
			caseId,
			userId: (await userName(email)).id,
			url: h.url,
			WebSocketPolyfill: class extends WebSocket {
				constructor(url: string, protocols?: string | string[]) {
					super(url, protocols, { headers: { cookie: jar.cookie, origin: ORIGIN } });
				}
			} as unknown as typeof globalThis.WebSocket,
			fetch: (input, init) => cookieFetch(h, jar.cookie)(input, init)
		});
		open.push(doc);
		await until(() => doc.synced, 'synced');
		return { doc, jar };
	}

	const action = (id: string, text: string) => ({
		id,
		text,
		dueOn: null,
		status: 'open' as const,
		createdAt: null,
		createdBy: null
	});

	it('after signing out and in again on the same page, edits under the same client id (the server hands it over) and they are kept', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const { doc, jar } = await pageThatSignsInAgain(name, 'police@demo.example');
		const other = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'write');
		await until(() => other.synced, 'other synced');
		addAction(doc.doc, action('before-sign-out', 'Written in the first session'));
		await until(
			() => readActions(other.doc).some((a) => a.id === 'before-sign-out'),
			'first edit relayed'
		);
		const firstId = doc.doc.clientID;

		await invalidateUserSessions(t.db, (await userName('police@demo.example')).id);
		await until(() => doc.status === 'stopped', 'stopped');
		// A writer's socket closed with 4205 asks why: signed out, so it says so.
		expect(doc.stopReason).toBe(STOP_REASONS.sessionEnded);
		// Not signed in yet: nothing to resume with.
		expect(await doc.resume()).toBe(false);
		expect(doc.stopReason).toBe(STOP_REASONS.sessionEnded);

		const again = await signedIn(h, 'police@demo.example');
		jar.cookie = again.cookie;
		expect(await doc.resume()).toBe(true);
		await until(() => doc.synced && doc.status === 'connected', 'resumed');
		expect(doc.doc.clientID).toBe(firstId);
		expect(doc.provider.awareness.clientID).toBe(doc.doc.clientID);
		addAction(doc.doc, action('after-sign-in', 'Written in the second session'));
		await until(
			() => readActions(other.doc).some((a) => a.id === 'after-sign-in'),
			() => `second edit relayed (page: ${doc.status}, ${doc.stopReason ?? 'no stop reason'})`
		);
		// Presence is accepted, with the identity from the new session.
		await until(
			() => other.presence.some((p) => p.clientId === doc.doc.clientID),
			'presence after signing in again'
		);
		expect(doc.status).toBe('connected');
		expect(doc.stopReason).toBeNull();
		// Persisted, attributed to the new session.
		const rows = await t.db
			.select()
			.from(docUpdates)
			.where(eq(docUpdates.sessionId, again.sessionId));
		expect(rows.length).toBeGreaterThan(0);
		const fresh = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'read');
		await until(() => fresh.synced, 'fresh synced');
		expect(readActions(fresh.doc).map((a) => a.id)).toEqual(
			expect.arrayContaining(['before-sign-out', 'after-sign-in'])
		);
		doc.destroy();
		other.destroy();
		fresh.destroy();
	});

	it('saves changes typed while signed out once the same user signs in again, after the page had saved others', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const { doc, jar } = await pageThatSignsInAgain(name, 'police@demo.example');
		addAction(doc.doc, action('saved-first', 'Saved in the first session'));
		const watcher = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'read');
		await until(
			() => readActions(watcher.doc).some((a) => a.id === 'saved-first'),
			'first edit saved'
		);
		await invalidateUserSessions(t.db, (await userName('police@demo.example')).id);
		await until(() => doc.status === 'stopped', 'stopped');
		// Typed after the socket closed, under the client id bound to the ended session.
		addAction(doc.doc, action('typed-meanwhile', 'Written after the session ended'));
		jar.cookie = await sessionCookie(h, 'police@demo.example');
		expect(await doc.resume()).toBe(true);
		await until(
			() => readActions(watcher.doc).some((a) => a.id === 'typed-meanwhile'),
			() => `saved after signing in again (page: ${doc.status}, ${doc.stopReason ?? 'none'})`
		);
		expect(doc.status).toBe('connected');
		expect(doc.stopReason).toBeNull();
		doc.destroy();
		watcher.destroy();
	});

	it('says so, and keeps it on the page, when someone else signs in on it and changes made before cannot be saved', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const { doc, jar } = await pageThatSignsInAgain(name, 'police@demo.example');
		const firstId = doc.doc.clientID;
		// The page's client id is bound to the first session once the server accepts a change.
		const watcher = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'read');
		addAction(doc.doc, action('first-session', 'Saved in the first session'));
		await until(
			() => readActions(watcher.doc).some((a) => a.id === 'first-session'),
			'first edit saved'
		);
		watcher.destroy();
		await invalidateUserSessions(t.db, (await userName('police@demo.example')).id);
		await until(() => doc.status === 'stopped', 'stopped');
		// Typed after the socket closed: written with the client id bound to the ended session.
		addAction(doc.doc, action('while-signed-out', 'Written after the session ended'));
		// Someone else signs in on this browser: never under the police officer's client id.
		jar.cookie = await sessionCookie(h, 'coordinator@demo.example');
		expect(await doc.resume()).toBe(true);
		expect(doc.doc.clientID).not.toBe(firstId);
		await until(() => doc.status === 'stopped', 'stopped again');
		expect(doc.stopReason).toBe(STOP_REASONS.unsavedBeforeSignIn);
		expect(readActions(doc.doc).some((a) => a.id === 'while-signed-out')).toBe(true);
		const other = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'read');
		await until(() => other.synced, 'other synced');
		expect(readActions(other.doc).some((a) => a.id === 'while-signed-out')).toBe(false);
		doc.destroy();
		other.destroy();
	});

	it('saves what was typed while signed out when the page had written nothing before', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const { doc, jar } = await pageThatSignsInAgain(name, 'police@demo.example');
		await invalidateUserSessions(t.db, (await userName('police@demo.example')).id);
		await until(() => doc.status === 'stopped', 'stopped');
		// The old client id never wrote to this document, so it is bound to nobody yet.
		addAction(doc.doc, action('typed-signed-out', 'Typed before signing in again'));
		jar.cookie = await sessionCookie(h, 'police@demo.example');
		expect(await doc.resume()).toBe(true);
		const other = live(await sessionCookie(h, 'coordinator@demo.example'), name, 'read');
		await until(
			() => readActions(other.doc).some((a) => a.id === 'typed-signed-out'),
			() => `saved after signing in again (page: ${doc.status}, ${doc.stopReason ?? 'none'})`
		);
		expect(doc.status).toBe('connected');
		expect(doc.stopReason).toBeNull();
		doc.destroy();
		other.destroy();
	});

	it('carries on read-only when write access shrinks to read on an open socket (the meeting ended)', async () => {
		const [agency] = await t.db
			.select()
			.from(agencies)
			.where(eq(agencies.sector, 'adult_services'));
		const name = `case:${caseId}:agency:${agency!.id}`;
		const cookie = await sessionCookie(h, 'adult-services@demo.example');
		const seen: string[] = [];
		const doc = live(cookie, name, 'write', { caseId, seen });
		await until(() => doc.synced, 'synced');
		expect(doc.readOnly).toBe(false);
		const [item] = await t.db.select().from(agendaItems).where(eq(agendaItems.caseId, caseId));
		expect(item).toBeDefined();
		await t.db.update(meetings).set({ status: 'closed' }).where(eq(meetings.id, item!.meetingId));
		await recordAccessChange(t.db, { reason: 'meeting.end', caseId });
		await until(() => doc.readOnly && doc.synced, 'reconnected read-only', 8000);
		expect(doc.status).toBe('connected');
		expect(doc.stopReason).toBeNull();
		expect(seen).toContain(`/api/cases/${caseId}/documents`);
		// Still live: a change made through the server's edit path arrives.
		await h.runtime.documents!.edit(name, { userId: null }, (d) =>
			addAction(d, {
				id: 'after-meeting-1',
				text: 'Recorded after the meeting',
				dueOn: null,
				status: 'open',
				createdAt: null,
				createdBy: null
			})
		);
		await until(() => readActions(doc.doc).some((a) => a.id === 'after-meeting-1'), 'edit relayed');
		doc.destroy();
	});
});

describe('LiveDocument presence, offline', () => {
	const CASE = '00000000-0000-4000-8000-0000000000c1';

	it('is left as it is by this page’s own awareness changes and by others’ changes that list the same', () => {
		// In Chromium, removing a focused editor fires `focusout`, and y-prosemirror clears this
		// page's cursor at once: inside a Svelte block's update when the live meeting moves on.
		// Presence must not be written then (state_unsafe_mutation), and it cannot change anyway.
		const live = new LiveDocument({
			name: `case:${CASE}:plan`,
			access: 'write',
			caseId: CASE,
			connect: false,
			url: 'ws://127.0.0.1:9/sync'
		});
		const awareness = live.provider.awareness;
		const nobody = live.presence;
		awareness.setLocalStateField('cursor', { anchor: 1, head: 1 });
		awareness.setLocalStateField('cursor', null);
		expect(live.presence).toBe(nobody);

		const other = new Awareness(new Y.Doc());
		const send = () =>
			applyAwarenessUpdate(awareness, encodeAwarenessUpdate(other, [other.clientID]), 'remote');
		other.setLocalState({ user: { name: 'PC Priya Police', agency: 'Police', role: 'Member' } });
		send();
		expect(live.presence).toEqual([
			{ clientId: other.clientID, name: 'PC Priya Police', agency: 'Police', role: 'Member' }
		]);
		const listed = live.presence;
		// Their cursor moves: the list is the same, so it is not replaced.
		other.setLocalStateField('cursor', { anchor: 2, head: 2 });
		send();
		expect(live.presence).toBe(listed);

		removeAwarenessStates(awareness, [other.clientID], 'remote');
		expect(live.presence).toEqual([]);
		other.destroy();
		live.destroy();
	});
});
