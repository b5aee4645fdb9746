import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	ORIGIN,
	closed,
	provider,
	rawSocket,
	sessionCookie,
	signedIn,
	startHarness,
	synced,
	until,
	type Harness
} from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { invalidateSession, invalidateUserSessions } from '../../src/lib/server/auth/session.ts';
import { updateFrame } from './fixtures/yjs-hostile.ts';
import { recordAccessChange } from '../../src/lib/server/policy/changes.ts';
import {
	agencies,
	caseExclusions,
	cases,
	docClients,
	docSnapshots,
	docUpdates,
	users
} from '../../src/lib/server/db/schema/index.ts';

describe.each(testDatabases())('sync server on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let caseId: string;
	let htCaseId: string;
	let police: string;
	let coordinator: string;
	let observer: string;
	let health: string;
	let policeAgency: string;
	let healthAgency: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		caseId = (await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0001')))[0]!.id;
		htCaseId = (await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0007')))[0]!.id;
		const ag = await t.db.select().from(agencies);
		policeAgency = ag.find((a) => a.sector === 'police')!.id;
		healthAgency = ag.find((a) => a.sector === 'health')!.id;
		police = await sessionCookie(h, 'police@demo.example');
		coordinator = await sessionCookie(h, 'coordinator@demo.example');
		observer = await sessionCookie(h, 'observer@demo.example');
		health = await sessionCookie(h, 'health@demo.example');
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	it('two stock y-websocket clients converge; a third loads it from the database after a restart', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const a = provider(h, name, police);
		const b = provider(h, name, coordinator);
		await Promise.all([synced(a), synced(b)]);
		a.doc.getText('summary').insert(0, 'Police research: ');
		b.doc.getText('summary').insert(0, 'Coordinator note. ');
		await until(
			() =>
				a.doc.getText('summary').toString() === b.doc.getText('summary').toString() &&
				a.doc.getText('summary').length > 30
		);
		const text = a.doc.getText('summary').toString();
		expect(text).toContain('Police research');
		expect(text).toContain('Coordinator note');
		a.destroy();
		b.destroy();

		await h.restart();
		const c = provider(h, name, health);
		await synced(c);
		expect(c.doc.getText('summary').toString()).toBe(text);
		c.destroy();
	});

	it('a read-only client’s edits reach nobody and are never stored', async () => {
		const name = `case:${caseId}:plan`;
		const writer = provider(h, name, coordinator);
		const reader = provider(h, name, observer);
		await Promise.all([synced(writer), synced(reader)]);
		reader.doc.getText('risk').insert(0, 'OBSERVER-CANARY');
		writer.doc.getText('risk').insert(0, 'Risk summary. ');
		await until(() => reader.doc.getText('risk').toString().includes('Risk summary'));
		// Give the server time to (wrongly) relay or store the observer's edit.
		await new Promise((r) => setTimeout(r, 300));
		expect(writer.doc.getText('risk').toString()).not.toContain('OBSERVER-CANARY');
		const stored = await t.db
			.select({ n: sql<number>`count(*)::int` })
			.from(docUpdates)
			.where(
				and(
					eq(docUpdates.docName, name),
					sql`position('OBSERVER-CANARY'::bytea in ${docUpdates.update}) > 0`
				)
			);
		expect(stored[0]!.n).toBe(0);
		writer.destroy();
		reader.destroy();
	});

	it('refuses before upgrading: 401 without a session, 403 for forbidden, unknown and malformed names and foreign origins', async () => {
		const ok = `case:${caseId}:notes:${policeAgency}`;
		const noCookie = await rawSocket(h, ok, { origin: ORIGIN });
		expect(noCookie.status).toBe(401);
		const forbidden = await rawSocket(h, `case:${caseId}:notes:${healthAgency}`, {
			origin: ORIGIN,
			cookie: police
		});
		expect(forbidden).toEqual({ status: 403, bytes: 0 });
		const unknown = await rawSocket(h, `case:00000000-0000-4000-8000-000000000000:plan`, {
			origin: ORIGIN,
			cookie: police
		});
		expect(unknown).toEqual({ status: 403, bytes: 0 });
		const malformed = await rawSocket(h, `case:${caseId}:../../etc`, {
			origin: ORIGIN,
			cookie: police
		});
		expect(malformed).toEqual({ status: 403, bytes: 0 });
		const pathwayOfDa = await rawSocket(h, `case:${caseId}:pathway`, {
			origin: ORIGIN,
			cookie: police
		});
		expect(pathwayOfDa.status).toBe(403);
		const foreign = await rawSocket(h, ok, { origin: 'http://evil.example', cookie: police });
		expect(foreign.status).toBe(403);
		const allowed = await rawSocket(h, `case:${htCaseId}:pathway`, {
			origin: ORIGIN,
			cookie: police
		});
		expect(allowed.status).toBe(101);
		allowed.socket!.close();
	});

	it('closes a socket with 4205 within a second when its session ends, and delivers nothing after', async () => {
		const cookie = await sessionCookie(h, 'housing@demo.example');
		const name = `case:${caseId}:plan`;
		const opened = await rawSocket(h, name, { origin: ORIGIN, cookie });
		expect(opened.status).toBe(101);
		const ws = opened.socket!;
		const received: number[] = [];
		ws.on('message', () => received.push(Date.now()));
		const whenClosed = closed(ws);
		const [housing] = await t.db
			.select()
			.from(users)
			.where(eq(users.email, 'housing@demo.example'));
		const revokedAt = Date.now();
		await invalidateUserSessions(t.db, housing!.id);
		const { code, at } = await whenClosed;
		expect(code).toBe(4205);
		expect(at - revokedAt).toBeLessThan(1000);
		expect(received.filter((r) => r > at)).toEqual([]);
	});

	it('closes the sockets of an agency excluded from a case', async () => {
		const name = `case:${caseId}:agency:${healthAgency}`;
		const opened = await rawSocket(h, name, { origin: ORIGIN, cookie: health });
		expect(opened.status).toBe(101);
		const whenClosed = closed(opened.socket!);
		const [coord] = await t.db
			.select()
			.from(users)
			.where(eq(users.email, 'coordinator@demo.example'));
		const at = Date.now();
		await t.db.insert(caseExclusions).values({
			caseId,
			agencyId: healthAgency,
			reason: 'test: perpetrator employed here',
			createdBy: coord!.id
		});
		await recordAccessChange(t.db, { reason: 'exclusion', caseId });
		const result = await whenClosed;
		expect(result.code).toBe(4205);
		expect(result.at - at).toBeLessThan(1000);
		const again = await rawSocket(h, name, { origin: ORIGIN, cookie: health });
		expect(again.status).toBe(403);
	});

	it('closes with 4400 on garbage and on an update forging another session’s client id', async () => {
		const name = `case:${htCaseId}:pathway`;
		const victim = provider(h, name, police);
		await synced(victim);
		victim.doc.getText('t').insert(0, 'victim first edit');
		await until(async () => {
			const rows = await t.db.select().from(docUpdates).where(eq(docUpdates.docName, name));
			return rows.length > 0;
		});

		const garbage = await rawSocket(h, name, { origin: ORIGIN, cookie: coordinator });
		const garbageClosed = closed(garbage.socket!);
		garbage.socket!.send(Uint8Array.from([0, 2, 5, 0xff, 0xff, 0xff, 0xff, 0xff]));
		expect((await garbageClosed).code).toBe(4400);

		// Clock poisoning (security.md §3.3): a GC struct for the victim's client id, huge length.
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 1); // one client
		encoding.writeVarUint(e, 1); // one struct
		encoding.writeVarUint(e, victim.doc.clientID);
		encoding.writeVarUint(e, 1000); // clock
		encoding.writeUint8(e, 0); // GC struct
		encoding.writeVarUint(e, 2 ** 40); // length
		encoding.writeVarUint(e, 0); // empty delete set
		const poison = encoding.toUint8Array(e);
		const frame = encoding.createEncoder();
		encoding.writeVarUint(frame, 0);
		encoding.writeVarUint(frame, 2);
		encoding.writeVarUint8Array(frame, poison);
		const attacker = await rawSocket(h, name, { origin: ORIGIN, cookie: coordinator });
		const attackerClosed = closed(attacker.socket!);
		attacker.socket!.send(encoding.toUint8Array(frame));
		expect((await attackerClosed).code).toBe(4400);

		victim.doc.getText('t').insert(0, 'SECOND-EDIT ');
		const observerDoc = provider(h, name, health);
		await synced(observerDoc);
		await until(() => observerDoc.doc.getText('t').toString().includes('SECOND-EDIT'));
		victim.destroy();
		observerDoc.destroy();
	});

	it('a client id passes to the same user’s next session once the first has ended (edits kept across a sign-in), never to another user or a live session', async () => {
		const name = `case:${htCaseId}:pathway`;
		const first = await signedIn(h, 'police@demo.example');
		const doc = new Y.Doc();
		const online = provider(h, name, first.cookie, doc);
		await synced(online);
		doc.getText('relogin').insert(0, 'before ');
		const rowsOf = (sessionId: string) =>
			t.db
				.select()
				.from(docUpdates)
				.where(and(eq(docUpdates.docName, name), eq(docUpdates.sessionId, sessionId)));
		await until(async () => (await rowsOf(first.sessionId)).length > 0);
		// The network drops; the page keeps editing under the same client id.
		online.destroy();
		const offline: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => offline.push(u));
		doc.getText('relogin').insert(7, 'offline ');
		expect(offline).toHaveLength(1);
		const send = async (cookie: string) => {
			const opened = await rawSocket(h, name, { origin: ORIGIN, cookie });
			expect(opened.status).toBe(101);
			const ws = opened.socket!;
			const whenClosed = closed(ws);
			ws.send(updateFrame(offline[0]!));
			return { ws, whenClosed };
		};

		// The same user in another session while the first is still live: refused.
		const second = await signedIn(h, 'police@demo.example');
		expect((await (await send(second.cookie)).whenClosed).code).toBe(4400);
		// Another user, before and after the first session ends: refused.
		expect((await (await send(coordinator)).whenClosed).code).toBe(4400);
		await invalidateSession(t.db, first.sessionId);
		expect((await (await send(coordinator)).whenClosed).code).toBe(4400);
		// The same user's next session, once the first has ended: the edit is saved under it.
		const accepted = await send(second.cookie);
		await until(async () => (await rowsOf(second.sessionId)).length > 0);
		expect(accepted.ws.readyState).toBe(accepted.ws.OPEN);
		const [binding] = await t.db
			.select()
			.from(docClients)
			.where(and(eq(docClients.docName, name), eq(docClients.clientId, doc.clientID)));
		expect(binding!.sessionId).toBe(second.sessionId);
		const reader = provider(h, name, health);
		await synced(reader);
		expect(reader.doc.getText('relogin').toString()).toBe('before offline ');
		accepted.ws.close();
		reader.destroy();
	});

	it('unloads every document its last client leaves, and leaves no timers, mirrors or log rows behind', async () => {
		const timers = () =>
			process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
		await until(() => h.sync.hub.openDocuments().length === 0, 10_000);
		const before = timers();
		const names = (await t.db.select({ id: cases.id }).from(cases))
			.slice(0, 8)
			.flatMap((c) => [`case:${c.id}:plan`, `case:${c.id}:agency:${policeAgency}`]);
		const clients = names.flatMap((name) => [
			provider(h, name, coordinator),
			provider(h, name, coordinator)
		]);
		await Promise.all(clients.map((c) => synced(c)));
		for (const c of clients) {
			c.doc.getMap('leak-check').set(String(c.doc.clientID), 'edited');
			c.awareness.setLocalStateField('cursor', { at: 1 });
		}
		await until(() => h.sync.hub.openDocuments().length === names.length);
		// Every edit relayed to the other client of its document, so committed (durable before
		// relay) while the document is open: what unloading folds.
		await until(() => clients.every((c) => c.doc.getMap('leak-check').size === 2));
		// Each open document holds at least one timer of its own (presence expiry): 16 here.
		expect(timers() - before).toBeGreaterThanOrEqual(names.length);
		for (const c of clients) {
			c.destroy();
			c.doc.destroy(); // the client's own presence timer goes with its document
		}
		await until(() => h.sync.hub.openDocuments().length === 0, 10_000);
		// Let the last folds and projections settle, then count again.
		await until(() => timers() <= before + 2, 5_000);
		// Every log is folded into its snapshot on the way out (the fold follows the unload), and
		// the decode worker drops its mirror of any document edited concurrently.
		const logRows = async () =>
			(await t.db.select().from(docUpdates).where(inArray(docUpdates.docName, names))).length;
		await until(async () => (await logRows()) === 0, 10_000);
		await until(() => h.sync.hub.mirrored(names) === 0, 5_000);
		const stored = await t.db
			.select()
			.from(docSnapshots)
			.where(inArray(docSnapshots.docName, names));
		expect(stored).toHaveLength(names.length);
	});

	it('rewrites presence from the session and drops entries for client ids the socket does not own', async () => {
		const name = `case:${caseId}:plan`;
		const a = provider(h, name, coordinator);
		// (health was excluded from this case by an earlier test)
		const b = provider(h, name, await sessionCookie(h, 'idva@demo.example'));
		await Promise.all([synced(a), synced(b)]);
		a.awareness.setLocalStateField('user', { name: 'Somebody Else', agency: 'Forged' });
		await until(() => b.awareness.getStates().has(a.doc.clientID));
		const seen = b.awareness.getStates().get(a.doc.clientID) as {
			user: { name: string; agency: string };
		};
		expect(seen.user.name).toBe('Casey Coordinator');
		expect(seen.user.agency).toBe('Demo MARAC Coordination');
		a.destroy();
		b.destroy();
	});

	it('folds the log into a snapshot when the last client leaves, deleting exactly the rows read', async () => {
		const name = `case:${caseId}:agency:${policeAgency}`;
		const p = provider(h, name, police);
		await synced(p);
		p.doc.getText('summary').insert(0, 'fold me ');
		await until(
			async () =>
				(await t.db.select().from(docUpdates).where(eq(docUpdates.docName, name))).length > 0
		);
		p.destroy();
		await until(
			async () =>
				(await t.db.select().from(docUpdates).where(eq(docUpdates.docName, name))).length === 0
		);
		const [snap] = await t.db.select().from(docSnapshots).where(eq(docSnapshots.docName, name));
		const doc = new Y.Doc();
		Y.applyUpdate(doc, snap!.state);
		expect(doc.getText('summary').toString()).toContain('fold me');
	});

	it('keeps a document loaded for a socket between opening it and attaching', async () => {
		// The document is left (and unloads) while a new socket is still being upgraded: that
		// socket must get a live room, not one destroyed behind it.
		const name = `case:${caseId}:plan`;
		const { room, release } = await h.sync.hub.enter(name);
		await h.runtime.documents!.read(name); // with no peer attached, this would unload it
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(await h.sync.hub.open(name)).toBe(room);
		release();
		await until(async () => (await h.sync.hub.open(name)) !== room);
	});
});
