/**
 * /account over HTTP: a person sees where else they are signed in, ends one of those sessions or
 * all of them, and an ended session's cookie is refused from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

/** The session ids the /account page offers to end (the current one has no form). */
function endableSessionIds(html: string): string[] {
	return [...html.matchAll(/name="sessionId" value="([a-z2-7]{16})"/g)].map((m) => m[1]!);
}

const sessionId = (client: Client) => client.cookies.get('session')!.split('.')[0]!;

describe.each(testDatabases())('ending sessions from /account on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const email = 'sam.sessions@test.example';
	const otherEmail = 'someone.else@test.example';

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await createMember(db, { email });
				await createMember(db, { email: otherEmail });
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	/** Signs in from a device that names itself in the User-Agent header. */
	async function device(name: string, who = email): Promise<Client> {
		const client = new Client(server);
		const response = await client.postForm(
			'/login',
			{ email: who, password: TEST_PASSWORD },
			{ headers: { 'user-agent': name } }
		);
		expect(response.status).toBe(303);
		expect((await client.getJson('/api/cases')).status).toBe(200);
		return client;
	}

	async function isSignedOut(client: Client): Promise<boolean> {
		const api = await client.getJson('/api/cases');
		const home = await client.get('/');
		return api.status === 401 && home.status === 303 && home.headers.get('location') === '/login';
	}

	it('lists the other sessions, ends one, then all the others', async () => {
		const desk = await device('Desk browser');
		const phone = await device('Phone browser');
		const tablet = await device('Tablet browser');
		const laptop = await device('Laptop browser');
		const stranger = await device('Stranger browser', otherEmail);

		const page = await desk.get('/account');
		expect(page.status).toBe(200);
		const html = await page.text();
		const text = pageText(html);
		for (const name of ['Phone browser', 'Tablet browser', 'Laptop browser']) {
			expect(text).toContain(name);
		}
		expect(text).toContain('This session');
		expect(text).not.toContain('Stranger browser');
		expect(endableSessionIds(html).sort()).toEqual(
			[sessionId(phone), sessionId(tablet), sessionId(laptop)].sort()
		);

		// The current session is ended by signing out, not from this list.
		const own = await desk.postForm('/account?/endSession', { sessionId: sessionId(desk) });
		expect(own.status).toBe(400);
		expect(pageText(await own.text())).toContain('Use "Sign out" to end this session.');
		// Someone else's session cannot be ended from here, even by its id.
		const foreign = await desk.postForm('/account?/endSession', { sessionId: sessionId(stranger) });
		expect(pageText(await foreign.text())).toContain('0 sessions ended.');
		expect(await isSignedOut(stranger)).toBe(false);

		const ended = await desk.postForm('/account?/endSession', { sessionId: sessionId(phone) });
		expect(ended.status).toBe(200);
		expect(pageText(await ended.text())).toContain('1 session ended.');
		expect(await isSignedOut(phone)).toBe(true);
		expect(await isSignedOut(tablet)).toBe(false);
		expect(endableSessionIds(await (await desk.get('/account')).text()).sort()).toEqual(
			[sessionId(tablet), sessionId(laptop)].sort()
		);

		const all = await desk.postForm('/account?/endOthers', {});
		expect(all.status).toBe(200);
		expect(pageText(await all.text())).toContain('2 sessions ended.');
		expect(await isSignedOut(tablet)).toBe(true);
		expect(await isSignedOut(laptop)).toBe(true);

		// The one that ended them stays signed in, now alone; the other person is untouched.
		expect(await isSignedOut(desk)).toBe(false);
		expect(endableSessionIds(await (await desk.get('/account')).text())).toEqual([]);
		expect(await isSignedOut(stranger)).toBe(false);
	});

	it('refuses the ended cookie even when it is replayed by hand', async () => {
		const keep = await device('Kept browser');
		const lost = await device('Lost browser');
		const cookie = `session=${lost.cookies.get('session')}`;
		expect(
			(await keep.postForm('/account?/endSession', { sessionId: sessionId(lost) })).status
		).toBe(200);
		const replay = await new Client(server).getJson('/api/cases', { cookie });
		expect(replay.status).toBe(401);
		const page = await new Client(server).get('/account', { cookie });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe('/login');
	});
});
