/**
 * Server-side edits (form actions changing a document) take the client path: persisted,
 * applied, broadcast, audited; and the projector keeps the actions read model in step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	provider,
	sessionCookie,
	startHarness,
	synced,
	until,
	type Harness
} from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	actions,
	agencies,
	auditEvents,
	cases,
	docUpdates,
	users
} from '../../src/lib/server/db/schema/index.ts';
import {
	addAction,
	agencyDoc,
	readActions,
	setActionStatus
} from '../../src/lib/documents/shapes.ts';

describe.each(testDatabases())('server-side edits on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let name: string;
	let police: string;
	let coordinatorId: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		const [c] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0004'));
		const [agency] = await t.db.select().from(agencies).where(eq(agencies.sector, 'housing'));
		name = `case:${c!.id}:agency:${agency!.id}`;
		police = await sessionCookie(h, 'housing@demo.example');
		const [coord] = await t.db
			.select()
			.from(users)
			.where(eq(users.email, 'coordinator@demo.example'));
		coordinatorId = coord!.id;
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	const projected = (actionId: string) =>
		t.db
			.select()
			.from(actions)
			.where(and(eq(actions.docName, name), eq(actions.actionId, actionId)));

	it('persists, broadcasts, projects and audits an edit made on the server', async () => {
		const client = provider(h, name, police);
		await synced(client);
		await h.runtime.documents!.edit(name, { userId: coordinatorId, sessionId: null }, (doc) =>
			addAction(doc, {
				id: 'act-1',
				text: 'Housing to review the tenancy and fit a door alarm',
				dueOn: '2026-12-12',
				status: 'open',
				createdAt: '2026-11-28T10:00:00Z',
				createdBy: coordinatorId
			})
		);
		await until(() => readActions(client.doc).some((a) => a.id === 'act-1'));
		await until(async () => (await projected('act-1')).length === 1);
		const [row] = await projected('act-1');
		expect(row!.status).toBe('open');
		expect(row!.dueOn).toBe('2026-12-12');
		const log = await t.db.select().from(docUpdates).where(eq(docUpdates.docName, name));
		expect(log.some((r) => r.userId === coordinatorId)).toBe(true);
		const audit = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'document.server_edit'), eq(auditEvents.target, name)));
		expect(audit.map((e) => e.userId)).toContain(coordinatorId);

		await h.runtime.documents!.edit(name, { userId: coordinatorId }, (doc) => {
			setActionStatus(doc, 'act-1', {
				status: 'done',
				note: 'Alarm fitted',
				by: coordinatorId,
				at: '2026-12-01T09:00:00Z'
			});
		});
		await until(async () => (await projected('act-1'))[0]?.status === 'done');
		await until(() => readActions(client.doc).find((a) => a.id === 'act-1')?.status === 'done');
		client.destroy();
	});

	it('projects only validated values from what a client wrote', async () => {
		const client = provider(h, name, police);
		await synced(client);
		client.doc.transact(() => {
			const map = new Y.Map<unknown>();
			map.set('id', 'act-2');
			map.set('text', 'Check school attendance');
			map.set('status', 'hacked');
			map.set('dueOn', 'next tuesday');
			agencyDoc.actions(client.doc).push([map]);
			const bad = new Y.Map<unknown>();
			bad.set('id', '../../etc');
			agencyDoc.actions(client.doc).push([bad]);
		});
		await until(async () => (await projected('act-2')).length === 1);
		const [row] = await projected('act-2');
		expect(row!.status).toBe('open');
		expect(row!.dueOn).toBeNull();
		expect(await projected('../../etc')).toEqual([]);
		client.destroy();
	});

	it('refuses a server edit to something that is not a document', async () => {
		await expect(
			h.runtime.documents!.edit('case:not-a-doc', { userId: coordinatorId }, () => {})
		).rejects.toThrow();
	});
});
