/**
 * The action pages and the case access page through the production server: each refuses whoever
 * may not use it (403 to participants without the role, 404 to outsiders), and the status form
 * action changes the action for whoever may.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import { agencies, cases } from '../../src/lib/server/db/schema/index.ts';
import { testDatabases } from '../helpers/db.ts';
import { createMember, TEST_PASSWORD } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const POLICE_ACTION = 'Flag the address for an urgent response to any call';

describe.each(testDatabases())('action and access routes on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const caseIds: Record<string, string> = {};
	const agencyIds: Record<string, string> = {};
	const clients = new Map<string, Client>();

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				for (const c of await db.select().from(cases)) caseIds[c.reference] = c.id;
				for (const a of await db.select().from(agencies)) agencyIds[a.sector] = a.id;
				await createMember(db, {
					email: 'outsider@test.example',
					role: 'coordinator',
					sector: 'other'
				});
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	async function as(email: string): Promise<Client> {
		let client = clients.get(email);
		if (!client) {
			client = new Client(server);
			const password = email.endsWith('@demo.example') ? DEMO_PASSWORD : TEST_PASSWORD;
			expect((await client.signIn(email, password)).status).toBe(303);
			clients.set(email, client);
		}
		return client;
	}
	const demo = (name: string) => as(`${name}@demo.example`);
	const text = async (response: Response) => pageText(await response.text());
	const status = (ref: string, sector: string, actionId: string, to: string, note = '') => ({
		caseId: caseIds[ref]!,
		agencyId: agencyIds[sector]!,
		actionId,
		status: to,
		note
	});

	it('opens the action tracker to the coordinator and chair only', async () => {
		const page = await (await demo('coordinator')).get('/actions');
		expect(page.status).toBe(200);
		expect(await text(page)).toContain(POLICE_ACTION);
		expect((await (await demo('chair')).get('/actions')).status).toBe(200);
		for (const name of ['police', 'observer', 'idva']) {
			expect((await (await demo(name)).get('/actions')).status, name).toBe(403);
		}
		expect((await (await demo('admin')).get('/actions')).status).toBe(403);
	});

	it('lists only the viewer’s own agency’s actions on My agency', async () => {
		expect(await text(await (await demo('police')).get('/my-agency'))).toContain(POLICE_ACTION);
		const health = await text(await (await demo('health')).get('/my-agency'));
		expect(health).toContain('Demo General Hospital');
		expect(health).not.toContain(POLICE_ACTION);
	});

	it('refuses a status update from another agency, accepts the agency’s own', async () => {
		const change = status('DEMO-0004', 'police', 'demo-action-1', 'in_progress', 'On it');
		const refused = await (await demo('health')).postForm('/my-agency?/status', change);
		expect(refused.status).toBe(403);
		const tracker = await text(
			await (await demo('coordinator')).get('/actions?status=in_progress')
		);
		expect(tracker).not.toContain(POLICE_ACTION);

		const police = await demo('police');
		const noNote = await police.postForm(
			'/my-agency?/status',
			status('DEMO-0004', 'police', 'demo-action-1', 'not_done')
		);
		expect(noNote.status).toBe(400);
		expect(await text(noNote)).toContain('Say why the agency did not do the action.');

		expect((await police.postForm('/my-agency?/status', change)).status).toBe(200);
		const after = await text(await (await demo('coordinator')).get('/actions?status=in_progress'));
		expect(after).toContain(POLICE_ACTION);
		expect(after).toContain('On it');
	});

	it('answers 404 to outsiders and 403 to participants on the access page', async () => {
		const path = `/cases/${caseIds['DEMO-0002']}/access`;
		const page = await (await demo('coordinator')).get(path);
		expect(page.status).toBe(200);
		expect(await text(page)).toContain('Who may see DEMO-0002');
		for (const name of ['chair', 'police', 'observer', 'idva']) {
			expect((await (await demo(name)).get(path)).status, name).toBe(403);
		}
		expect((await (await demo('admin')).get(path)).status).toBe(404);
		expect((await (await as('outsider@test.example')).get(path)).status).toBe(404);
		expect((await (await demo('coordinator')).get('/cases/not-a-case/access')).status).toBe(404);
		const exclude = { kind: 'agency', agencyId: agencyIds.housing!, agencyReason: 'Test' };
		expect((await (await demo('chair')).postForm(`${path}?/exclude`, exclude)).status).toBe(403);
		expect(
			(await (await as('outsider@test.example')).postForm(`${path}?/exclude`, exclude)).status
		).toBe(404);
		expect(await text(await (await demo('coordinator')).get(path))).toContain(
			'Nobody is excluded from this case.'
		);
	});

	it('takes an excluded agency’s actions out of its reach at once', async () => {
		const path = `/cases/${caseIds['DEMO-0009']}/access`;
		const added = await (
			await demo('coordinator')
		).postForm(`${path}?/exclude`, {
			kind: 'agency',
			agencyId: agencyIds.third_sector!,
			agencyReason: 'A volunteer there is related to the suspect'
		});
		expect(added.status).toBe(200);
		const support = await demo('third-sector');
		expect(await text(await support.get('/my-agency'))).not.toContain('DEMO-0009');
		const refused = await support.postForm(
			'/my-agency?/status',
			status('DEMO-0009', 'third_sector', 'demo-action-7', 'done')
		);
		expect(refused.status).toBe(404);
	});
});
