/**
 * The area's trafficking figures against a hand-computed fixture (the three demo trafficking
 * cases with pathways written into the projection), the CSV's suppression, and who may see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	areas,
	caseExclusions,
	cases,
	pathways,
	users
} from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import {
	traffickingCaseAlerts,
	traffickingCsv,
	traffickingFigures
} from '../../src/lib/server/trafficking/dashboard.ts';
import { casePathwayAlerts } from '../../src/lib/server/trafficking/case-alerts.ts';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const NOW = new Date('2026-11-28T12:00:00Z');

/** DEMO-0007: awaiting CG for 400 days, no GP; 0008: awaiting CG 100 days, two third-party
 * cancellations, interpreter Vietnamese; 0009: no pathway yet (referral says Albanian). */
async function writeFixture(db: Database) {
	const byRef = async (reference: string) =>
		(await db.select().from(cases).where(eq(cases.reference, reference)))[0]!.id;
	await db.insert(pathways).values([
		{
			caseId: await byRef('DEMO-0007'),
			fields: {
				interpreterNeeded: 'yes',
				preferredLanguage: 'Tigrinya',
				rgOutcome: 'positive',
				rgDate: '2025-10-24',
				gpRegistered: 'no'
			},
			appointments: [],
			stage: 'awaiting_cg',
			interpreterLanguage: 'Tigrinya'
		},
		{
			caseId: await byRef('DEMO-0008'),
			fields: {
				interpreterNeeded: 'yes',
				preferredLanguage: 'Vietnamese',
				rgOutcome: 'positive',
				rgDate: '2026-08-20'
			},
			appointments: [
				{ id: 'a', date: '2026-11-01', service: 'GP', outcome: 'cancelled_by_someone_else' },
				{ id: 'b', date: '2026-10-01', service: 'Dentist', outcome: 'cancelled_by_someone_else' }
			],
			stage: 'awaiting_cg',
			interpreterLanguage: 'Vietnamese'
		}
	]);
}

