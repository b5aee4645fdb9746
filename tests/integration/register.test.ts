/**
 * The case register's query (listRegister) on the demo data plus generated cases: visibility
 * (area membership minus exclusions; administrators and other areas see nothing), every filter,
 * search by reference and by normalised name or alias, pagination and order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	actions,
	agencies,
	areas,
	caseExclusions,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { listRegister, meetingOptions, PAGE_SIZE } from '../../src/lib/server/cases/register.ts';
import { normaliseName } from '../../src/lib/server/cases/names.ts';
import { londonDate } from '../../src/lib/dates.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { createMember } from '../helpers/fixtures.ts';

const NOW = new Date();
const DAY = 24 * 3_600_000;

describe.each(testDatabases())('the case register on $name', (backend) => {
	let t: TestDatabase;
	const who: Record<string, Principal> = {};
	let meetingId: string;

	async function principal(email: string): Promise<Principal> {
		const [u] = await t.db.select().from(users).where(eq(users.email, email));
		return { userId: u!.id, isAdmin: u!.isAdmin, memberships: await membershipsOf(t.db, u!.id) };
	}
	const list = (p: Principal, filters: Partial<Parameters<typeof listRegister>[2]> = {}) =>
		listRegister(t.db, p, { page: 1, ...filters }, NOW);
	const refs = async (p: Principal, filters: Partial<Parameters<typeof listRegister>[2]> = {}) =>
		(await list(p, filters)).rows.map((r) => r.reference);

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db, NOW);
		const [area] = await t.db.select().from(areas).where(eq(areas.name, 'Demo Area'));
		// 60 more closed cases, referred over the past months, for pagination.
		await t.db.insert(cases).values(
			Array.from({ length: 60 }, (_, i) => ({
				areaId: area!.id,
				reference: `BULK-${String(i + 1).padStart(4, '0')}`,
				kind: 'domestic_abuse' as const,
				status: 'closed' as const,
				victimName: `Bulk Person ${i + 1}`,
				victimNameKey: normaliseName(`Bulk Person ${i + 1}`),
				victimAliases: i === 0 ? ['Zoë Alias'] : [],
				referredAt: new Date(NOW.getTime() - (400 + i) * DAY)
			}))
		);
		const other = await createMember(t.db, {
			email: 'elsewhere@test.example',
			role: 'coordinator',
			areaName: 'Elsewhere Area'
		});
		await t.db.insert(cases).values({
			areaId: other.area.id,
			reference: 'ELSE-0001',
			kind: 'domestic_abuse',
			victimName: 'Alex Fictional',
			victimNameKey: 'alex fictional',
			referredAt: NOW
		});
		const byRef = async (ref: string) =>
			(await t.db.select().from(cases).where(eq(cases.reference, ref)))[0]!;
		const [police] = await t.db.select().from(agencies).where(eq(agencies.sector, 'police'));
		const [health] = await t.db.select().from(agencies).where(eq(agencies.sector, 'health'));
		const [coordinator] = await t.db
			.select()
			.from(users)
			.where(eq(users.email, 'coordinator@demo.example'));
		const [idva] = await t.db.select().from(users).where(eq(users.email, 'idva@demo.example'));
		// The police are kept out of DEMO-0002; the IDVA personally out of DEMO-0003; a lifted
		// exclusion of health on DEMO-0004 no longer counts.
		await t.db.insert(caseExclusions).values([
			{
				caseId: (await byRef('DEMO-0002')).id,
				agencyId: police!.id,
				reason: 'Perpetrator works there',
				createdBy: coordinator!.id
			},
			{
				caseId: (await byRef('DEMO-0003')).id,
				userId: idva!.id,
				reason: 'Knows the family',
				createdBy: coordinator!.id
			},
			{
				caseId: (await byRef('DEMO-0004')).id,
				agencyId: health!.id,
				reason: 'Lifted',
				createdBy: coordinator!.id,
				liftedAt: NOW
			}
		]);
		// Overdue: an open action past its date on DEMO-0004; a done one on DEMO-0001 is not.
		const past = new Date(NOW.getTime() - 3 * DAY).toISOString().slice(0, 10);
		const future = new Date(NOW.getTime() + 3 * DAY).toISOString().slice(0, 10);
		const demo4 = await byRef('DEMO-0004');
		const demo1 = await byRef('DEMO-0001');
		await t.db.insert(actions).values([
			{
				docName: `case:${demo4.id}:agency:${police!.id}`,
				actionId: 'a1',
				caseId: demo4.id,
				agencyId: police!.id,
				text: 'x',
				dueOn: past,
				status: 'in_progress'
			},
			{
				docName: `case:${demo1.id}:agency:${police!.id}`,
				actionId: 'a2',
				caseId: demo1.id,
				agencyId: police!.id,
				text: 'x',
				dueOn: past,
				status: 'done'
			},
			{
				docName: `case:${demo1.id}:agency:${police!.id}`,
				actionId: 'a3',
				caseId: demo1.id,
				agencyId: police!.id,
				text: 'x',
				dueOn: future,
				status: 'open'
			}
		]);
		const [meeting] = await t.db.select().from(meetings).where(eq(meetings.areaId, area!.id));
		meetingId = meeting!.id;
		for (const email of ['coordinator', 'police', 'idva', 'health', 'observer', 'admin']) {
			who[email] = await principal(`${email}@demo.example`);
		}
		who.elsewhere = await principal('elsewhere@test.example');
	}, 120_000);
	afterAll(async () => {
		await t?.cleanup();
	});

	it('pages the coordinator’s register, newest referral first, with a total', async () => {
		const first = await list(who.coordinator!);
		expect(first.total).toBe(69);
		expect(first.pages).toBe(Math.ceil(69 / PAGE_SIZE));
		expect(first.rows).toHaveLength(PAGE_SIZE);
		expect(first.rows[0]!.reference).toBe('DEMO-0006');
		const dates = first.rows.map((r) => r.referredAt);
		expect([...dates].sort().reverse()).toEqual(dates);
		const last = await list(who.coordinator!, { page: 3 });
		expect(last.page).toBe(3);
		expect(last.rows).toHaveLength(69 - 2 * PAGE_SIZE);
		expect(last.rows.at(-1)!.reference).toBe('BULK-0060');
		// A page past the end shows the last page.
		expect((await list(who.coordinator!, { page: 99 })).page).toBe(3);
	});

	it('gives each row what the register shows', async () => {
		const rows = (await list(who.coordinator!, { q: 'DEMO-000' })).rows;
		const row = (ref: string) => rows.find((r) => r.reference === ref)!;
		expect(row('DEMO-0006')).toMatchObject({ repeat: 'confirmed', childrenInHousehold: 1 });
		expect(row('DEMO-0007')).toMatchObject({
			interpreterLanguage: 'Tigrinya',
			kind: 'human_trafficking'
		});
		expect(row('DEMO-0001').nextMeeting).not.toBeNull();
		// One overdue action added here, plus the demo seed's overdue ones on DEMO-0004.
		const [demo4] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0004'));
		const today = londonDate(NOW);
		const seededOverdue = (
			await t.db.select().from(actions).where(eq(actions.caseId, demo4!.id))
		).filter(
			(a) =>
				a.actionId !== 'a1' &&
				a.dueOn !== null &&
				a.dueOn < today &&
				['open', 'in_progress'].includes(a.status)
		).length;
		expect(seededOverdue).toBeGreaterThan(0);
		expect(row('DEMO-0004')).toMatchObject({
			nextMeeting: null,
			overdueActions: 1 + seededOverdue
		});
		expect(row('DEMO-0001').overdueActions).toBe(0);
		expect(row('DEMO-0001').age).toBeGreaterThan(30);
	});

	it('filters by status, kind, meeting, repeat and overdue actions', async () => {
		expect((await refs(who.coordinator!, { status: 'open' })).sort()).toEqual([
			'DEMO-0004',
			'DEMO-0009'
		]);
		expect((await refs(who.coordinator!, { kind: 'human_trafficking' })).sort()).toEqual([
			'DEMO-0007',
			'DEMO-0008',
			'DEMO-0009'
		]);
		expect((await refs(who.coordinator!, { meetingId })).sort()).toEqual([
			'DEMO-0001',
			'DEMO-0002',
			'DEMO-0003',
			'DEMO-0006',
			'DEMO-0007',
			'DEMO-0008'
		]);
		expect(await refs(who.coordinator!, { repeat: 'yes' })).toEqual(['DEMO-0006']);
		expect(await refs(who.coordinator!, { repeat: 'unconfirmed' })).toEqual([]);
		expect((await list(who.coordinator!, { repeat: 'no' })).total).toBe(68);
		expect(await refs(who.coordinator!, { overdue: true })).toEqual(['DEMO-0004']);
		expect(await refs(who.coordinator!, { kind: 'human_trafficking', status: 'open' })).toEqual([
			'DEMO-0009'
		]);
	});

	it('searches by reference and by normalised name or alias', async () => {
		expect(await refs(who.coordinator!, { q: 'demo-0007' })).toEqual(['DEMO-0007']);
		expect(await refs(who.coordinator!, { q: '  FANA  ' })).toEqual(['DEMO-0007']);
		expect(await refs(who.coordinator!, { q: 'eli not' })).toEqual(['DEMO-0006', 'DEMO-0005']);
		expect(await refs(who.coordinator!, { q: 'Zoë Alias' })).toEqual(['BULK-0001']);
		expect(await refs(who.coordinator!, { q: '100%_' })).toEqual([]);
		expect((await list(who.coordinator!, { q: 'bulk person' })).total).toBe(60);
	});

	it('hides cases excluding the viewer or their agency, and other areas', async () => {
		const police = await refs(who.police!, { q: 'DEMO-000' });
		expect(police).not.toContain('DEMO-0002');
		expect(police).toContain('DEMO-0003');
		const idva = await refs(who.idva!, { q: 'DEMO-000' });
		expect(idva).not.toContain('DEMO-0003');
		expect(idva).toContain('DEMO-0002');
		expect(await refs(who.health!, { q: 'DEMO-0004' })).toEqual(['DEMO-0004']);
		expect((await list(who.observer!)).total).toBe(69);
		expect(await refs(who.coordinator!, { q: 'ELSE' })).toEqual([]);
		expect(await refs(who.elsewhere!)).toEqual(['ELSE-0001']);
	});

	it('shows administrators nothing', async () => {
		expect(await list(who.admin!)).toMatchObject({ total: 0, rows: [] });
		expect(await meetingOptions(t.db, who.admin!)).toEqual([]);
		expect((await meetingOptions(t.db, who.coordinator!)).map((m) => m.id)).toEqual([meetingId]);
		expect(await meetingOptions(t.db, who.elsewhere!)).toEqual([]);
	});

	it('counts an action overdue from the UK’s midnight after its due date, not UTC’s', async () => {
		// A summer date: from 23:00 UTC it is already the next day in the UK (BST).
		const due = `${NOW.getUTCFullYear() + 1}-07-14`;
		const demo5 = (await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0005')))[0]!;
		const [agency] = await t.db.select().from(agencies).where(eq(agencies.sector, 'housing'));
		await t.db.insert(actions).values({
			docName: `case:${demo5.id}:agency:${agency!.id}`,
			actionId: 'uk-midnight',
			caseId: demo5.id,
			agencyId: agency!.id,
			text: 'x',
			dueOn: due,
			status: 'open'
		});
		const overdueAt = async (instant: string) =>
			(await listRegister(t.db, who.coordinator!, { page: 1, q: 'DEMO-0005' }, new Date(instant)))
				.rows[0]!.overdueActions;
		try {
			expect(await overdueAt(`${due}T22:30:00Z`)).toBe(0); // 23:30 on the 14th in the UK
			expect(await overdueAt(`${due}T23:30:00Z`)).toBe(1); // 00:30 on the 15th in the UK
		} finally {
			await t.db.delete(actions).where(eq(actions.actionId, 'uk-midnight'));
		}
	});
});
