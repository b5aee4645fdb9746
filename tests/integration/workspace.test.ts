/**
 * The case workspace on the server: who may load it (a 404 for everyone else, audited), what
 * each seat may open, the default due date, and "share to meeting" — the text must really be in
 * the sharer's own notes, it lands in their agency's shared summary, and the audit log records the
 * length, never the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { signedIn, startHarness, type Harness } from '../helpers/sync.ts';
import { createMember } from '../helpers/fixtures.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	agendaItems,
	auditEvents,
	caseExclusions,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { loadCaseWorkspace, type Viewer } from '../../src/lib/server/workspace/index.ts';
import { addAgencyAction, shareNotesToMeeting } from '../../src/lib/server/workspace/edits.ts';
import { agencyDoc, notesDoc, readActions } from '../../src/lib/documents/shapes.ts';
import { appendParagraphs, fragmentText } from '../../src/lib/documents/rich-text.ts';
import { londonDate } from '../../src/lib/dates.ts';
import type { Sector } from '../../src/lib/domain.ts';

describe.each(testDatabases())('case workspace on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	const caseIds = new Map<string, string>();
	const agencyIds = new Map<Sector, string>();

	const caseId = (reference: string) => caseIds.get(reference)!;
	const agency = (sector: Sector) => agencyIds.get(sector)!;

	async function viewer(email: string): Promise<Viewer> {
		const { userId, sessionId } = await signedIn(h, email);
		return {
			principal: { userId, isAdmin: false, memberships: await membershipsOf(t.db, userId) },
			session: { id: sessionId },
			user: { name: email }
		};
	}

	async function read(name: string): Promise<Y.Doc> {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await h.runtime.documents!.read(name));
		return doc;
	}

	const audits = (action: string, target: string) =>
		t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, action), eq(auditEvents.target, target)));

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		for (const c of await t.db.select().from(cases)) caseIds.set(c.reference, c.id);
		for (const a of await t.db.select().from(agencies)) agencyIds.set(a.sector, a.id);
	});

	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	describe('who may load it', () => {
		it('loads the case header, agencies, seat and documents for a participant, audited', async () => {
			const police = await viewer('police@demo.example');
			const workspace = await loadCaseWorkspace(h.runtime, police, caseId('DEMO-0001'), {
				ip: '203.0.113.9'
			});
			expect(workspace).not.toBeNull();
			expect(workspace!.case.reference).toBe('DEMO-0001');
			expect(workspace!.case.childrenInHousehold).toBe(2);
			expect(workspace!.case.nextMeeting).not.toBeNull();
			expect(workspace!.agencies).toHaveLength(12);
			expect(workspace!.seat.sector).toBe('police');
			const views = await audits('case.view', `case:${caseId('DEMO-0001')}`);
			expect(
				views.some((e) => e.userId === police.principal.userId && e.outcome === 'success')
			).toBe(true);
			expect(views.find((e) => e.userId === police.principal.userId)?.ip).toBe('203.0.113.9');
		});

		it('shows the repeat marker and the earlier case, and the interpreter need', async () => {
			const coordinator = await viewer('coordinator@demo.example');
			const repeat = await loadCaseWorkspace(h.runtime, coordinator, caseId('DEMO-0006'));
			expect(repeat!.case.repeat).toEqual({
				confirmed: true,
				previous: { id: caseId('DEMO-0005'), reference: 'DEMO-0005' }
			});
			const trafficking = await loadCaseWorkspace(h.runtime, coordinator, caseId('DEMO-0007'));
			expect(trafficking!.case.interpreterLanguage).toBe('Tigrinya');
			expect(trafficking!.case.kind).toBe('human_trafficking');
		});

		it('is null (404) for a user of another area, and that is audited as denied', async () => {
			const outsider = await createMember(t.db, {
				sector: 'police',
				email: 'outsider@test.example'
			});
			const other = await viewer(outsider.user.email);
			expect(await loadCaseWorkspace(h.runtime, other, caseId('DEMO-0001'))).toBeNull();
			const views = await audits('case.view', `case:${caseId('DEMO-0001')}`);
			expect(views.some((e) => e.userId === outsider.user.id && e.outcome === 'denied')).toBe(true);
		});

		it('is null for an excluded agency, and for an excluded person', async () => {
			const [coordinator] = await t.db
				.select()
				.from(users)
				.where(eq(users.email, 'coordinator@demo.example'));
			const [probation] = await t.db
				.select()
				.from(users)
				.where(eq(users.email, 'probation@demo.example'));
			await t.db.insert(caseExclusions).values([
				{
					caseId: caseId('DEMO-0002'),
					agencyId: agency('health'),
					reason: 'The perpetrator works there',
					createdBy: coordinator!.id
				},
				{
					caseId: caseId('DEMO-0002'),
					userId: probation!.id,
					reason: 'Conflict of interest',
					createdBy: coordinator!.id
				}
			]);
			const health = await viewer('health@demo.example');
			expect(await loadCaseWorkspace(h.runtime, health, caseId('DEMO-0002'))).toBeNull();
			expect(
				await loadCaseWorkspace(
					h.runtime,
					await viewer('probation@demo.example'),
					caseId('DEMO-0002')
				)
			).toBeNull();
			// The exclusion is for that case only.
			expect(await loadCaseWorkspace(h.runtime, health, caseId('DEMO-0001'))).not.toBeNull();
		});

		it('is null for an administrator, for an unknown case and for a malformed id', async () => {
			const admin = await viewer('admin@demo.example');
			admin.principal.isAdmin = true;
			expect(await loadCaseWorkspace(h.runtime, admin, caseId('DEMO-0001'))).toBeNull();
			const police = await viewer('police@demo.example');
			expect(
				await loadCaseWorkspace(h.runtime, police, '00000000-0000-4000-8000-000000000000')
			).toBeNull();
			expect(await loadCaseWorkspace(h.runtime, police, 'not-a-case')).toBeNull();
		});
	});

	describe('access per seat', () => {
		const levels = async (email: string, reference: string) => {
			const workspace = await loadCaseWorkspace(h.runtime, await viewer(email), caseId(reference));
			const id = caseId(reference);
			const of = (suffix: string) =>
				workspace!.documents.find((d) => d.name === `case:${id}:${suffix}`)?.access ?? 'none';
			return { workspace: workspace!, of };
		};

		it('coordinator writes the plan, every agency and the restricted panel; no notes', async () => {
			const { of, workspace } = await levels('coordinator@demo.example', 'DEMO-0001');
			expect(of('plan')).toBe('write');
			expect(of(`agency:${agency('police')}`)).toBe('write');
			expect(of(`agency:${agency('health')}`)).toBe('write');
			expect(of('restricted')).toBe('write');
			expect(workspace.documents.some((d) => d.name.includes(':notes:'))).toBe(false);
		});

		it('police reads the plan, writes its own agency and notes, reads others; no restricted', async () => {
			const { of, workspace } = await levels('police@demo.example', 'DEMO-0001');
			expect(of('plan')).toBe('read');
			expect(of(`agency:${agency('police')}`)).toBe('write');
			expect(of(`agency:${agency('health')}`)).toBe('read');
			expect(of(`notes:${agency('police')}`)).toBe('write');
			expect(of(`notes:${agency('health')}`)).toBe('none');
			expect(of('restricted')).toBe('none');
			expect(workspace.documents.filter((d) => d.name.includes(':notes:'))).toHaveLength(1);
		});

		it('health has no restricted document; the IDVA service writes it', async () => {
			expect((await levels('health@demo.example', 'DEMO-0001')).of('restricted')).toBe('none');
			expect((await levels('idva@demo.example', 'DEMO-0001')).of('restricted')).toBe('write');
		});

		it('an observer reads everything it may see and writes nothing', async () => {
			const { workspace, of } = await levels('observer@demo.example', 'DEMO-0007');
			expect(workspace.documents.length).toBeGreaterThan(0);
			expect(workspace.documents.every((d) => d.access === 'read')).toBe(true);
			expect(of('pathway')).toBe('read');
		});

		it('the pathway document exists for trafficking cases only', async () => {
			expect((await levels('police@demo.example', 'DEMO-0007')).of('pathway')).toBe('write');
			expect((await levels('police@demo.example', 'DEMO-0001')).of('pathway')).toBe('none');
		});
	});

	describe('default due date of a new action', () => {
		it('is the date of the next meeting the case is listed on', async () => {
			const { workspace } = {
				workspace: await loadCaseWorkspace(
					h.runtime,
					await viewer('police@demo.example'),
					caseId('DEMO-0001')
				)
			};
			const [listed] = await t.db
				.select({ at: meetings.scheduledAt })
				.from(agendaItems)
				.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
				.where(eq(agendaItems.caseId, caseId('DEMO-0001')));
			expect(workspace!.defaultDueOn).toBe(londonDate(listed!.at));
			expect(workspace!.today).toBe(londonDate(new Date()));
		});

		it("is the area's next planned meeting for a case not listed", async () => {
			const workspace = await loadCaseWorkspace(
				h.runtime,
				await viewer('police@demo.example'),
				caseId('DEMO-0004')
			);
			const [next] = await t.db.select({ at: meetings.scheduledAt }).from(meetings);
			expect(workspace!.case.nextMeeting).toBeNull();
			expect(workspace!.defaultDueOn).toBe(londonDate(next!.at));
		});
	});

	describe('share to meeting', () => {
		const policeNotes = () => `case:${caseId('DEMO-0001')}:notes:${agency('police')}`;
		const policeSummary = () => `case:${caseId('DEMO-0001')}:agency:${agency('police')}`;
		const summaryText = async () => fragmentText(agencyDoc.summary(await read(policeSummary())));

		beforeAll(async () => {
			const police = await viewer('police@demo.example');
			await h.runtime.documents!.edit(policeNotes(), { userId: police.principal.userId }, (doc) =>
				appendParagraphs(
					notesDoc.notes(doc),
					'PNC check: two call-outs in October.\nThe partner has a bail condition not to contact her.\nUnrelated internal remark.'
				)
			);
		});

		it('copies selected notes text into the agency summary and audits the length only', async () => {
			const police = await viewer('police@demo.example');
			const selection = 'two call-outs in October.\nThe partner has a bail condition';
			const outcome = await shareNotesToMeeting(h.runtime, police, caseId('DEMO-0001'), selection);
			expect(outcome).toEqual({ ok: true, length: selection.length });
			expect(await summaryText()).toBe(selection);
			const shares = await audits('notes.share', policeSummary());
			const mine = shares.find((e) => e.outcome === 'success')!;
			expect(mine.userId).toBe(police.principal.userId);
			expect(mine.details).toEqual({ length: selection.length });
			expect(JSON.stringify(shares)).not.toContain('call-outs');
			// Persisted and audited as a server edit like any other.
			const edits = await audits('document.server_edit', policeSummary());
			expect(edits.length).toBeGreaterThan(0);
		});

		it('refuses text that is not in the notes, and changes nothing', async () => {
			const police = await viewer('police@demo.example');
			const before = await summaryText();
			const outcome = await shareNotesToMeeting(
				h.runtime,
				police,
				caseId('DEMO-0001'),
				'The victim lives at 1 Secret Street'
			);
			expect(outcome).toMatchObject({ ok: false, status: 400 });
			expect(await summaryText()).toBe(before);
			const denied = (await audits('notes.share', policeSummary())).filter(
				(e) => e.outcome === 'denied'
			);
			expect(denied.some((e) => (e.details as { reason?: string }).reason === 'not-in-notes')).toBe(
				true
			);
		});

		it('refuses an empty selection', async () => {
			const outcome = await shareNotesToMeeting(
				h.runtime,
				await viewer('police@demo.example'),
				caseId('DEMO-0001'),
				'  \n '
			);
			expect(outcome).toMatchObject({ ok: false, status: 400 });
		});

		it('refuses a user of another agency: police notes cannot be shared by health', async () => {
			const before = await summaryText();
			const health = await viewer('health@demo.example');
			const outcome = await shareNotesToMeeting(
				h.runtime,
				health,
				caseId('DEMO-0001'),
				'PNC check: two call-outs in October.'
			);
			// Health's own notes hold no such text; the police summary is untouched.
			expect(outcome).toMatchObject({ ok: false, status: 400 });
			expect(await summaryText()).toBe(before);
			const healthSummary = `case:${caseId('DEMO-0001')}:agency:${agency('health')}`;
			expect(fragmentText(agencyDoc.summary(await read(healthSummary)))).toBe('');
		});

		it('refuses those who have no notes to share (coordinator, observer) and outsiders', async () => {
			for (const email of ['coordinator@demo.example', 'observer@demo.example']) {
				const outcome = await shareNotesToMeeting(
					h.runtime,
					await viewer(email),
					caseId('DEMO-0001'),
					'PNC check'
				);
				expect(outcome, email).toMatchObject({ ok: false, status: 403 });
			}
			const outsider = await createMember(t.db, { sector: 'police' });
			const outcome = await shareNotesToMeeting(
				h.runtime,
				await viewer(outsider.user.email),
				caseId('DEMO-0001'),
				'PNC check'
			);
			expect(outcome).toMatchObject({ ok: false, status: 404 });
		});
	});

	describe('adding an action on the server', () => {
		it("adds to the viewer's own agency and refuses another agency's document", async () => {
			const police = await viewer('police@demo.example');
			const input = {
				agencyId: agency('police'),
				text: 'Police to flag the address for an urgent response',
				dueOn: '2099-01-31',
				status: 'open' as const
			};
			const added = await addAgencyAction(h.runtime, police, caseId('DEMO-0003'), input);
			expect(added.ok).toBe(true);
			const doc = await read(`case:${caseId('DEMO-0003')}:agency:${agency('police')}`);
			const [action] = readActions(doc);
			expect(action).toMatchObject({
				text: input.text,
				dueOn: '2099-01-31',
				status: 'open',
				createdBy: police.principal.userId
			});
			const refused = await addAgencyAction(h.runtime, police, caseId('DEMO-0003'), {
				...input,
				agencyId: agency('health')
			});
			expect(refused).toMatchObject({ ok: false, status: 403 });
			const healthDoc = await read(`case:${caseId('DEMO-0003')}:agency:${agency('health')}`);
			expect(readActions(healthDoc)).toEqual([]);
		});
	});
});