describe.each(testDatabases())('trafficking figures on $name', (backend) => {
	let t: TestDatabase;
	let areaId: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		await writeFixture(t.db);
		areaId = (await t.db.select().from(areas))[0]!.id;
	});
	afterAll(async () => {
		await t?.cleanup();
	});

	it('match the hand-computed figures', async () => {
		const f = await traffickingFigures(t.db, areaId, NOW);
		expect(f.people).toBe(3);
		expect(Object.fromEntries(f.byStage.map((s) => [s.key, s.count]))).toEqual({
			not_referred: 1,
			awaiting_rg: 0,
			negative_rg: 0,
			awaiting_cg: 2,
			positive_cg: 0,
			negative_cg: 0
		});
		// 2025-10-24 → 2026-11-28 is 400 days; 2026-08-20 → 2026-11-28 is 100 days.
		expect(f.cgWaiting).toEqual({ count: 2, medianDays: 250, longestDays: 400 });
		expect(Object.fromEntries(f.barriers.map((b) => [b.key, b.count]))).toEqual({
			no_gp: 1,
			mental_health_waiting: 0,
			third_party_cancellations: 1
		});
		expect(f.languages.map((l) => [l.label, l.count])).toEqual([
			['Albanian', 1],
			['Tigrinya', 1],
			['Vietnamese', 1]
		]);
		// 0007 waits over a year for CG; 0008 has third-party cancellations.
		expect(f.urgentAlerts).toBe(2);
	});

	it('the CSV suppresses 1–4 and leaves out waiting times for fewer than five people', async () => {
		const f = await traffickingFigures(t.db, areaId, NOW);
		const text = traffickingCsv('Demo Area', f, '2026-11-28');
		expect(text).toContain('OFFICIAL-SENSITIVE');
		expect(text).toContain('People (open trafficking cases),,<5\r\n');
		expect(text).toContain('People by NRM stage,Awaiting conclusive-grounds decision,<5\r\n');
		expect(text).toContain('People by NRM stage,Negative conclusive-grounds decision,0\r\n');
		expect(text).toContain('Interpreter needed,Tigrinya,<5\r\n');
		expect(text).not.toContain('Median days');
		expect(text).not.toMatch(/,[1-4]\r\n/);
		const many = traffickingCsv(
			'Demo Area',
			{ ...f, cgWaiting: { count: 6, medianDays: 250, longestDays: 400 } },
			'2026-11-28'
		);
		expect(many).toContain('Median days,250\r\n');
	});

	const principal = async (email: string): Promise<Principal> => {
		const [u] = await t.db.select().from(users).where(eq(users.email, email));
		return { userId: u!.id, isAdmin: u!.isAdmin, memberships: await membershipsOf(t.db, u!.id) };
	};
	const listed = async (email: string) =>
		(await traffickingCaseAlerts(t.db, await principal(email), areaId, NOW)).map(
			(c) => c.reference
		);

	it('lists each case’s alerts and next deadline, urgent first', async () => {
		const list = await traffickingCaseAlerts(
			t.db,
			await principal('coordinator@demo.example'),
			areaId,
			NOW
		);
		// 0007: urgent (CG pending 400 days) and two warnings; 0008: urgent (cancellations) and
		// one warning; 0009: only the referral's interpreter language.
		expect(list.map((c) => c.reference)).toEqual(['DEMO-0007', 'DEMO-0008', 'DEMO-0009']);
		expect(list[0]!.stage).toBe('awaiting_cg');
		expect(list[0]!.alerts.map((a) => [a.key, a.level])).toEqual([
			['cg_pending', 'urgent'],
			['interpreter_needed', 'warning'],
			['no_gp', 'warning']
		]);
		// 24 Oct 2025 + 30 days: the recovery period's minimum ended long ago, CG still pending.
		expect(list[0]!.nextDeadline).toMatchObject({ key: 'recovery_end', date: '2025-11-23' });
		expect(list[2]!.alerts.map((a) => a.text)).toEqual([
			'Interpreter needed: Albanian; never use a companion or family member'
		]);
		expect(list[2]!.nextDeadline).toBeNull();
	});

	it('the list is for the coordinator and chair only, and leaves out cases excluding the viewer', async () => {
		expect(await listed('chair@demo.example')).toEqual(['DEMO-0007', 'DEMO-0008', 'DEMO-0009']);
		for (const email of ['police@demo.example', 'observer@demo.example', 'admin@demo.example']) {
			expect(await listed(email), email).toEqual([]);
		}
		const [coordinator] = await t.db
			.select()
			.from(users)
			.where(eq(users.email, 'coordinator@demo.example'));
		const [chair] = await t.db.select().from(users).where(eq(users.email, 'chair@demo.example'));
		const chairAgency = (await membershipsOf(t.db, chair!.id))[0]!.agencyId;
		const [police] = await t.db.select().from(agencies).where(eq(agencies.id, chairAgency));
		const byRef = async (reference: string) =>
			(await t.db.select().from(cases).where(eq(cases.reference, reference)))[0]!.id;
		await t.db.insert(caseExclusions).values([
			// The chair's agency is kept out of DEMO-0007; the coordinator personally out of 0008.
			{
				caseId: await byRef('DEMO-0007'),
				agencyId: police!.id,
				reason: 'Perpetrator works there',
				createdBy: coordinator!.id
			},
			{
				caseId: await byRef('DEMO-0008'),
				userId: coordinator!.id,
				reason: 'Knows the family',
				createdBy: chair!.id
			}
		]);
		expect(await listed('chair@demo.example')).toEqual(['DEMO-0008', 'DEMO-0009']);
		expect(await listed('coordinator@demo.example')).toEqual(['DEMO-0007', 'DEMO-0009']);
		// The aggregate figures name nobody and still count everyone.
		expect((await traffickingFigures(t.db, areaId, NOW)).people).toBe(3);
	});

	it('one case’s alerts (the live meeting strip) only for those who may read its pathway', async () => {
		// Runs after the exclusions above: the chair's agency is out of DEMO-0007, the coordinator
		// personally out of DEMO-0008.
		const byRef = async (reference: string) =>
			(await t.db.select().from(cases).where(eq(cases.reference, reference)))[0]!.id;
		const alertsOf = async (email: string, reference: string) =>
			casePathwayAlerts(t.db, await principal(email), await byRef(reference), NOW);

		// An observer may read the pathway, so sees its alerts, most urgent first.
		const seen = await alertsOf('observer@demo.example', 'DEMO-0008');
		expect(seen?.reference).toBe('DEMO-0008');
		expect(seen?.stage).toBe('awaiting_cg');
		expect(seen?.alerts.map((a) => [a.key, a.level])).toEqual([
			['third_party_cancellations', 'urgent'],
			['interpreter_needed', 'warning'],
			['cg_pending', 'info']
		]);
		// 20 Aug 2026 + 30 days: the recovery period's minimum has passed, CG still pending.
		expect(seen?.nextDeadline).toMatchObject({ key: 'recovery_end', date: '2026-09-19' });
		expect((await alertsOf('police@demo.example', 'DEMO-0008'))?.alerts).toHaveLength(3);
		// A case without a pathway yet still says what the referral said.
		expect(
			(await alertsOf('observer@demo.example', 'DEMO-0009'))?.alerts.map((a) => a.key)
		).toEqual(['interpreter_needed']);

		// Refused: an excluded agency, an excluded person, the administrator, a domestic-abuse
		// case (no pathway), and ids that are not cases.
		expect(await alertsOf('chair@demo.example', 'DEMO-0007')).toBeNull();
		expect(await alertsOf('police@demo.example', 'DEMO-0007')).toBeNull();
		expect(await alertsOf('coordinator@demo.example', 'DEMO-0008')).toBeNull();
		expect(await alertsOf('admin@demo.example', 'DEMO-0008')).toBeNull();
		expect(await alertsOf('coordinator@demo.example', 'DEMO-0001')).toBeNull();
		const coordinator = await principal('coordinator@demo.example');
		expect(await casePathwayAlerts(t.db, coordinator, 'not-a-case', NOW)).toBeNull();
		expect(
			await casePathwayAlerts(t.db, coordinator, '00000000-0000-4000-8000-000000000000', NOW)
		).toBeNull();
	});
});

