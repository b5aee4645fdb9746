/**
 * Referrals through the production server (built app, `node server/index.ts`) on the demo data:
 * a valid referral makes a case whose safe-contact details are only in its restricted document;
 * bad input gets per-field errors with nothing lost; repeats are found (same person within 12
 * months, by name or alias and date of birth) and the coordinator confirms or rejects them; who
 * may refer and who may read a referral. On PGlite and, with DATABASE_URL, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	areas,
	auditEvents,
	caseExclusions,
	cases,
	docSnapshots,
	docUpdates,
	users
} from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { loadDocument } from '../../src/lib/server/documents/store.ts';
import { restrictedDoc } from '../../src/lib/documents/shapes.ts';
import { createReferral, findRepeat } from '../../src/lib/server/cases/referral.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { parseReferral } from '../../src/lib/schemas/referral.ts';
import { normaliseName } from '../../src/lib/server/cases/names.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember } from '../helpers/fixtures.ts';
import { referralForm } from '../helpers/referral.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const DAY = 24 * 3_600_000;
const SECRET = {
	'contact.safePhone': '07700 900461',
	'contact.safeTimes': 'Weekdays 10:00-12:00 only',
	'contact.address': 'Flat 9, Secretplace Refuge, Hidden Lane',
	'contact.safeWords': 'bluebell-kettle'
};

function monthsAgo(months: number, now = new Date()): Date {
	const d = new Date(now);
	d.setUTCMonth(d.getUTCMonth() - months);
	return d;
}

/** Cases for the repeat checks, written straight into the Demo Area. */
async function seedHistory(db: Database) {
	const [area] = await db.select().from(areas).where(eq(areas.name, 'Demo Area'));
	const row = (
		reference: string,
		name: string,
		dob: string,
		referredAt: Date,
		aliases: string[] = []
	) => ({
		areaId: area!.id,
		reference,
		kind: 'domestic_abuse' as const,
		status: 'open' as const,
		victimName: name,
		victimNameKey: normaliseName(name),
		victimAliases: aliases,
		victimDob: dob,
		referredAt
	});
	await db
		.insert(cases)
		.values([
			row('OLD-0001', 'Rene Boundary', '1980-05-05', monthsAgo(13)),
			row('OLD-0002', 'Dana Window', '1982-03-03', monthsAgo(11), ['Dany Win']),
			row('OLD-0003', 'Kim Excluded', '1975-07-07', monthsAgo(2))
		]);
	// The police are kept out of OLD-0003 (say the perpetrator works there).
	const [police] = await db.select().from(agencies).where(eq(agencies.sector, 'police'));
	const [coordinator] = await db
		.select()
		.from(users)
		.where(eq(users.email, 'coordinator@demo.example'));
	const [excluded] = await db.select().from(cases).where(eq(cases.reference, 'OLD-0003'));
	await db.insert(caseExclusions).values({
		caseId: excluded!.id,
		agencyId: police!.id,
		reason: 'Perpetrator works for this agency',
		createdBy: coordinator!.id
	});
}

