/**
 * The area's trafficking figures against a hand-computed fixture (the three demo trafficking
 * cases with pathways written into the projection), the CSV's suppression, and who may see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import { areas, cases, pathways } from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { traffickingCsv, traffickingFigures } from '../../src/lib/server/trafficking/dashboard.ts';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	Client,
	printServerLogOnFailure,
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

	const as = async (email: string) => {
		const client = new Client(server);
		expect((await client.signIn(email, DEMO_PASSWORD)).status).toBe(303);
		return client;
	};

	it('coordinator and chair see the dashboard and download the CSV; others are refused', async () => {
		for (const email of ['coordinator@demo.example', 'chair@demo.example']) {
			const client = await as(email);
			const page = await client.get('/trafficking');
			expect(page.status, email).toBe(200);
			expect(await page.text()).toContain('People by NRM stage');
			const file = await client.get('/trafficking/export.csv');
			expect(file.status).toBe(200);
			expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
			expect(file.headers.get('cache-control')).toContain('no-store');
			expect(await file.text()).toContain('People (open trafficking cases),,<5');
		}
		for (const email of ['police@demo.example', 'observer@demo.example', 'admin@demo.example']) {
			const client = await as(email);
			expect((await client.get('/trafficking')).status, email).toBe(403);
			expect((await client.get('/trafficking/export.csv')).status, email).toBe(403);
		}
		const coordinator = await as('coordinator@demo.example');
		const foreign = '00000000-0000-4000-8000-000000000000';
		expect((await coordinator.get(`/trafficking?area=${foreign}`)).status).toBe(404);
	});
});