describe.each(testDatabases())('trafficking dashboard pages on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);

	beforeAll(async () => {
		server = await startServer({ backend, mfaPolicy: 'optional', seed: seedDemo });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const as = (email: string) => signedInClient(server, email);

	it('coordinator and chair see the dashboard and download the CSV; others are refused', async () => {
		for (const email of ['coordinator@demo.example', 'chair@demo.example']) {
			const client = await as(email);
			const page = await client.get('/trafficking');
			expect(page.status, email).toBe(200);
			const html = await page.text();
			expect(html).toContain('People by NRM stage');
			// The demo's referrals say DEMO-0008 needs a Vietnamese interpreter: listed by case.
			expect(html).toContain('Cases needing attention');
			expect(html).toMatch(/>DEMO-0008<\/a>/);
			expect(html).toMatch(/Check:<\/strong>\s*Interpreter needed: Vietnamese/);
			expect(html).toContain('Confirm it’s you to export');
			const areaId = /name="area" value="([0-9a-f-]{36})"/.exec(html)?.[1];
			const posted = (reason = 'Quarterly report to the partnership') =>
				client.postForm('/trafficking/export', { area: areaId ?? '', reason });
			expect((await posted()).headers.get('location')).toMatch(/^\/reauth\?next=/);
			await client.postForm('/reauth', { password: DEMO_PASSWORD, next: '/trafficking' });
			const file = await posted();
			expect(file.status).toBe(200);
			expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
			expect(file.headers.get('cache-control')).toContain('no-store');
			const text = await file.text();
			expect(text).toContain('People (open trafficking cases),,<5');
			// The download stays aggregate: no case is named in it.
			expect(text).not.toContain('DEMO-');
		}
		for (const email of ['police@demo.example', 'observer@demo.example', 'admin@demo.example']) {
			const client = await as(email);
			expect((await client.get('/trafficking')).status, email).toBe(403);
			const post = await client.postForm('/trafficking/export', { reason: 'For the record' });
			expect(post.status, email).toBe(403);
			expect(post.headers.get('content-disposition')).toBeNull();
		}
		const coordinator = await as('coordinator@demo.example');
		const foreign = '00000000-0000-4000-8000-000000000000';
		expect((await coordinator.get(`/trafficking?area=${foreign}`)).status).toBe(404);
	});
});