describe.each(testDatabases())('referrals through the production server on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	let areaId: string;
	let excludedCaseId: string;
	let police: Client;
	let coordinator: Client;
	const created: Record<string, string> = {};

	const signIn = async (email: string, password = DEMO_PASSWORD) => {
		const client = new Client(server);
		const response = await client.signIn(email, password);
		expect(response.status, pageText(await response.clone().text())).toBe(303);
		return client;
	};

	/** Posts a referral and returns the new case id (from the redirect). */
	async function refer(client: Client, fields: Record<string, string>): Promise<string> {
		const response = await client.postForm('/cases/new', referralForm(areaId, fields));
		const body = await response.clone().text();
		expect(response.status, pageText(body).slice(0, 2000)).toBe(303);
		const location = response.headers.get('location') ?? '';
		const m = /^\/cases\/([0-9a-f-]{36})\/referral\?created=1$/.exec(location);
		expect(m, location).not.toBeNull();
		return m![1]!;
	}

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				await seedHistory(db);
				await createMember(db, {
					email: 'elsewhere@test.example',
					role: 'coordinator',
					sector: 'other',
					areaName: 'Elsewhere Area'
				});
				const [area] = await db.select().from(areas).where(eq(areas.name, 'Demo Area'));
				areaId = area!.id;
				const [old] = await db.select().from(cases).where(eq(cases.reference, 'OLD-0003'));
				excludedCaseId = old!.id;
			}
		});
		police = await signIn('police@demo.example');
		coordinator = await signIn('coordinator@demo.example');
	}, 180_000);
	afterAll(async () => {
		await server?.dispose();
	});

	it('shows the form to an agency representative', async () => {
		const response = await police.get('/cases/new');
		expect(response.status).toBe(200);
		const text = pageText(await response.text());
		expect(text).toContain('New referral');
		expect(text).toContain('Demo Constabulary');
	});

	it('refuses observers and administrators', async () => {
		for (const email of ['observer@demo.example', 'admin@demo.example']) {
			const client = await signIn(email);
			expect((await client.get('/cases/new')).status, email).toBe(403);
			const post = await client.postForm(
				'/cases/new',
				referralForm(areaId, { 'victim.name': 'Nobody Refused' })
			);
			expect(post.status, email).toBe(403);
			const register = pageText(await (await client.get('/cases')).text());
			expect(register).not.toContain('New referral');
			// Observers read the register (they follow meetings); administrators see no case.
			if (email.startsWith('admin')) expect(register).not.toContain('DEMO-0001');
			else expect(register).toContain('DEMO-0001');
		}
	});

	it('gives per-field errors and keeps everything typed', async () => {
		const response = await police.postForm(
			'/cases/new',
			referralForm(areaId, {
				'victim.name': 'Taylor Kept',
				'victim.gender': '',
				'victim.dob': '2999-01-01',
				'criteria.dashScore': '30',
				'criteria.professionalJudgement': 'yes',
				'children.0.name': 'AB',
				'children.0.dob': '',
				'children.0.relationship': '',
				'children.0.school': 'Hill Primary',
				...SECRET
			})
		);
		expect(response.status).toBe(400);
		const html = await response.text();
		const text = pageText(html);
		expect(text).toContain('There is a problem');
		for (const message of [
			'Choose the victim’s gender',
			'date of birth must be today or in the past',
			'Enter the Dash score as a whole number from 0 to 24',
			'Give the reasons for your professional judgement',
			'Choose the child’s relationship'
		]) {
			expect(text).toContain(message);
		}
		// Each message is tied to its field, and what was typed is still there.
		expect(html).toContain('id="field-victim.gender-error"');
		expect(html).toContain('id="field-children.0.relationship-error"');
		expect(html).toMatch(
			/name="victim\.name"[^>]*value="Taylor Kept"|value="Taylor Kept"[^>]*name="victim\.name"/
		);
		expect(html).toContain('Hill Primary');
		expect(html).toContain(SECRET['contact.address']);
	});

	it('adds and removes rows without JavaScript, keeping the values', async () => {
		const add = await police.postForm('/cases/new', {
			...referralForm(areaId, { 'victim.name': 'Row Keeper' }),
			_op: 'add-perpetrators'
		});
		expect(add.status).toBe(200);
		const html = await add.text();
		expect(html).toContain('name="perpetrators.1.name"');
		expect(html).toContain('Row Keeper');
		const remove = await police.postForm('/cases/new', {
			...referralForm(areaId, {
				'perpetrators.1.name': 'Second Person',
				'perpetrators.1.dob': '',
				'perpetrators.1.relationship': 'parent'
			}),
			_op: 'remove-perpetrators-0'
		});
		expect(remove.status).toBe(200);
		const after = await remove.text();
		expect(after).not.toContain('name="perpetrators.1.name"');
		expect(after).toMatch(
			/name="perpetrators\.0\.name"[^>]*value="Second Person"|value="Second Person"[^>]*name="perpetrators\.0\.name"/
		);
	});

	it('creates a case, with the safe-contact details only in the restricted document', async () => {
		const id = await refer(police, {
			'victim.name': 'Morgan Newcase',
			'victim.aliases': 'Mo Newcase',
			'victim.dob': '1993-06-15',
			'victim.interpreterNeeded': 'yes',
			'victim.interpreterLanguage': 'Polish',
			'children.0.name': 'AN',
			'children.0.dob': '2019-01-01',
			'children.0.relationship': 'child',
			'children.0.school': '',
			'children.1.name': 'BN',
			'children.1.dob': '',
			'children.1.relationship': 'stepchild',
			'children.1.school': '',
			'criteria.dashScore': '16',
			'criteria.professionalJudgement': 'yes',
			'criteria.judgementReasons': 'Threats to kill last week',
			...SECRET
		});
		created.newcase = id;
		const page = await police.get(`/cases/${id}/referral?created=1`);
		expect(page.status).toBe(200);
		const text = pageText(await page.text());
		expect(text).toContain('Referral received');
		expect(text).toMatch(/DEMO-0010/);
		expect(text).toContain('visible high risk');
		expect(text).toContain('held in the restricted record');
		for (const secret of Object.values(SECRET)) expect(text).not.toContain(secret);
		const register = pageText(await coordinator.get('/cases?q=newcase').then((r) => r.text()));
		expect(register).toContain('DEMO-0010');
		expect(register).toContain('Interpreter: Polish');
		for (const secret of Object.values(SECRET)) expect(register).not.toContain(secret);
	});

	it('flags a repeat: same name and date of birth within 12 months', async () => {
		created.repeat = await refer(police, {
			'victim.name': 'ALEX fictional',
			'victim.dob': '1991-04-12'
		});
		const text = pageText(
			await (await coordinator.get(`/cases/${created.repeat}/referral`)).text()
		);
		expect(text).toContain('Possible repeat: awaiting the coordinator');
		expect(text).toContain('DEMO-0001');
		expect(text).toContain('Confirm it is a repeat');
		// The police may read the referral, but the decision is the coordinator's.
		const policeView = pageText(
			await (await police.get(`/cases/${created.repeat}/referral`)).text()
		);
		expect(policeView).toContain('Possible repeat');
		expect(policeView).not.toContain('Confirm it is a repeat');
		expect((await police.postForm(`/cases/${created.repeat}/referral?/confirm`, {})).status).toBe(
			404
		);
	});

	it('matches an alias either way, but not another date of birth or an older case', async () => {
		created.aliasNew = await refer(police, {
			'victim.name': 'Dee Window',
			'victim.aliases': 'Dana Window',
			'victim.dob': '1982-03-03'
		});
		created.aliasOld = await refer(police, {
			'victim.name': 'Dany  WIN',
			'victim.dob': '1982-03-03'
		});
		created.otherDob = await refer(police, {
			'victim.name': 'Alex Fictional',
			'victim.dob': '1991-04-13'
		});
		created.thirteen = await refer(police, {
			'victim.name': 'Rene Boundary',
			'victim.dob': '1980-05-05'
		});
		const view = async (id: string) =>
			pageText(await (await coordinator.get(`/cases/${id}/referral`)).text());
		expect(await view(created.aliasNew!)).toContain('OLD-0002');
		expect(await view(created.aliasOld!)).toContain('OLD-0002');
		expect(await view(created.otherDob!)).not.toContain('repeat');
		expect(await view(created.thirteen!)).not.toContain('repeat');
	});

	it('does not name an earlier case to someone it excludes', async () => {
		const id = await refer(police, { 'victim.name': 'Kim Excluded', 'victim.dob': '1975-07-07' });
		created.excluded = id;
		const policeView = pageText(await (await police.get(`/cases/${id}/referral`)).text());
		expect(policeView).toContain('may have been referred in the last 12 months');
		expect(policeView).not.toContain('OLD-0003');
		const coordinatorView = pageText(await (await coordinator.get(`/cases/${id}/referral`)).text());
		expect(coordinatorView).toContain('OLD-0003');
		// Nor can they open the excluded case's referral, nor see it in the register.
		expect((await police.get(`/cases/${excludedCaseId}/referral`)).status).toBe(404);
		expect((await coordinator.get(`/cases/${excludedCaseId}/referral`)).status).toBe(200);
		expect(pageText(await (await police.get('/cases?q=OLD-0003')).text())).toContain(
			'No cases match'
		);
		expect(pageText(await (await coordinator.get('/cases?q=OLD-0003')).text())).toContain(
			'OLD-0003'
		);
	});

	it('lets the coordinator confirm and reject suspected repeats', async () => {
		const confirm = await coordinator.postForm(`/cases/${created.repeat}/referral?/confirm`, {});
		expect(confirm.status).toBe(200);
		expect(pageText(await confirm.text())).toContain('Recorded: this is a repeat.');
		const reject = await coordinator.postForm(`/cases/${created.aliasOld}/referral?/reject`, {});
		expect(reject.status).toBe(200);
		expect(
			pageText(await (await coordinator.get(`/cases/${created.aliasOld}/referral`)).text())
		).toContain('Not a repeat (checked by the coordinator)');
		const repeats = pageText(await (await coordinator.get('/cases?repeat=yes')).text());
		expect(repeats).toContain('DEMO-0006');
		expect(repeats).toContain('DEMO-0011');
	});

	it('shows nothing of the area to another area’s coordinator', async () => {
		const elsewhere = await signIn('elsewhere@test.example', TEST_PASSWORD);
		expect((await elsewhere.get(`/cases/${created.newcase}/referral`)).status).toBe(404);
		expect((await elsewhere.postForm(`/cases/${created.repeat}/referral?/reject`, {})).status).toBe(
			404
		);
		const register = pageText(await (await elsewhere.get('/cases')).text());
		expect(register).toContain('There are no cases yet.');
		expect(register).not.toContain('DEMO-');
		expect((await elsewhere.get('/cases/not-a-uuid/referral')).status).toBe(404);
	});

	it('stored the register row, the restricted document and the audit trail as designed', async () => {
		await server.withDatabase(async (db) => {
			const [row] = await db.select().from(cases).where(eq(cases.id, created.newcase!));
			expect(row).toMatchObject({
				reference: 'DEMO-0010',
				kind: 'domestic_abuse',
				status: 'referred',
				victimName: 'Morgan Newcase',
				victimNameKey: 'morgan newcase',
				victimAliases: ['Mo Newcase'],
				victimDob: '1993-06-15',
				dashScore: 16,
				professionalJudgement: true,
				childrenInHousehold: 2,
				interpreterLanguage: 'Polish',
				repeatOfCaseId: null
			});
			const serialised = JSON.stringify(row);
			for (const secret of Object.values(SECRET)) expect(serialised).not.toContain(secret);
			const stored = await loadDocument(db, `case:${row!.id}:restricted`);
			const doc = new Y.Doc();
			if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
			for (const u of stored.updates) Y.applyUpdate(doc, u);
			expect(restrictedDoc.contact(doc).toJSON()).toEqual({
				phone: SECRET['contact.safePhone'],
				safeTimes: SECRET['contact.safeTimes'],
				address: SECRET['contact.address'],
				safeWords: SECRET['contact.safeWords']
			});
			// Only this case's restricted document was written (referrals without contact details
			// write none; the demo seed's agency documents hold its actions), and no audit entry
			// holds the details.
			const names = new Set([
				...(await db.select({ name: docUpdates.docName }).from(docUpdates)).map((d) => d.name),
				...(await db.select({ name: docSnapshots.docName }).from(docSnapshots)).map((d) => d.name)
			]);
			expect([...names].filter((n) => !/^case:[0-9a-f-]{36}:agency:/.test(n))).toEqual([
				`case:${created.newcase}:restricted`
			]);
			expect([...names].filter((n) => n.includes(created.newcase!))).toEqual([
				`case:${created.newcase}:restricted`
			]);
			const audit = await db.select().from(auditEvents);
			expect(JSON.stringify(audit)).not.toContain(SECRET['contact.address']);
			expect(JSON.stringify(audit)).not.toContain(SECRET['contact.safePhone']);
			const referrals = audit.filter((a) => a.action === 'case.referral');
			expect(referrals.map((a) => a.target)).toContain(`case:${created.newcase}`);
			expect(
				audit.filter((a) => a.action === 'case.repeat_confirm' && a.outcome === 'success')
			).toHaveLength(1);
			expect(
				audit.filter((a) => a.action === 'case.repeat_reject' && a.outcome === 'success')
			).toHaveLength(1);
			expect(audit.some((a) => a.action === 'case.view_referral' && a.outcome === 'denied')).toBe(
				true
			);
			const [repeat] = await db.select().from(cases).where(eq(cases.id, created.repeat!));
			const [first] = await db.select().from(cases).where(eq(cases.reference, 'DEMO-0001'));
			expect(repeat!.repeatOfCaseId).toBe(first!.id);
			expect(repeat!.repeatConfirmed).toBe(true);
			const [rejected] = await db.select().from(cases).where(eq(cases.id, created.aliasOld!));
			expect(rejected!.repeatConfirmed).toBe(false);
		});
	}, 120_000);
});

