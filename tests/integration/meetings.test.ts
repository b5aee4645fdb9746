/**
 * Meetings end to end through the server module, on a seeded Demo Area with the live-sync
 * harness: schedule, build the agenda, research marks, the lapse flag, the live meeting
 * (confidentiality before anything, following, apologies, quick-add actions) and the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { createMember } from '../helpers/fixtures.ts';
import {
	provider,
	rawSocket,
	ORIGIN,
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
	areas,
	auditEvents,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { access } from '../../src/lib/server/policy/facts.ts';
import { readActions, readMeetingState } from '../../src/lib/documents/shapes.ts';
import { DomainError, NotFoundError } from '../../src/lib/server/errors.ts';
import * as meetingsModule from '../../src/lib/server/meetings/index.ts';
import type { MeetingContext } from '../../src/lib/server/meetings/index.ts';
import { londonDate } from '../../src/lib/dates.ts';

const {
	RefusedError,
	addToAgenda,
	attendanceOf,
	confirmConfidentiality,
	endMeeting,
	liveMeeting,
	markResearch,
	meetingAgenda,
	meetingState,
	moveOnAgenda,
	moveToCase,
	quickAddAction,
	recordApologies,
	removeFromAgenda,
	reorderAgenda,
	resetAgendaOrder,
	scheduleMeeting,
	startMeeting,
	listMeetings
} = meetingsModule;

const DAY = 24 * 3_600_000;

describe.each(testDatabases())('meetings on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let areaId: string;
	let meetingId: string;
	const ids = new Map<string, string>(); // reference → case id
	const people = new Map<string, string>(); // email prefix → user id

	async function as(email: string): Promise<MeetingContext> {
		const userId = people.get(email)!;
		const [user] = await t.db.select().from(users).where(eq(users.id, userId));
		return {
			db: t.db,
			principal: {
				userId,
				isAdmin: user!.isAdmin,
				memberships: await membershipsOf(t.db, userId)
			},
			actor: { userId },
			now: new Date(),
			documents: h.runtime.documents
		};
	}
	const order = async (who = 'coordinator') =>
		(await meetingAgenda(await as(who), meetingId)).agenda.map((r) => r.reference);
	const caseStatus = async (ref: string) =>
		(
			await t.db
				.select()
				.from(cases)
				.where(eq(cases.id, ids.get(ref)!))
		)[0]!.status;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		const [area] = await t.db.select().from(areas).where(eq(areas.name, 'Demo Area'));
		areaId = area!.id;
		for (const c of await t.db.select().from(cases)) ids.set(c.reference, c.id);
		for (const u of await t.db.select().from(users)) people.set(u.email.split('@')[0]!, u.id);
		const outsider = await createMember(t.db, { role: 'coordinator', email: 'other@test.example' });
		people.set('other', outsider.user.id);
		// A case referred 14 months ago, and one referred 13 months ago with a recent repeat.
		const [police] = await t.db.select().from(agencies).where(eq(agencies.sector, 'police'));
		const old = (reference: string, daysAgo: number, repeatOf: string | null = null) => ({
			areaId,
			reference,
			kind: 'domestic_abuse' as const,
			status: 'open' as const,
			victimName: `Victim ${reference}`,
			victimNameKey: `victim ${reference.toLowerCase()}`,
			referringAgencyId: police!.id,
			referredAt: new Date(Date.now() - daysAgo * DAY),
			repeatOfCaseId: repeatOf,
			repeatConfirmed: repeatOf ? true : null
		});
		const [lapsed] = await t.db.insert(cases).values(old('OLD-0001', 425)).returning();
		const [renewed] = await t.db.insert(cases).values(old('OLD-0002', 400)).returning();
		await t.db.insert(cases).values({ ...old('OLD-0003', 20, renewed!.id), status: 'closed' });
		ids.set('OLD-0001', lapsed!.id);
		ids.set('OLD-0002', renewed!.id);
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	it('the coordinator schedules a meeting; nobody else can', async () => {
		const input = {
			areaId,
			date: londonDate(new Date(Date.now() + 2 * DAY)),
			time: '10:00',
			venue: 'Town hall, room 2',
			online: false,
			chairUserId: people.get('chair')!,
			caseMinutes: 12
		};
		for (const who of ['chair', 'police', 'admin', 'other']) {
			await expect(scheduleMeeting(await as(who), input), who).rejects.toBeInstanceOf(RefusedError);
		}
		await expect(
			scheduleMeeting(await as('coordinator'), { ...input, chairUserId: people.get('police')! })
		).rejects.toThrow(/chair/);
		meetingId = await scheduleMeeting(await as('coordinator'), input);
		const [row] = await t.db.select().from(meetings).where(eq(meetings.id, meetingId));
		expect(row!.status).toBe('planned');
		expect(row!.caseMinutes).toBe(12);
		const list = await listMeetings(await as('police'));
		expect(list.upcoming.map((m) => m.id)).toContain(meetingId);
		expect(list.schedulable).toEqual([]);
		expect((await listMeetings(await as('admin'))).upcoming).toEqual([]);
		expect((await listMeetings(await as('other'))).upcoming).toEqual([]);
	});

	it('lists cases children first, then adult-only, each by referral date, and marks them listed', async () => {
		const coordinator = await as('coordinator');
		expect(await caseStatus('DEMO-0004')).toBe('open');
		for (const ref of ['DEMO-0002', 'DEMO-0004', 'DEMO-0001', 'OLD-0001']) {
			await addToAgenda(coordinator, meetingId, ids.get(ref)!);
		}
		// DEMO-0004: 3 children, 40 days; DEMO-0001: 2 children, 10 days; then adults by date.
		expect(await order()).toEqual(['DEMO-0004', 'DEMO-0001', 'OLD-0001', 'DEMO-0002']);
		expect(await caseStatus('DEMO-0004')).toBe('listed');
		await expect(addToAgenda(coordinator, meetingId, ids.get('DEMO-0004')!)).rejects.toThrow(
			/already on this agenda/
		);
		await expect(addToAgenda(coordinator, meetingId, ids.get('DEMO-0005')!)).rejects.toThrow(
			/closed or transferred/
		);
		const eligible = (await meetingAgenda(coordinator, meetingId)).eligible.map((c) => c.reference);
		expect(eligible).toContain('OLD-0002');
		expect(eligible).not.toContain('DEMO-0004');
		expect(eligible).not.toContain('DEMO-0005');
	});

	it('moves a case up and down, and puts back the default order', async () => {
		const coordinator = await as('coordinator');
		const agenda = (await meetingAgenda(coordinator, meetingId)).agenda;
		const last = agenda.find((r) => r.reference === 'DEMO-0002')!;
		await moveOnAgenda(coordinator, meetingId, last.itemId, -1);
		expect(await order()).toEqual(['DEMO-0004', 'DEMO-0001', 'DEMO-0002', 'OLD-0001']);
		await moveOnAgenda(coordinator, meetingId, agenda[0]!.itemId, 1);
		expect(await order()).toEqual(['DEMO-0001', 'DEMO-0004', 'DEMO-0002', 'OLD-0001']);
		// The top case cannot go further up.
		await moveOnAgenda(coordinator, meetingId, agenda[1]!.itemId, -1);
		expect(await order()).toEqual(['DEMO-0001', 'DEMO-0004', 'DEMO-0002', 'OLD-0001']);
		// Drag and drop sends the whole order: it must be the same entries, each once.
		const byRef = new Map(agenda.map((r) => [r.reference, r.itemId]));
		const dropped = ['OLD-0001', 'DEMO-0002', 'DEMO-0004', 'DEMO-0001'];
		await reorderAgenda(
			coordinator,
			meetingId,
			dropped.map((r) => byRef.get(r)!)
		);
		expect(await order()).toEqual(dropped);
		await expect(
			reorderAgenda(coordinator, meetingId, [byRef.get('DEMO-0004')!, byRef.get('DEMO-0004')!])
		).rejects.toThrow(/changed meanwhile/);
		await expect(
			reorderAgenda(await as('police'), meetingId, [...byRef.values()])
		).rejects.toBeInstanceOf(RefusedError);
		expect(await order()).toEqual(dropped);
		await resetAgendaOrder(coordinator, meetingId);
		expect(await order()).toEqual(['DEMO-0004', 'DEMO-0001', 'OLD-0001', 'DEMO-0002']);
		const moves = await t.db
			.select()
			.from(auditEvents)
			.where(
				and(eq(auditEvents.action, 'agenda.move'), eq(auditEvents.target, `meeting:${meetingId}`))
			);
		expect(moves).toHaveLength(3);
	});

	it('removing a case puts its status back', async () => {
		const coordinator = await as('coordinator');
		await addToAgenda(coordinator, meetingId, ids.get('OLD-0002')!);
		expect(await caseStatus('OLD-0002')).toBe('listed');
		const item = (await meetingAgenda(coordinator, meetingId)).agenda.find(
			(r) => r.reference === 'OLD-0002'
		)!;
		await removeFromAgenda(coordinator, meetingId, item.itemId);
		expect(await caseStatus('OLD-0002')).toBe('referred');
		expect(await order()).not.toContain('OLD-0002');
	});

	it('flags a case whose last referral is 12 months old, counting a confirmed repeat', async () => {
		const coordinator = await as('coordinator');
		await addToAgenda(coordinator, meetingId, ids.get('OLD-0002')!);
		const agenda = (await meetingAgenda(coordinator, meetingId)).agenda;
		const lapsed = agenda.find((r) => r.reference === 'OLD-0001')!;
		expect(lapsed.lapsing).toBe('Referral over 12 months old: consider closing or re-referral');
		// OLD-0002 was referred 400 days ago, but its repeat 20 days ago renews it.
		expect(agenda.find((r) => r.reference === 'OLD-0002')!.lapsing).toBeNull();
		expect(agenda.find((r) => r.reference === 'DEMO-0004')!.lapsing).toBeNull();
	});

	it('agencies mark research done for their own agency; the coordinator sees the grid', async () => {
		const item = (await meetingAgenda(await as('police'), meetingId)).agenda.find(
			(r) => r.reference === 'DEMO-0004'
		)!;
		expect(item.mayMarkResearch).toBe(true);
		expect(item.grid).toBeNull(); // the grid is not for agencies
		await markResearch(await as('police'), meetingId, item.itemId, true);
		await markResearch(await as('health'), meetingId, item.itemId, true);
		await markResearch(await as('health'), meetingId, item.itemId, false); // undone
		await expect(
			markResearch(await as('chair'), meetingId, item.itemId, true)
		).rejects.toBeInstanceOf(RefusedError);
		const mine = (await meetingAgenda(await as('police'), meetingId)).agenda.find(
			(r) => r.reference === 'DEMO-0004'
		)!;
		expect(mine.myResearchDoneAt).not.toBeNull();
		const view = await meetingAgenda(await as('coordinator'), meetingId);
		const byName = new Map(view.gridAgencies!.map((a) => [a.id, a.name]));
		const row = view.agenda.find((r) => r.reference === 'DEMO-0004')!;
		const cell = (name: string) => row.grid!.find((c) => byName.get(c.agencyId) === name)!.state;
		expect(cell('Demo Constabulary')).toBe('done');
		expect(cell('Demo General Hospital')).toBe('not_yet');
		expect(cell('Demo Homes')).toBe('not_yet');
		expect(view.gridAgencies!.map((a) => a.name)).not.toContain('Demo MARAC Coordination');
		const marks = await t.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'research.mark'));
		expect(marks.filter((m) => m.outcome === 'success')).toHaveLength(3);
		expect(marks.filter((m) => m.outcome === 'denied')).toHaveLength(1);
	});

	it('refuses coordinator commands to other areas, administrators and agency reps', async () => {
		const caseId = ids.get('DEMO-0002')!;
		const item = (await meetingAgenda(await as('coordinator'), meetingId)).agenda[0]!;
		for (const who of ['other', 'admin']) {
			const ctx = await as(who);
			await expect(meetingAgenda(ctx, meetingId), who).rejects.toBeInstanceOf(NotFoundError);
			await expect(addToAgenda(ctx, meetingId, caseId), who).rejects.toBeInstanceOf(NotFoundError);
			await expect(startMeeting(ctx, meetingId), who).rejects.toBeInstanceOf(NotFoundError);
			await expect(liveMeeting(ctx, meetingId, null), who).rejects.toBeInstanceOf(NotFoundError);
		}
		const police = await as('police');
		await expect(removeFromAgenda(police, meetingId, item.itemId)).rejects.toBeInstanceOf(
			RefusedError
		);
		await expect(moveOnAgenda(police, meetingId, item.itemId, 1)).rejects.toBeInstanceOf(
			RefusedError
		);
		await expect(startMeeting(police, meetingId)).rejects.toBeInstanceOf(RefusedError);
		await expect(
			recordApologies(police, meetingId, { userId: people.get('health')!, informationSent: true })
		).rejects.toBeInstanceOf(RefusedError);
		const denied = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.outcome, 'denied'), eq(auditEvents.userId, people.get('other')!)));
		expect(denied.length).toBeGreaterThan(0);
		const views = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'meeting.view'), eq(auditEvents.outcome, 'success')));
		expect(views.map((v) => v.target)).toContain(`meeting:${meetingId}`);
		expect(await order()).toEqual(['DEMO-0004', 'DEMO-0001', 'OLD-0001', 'OLD-0002', 'DEMO-0002']);
	});

	it('starts; the meeting shows nothing and its document opens only after confirming', async () => {
		await startMeeting(await as('chair'), meetingId);
		await expect(startMeeting(await as('coordinator'), meetingId)).rejects.toBeInstanceOf(
			RefusedError
		);
		const docName = `meeting:${meetingId}`;
		const police = await as('police');
		const before = await liveMeeting(police, meetingId, ids.get('DEMO-0004')!);
		expect(before.stage).toBe('confirm');
		expect(Object.keys(before).sort()).toEqual(['meetingId', 'stage', 'statement']);
		expect(before.statement).toMatch(/confidential/);
		expect((await access(t.db, police.principal, docName, new Date())).access).toBe('none');
		const cookie = await sessionCookie(h, 'police@demo.example');
		const refused = await rawSocket(h, docName, { cookie, origin: ORIGIN });
		expect(refused.status).toBe(403);

		await confirmConfidentiality(police, meetingId);
		expect((await access(t.db, police.principal, docName, new Date())).access).toBe('read');
		const audit = await t.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'meeting.confidentiality'));
		expect(audit.map((a) => a.userId)).toContain(people.get('police'));
		const view = await liveMeeting(police, meetingId, null);
		expect(view.stage).toBe('live');
		if (view.stage !== 'live') return;
		expect(view.currentCaseId).toBe(ids.get('DEMO-0004'));
		expect(view.attendance).toEqual([]); // attendance is for the chair and coordinator

		const client = provider(h, docName, cookie);
		await synced(client);
		expect(readMeetingState(client.doc).currentCaseId).toBe(ids.get('DEMO-0004'));
		await confirmConfidentiality(await as('chair'), meetingId);
		await moveToCase(await as('chair'), meetingId, 'next');
		await until(() => readMeetingState(client.doc).currentCaseId === ids.get('DEMO-0001'));
		await moveToCase(await as('chair'), meetingId, 'previous');
		await until(() => readMeetingState(client.doc).currentCaseId === ids.get('DEMO-0004'));
		await expect(moveToCase(police, meetingId, 'next')).rejects.toBeInstanceOf(RefusedError);
		client.destroy();
	});

	it('records apologies with "information sent", and who is present by agency', async () => {
		const coordinator = await as('coordinator');
		await confirmConfidentiality(coordinator, meetingId);
		await recordApologies(coordinator, meetingId, {
			userId: people.get('health')!,
			informationSent: true
		});
		await recordApologies(coordinator, meetingId, {
			userId: people.get('housing')!,
			informationSent: false
		});
		await expect(
			recordApologies(coordinator, meetingId, {
				userId: people.get('police')!,
				informationSent: true
			})
		).rejects.toBeInstanceOf(DomainError);
		const rows = await attendanceOf(coordinator, meetingId);
		const of = (who: string) => rows.find((r) => r.userId === people.get(who));
		expect(of('health')).toMatchObject({ status: 'apologies', informationSent: true });
		expect(of('housing')).toMatchObject({ status: 'apologies', informationSent: false });
		expect(of('police')).toMatchObject({ status: 'present', agencyName: 'Demo Constabulary' });
		expect(of('police')!.confirmedAt).not.toBeNull();
		// Someone who sent apologies and then joins is present after all.
		await confirmConfidentiality(await as('health'), meetingId);
		expect(
			(await attendanceOf(coordinator, meetingId)).find((r) => r.userId === people.get('health'))!
				.status
		).toBe('present');
	});

	it("quick-adds an action into the owner agency's document and the actions projection", async () => {
		const chair = await as('chair');
		const caseId = ids.get('DEMO-0004')!;
		const [housing] = await t.db.select().from(agencies).where(eq(agencies.sector, 'housing'));
		const view = await liveMeeting(chair, meetingId, null);
		if (view.stage !== 'live') throw new Error('not live');
		expect(view.owners.map((o) => o.id)).toContain(housing!.id);
		const added = await quickAddAction(chair, meetingId, {
			caseId,
			agencyId: housing!.id,
			text: 'Housing to fit a door alarm and review the tenancy',
			dueOn: view.defaultDueOn
		});
		expect(added.docName).toBe(`case:${caseId}:agency:${housing!.id}`);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await h.runtime.documents!.read(added.docName));
		expect(readActions(doc).find((a) => a.id === added.id)).toMatchObject({
			text: 'Housing to fit a door alarm and review the tenancy',
			status: 'open',
			dueOn: view.defaultDueOn
		});
		await until(
			async () =>
				(await t.db.select().from(actions).where(eq(actions.actionId, added.id))).length === 1
		);
		const audit = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'action.add'), eq(auditEvents.target, added.docName)));
		expect(audit).toHaveLength(1);
		await expect(
			quickAddAction(await as('police'), meetingId, {
				caseId,
				agencyId: housing!.id,
				text: 'Not mine to add',
				dueOn: view.defaultDueOn
			})
		).rejects.toBeInstanceOf(RefusedError);
		// The default due date is the next planned meeting (the Demo Area's one in a week).
		const [demoMeeting] = await t.db
			.select()
			.from(meetings)
			.where(and(eq(meetings.areaId, areaId), eq(meetings.status, 'planned')));
		expect(view.defaultDueOn).toBe(londonDate(demoMeeting!.scheduledAt));
	});

	it('the chair ends the meeting: closed, clock stopped, attendees see it ended', async () => {
		await expect(endMeeting(await as('police'), meetingId)).rejects.toBeInstanceOf(RefusedError);
		await endMeeting(await as('chair'), meetingId);
		const [row] = await t.db.select().from(meetings).where(eq(meetings.id, meetingId));
		expect(row!.status).toBe('closed');
		expect(row!.endedAt).not.toBeNull();
		const state = await meetingState(await as('chair'), meetingId);
		expect(state.endedAt).not.toBeNull();
		expect(state.caseStartedAt).toBeNull();
		expect((await liveMeeting(await as('police'), meetingId, null)).stage).toBe('ended');
		// Heard here and listed nowhere else: open. Still on the Demo Area's planned meeting: listed.
		expect(await caseStatus('DEMO-0004')).toBe('open');
		expect(await caseStatus('DEMO-0001')).toBe('listed');
		await expect(endMeeting(await as('chair'), meetingId)).rejects.toBeInstanceOf(RefusedError);
		await expect(
			addToAgenda(await as('coordinator'), meetingId, ids.get('DEMO-0003')!)
		).rejects.toBeInstanceOf(RefusedError);
		expect((await listMeetings(await as('police'))).past.map((m) => m.id)).toContain(meetingId);
	});
});
