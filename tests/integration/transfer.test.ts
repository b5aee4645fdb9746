/**
 * Moving a case between areas (issue 6): the receiving coordinator decides on a minimal summary;
 * on acceptance the case and its documents move, the sending area keeps a stub without personal
 * data, its users' open sockets close with 4205, and both areas' audit logs record it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { closed, rawSocket, sessionCookie, startHarness, type Harness } from '../helpers/sync.ts';
import { addMembership, createAgency, createArea, createUser } from '../helpers/fixtures.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	agendaItems,
	areas,
	auditEvents,
	caseTransfers,
	cases,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { access, caseDocuments } from '../../src/lib/server/policy/facts.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import {
	acceptTransfer,
	cancelTransfer,
	declineTransfer,
	listTransfers,
	requestTransfer
} from '../../src/lib/server/transfers/index.ts';
import { DomainError, NotFoundError } from '../../src/lib/server/errors.ts';
import { ORIGIN } from '../helpers/sync.ts';

describe.each(testDatabases())('case transfer on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let demoArea: string;
	let areaB: string;
	let demoPolice: string;
	const who: Record<string, Principal> = {};

	const principal = async (userId: string): Promise<Principal> => ({
		userId,
		isAdmin: false,
		memberships: await membershipsOf(t.db, userId)
	});

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		demoArea = (await t.db.select().from(areas))[0]!.id;
		demoPolice = (await t.db.select().from(agencies).where(eq(agencies.sector, 'police')))[0]!.id;
		for (const email of ['coordinator', 'police', 'idva']) {
			const [u] = await t.db
				.select()
				.from(users)
				.where(eq(users.email, `${email}@demo.example`));
			who[email] = await principal(u!.id);
		}
		const b = await createArea(t.db, 'Receiving Area');
		areaB = b.id;
		const bCoordAgency = await createAgency(t.db, b.id, 'other', 'Receiving MARAC team');
		const bPoliceAgency = await createAgency(t.db, b.id, 'police', 'Receiving Police');
		const bCoord = await createUser(t.db, { email: 'coord-b@test.example', name: 'Bea Coord' });
		const bPolice = await createUser(t.db, { email: 'police-b@test.example', name: 'Bo Police' });
		await addMembership(t.db, {
			userId: bCoord.id,
			areaId: b.id,
			agencyId: bCoordAgency.id,
			role: 'coordinator'
		});
		await addMembership(t.db, {
			userId: bPolice.id,
			areaId: b.id,
			agencyId: bPoliceAgency.id,
			role: 'agency_rep'
		});
		who.coordB = await principal(bCoord.id);
		who.policeB = await principal(bPolice.id);
	});
	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	const caseByRef = async (reference: string) =>
		(
			await t.db
				.select()
				.from(cases)
				.where(and(eq(cases.reference, reference), eq(cases.areaId, demoArea)))
		)[0]!;
	const level = async (p: Principal, name: string) =>
		(await access(t.db, p, name, new Date())).access;

	it('only the sending coordinator may ask, for another existing area, with a reason', async () => {
		const c = await caseByRef('DEMO-0008');
		const input = { caseId: c.id, toAreaId: areaB, reason: 'Dispersed by the Home Office' };
		await expect(requestTransfer(t.db, who.police!, input)).rejects.toBeInstanceOf(NotFoundError);
		await expect(requestTransfer(t.db, who.coordB!, input)).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			requestTransfer(t.db, who.coordinator!, { ...input, reason: '  ' })
		).rejects.toMatchObject({ field: 'reason' });
		await expect(
			requestTransfer(t.db, who.coordinator!, { ...input, toAreaId: demoArea })
		).rejects.toMatchObject({ field: 'toAreaId' });
		const id = await requestTransfer(t.db, who.coordinator!, input);
		await expect(requestTransfer(t.db, who.coordinator!, input)).rejects.toBeInstanceOf(
			DomainError
		);
		// The sender withdraws; the receiver can no longer answer.
		await expect(cancelTransfer(t.db, who.coordB!, id)).rejects.toBeInstanceOf(NotFoundError);
		await cancelTransfer(t.db, who.coordinator!, id);
		await expect(acceptTransfer(t.db, who.coordB!, id, new Date())).rejects.toBeInstanceOf(
			NotFoundError
		);
	});

	it('a decline needs a reason, which the sender sees; the case stays', async () => {
		const c = await caseByRef('DEMO-0008');
		const id = await requestTransfer(t.db, who.coordinator!, {
			caseId: c.id,
			toAreaId: areaB,
			reason: 'Moving to family'
		});
		await expect(declineTransfer(t.db, who.coordinator!, id, 'no')).rejects.toBeInstanceOf(
			NotFoundError
		);
		await expect(declineTransfer(t.db, who.coordB!, id, ' ')).rejects.toMatchObject({
			field: 'declineReason'
		});
		await declineTransfer(t.db, who.coordB!, id, 'Not in our area after all');
		const out = (await listTransfers(t.db, who.coordinator!)).find((x) => x.id === id)!;
		expect(out).toMatchObject({ status: 'declined', direction: 'out' });
		expect(out.declineReason).toBe('Not in our area after all');
		expect((await caseByRef('DEMO-0008')).areaId).toBe(demoArea);
	});

	it('accepting moves the case and its documents; the old area is cut off at once', async () => {
		const c = await caseByRef('DEMO-0007');
		const plan = `case:${c.id}:plan`;
		const policeDoc = `case:${c.id}:agency:${demoPolice}`;
		const notesDoc = `case:${c.id}:notes:${demoPolice}`;
		const cookie = await sessionCookie(h, 'police@demo.example');
		const open = await rawSocket(h, plan, { cookie, origin: ORIGIN });
		expect(open.status).toBe(101);
		const whenClosed = closed(open.socket!);

		const id = await requestTransfer(t.db, who.coordinator!, {
			caseId: c.id,
			toAreaId: areaB,
			reason: 'Dispersed to the receiving area'
		});
		// Before acceptance the receiving area sees a summary and nothing of the case itself.
		const incoming = (await listTransfers(t.db, who.coordB!)).find((x) => x.id === id)!;
		expect(incoming.direction).toBe('in');
		expect(incoming.summary).not.toBeNull();
		expect(incoming.summary!.initials).toMatch(/^[A-Z]{1,4}$/);
		expect(JSON.stringify(incoming)).not.toContain(c.victimName);
		expect(await level(who.policeB!, plan)).toBe('none');
		expect(await caseDocuments(t.db, who.coordB!, c.id, new Date())).toBeNull();
		expect(await listTransfers(t.db, who.policeB!)).toEqual([]);

		const { stubCaseId } = await acceptTransfer(t.db, who.coordB!, id, new Date());
		expect((await whenClosed).code).toBe(4205);

		// The old area: no access to anything of the case, a stub without personal data.
		expect(await level(who.police!, plan)).toBe('none');
		expect(await level(who.coordinator!, plan)).toBe('none');
		expect(await level(who.police!, notesDoc)).toBe('none');
		expect((await rawSocket(h, plan, { cookie, origin: ORIGIN })).status).toBe(403);
		const [stub] = await t.db.select().from(cases).where(eq(cases.id, stubCaseId));
		expect(stub).toMatchObject({
			areaId: demoArea,
			reference: c.reference,
			status: 'transferred',
			victimName: '',
			victimDob: null,
			transferredToAreaId: areaB
		});
		const items = await t.db.select().from(agendaItems).where(eq(agendaItems.caseId, c.id));
		expect(items).toEqual([]); // the demo meeting's agenda now lists the stub
		// The new area: the case with its history; the old area's summaries read-only, notes never.
		const [moved] = await t.db.select().from(cases).where(eq(cases.id, c.id));
		expect(moved).toMatchObject({ areaId: areaB, status: 'referred', victimName: c.victimName });
		expect(await level(who.coordB!, plan)).toBe('write');
		expect(await level(who.policeB!, plan)).toBe('read');
		expect(await level(who.policeB!, policeDoc)).toBe('read');
		expect(await level(who.coordB!, policeDoc)).toBe('read');
		expect(await level(who.coordB!, notesDoc)).toBe('none');
		expect(await level(who.policeB!, `case:${c.id}:pathway`)).toBe('write');
		const listed = (await caseDocuments(t.db, who.coordB!, c.id, new Date()))!.map((d) => d.name);
		expect(listed).toContain(policeDoc);
		expect(listed).not.toContain(notesDoc);

		// Both areas' audit logs.
		const audited = await t.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'case.transfer.accept'));
		expect(audited.map((e) => e.areaId).sort()).toEqual([demoArea, areaB].sort());
		const [row] = await t.db.select().from(caseTransfers).where(eq(caseTransfers.id, id));
		expect(row).toMatchObject({ status: 'accepted', stubCaseId });
		await expect(acceptTransfer(t.db, who.coordB!, id, new Date())).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});
