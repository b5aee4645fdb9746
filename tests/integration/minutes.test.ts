/**
 * Minutes through the server module on a seeded Demo Area with the live documents: who may
 * prepare and issue them, versions frozen at issue, and per-recipient redaction decided by the
 * access policy (canary texts in each compartment must appear exactly where the policy allows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { createMember } from '../helpers/fixtures.ts';
import { startHarness, type Harness } from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	agendaItems,
	auditEvents,
	caseExclusions,
	cases,
	meetings,
	minutesVersions,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { documentName } from '../../src/lib/documents/names.ts';
import { appendParagraphs } from '../../src/lib/documents/rich-text.ts';
import {
	addAction,
	notesDoc,
	pathwayDoc,
	planDoc,
	restrictedDoc
} from '../../src/lib/documents/shapes.ts';
import { DomainError, NotFoundError } from '../../src/lib/server/errors.ts';
import { RefusedError, type MeetingContext } from '../../src/lib/server/meetings/index.ts';
import {
	draftMinutes,
	issueMinutes,
	issuedVersion,
	minutesForRecipient,
	minutesOverview,
	recipientPrincipal
} from '../../src/lib/server/minutes/index.ts';
import { loadMeeting } from '../../src/lib/server/meetings/context.ts';
import type { Minutes } from '../../src/lib/minutes/model.ts';

const CANARY = {
	plan: 'PLAN-CANARY-risk-summary',
	police: 'POLICE-CANARY-shared-summary',
	restricted: 'RESTRICTED-CANARY 12 Refuge Lane',
	notes: 'NOTES-CANARY-private-research',
	action: 'ACTION-CANARY police visit',
	later: 'LATER-EDIT-CANARY'
};

describe.each(testDatabases())('minutes on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let meetingId: string;
	let caseId: string; // first case on the demo agenda: all canaries live here
	let excludedCaseId: string; // second case: the housing agency is kept out of it
	let excludedRef: string;
	const people = new Map<string, string>();
	const agencyOf = new Map<string, string>(); // sector → agency id

	async function as(email: string): Promise<MeetingContext> {
		const userId = people.get(email)!;
		const [user] = await t.db.select().from(users).where(eq(users.id, userId));
		return {
			db: t.db,
			principal: { userId, isAdmin: user!.isAdmin, memberships: await membershipsOf(t.db, userId) },
			actor: { userId },
			now: new Date(),
			documents: h.runtime.documents
		};
	}

	async function minutesAs(exporter: string, recipient: string, version?: number) {
		const ctx = await as(exporter);
		const loaded = await loadMeeting(ctx, meetingId);
		const { principal } = await recipientPrincipal(ctx, loaded, people.get(recipient)!);
		if (version === undefined) {
			const frozen = await draftMinutes(ctx, loaded);
			const info = { version: 0, issuedAt: null, issuedBy: null, reason: null };
			return minutesForRecipient(ctx, frozen, info, principal);
		}
		const issued = (await issuedVersion(ctx, meetingId, version))!;
		return minutesForRecipient(ctx, issued.frozen, issued.info, principal);
	}
	const text = (m: Minutes) => JSON.stringify(m);

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		for (const u of await t.db.select().from(users)) people.set(u.email.split('@')[0]!, u.id);
		for (const a of await t.db.select().from(agencies)) agencyOf.set(a.sector, a.id);
		const other = await createMember(t.db, {
			role: 'coordinator',
			email: 'elsewhere@test.example'
		});
		people.set('elsewhere', other.user.id);
		const items = await t.db
			.select({ meetingId: agendaItems.meetingId, caseId: agendaItems.caseId })
			.from(agendaItems)
			.orderBy(agendaItems.position);
		meetingId = items[0]!.meetingId;
		const onMeeting = items.filter((i) => i.meetingId === meetingId);
		caseId = onMeeting[0]!.caseId;
		excludedCaseId = onMeeting[1]!.caseId;
		excludedRef = (await t.db.select().from(cases).where(eq(cases.id, excludedCaseId)))[0]!
			.reference;

		const docs = h.runtime.documents!;
		const actor = { userId: people.get('coordinator')! };
		const police = agencyOf.get('police')!;
		await docs.edit(documentName({ kind: 'plan', caseId }), actor, (doc) =>
			appendParagraphs(planDoc.riskSummary(doc), CANARY.plan)
		);
		await docs.edit(documentName({ kind: 'agency', caseId, agencyId: police }), actor, (doc) => {
			appendParagraphs(doc.getXmlFragment('summary'), CANARY.police);
			addAction(doc, {
				id: 'canary-action-1',
				text: CANARY.action,
				dueOn: '2027-01-15',
				status: 'open',
				createdAt: new Date().toISOString(),
				createdBy: actor.userId
			});
		});
		await docs.edit(documentName({ kind: 'restricted', caseId }), actor, (doc) =>
			restrictedDoc.contact(doc).set('address', CANARY.restricted)
		);
		await docs.edit(documentName({ kind: 'notes', caseId, agencyId: police }), actor, (doc) =>
			appendParagraphs(notesDoc.notes(doc), CANARY.notes)
		);
		await t.db.insert(caseExclusions).values({
			caseId: excludedCaseId,
			agencyId: agencyOf.get('housing')!,
			reason: 'The person causing harm works for the housing provider.',
			createdBy: people.get('coordinator')!
		});
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	it('is prepared only by the coordinator and chair, and only once the meeting has started', async () => {
		await expect(minutesOverview(await as('coordinator'), meetingId)).rejects.toBeInstanceOf(
			RefusedError
		);
		await t.db.update(meetings).set({ status: 'live' }).where(eq(meetings.id, meetingId));
		expect((await minutesOverview(await as('coordinator'), meetingId)).may.issue).toBe(false);
		expect((await minutesOverview(await as('chair'), meetingId)).versions).toEqual([]);
		for (const who of ['police', 'idva', 'observer']) {
			await expect(minutesOverview(await as(who), meetingId)).rejects.toBeInstanceOf(RefusedError);
		}
		for (const who of ['admin', 'elsewhere']) {
			await expect(minutesOverview(await as(who), meetingId)).rejects.toBeInstanceOf(NotFoundError);
		}
		await expect(issueMinutes(await as('coordinator'), meetingId, null)).rejects.toBeInstanceOf(
			RefusedError
		);
		const denied = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'minutes.view'), eq(auditEvents.outcome, 'denied')));
		expect(denied.length).toBeGreaterThanOrEqual(3);
	});

	it('gives the coordinator the full set, with restricted details but never private notes', async () => {
		const m = await minutesAs('coordinator', 'coordinator');
		const all = text(m);
		expect(all).toContain(CANARY.plan);
		expect(all).toContain(CANARY.police);
		expect(all).toContain(CANARY.restricted);
		expect(all).toContain(CANARY.action);
		expect(all).not.toContain(CANARY.notes);
		expect(m.cases.map((c) => c.caseId)).toContain(excludedCaseId);
		expect(m.version.version).toBe(0);
	});

	it('redacts per recipient through the policy', async () => {
		const police = text(await minutesAs('coordinator', 'police'));
		expect(police).toContain(CANARY.plan);
		expect(police).toContain(CANARY.police);
		expect(police).not.toContain(CANARY.restricted);
		expect(police).not.toContain(CANARY.notes);

		const idva = text(await minutesAs('coordinator', 'idva'));
		expect(idva).toContain(CANARY.restricted);
		expect(idva).not.toContain(CANARY.notes);

		const housing = await minutesAs('coordinator', 'housing');
		expect(housing.cases.map((c) => c.caseId)).not.toContain(excludedCaseId);
		expect(text(housing)).not.toContain(excludedCaseId);
		expect(text(housing)).not.toContain(excludedRef);
		expect(housing.cases.map((c) => c.caseId)).toContain(caseId);
	});

	it('never passes on what the exporter may not read themselves', async () => {
		await t.db.insert(caseExclusions).values({
			caseId,
			userId: people.get('chair')!,
			reason: 'The chair knows the family.',
			createdBy: people.get('coordinator')!
		});
		const viaChair = await minutesAs('chair', 'idva');
		expect(viaChair.cases.map((c) => c.caseId)).not.toContain(caseId);
		expect(text(viaChair)).not.toContain(CANARY.restricted);
		await t.db
			.update(caseExclusions)
			.set({ liftedAt: new Date() })
			.where(eq(caseExclusions.userId, people.get('chair')!));
	});

	it('shows a trafficking case’s interpreter need, key dates and alerts from its pathway', async () => {
		const [fana] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0007'));
		await h.runtime.documents!.edit(
			documentName({ kind: 'pathway', caseId: fana!.id }),
			{ userId: people.get('third-sector')! },
			(doc) => {
				const fields = pathwayDoc.fields(doc);
				fields.set('interpreterNeeded', 'yes');
				fields.set('preferredLanguage', 'Tigrinya');
				fields.set('dialect', 'Asmara');
				fields.set('interpreterGender', 'female');
				fields.set('nrmReferralDate', '2026-01-05');
			}
		);
		const m = await minutesAs('coordinator', 'police');
		const section = m.cases.find((c) => c.caseId === fana!.id)!;
		expect(section.interpreter).toBe(
			'Interpreter needed: Tigrinya (Asmara), female; never use a companion or family member'
		);
		expect(section.pathway?.stage).toBe('Awaiting reasonable-grounds decision');
		expect(section.pathway?.keyDates.map((d) => d.date)).toContain('2026-01-12');
		expect(section.pathway?.alerts.some((a) => a.level === 'urgent')).toBe(true);
		// A domestic-abuse case has no pathway part.
		expect(m.cases.find((c) => c.caseId === caseId)!.pathway).toBeNull();
	});

	it('refuses a recipient outside the area, disabled, or an administrator', async () => {
		const ctx = await as('coordinator');
		const loaded = await loadMeeting(ctx, meetingId);
		for (const who of ['elsewhere', 'admin']) {
			await expect(recipientPrincipal(ctx, loaded, people.get(who)!)).rejects.toBeInstanceOf(
				DomainError
			);
		}
		await expect(recipientPrincipal(ctx, loaded, 'not-a-uuid')).rejects.toBeInstanceOf(DomainError);
	});

	it('issues frozen versions once the meeting has ended; a new version needs a reason', async () => {
		await t.db.update(meetings).set({ status: 'closed' }).where(eq(meetings.id, meetingId));
		const ctx = await as('coordinator');
		expect(await issueMinutes(ctx, meetingId, null)).toBe(1);

		// A later edit changes the draft, never the issued version.
		await h.runtime.documents!.edit(
			documentName({ kind: 'plan', caseId }),
			{ userId: people.get('chair')! },
			(doc) => appendParagraphs(planDoc.riskSummary(doc), CANARY.later)
		);
		expect(text(await minutesAs('coordinator', 'police'))).toContain(CANARY.later);
		const v1 = await minutesAs('coordinator', 'police', 1);
		expect(text(v1)).toContain(CANARY.plan);
		expect(text(v1)).not.toContain(CANARY.later);
		expect(v1.version).toMatchObject({ version: 1, reason: null });

		await expect(issueMinutes(await as('coordinator'), meetingId, ' ')).rejects.toThrow(/why/);
		expect(
			await issueMinutes(await as('chair'), meetingId, 'Risk summary updated by the chair.')
		).toBe(2);
		const v2 = await minutesAs('coordinator', 'police', 2);
		expect(text(v2)).toContain(CANARY.later);
		expect(v2.version.reason).toBe('Risk summary updated by the chair.');
		const rows = await t.db
			.select()
			.from(minutesVersions)
			.where(eq(minutesVersions.meetingId, meetingId));
		expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
		expect(JSON.stringify(rows.map((r) => r.content))).not.toContain(CANARY.notes);
		const overview = await minutesOverview(await as('coordinator'), meetingId);
		expect(overview.may.export).toBe(true);
		expect(overview.versions.map((v) => v.version)).toEqual([2, 1]);
	});

	it('applies an exclusion added after issue to every later export of that version', async () => {
		await t.db.insert(caseExclusions).values({
			caseId,
			agencyId: agencyOf.get('police')!,
			reason: 'Exclusion added after the minutes were issued.',
			createdBy: people.get('coordinator')!
		});
		const v1 = await minutesAs('coordinator', 'police', 1);
		expect(v1.cases.map((c) => c.caseId)).not.toContain(caseId);
		expect(text(v1)).not.toContain(CANARY.plan);
	});
});
