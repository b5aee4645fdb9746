/**
 * Several portal processes (here: two sync servers in one test process, each with its own hub
 * and Redis connections) serving the same documents from one database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	closed,
	provider,
	rawSocket,
	sessionCookie,
	startHarness,
	synced,
	until,
	ORIGIN,
	type Harness
} from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { invalidateUserSessions } from '../../src/lib/server/auth/session.ts';
import { cases, docUpdates, users } from '../../src/lib/server/db/schema/index.ts';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl).each(testDatabases())('two processes with Redis on $name', (backend) => {
	let t: TestDatabase;
	let a: Harness;
	let b: Harness;
	let plan: string;
	let coordinator: string;
	let chair: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		const env = { REDIS_URL: redisUrl };
		a = await startHarness(t, { resyncIntervalMs: 60_000 }, env);
		b = await startHarness(t, { resyncIntervalMs: 300 }, env);
		const [c] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0002'));
		plan = `case:${c!.id}:plan`;
		coordinator = await sessionCookie(a, 'coordinator@demo.example');
		chair = await sessionCookie(a, 'chair@demo.example');
	});

	afterAll(async () => {
		await a?.stop();
		await b?.stop();
		await t?.cleanup();
	});

	it('relays durable updates and presence between processes', async () => {
		const onA = provider(a, plan, coordinator);
		const onB = provider(b, plan, chair);
		await Promise.all([synced(onA), synced(onB)]);
		onA.doc.getText('risk').insert(0, 'written on A. ');
		onB.doc.getText('risk').insert(0, 'written on B. ');
		await until(() => onB.doc.getText('risk').toString().includes('on A'));
		await until(() => onA.doc.getText('risk').toString().includes('on B'));
		expect(onA.doc.getText('risk').toString()).toBe(onB.doc.getText('risk').toString());
		onA.awareness.setLocalStateField('cursor', { anchor: 1 });
		await until(() => onB.awareness.getStates().has(onA.doc.clientID));
		const seen = onB.awareness.getStates().get(onA.doc.clientID) as { user: { name: string } };
		expect(seen.user.name).toBe('Casey Coordinator');
		onA.destroy();
		onB.destroy();
	});

	it('shows a newcomer on one process the presence already set on the other', async () => {
		// A document neither process has open yet, so nothing about it has been relayed.
		const [c] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0003'));
		const name = `case:${c!.id}:plan`;
		const x = provider(a, name, coordinator);
		await synced(x);
		x.awareness.setLocalStateField('cursor', { anchor: 7 });
		// X's presence is on A (rewritten with X's identity) before Y's process has the document.
		const roomA = await a.sync.hub.open(name);
		await until(() => {
			const state = roomA.awareness.getStates().get(x.doc.clientID) as
				{ cursor?: { anchor: number } } | undefined;
			return state?.cursor?.anchor === 7;
		});
		const clockBefore = x.awareness.meta.get(x.doc.clientID)!.clock;
		const y = provider(b, name, chair);
		await synced(y);
		await until(() => y.awareness.getStates().has(x.doc.clientID));
		const seen = y.awareness.getStates().get(x.doc.clientID) as {
			user: { name: string };
			cursor: { anchor: number };
		};
		expect(seen.user.name).toBe('Casey Coordinator');
		expect(seen.cursor.anchor).toBe(7);
		// X changed nothing (no new presence clock) for Y to see it.
		expect(x.awareness.meta.get(x.doc.clientID)!.clock).toBe(clockBefore);
		x.destroy();
		y.destroy();
	});

	it('re-syncs from the database what pub/sub never delivered', async () => {
		const onB = provider(b, plan, chair);
		await synced(onB);
		// An update committed by some process whose message was lost: only the log has it.
		const source = new Y.Doc();
		Y.applyUpdate(source, Y.encodeStateAsUpdate(onB.doc));
		const updates: Uint8Array[] = [];
		source.on('update', (u: Uint8Array) => updates.push(u));
		source.getText('risk').insert(0, 'ONLY-IN-THE-LOG ');
		await t.db.insert(docUpdates).values({ docName: plan, update: updates[0]! });
		await until(() => onB.doc.getText('risk').toString().includes('ONLY-IN-THE-LOG'), 5000);
		onB.destroy();
	});

	it('closes a socket on the other process within a second when the session ends', async () => {
		const cookie = await sessionCookie(b, 'probation@demo.example');
		const opened = await rawSocket(b, plan, { origin: ORIGIN, cookie });
		expect(opened.status).toBe(101);
		const whenClosed = closed(opened.socket!);
		const [user] = await t.db.select().from(users).where(eq(users.email, 'probation@demo.example'));
		const at = Date.now();
		await invalidateUserSessions(t.db, user!.id); // as process A would
		const result = await whenClosed;
		expect(result.code).toBe(4205);
		expect(result.at - at).toBeLessThan(1000);
	});
});