describe.each(testDatabases())('repeat detection on $name', (backend) => {
	it('finds the same person within 12 months by name or alias and date of birth', async () => {
		const t = await backend.open();
		try {
			await seedDemo(t.db);
			await seedHistory(t.db);
			const [area] = await t.db.select().from(areas).where(eq(areas.name, 'Demo Area'));
			const now = new Date();
			const find = (name: string, dob: string | null, aliases: string[] = []) =>
				findRepeat(t.db, area!.id, { name, aliases, dob }, now);
			expect(await find('Alex Fictional', '1991-04-12')).not.toBeNull();
			expect(await find('Alex Fictional', '1991-04-13')).toBeNull();
			expect(await find('Alex Fictional', null)).toBeNull();
			expect(await find('Rene Boundary', '1980-05-05')).toBeNull();
			expect(await find('Someone Else', '1982-03-03', ['Dana Window'])).not.toBeNull();
			expect(await find('dany win', '1982-03-03')).not.toBeNull();
			// The 12-month edge: just inside is a repeat, just outside is new.
			const [dana] = await t.db.select().from(cases).where(eq(cases.reference, 'OLD-0002'));
			const edge = new Date(dana!.referredAt);
			edge.setUTCFullYear(edge.getUTCFullYear() + 1);
			const at = (d: Date) =>
				findRepeat(t.db, area!.id, { name: 'Dana Window', aliases: [], dob: '1982-03-03' }, d);
			expect(await at(edge)).not.toBeNull();
			expect(await at(new Date(edge.getTime() + DAY))).toBeNull();
			// Eli Notreal has two cases: the most recent is the one linked.
			const latest = await find('Eli Notreal', '1996-07-21');
			const [six] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0006'));
			expect(latest?.id).toBe(six!.id);
		} finally {
			await t.cleanup();
		}
	}, 120_000);
});

