/**
 * The data return on the demo data: the loader's figure for the demo meeting equals its agenda,
 * the quarter counts it once the meeting is held, a transferred-out case is counted once with
 * the answers it was referred with; and the pages refuse everyone but the coordinator and chair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agendaItems,
	areas,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { loadDataReturn } from '../../src/lib/server/data-return/load.ts';
import { dataReturnCsv } from '../../src/lib/server/data-return/export.ts';
import { parseQuarter } from '../../src/lib/data-return/quarters.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { acceptTransfer, requestTransfer } from '../../src/lib/server/transfers/index.ts';
import { meetingAgenda } from '../../src/lib/server/meetings/queries.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { addMembership, createAgency, createArea, createUser } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

// The demo cases are referred days before "now" and the meeting is a week after: 8 December
// 2025, in 2025/26 Q3. DEMO-0003 (born 2008-02-02, referred 2025-11-25) is then 17.
const NOW = new Date('2025-12-01T12:00:00Z');
const Q3 = parseQuarter('2025-Q3')!;

describe.each(testDatabases())('data return on $name', (backend) => {
	let t: TestDatabase;
	let area: { id: string; name: string };
	let meetingId: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db, NOW);
		const [a] = await t.db.select({ id: areas.id, name: areas.name }).from(areas);
		area = a!;
		meetingId = (await t.db.select({ id: meetings.id }).from(meetings))[0]!.id;
	});
	afterAll(async () => {
		await t?.cleanup();
	});

	it('counts the cases on the demo meeting’s agenda, provisionally until it is held', async () => {
		const r = await loadDataReturn(t.db, area, Q3);
		const [agenda] = await t.db
			.select({ n: count() })
			.from(agendaItems)
			.where(eq(agendaItems.meetingId, meetingId));
		expect(r.meetings).toHaveLength(1);
		const m = r.meetings[0]!;
		expect(m.held).toBe(false);
		expect(m.figures.cases).toBe(agenda!.n);
		// Listed: 0001 (police, 2 children), 0002 (IDVA), 0003 (education, 17), 0006 (police,
		// 1 child, confirmed repeat of 0005), 0007 (third sector, trafficking), 0008 (police,
		// trafficking).
		expect(m.figures).toMatchObject({
			cases: 6,
			repeats: 1,
			children: 3,
			police: 3,
			partner: 3,
			aged16to17: 1,
			trafficking: 2
		});
		expect(r.quarter.meetingsHeld).toBe(0);
		expect(r.quarter.figures.cases).toBe(0);
		// Demo Area: 120,000 adult women → 120 cases a quarter recommended.
		expect(r.quarter.recommended).toBe(120);
	});

	it('counts the meeting in its quarter once it has been held', async () => {
		await t.db.update(meetings).set({ status: 'closed' }).where(eq(meetings.id, meetingId));
		const r = await loadDataReturn(t.db, area, Q3);
		expect(r.quarter.meetingsHeld).toBe(1);
		expect(r.quarter.figures.cases).toBe(6);
		// 6 × 4 / 120,000 × 10,000 = 2 a year per 10,000.
		expect(r.quarter.annualRatePer10k).toBe(2);
		expect(r.trend.map((q) => [q.quarter.key, q.figures.cases])).toEqual([
			['2024-Q4', 0],
			['2025-Q1', 0],
			['2025-Q2', 0],
			['2025-Q3', 6]
		]);
		const file = await dataReturnCsv(t.db, area, Q3, NOW);
		const text = new TextDecoder().decode(file.bytes);
		expect(file.filename).toBe('marac-data-return-2025-Q3-2025-12-01.csv');
		expect(text).toContain('Meeting,2025/26 Q3 (October–December 2025),2025-12-08,,6,');
		expect(text).toMatch(/\r\nQuarter,2025\/26 Q3 \(October–December 2025\),,1,6,120,2,<5,/);

		// The ended meeting's page links its return for the coordinator, not for an agency.
		const agendaFor = async (email: string) => {
			const [u] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, email));
			const principal = {
				userId: u!.id,
				isAdmin: false,
				memberships: await membershipsOf(t.db, u!.id)
			};
			return meetingAgenda({ db: t.db, principal, actor: { userId: u!.id }, now: NOW }, meetingId);
		};
		expect((await agendaFor('coordinator@demo.example')).dataReturnHref).toBe(
			`/data-return?area=${area.id}&quarter=2025-Q3#meeting-${meetingId}`
		);
		expect((await agendaFor('police@demo.example')).dataReturnHref).toBeNull();
	});

	it('counts a case transferred away after the meeting once, as it was referred', async () => {
		const principal = async (userId: string): Promise<Principal> => ({
			userId,
			isAdmin: false,
			memberships: await membershipsOf(t.db, userId)
		});
		const [coord] = await t.db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.email, 'coordinator@demo.example'));
		const b = await createArea(t.db, 'Receiving Area');
		const bTeam = await createAgency(t.db, b.id, 'other', 'Receiving MARAC team');
		const bCoord = await createUser(t.db, { email: 'coord-b@test.example', name: 'Bea Coord' });
		await addMembership(t.db, {
			userId: bCoord.id,
			areaId: b.id,
			agencyId: bTeam.id,
			role: 'coordinator'
		});
		const [moving] = await t.db
			.select({ id: cases.id })
			.from(cases)
			.where(and(eq(cases.reference, 'DEMO-0008'), eq(cases.areaId, area.id)));
		const id = await requestTransfer(t.db, await principal(coord!.id), {
			caseId: moving!.id,
			toAreaId: b.id,
			reason: 'Dispersed'
		});
		const { stubCaseId } = await acceptTransfer(t.db, await principal(bCoord.id), id, NOW);
		const [onAgenda] = await t.db
			.select({ caseId: agendaItems.caseId })
			.from(agendaItems)
			.where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.caseId, stubCaseId)));
		expect(onAgenda).toBeDefined();

		const r = await loadDataReturn(t.db, area, Q3);
		expect(r.quarter.figures).toMatchObject({ cases: 6, police: 3, trafficking: 2 });
		// The receiving area has not heard it.
		const other = await loadDataReturn(t.db, { id: b.id, name: 'Receiving Area' }, Q3);
		expect(other.quarter.figures.cases).toBe(0);
	});
});

describe.each(testDatabases())('data return pages on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);

	beforeAll(async () => {
		server = await startServer({ backend, mfaPolicy: 'optional', seed: seedDemo });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const as = (email: string) => signedInClient(server, email);
	/** The area of the export form, which is shown once the person has re-authenticated. */
	const areaOf = async (client: Client) => {
		await client.postForm('/reauth', { password: DEMO_PASSWORD, next: '/data-return' });
		const html = await (await client.get('/data-return')).text();
		return /name="area" value="([0-9a-f-]{36})"/.exec(html)![1]!;
	};

	it('coordinator and chair see the return and download it; others are refused', async () => {
		for (const email of ['coordinator@demo.example', 'chair@demo.example']) {
			const client = await as(email);
			const page = await client.get('/data-return');
			expect(page.status, email).toBe(200);
			const html = await page.text();
			expect(html).toContain('Marac data return');
			expect(html).toContain('Q1 is April to June');
			// Exporting needs a recent re-authentication; then the form is there.
			expect(html).toContain('Confirm it’s you to export');
			const stepped = await client.postForm('/reauth', {
				password: DEMO_PASSWORD,
				next: '/data-return'
			});
			expect(stepped.status, email).toBe(303);
			const areaId = await areaOf(client);
			const file = await client.postForm('/data-return/export', {
				area: areaId,
				quarter: '2026-Q3',
				reason: 'Quarterly return to SafeLives'
			});
			expect(file.status, email).toBe(200);
			expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
			expect(file.headers.get('content-disposition')).toMatch(
				/^attachment; filename="marac-data-return-2026-Q3-/
			);
			expect(file.headers.get('cache-control')).toContain('no-store');
			expect(await file.text()).toContain('OFFICIAL-SENSITIVE');
		}
		const coordinator = await as('coordinator@demo.example');
		const areaId = await areaOf(coordinator);
		// Without a recent re-authentication: back to /reauth, and nothing is exported.
		const stale = await (
			await as('chair@demo.example')
		).postForm('/data-return/export', { area: areaId, quarter: '2026-Q3', reason: 'x'.repeat(8) });
		expect(stale.status).toBe(303);
		expect(stale.headers.get('location')).toMatch(/^\/reauth\?next=/);
		expect(stale.headers.get('content-disposition')).toBeNull();
		for (const email of ['police@demo.example', 'observer@demo.example', 'admin@demo.example']) {
			const client = await as(email);
			expect((await client.get('/data-return')).status, email).toBe(403);
			const post = await client.postForm('/data-return/export', {
				area: areaId,
				quarter: '2026-Q3'
			});
			expect(post.status, email).toBe(403);
			expect(post.headers.get('content-disposition')).toBeNull();
		}
		const foreign = '00000000-0000-4000-8000-000000000000';
		expect((await coordinator.get(`/data-return?area=${foreign}`)).status).toBe(404);
		expect(
			(await coordinator.postForm('/data-return/export', { area: foreign, quarter: '2026-Q3' }))
				.status
		).toBe(404);
		expect((await coordinator.get('/data-return?quarter=2026-Q9')).status).toBe(400);
		expect(
			(await coordinator.postForm('/data-return/export', { area: areaId, quarter: 'x' })).status
		).toBe(400);
		// A cross-site form post is refused before it reaches the export.
		const forged = await coordinator.postForm(
			'/data-return/export',
			{ area: areaId, quarter: '2026-Q3' },
			{ origin: 'https://evil.example' }
		);
		expect(forged.status).toBe(403);
		expect(forged.headers.get('content-disposition')).toBeNull();
		const signedOut = new Client(server);
		const anonymous = await signedOut.postForm('/data-return/export', {
			area: areaId,
			quarter: '2026-Q3'
		});
		expect(anonymous.headers.get('content-disposition')).toBeNull();
		expect([303, 401]).toContain(anonymous.status);
	});

	it('the administrator sets the adult female population the return uses', async () => {
		const coordinator = await as('coordinator@demo.example');
		const areaId = await areaOf(coordinator);
		const admin = await as('admin@demo.example');
		const bad = await admin.postForm(`/admin/areas/${areaId}?/population`, { population: 'many' });
		expect(bad.status).toBe(400);
		const saved = await admin.postForm(`/admin/areas/${areaId}?/population`, {
			population: '150,000'
		});
		expect(saved.status).toBe(200);
		const html = await (await coordinator.get('/data-return')).text();
		// 150,000 / 1,000 = 150 recommended a quarter.
		expect(html).toMatch(/recommended cases for the quarter<\/th>\s*<td>150<\/td>/);
		await admin.postForm(`/admin/areas/${areaId}?/population`, { population: '' });
		const cleared = await (await coordinator.get('/data-return')).text();
		expect(pageText(cleared)).toContain('adult female population is not set');
	});
});
