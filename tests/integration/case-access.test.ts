/**
 * Exclusions and restricted-access grants take effect at once on open sockets; only the case's
 * coordinator manages them; the access history lists what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	closed,
	rawSocket,
	signedIn,
	startHarness,
	ORIGIN,
	type Harness
} from '../helpers/sync.ts';
import { createMember } from '../helpers/fixtures.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { agencies, auditEvents, cases, users } from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import {
	accessHistory,
	addExclusion,
	addGrant,
	caseAccessState,
	liftExclusion,
	requireCoordinator,
	revokeGrant,
	type CaseAccessContext
} from '../../src/lib/server/cases/access.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../../src/lib/server/errors.ts';

const DAY = 24 * 3_600_000;

describe.each(testDatabases())('case access management on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let caseId: string;
	let areaId: string;
	const agencyIds: Record<string, string> = {};

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		const [c] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0002'));
		caseId = c!.id;
		areaId = c!.areaId;
		for (const a of await t.db.select().from(agencies)) agencyIds[a.sector] = a.id;
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	async function as(email: string): Promise<CaseAccessContext> {
		const [user] = await t.db.select().from(users).where(eq(users.email, email));
		return {
			db: t.db,
			principal: {
				userId: user!.id,
				isAdmin: user!.isAdmin,
				memberships: await membershipsOf(t.db, user!.id)
			},
			actor: { userId: user!.id, sessionId: null, ip: '127.0.0.1' },
			now: new Date()
		};
	}
	const demo = (name: string) => as(`${name}@demo.example`);
	const userId = async (name: string) => (await demo(name)).principal.userId;
	const headers = (cookie: string) => ({ cookie, origin: ORIGIN });

	it('closes an excluded agency’s open socket with 4205, and it cannot come back', async () => {
		const police = await signedIn(h, 'probation@demo.example');
		const plan = `case:${caseId}:plan`;
		const open = await rawSocket(h, plan, headers(police.cookie));
		expect(open.status).toBe(101);
		const closing = closed(open.socket!);

		const coordinator = await demo('coordinator');
		const exclusionId = await addExclusion(coordinator, caseId, {
			subject: { kind: 'agency', agencyId: agencyIds.probation! },
			reason: 'The perpetrator works for this agency'
		});
		expect((await closing).code).toBe(4205);
		expect((await rawSocket(h, plan, headers(police.cookie))).status).toBe(403);
		const state = await caseAccessState(t.db, caseId, new Date());
		expect(state.exclusions).toMatchObject([{ id: exclusionId, kind: 'agency' }]);

		// Lifted: the agency sees the case again.
		await liftExclusion(await demo('coordinator'), caseId, exclusionId);
		const again = await rawSocket(h, plan, headers(police.cookie));
		expect(again.status).toBe(101);
		again.socket!.close();
		expect((await caseAccessState(t.db, caseId, new Date())).exclusions).toEqual([]);
	});

	it('excludes one person, closing their socket', async () => {
		const housing = await signedIn(h, 'housing@demo.example');
		const doc = `case:${caseId}:agency:${agencyIds.housing}`;
		const open = await rawSocket(h, doc, headers(housing.cookie));
		expect(open.status).toBe(101);
		const closing = closed(open.socket!);
		const exclusionId = await addExclusion(await demo('coordinator'), caseId, {
			subject: { kind: 'user', userId: housing.userId },
			reason: 'A relative of the victim'
		});
		expect((await closing).code).toBe(4205);
		expect((await rawSocket(h, doc, headers(housing.cookie))).status).toBe(403);
		await liftExclusion(await demo('coordinator'), caseId, exclusionId);
	});

	it('a grant gives the restricted document; revoking it closes the socket', async () => {
		const health = await signedIn(h, 'health@demo.example');
		const restricted = `case:${caseId}:restricted`;
		expect((await rawSocket(h, restricted, headers(health.cookie))).status).toBe(403);

		const coordinator = await demo('coordinator');
		const grantId = await addGrant(coordinator, caseId, {
			userId: health.userId,
			reason: 'Midwife visiting the refuge',
			expiresAt: new Date(Date.now() + 7 * DAY)
		});
		const open = await rawSocket(h, restricted, headers(health.cookie));
		expect(open.status).toBe(101);
		const state = await caseAccessState(t.db, caseId, new Date());
		expect(state.grants).toMatchObject([{ id: grantId, userId: health.userId }]);

		const closing = closed(open.socket!);
		await revokeGrant(await demo('coordinator'), caseId, grantId);
		expect((await closing).code).toBe(4205);
		expect((await rawSocket(h, restricted, headers(health.cookie))).status).toBe(403);
		expect((await caseAccessState(t.db, caseId, new Date())).grants).toEqual([]);
	});

	it('keeps the guard rails', async () => {
		const coordinator = await demo('coordinator');
		await expect(
			addExclusion(coordinator, caseId, {
				subject: { kind: 'user', userId: coordinator.principal.userId },
				reason: 'x'
			})
		).rejects.toMatchObject({ field: 'userId' });
		await expect(
			addExclusion(coordinator, caseId, {
				subject: { kind: 'agency', agencyId: agencyIds.other! },
				reason: 'x'
			})
		).rejects.toMatchObject({ field: 'agencyId' });
		await expect(
			addGrant(coordinator, caseId, {
				userId: await userId('police'),
				reason: 'x',
				expiresAt: new Date(Date.now() + 91 * DAY)
			})
		).rejects.toMatchObject({ field: 'expiresAt' });
		await expect(
			addGrant(coordinator, caseId, {
				userId: await userId('police'),
				reason: 'x',
				expiresAt: new Date(Date.now() - 60_000)
			})
		).rejects.toBeInstanceOf(DomainError);
		const { user } = await createMember(t.db, { role: 'agency_rep', sector: 'health' });
		await expect(
			addGrant(coordinator, caseId, {
				userId: user.id,
				reason: 'x',
				expiresAt: new Date(Date.now() + DAY)
			})
		).rejects.toMatchObject({ field: 'userId' });
		expect((await caseAccessState(t.db, caseId, new Date())).grants).toEqual([]);
	});

	it('only the coordinator manages; others are refused, outsiders told nothing', async () => {
		const exclusion = {
			subject: { kind: 'agency' as const, agencyId: agencyIds.education! },
			reason: 'x'
		};
		for (const name of ['chair', 'police', 'observer', 'idva']) {
			await expect(addExclusion(await demo(name), caseId, exclusion)).rejects.toBeInstanceOf(
				ForbiddenError
			);
		}
		const { user } = await createMember(t.db, { role: 'coordinator', sector: 'other' });
		await expect(addExclusion(await as(user.email), caseId, exclusion)).rejects.toBeInstanceOf(
			NotFoundError
		);
		await expect(
			requireCoordinator(await demo('admin'), caseId, 'case.access.view')
		).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			addGrant(await demo('idva'), caseId, {
				userId: await userId('health'),
				reason: 'x',
				expiresAt: new Date(Date.now() + DAY)
			})
		).rejects.toBeInstanceOf(ForbiddenError);
		expect((await caseAccessState(t.db, caseId, new Date())).exclusions).toEqual([]);
		const denied = await t.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'case.exclusion.add'));
		expect(denied.filter((e) => e.outcome === 'denied')).toHaveLength(5);
	});

	it('lists the case’s access history, newest first, with who and their agency', async () => {
		const { entries, total } = await accessHistory(t.db, caseId, areaId, 1);
		expect(total).toBeGreaterThan(5);
		const actions = entries.map((e) => e.action);
		for (const a of [
			'case.exclusion.add',
			'case.exclusion.lift',
			'case.grant.add',
			'case.grant.revoke',
			'document.open',
			'document.revoked'
		]) {
			expect(actions).toContain(a);
		}
		expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
		const grant = entries.find((e) => e.action === 'case.grant.add' && e.outcome === 'success')!;
		expect(grant).toMatchObject({ userName: 'Casey Coordinator', outcome: 'success' });
		expect(grant.agencyName).toBe('Demo MARAC Coordination');
		const refusedOpen = entries.find(
			(e) => e.action === 'document.open' && e.outcome === 'denied'
		)!;
		expect(refusedOpen.agencyName).not.toBeNull();
		// Nothing of another case.
		expect(entries.every((e) => e.target?.startsWith(`case:${caseId}`))).toBe(true);
		// Paged: page 2 continues where page 1 stopped.
		const second = await accessHistory(t.db, caseId, areaId, 2);
		if (total > entries.length) expect(second.entries[0]!.id).toBeLessThan(entries.at(-1)!.id);
		else expect(second.page).toBe(1);
	});
});