describe.each(testDatabases())('case references under concurrency on $name', (backend) => {
	it('gives simultaneous referrals distinct, consecutive references', async () => {
		const t = await backend.open();
		try {
			await seedDemo(t.db);
			const [area] = await t.db.select().from(areas).where(eq(areas.name, 'Demo Area'));
			const [user] = await t.db.select().from(users).where(eq(users.email, 'police@demo.example'));
			const principal = {
				userId: user!.id,
				isAdmin: false,
				memberships: await membershipsOf(t.db, user!.id)
			};
			const edits: string[] = [];
			const documents = {
				edit: async (name: string) => {
					edits.push(name);
				},
				read: async () => new Uint8Array()
			};
			const today = new Date().toISOString().slice(0, 10);
			const made = await Promise.all(
				Array.from({ length: 6 }, (_, i) => {
					const parsed = parseReferral(
						referralForm(area!.id, {
							'victim.name': `Concurrent Person ${i}`,
							'contact.safeTimes': i % 2 === 0 ? 'Mornings' : ''
						}),
						today
					);
					if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
					return createReferral(
						t.db,
						documents,
						{ principal, sessionId: 'test-session', ip: null },
						parsed.data,
						new Date()
					);
				})
			);
			expect(made.map((m) => m.reference).sort()).toEqual([
				'DEMO-0010',
				'DEMO-0011',
				'DEMO-0012',
				'DEMO-0013',
				'DEMO-0014',
				'DEMO-0015'
			]);
			// Only referrals with safe-contact details write a restricted document.
			expect(edits).toHaveLength(3);
			expect(edits.every((n) => /^case:[0-9a-f-]{36}:restricted$/.test(n))).toBe(true);
			// An observer's membership cannot refer.
			const [observer] = await t.db
				.select()
				.from(users)
				.where(eq(users.email, 'observer@demo.example'));
			const parsed = parseReferral(referralForm(area!.id), today);
			if (!parsed.ok) throw new Error('valid form refused');
			await expect(
				createReferral(
					t.db,
					documents,
					{
						principal: {
							userId: observer!.id,
							isAdmin: false,
							memberships: await membershipsOf(t.db, observer!.id)
						},
						sessionId: 'test-session',
						ip: null
					},
					parsed.data,
					new Date()
				)
			).rejects.toThrow(/cannot refer/);
		} finally {
			await t.cleanup();
		}
	}, 120_000);
});
