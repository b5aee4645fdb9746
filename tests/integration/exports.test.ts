/**
 * The action plan export through the production server: refused to everyone but the area's
 * coordinator and chair, refused without a recent step-up, limited to ten an hour, registered
 * and audited with the SHA-256 of the bytes served, and holding only what the recipient agency
 * may read.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	agendaItems,
	auditEvents,
	caseExclusions,
	cases,
	exportsRegister,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { testDatabases } from '../helpers/db.ts';
import { createMember, TEST_PASSWORD } from '../helpers/fixtures.ts';
import {
	Client,
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const HOUSING_ACTION = 'Fit a door alarm and window locks';
const TRAFFICKING_ACTION = 'Arrange a female Albanian interpreter';

describe.each(testDatabases())('action plan export on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	let meetingId = '';
	const agencyIds: Record<string, string> = {};
	/** What the coordinator downloaded: checked against the register at the end. */
	const served: { id: string; sha256: string; filename: string; bytes: number }[] = [];

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				const [meeting] = await db.select().from(meetings);
				meetingId = meeting!.id;
				for (const a of await db.select().from(agencies)) agencyIds[a.sector] = a.id;
				const byRef = new Map((await db.select().from(cases)).map((c) => [c.reference, c.id]));
				// The demo's actions belong to cases heard before: list them on this meeting.
				await db.insert(agendaItems).values([
					{ meetingId, caseId: byRef.get('DEMO-0004')!, position: 20 },
					{ meetingId, caseId: byRef.get('DEMO-0009')!, position: 21 }
				]);
				const [coordinator] = await db
					.select()
					.from(users)
					.where(eq(users.email, 'coordinator@demo.example'));
				await db.insert(caseExclusions).values({
					caseId: byRef.get('DEMO-0004')!,
					agencyId: agencyIds.housing!,
					reason: 'The perpetrator works there',
					createdBy: coordinator!.id
				});
				await createMember(db, { email: 'outsider@test.example', role: 'coordinator' });
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const as = (email: string) => signedInClient(server, email);
	const page = () => `/meetings/${meetingId}/action-plan`;
	const exportPath = () => `/meetings/${meetingId}/action-plan/export`;
	async function stepUp(client: Client, password = DEMO_PASSWORD) {
		const response = await client.postForm('/reauth', { password, next: page() });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(page());
	}
	const exportFor = (client: Client, sector: string, reason = 'Action plan for the agency lead') =>
		client.postForm(exportPath(), { agencyId: agencyIds[sector]!, reason });

	it('sends the coordinator to re-authenticate first, keeping the reason out of the URL', async () => {
		const coordinator = await as('coordinator@demo.example');
		const opened = await coordinator.get(page());
		expect(opened.status).toBe(303);
		expect(opened.headers.get('location')).toBe(`/reauth?next=${encodeURIComponent(page())}`);
		const posted = await exportFor(coordinator, 'police', 'secret words');
		expect(posted.status).toBe(303);
		const location = posted.headers.get('location')!;
		expect(location.startsWith('/reauth?next=')).toBe(true);
		expect(decodeURIComponent(location)).toContain(`?agency=${agencyIds.police}`);
		expect(location).not.toContain('secret');
		const reauth = await coordinator.get(location);
		expect(reauth.status).toBe(200);
		const wrong = await coordinator.postForm('/reauth', {
			password: 'not the password',
			next: page()
		});
		expect(wrong.status).toBe(400);
		expect((await coordinator.get(page())).status).toBe(303);
	});

	it('refuses agency representatives, observers, administrators and other areas, stepped up or not', async () => {
		for (const email of ['police@demo.example', 'observer@demo.example']) {
			const client = await as(email);
			expect((await client.get(page())).status, email).toBe(403);
			await client.postForm('/reauth', { password: DEMO_PASSWORD, next: '/' });
			expect((await client.get(page())).status, email).toBe(403);
			expect((await exportFor(client, 'police')).status, email).toBe(403);
		}
		for (const email of ['admin@demo.example', 'outsider@test.example']) {
			const client = await as(email);
			const password = email.endsWith('@demo.example') ? DEMO_PASSWORD : TEST_PASSWORD;
			await client.postForm('/reauth', { password, next: '/' });
			expect((await client.get(page())).status, email).toBe(404);
			expect((await exportFor(client, 'police')).status, email).toBe(404);
		}
	});

	it('serves the CSV to a stepped-up coordinator, as a download that is never cached', async () => {
		const coordinator = await as('coordinator@demo.example');
		await stepUp(coordinator);
		const opened = await coordinator.get(page());
		expect(opened.status).toBe(200);
		const response = await exportFor(coordinator, 'police');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		const disposition = response.headers.get('content-disposition')!;
		expect(disposition).toMatch(
			/^attachment; filename="action-plan-\d{4}-\d{2}-\d{2}-[A-Za-z0-9._-]+\.csv"$/
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		const text = new TextDecoder().decode(bytes);
		const lines = text.replace(/^\ufeff/, '').split('\r\n');
		expect(lines[0]).toContain('OFFICIAL-SENSITIVE');
		const exportId = /Export ([0-9a-f-]{36})/.exec(lines[0]!)![1]!;
		expect(lines[2]).toBe('Case reference,Owner agency,Action,Due date,Status,Status note');
		expect(text).toContain(HOUSING_ACTION);
		expect(text).toContain(TRAFFICKING_ACTION);
		expect(text).toMatch(/\r\nDEMO-0004,[^,]+,"Flag the address[^"]*",\d{4}-\d{2}-\d{2},Open,\r\n/);
		served.push({
			id: exportId,
			sha256: createHash('sha256').update(bytes).digest('hex'),
			filename: /filename="([^"]+)"/.exec(disposition)![1]!,
			bytes: bytes.byteLength
		});
	});

	it('gives an excluded agency nothing of the case it is kept out of', async () => {
		const coordinator = await as('coordinator@demo.example');
		await stepUp(coordinator);
		const response = await exportFor(coordinator, 'housing');
		expect(response.status).toBe(200);
		const text = await response.text();
		expect(text).not.toContain('DEMO-0004');
		expect(text).not.toContain(HOUSING_ACTION);
		expect(text).toContain('DEMO-0009');
		expect(text).toContain(TRAFFICKING_ACTION);
	});

	it('refuses a cross-site form post', async () => {
		const coordinator = await as('coordinator@demo.example');
		await stepUp(coordinator);
		const response = await coordinator.request(exportPath(), {
			method: 'POST',
			origin: 'https://evil.example',
			body: new URLSearchParams({ agencyId: agencyIds.police!, reason: 'x' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(response.status).toBe(403);
	});

	it('refuses the eleventh export in an hour with a clear message', async () => {
		const coordinator = await as('coordinator@demo.example');
		await stepUp(coordinator);
		// Two exports so far (police, housing).
		for (let i = 3; i <= 10; i++) {
			expect((await exportFor(coordinator, 'health')).status, `export ${i}`).toBe(200);
		}
		const eleventh = await exportFor(coordinator, 'health');
		expect(eleventh.status).toBe(429);
		expect(await eleventh.text()).toMatch(
			/10 exports in the last hour.*export again after \d\d:\d\d/
		);
		const opened = await coordinator.get(page());
		expect(opened.status).toBe(200);
		expect(await opened.text()).toContain('the most allowed');
	});

	it('registered and audited each export, with the SHA-256 of the bytes served', async () => {
		await server.withDatabase(async (db) => {
			const [coordinator] = await db
				.select()
				.from(users)
				.where(eq(users.email, 'coordinator@demo.example'));
			const rows = await db.select().from(exportsRegister);
			expect(rows).toHaveLength(10);
			const first = rows.find((r) => r.id === served[0]!.id)!;
			expect(first).toMatchObject({
				userId: coordinator!.id,
				recipientAgencyId: agencyIds.police,
				kind: 'action_plan_csv',
				meetingId,
				reason: 'Action plan for the agency lead',
				filename: served[0]!.filename,
				bytes: served[0]!.bytes,
				sha256: served[0]!.sha256
			});
			const audits = await db
				.select()
				.from(auditEvents)
				.where(and(eq(auditEvents.action, 'export'), eq(auditEvents.userId, coordinator!.id)));
			const successes = audits.filter((a) => a.outcome === 'success');
			expect(successes).toHaveLength(10);
			expect(
				successes.find((a) => (a.details as { exportId: string }).exportId === first.id)?.details
			).toMatchObject({
				recipientAgencyId: agencyIds.police,
				sha256: served[0]!.sha256
			});
			const denied = audits
				.filter((a) => a.outcome === 'denied')
				.map((a) => (a.details as { reason: string }).reason);
			expect(denied).toContain('step_up');
			expect(denied).toContain('rate_limit');
			const refusedRole = await db
				.select()
				.from(auditEvents)
				.where(and(eq(auditEvents.action, 'export'), eq(auditEvents.outcome, 'denied')));
			expect(refusedRole.some((a) => (a.details as { reason: string }).reason === 'role')).toBe(
				true
			);
			const stepUps = await db
				.select()
				.from(auditEvents)
				.where(eq(auditEvents.action, 'auth.step_up'));
			expect(stepUps.some((a) => a.outcome === 'failure')).toBe(true);
			expect(stepUps.some((a) => a.outcome === 'success')).toBe(true);
		});
	});

	it('shows coordinators the area’s exports and others only their own', async () => {
		const coordinator = await as('coordinator@demo.example');
		const register = await (await coordinator.get('/exports')).text();
		expect(register).toContain('Action plan for the agency lead');
		expect(register).toContain(served[0]!.sha256.slice(0, 12));
		const chair = await (await (await as('chair@demo.example')).get('/exports')).text();
		expect(chair).toContain('No exports yet.');
		expect((await (await as('admin@demo.example')).get('/exports')).status).toBe(403);
	});
});
