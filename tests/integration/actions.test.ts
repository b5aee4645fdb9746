/**
 * Action status updates between meetings: through the live-document service (everyone with the
 * agency document open sees them), projected at once, audited, and refused to whoever may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { createMember } from '../helpers/fixtures.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	actions,
	agencies,
	auditEvents,
	caseExclusions,
	cases,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import {
	listAgencyActions,
	listTrackedActions,
	actionCounts,
	updateActionStatus,
	type ActionContext,
	type StatusUpdate
} from '../../src/lib/server/actions/index.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../../src/lib/server/errors.ts';
import { readActions } from '../../src/lib/documents/shapes.ts';
import { myAgencySeats, trackerSeats } from '../../src/lib/server/policy/actions.ts';

describe.each(testDatabases())('action status updates on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	const caseIds: Record<string, string> = {};
	const agencyIds: Record<string, string> = {};

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		for (const c of await t.db.select().from(cases)) caseIds[c.reference] = c.id;
		for (const a of await t.db.select().from(agencies)) agencyIds[a.sector] = a.id;
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	async function as(email: string): Promise<ActionContext> {
		const [user] = await t.db.select().from(users).where(eq(users.email, email));
		return {
			db: t.db,
			documents: h.runtime.documents,
			principal: {
				userId: user!.id,
				isAdmin: user!.isAdmin,
				memberships: await membershipsOf(t.db, user!.id)
			},
			actor: { userId: user!.id, sessionId: null, ip: '127.0.0.1' },
			now: new Date()
		};
	}

	const demo = (email: string) => as(`${email}@demo.example`);

	function update(
		ref: string,
		sector: string,
		actionId: string,
		status: StatusUpdate['status'],
		note = ''
	): StatusUpdate {
		return { caseId: caseIds[ref]!, agencyId: agencyIds[sector]!, actionId, status, note };
	}

	const docName = (ref: string, sector: string) =>
		`case:${caseIds[ref]}:agency:${agencyIds[sector]}`;

	const projected = async (actionId: string) => {
		const [row] = await t.db.select().from(actions).where(eq(actions.actionId, actionId));
		return row!;
	};

	const statusAudits = (actionId: string) =>
		t.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'action.status'))
			.then((rows) =>
				rows.filter((r) => (r.details as { actionId?: string })?.actionId === actionId)
			);

	it('lists the agency’s open actions overdue first, from the demo seed', async () => {
		const police = await demo('police');
		const [mine] = await listAgencyActions(
			t.db,
			police.principal.userId,
			myAgencySeats(police.principal),
			police.now
		);
		expect(mine!.open.map((a) => a.actionId)).toEqual([
			'demo-action-1',
			'demo-action-2',
			'demo-action-5'
		]);
		expect(mine!.open[0]!.overdue).toBe(true);
		expect(mine!.open[1]!.overdue).toBe(false);
		expect(mine!.open.every((a) => a.agencyId === agencyIds.police)).toBe(true);
	});

	it('applies an update live to an open document, projects and audits it', async () => {
		const police = await demo('police');
		const coordinatorCookie = await sessionCookie(h, 'coordinator@demo.example');
		const watcher = provider(h, docName('DEMO-0004', 'police'), coordinatorCookie);
		await synced(watcher);
		expect(readActions(watcher.doc).find((a) => a.id === 'demo-action-1')?.status).toBe('open');

		const note = 'Marker placed; victim told by phone at a safe time';
		const result = await updateActionStatus(
			police,
			update('DEMO-0004', 'police', 'demo-action-1', 'in_progress', note)
		);
		expect(result).toEqual({ from: 'open', to: 'in_progress' });

		// Projected before the call returns: the page that reloads next already shows it.
		const row = await projected('demo-action-1');
		expect(row.status).toBe('in_progress');
		expect(row.statusNote).toBe(note);
		// Everyone with the document open sees it live.
		await until(
			() => readActions(watcher.doc).find((a) => a.id === 'demo-action-1')?.status === 'in_progress'
		);
		watcher.destroy();

		const [entry] = await statusAudits('demo-action-1');
		expect(entry).toMatchObject({
			outcome: 'success',
			userId: police.principal.userId,
			agencyId: agencyIds.police,
			target: docName('DEMO-0004', 'police'),
			details: { actionId: 'demo-action-1', from: 'open', to: 'in_progress' }
		});
		expect(JSON.stringify(entry!.details)).not.toContain('Marker');
	});

	it('moves a completed action out of the open list, and the tracker counts it', async () => {
		const police = await demo('police');
		await updateActionStatus(police, update('DEMO-0009', 'police', 'demo-action-5', 'done'));
		const [mine] = await listAgencyActions(
			t.db,
			police.principal.userId,
			myAgencySeats(police.principal),
			new Date()
		);
		expect(mine!.open.map((a) => a.actionId)).not.toContain('demo-action-5');
		expect(mine!.completed[0]).toMatchObject({ actionId: 'demo-action-5', status: 'done' });
		expect(mine!.completed[0]!.statusChangedAt).not.toBeNull();

		const coordinator = await demo('coordinator');
		const [seat] = trackerSeats(coordinator.principal);
		const counts = await actionCounts(t.db, coordinator.principal.userId, seat!, new Date());
		const policeCounts = counts.find((c) => c.agencyId === agencyIds.police)!;
		expect(policeCounts.done).toBe(1);
		const done = await listTrackedActions(
			t.db,
			coordinator.principal.userId,
			seat!,
			{ agencyId: agencyIds.police, status: 'done' },
			new Date()
		);
		expect(done.items.map((a) => a.actionId)).toEqual(['demo-action-5']);
	});

	it('refuses an illegal transition; only the coordinator reopens', async () => {
		const police = await demo('police');
		await updateActionStatus(police, update('DEMO-0004', 'police', 'demo-action-2', 'done'));
		const reopen = update('DEMO-0004', 'police', 'demo-action-2', 'open', 'Breach reported');
		await expect(updateActionStatus(police, reopen)).rejects.toMatchObject({ field: 'status' });
		await expect(updateActionStatus(await demo('chair'), reopen)).rejects.toBeInstanceOf(
			DomainError
		);
		expect((await projected('demo-action-2')).status).toBe('done');
		const refused = await statusAudits('demo-action-2');
		expect(refused.filter((e) => e.outcome === 'denied')).toHaveLength(2);

		await updateActionStatus(await demo('coordinator'), reopen);
		expect((await projected('demo-action-2')).status).toBe('open');
	});

	it.each(['not_possible', 'not_done'] as const)('needs a note to set %s', async (status) => {
		const housing = await demo('housing');
		const change = update('DEMO-0004', 'housing', 'demo-action-3', status);
		await expect(updateActionStatus(housing, change)).rejects.toMatchObject({ field: 'note' });
		expect((await projected('demo-action-3')).status).toBe('open');
	});

	it('refuses a user of another agency of the area (403)', async () => {
		const health = await demo('health');
		await expect(
			updateActionStatus(health, update('DEMO-0004', 'housing', 'demo-action-3', 'done'))
		).rejects.toBeInstanceOf(ForbiddenError);
		expect((await projected('demo-action-3')).status).toBe('open');
		const denied = (await statusAudits('demo-action-3')).filter(
			(e) => e.userId === health.principal.userId
		);
		expect(denied).toMatchObject([{ outcome: 'denied', details: { reason: 'not_allowed' } }]);
	});

	it('tells a user of another area nothing (404)', async () => {
		const { user } = await createMember(t.db, { role: 'coordinator', sector: 'other' });
		await expect(
			updateActionStatus(
				await as(user.email),
				update('DEMO-0004', 'housing', 'demo-action-3', 'done')
			)
		).rejects.toBeInstanceOf(NotFoundError);
		expect((await projected('demo-action-3')).status).toBe('open');
	});

	it('refuses an agency excluded from the case, even for its own actions', async () => {
		const coordinator = await demo('coordinator');
		await t.db.insert(caseExclusions).values({
			caseId: caseIds['DEMO-0009']!,
			agencyId: agencyIds.health,
			reason: 'Test: the perpetrator works there',
			createdBy: coordinator.principal.userId
		});
		const health = await demo('health');
		await expect(
			updateActionStatus(health, update('DEMO-0009', 'health', 'demo-action-6', 'done'))
		).rejects.toBeInstanceOf(NotFoundError);
		expect((await projected('demo-action-6')).status).toBe('open');
		const [mine] = await listAgencyActions(
			t.db,
			health.principal.userId,
			myAgencySeats(health.principal),
			new Date()
		);
		expect(mine!.open.map((a) => a.actionId)).not.toContain('demo-action-6');
		// The coordinator still tends the excluded agency's actions.
		await updateActionStatus(
			coordinator,
			update('DEMO-0009', 'health', 'demo-action-6', 'in_progress')
		);
		expect((await projected('demo-action-6')).status).toBe('in_progress');
	});

	it('refuses an action that does not exist', async () => {
		await expect(
			updateActionStatus(
				await demo('police'),
				update('DEMO-0004', 'police', 'no-such-action', 'done')
			)
		).rejects.toBeInstanceOf(NotFoundError);
		const rows = await t.db
			.select()
			.from(actions)
			.where(
				and(
					eq(actions.docName, docName('DEMO-0004', 'police')),
					eq(actions.actionId, 'no-such-action')
				)
			);
		expect(rows).toEqual([]);
	});
});
