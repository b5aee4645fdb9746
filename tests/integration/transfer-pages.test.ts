/**
 * The transfer pages through the production server: only the sending coordinator reaches a
 * case's transfer page, only coordinators the transfers page; the whole journey works with
 * plain form posts (no JavaScript).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import { cases } from '../../src/lib/server/db/schema/index.ts';
import { addMembership, createAgency, createArea, createUser } from '../helpers/fixtures.ts';
import { testDatabases } from '../helpers/db.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';
import { TEST_PASSWORD } from '../helpers/fixtures.ts';

describe.each(testDatabases())('transfer pages on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	let caseId = '';
	let otherCaseId = '';
	let areaB = '';

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				const rows = await db.select().from(cases);
				caseId = rows.find((c) => c.reference === 'DEMO-0009')!.id;
				otherCaseId = rows.find((c) => c.reference === 'DEMO-0002')!.id;
				const b = await createArea(db, 'Northshire');
				areaB = b.id;
				const team = await createAgency(db, b.id, 'other', 'Northshire MARAC team');
				const coord = await createUser(db, { email: 'coord@north.example', name: 'Nia North' });
				await addMembership(db, {
					userId: coord.id,
					areaId: b.id,
					agencyId: team.id,
					role: 'coordinator'
				});
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	async function as(email: string, password = DEMO_PASSWORD) {
		const client = new Client(server);
		expect((await client.signIn(email, password)).status).toBe(303);
		return client;
	}

	it('refuses everyone but the sending coordinator on a case’s transfer page', async () => {
		for (const email of ['police@demo.example', 'chair@demo.example', 'observer@demo.example']) {
			const client = await as(email);
			expect((await client.get(`/cases/${caseId}/transfer`)).status, email).toBe(404);
			const post = await client.postForm(`/cases/${caseId}/transfer?/request`, {
				toAreaId: areaB,
				reason: 'x'
			});
			expect(post.status, email).toBe(404);
			expect((await client.get('/transfers')).status, email).toBe(403);
		}
		const north = await as('coord@north.example', TEST_PASSWORD);
		expect((await north.get(`/cases/${caseId}/transfer`)).status).toBe(404);
		expect((await north.get('/cases/not-a-uuid/transfer')).status).toBe(404);
	});

	it('runs request → summary → accept with form posts, and the old area loses the case', async () => {
		const coordinator = await as('coordinator@demo.example');
		const page = await coordinator.get(`/cases/${caseId}/transfer`);
		expect(page.status).toBe(200);
		expect(pageText(await page.text())).toContain('Northshire');
		// Validation keeps what was typed.
		const bad = await coordinator.postForm(`/cases/${caseId}/transfer?/request`, {
			toAreaId: '',
			reason: 'Dispersed by the Home Office'
		});
		expect(bad.status).toBe(400);
		const badText = pageText(await bad.text());
		expect(badText).toContain('Choose the area the person is moving to.');
		expect(badText).toContain('Dispersed by the Home Office');
		const ok = await coordinator.postForm(`/cases/${caseId}/transfer?/request`, {
			toAreaId: areaB,
			reason: 'Dispersed by the Home Office'
		});
		expect(ok.status).toBe(303);

		const north = await as('coord@north.example', TEST_PASSWORD);
		const inbox = await north.get('/transfers');
		expect(inbox.status).toBe(200);
		const inboxText = pageText(await inbox.text());
		expect(inboxText).toContain('Human trafficking case from Demo Area');
		expect(inboxText).toContain('Dispersed by the Home Office');
		expect(inboxText).not.toContain('DEMO-0009'); // no reference or name before accepting
		expect((await north.getJson(`/api/cases/${caseId}/documents`)).status).toBe(404);
		const transferId = /name="transferId" value="([0-9a-f-]{36})"/.exec(
			await (await north.get('/transfers')).text()
		)![1]!;

		// The sending coordinator cannot accept their own request.
		expect((await coordinator.get('/transfers')).status).toBe(200);
		const selfAccept = await coordinator.postForm('/transfers?/accept', { transferId });
		expect(selfAccept.status).toBe(404);

		const accept = await north.postForm('/transfers?/accept', { transferId });
		expect(accept.status).toBe(303);
		expect(accept.headers.get('location')).toBe(`/transfers?accepted=${caseId}`);
		expect((await north.getJson(`/api/cases/${caseId}/documents`)).status).toBe(200);
		expect((await coordinator.getJson(`/api/cases/${caseId}/documents`)).status).toBe(404);
		const list = await (await coordinator.getJson('/api/cases')).json();
		expect(list.map((c: { id: string }) => c.id)).not.toContain(caseId);
		expect(list.map((c: { id: string }) => c.id)).toContain(otherCaseId);
	});
});
