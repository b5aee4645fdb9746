/**
 * Failures never show internals: a route whose query fails answers with a generic message and a
 * reference, no SQL, stack or database names; the server's log has the reference but no secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createInvite } from '../../src/lib/server/auth/flows.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember, createUser } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const GENERIC = 'Something went wrong. The error has been logged.';
/** What an internal error could give away: SQL, the table, the driver, a stack frame. */
const INTERNALS = [
	/select/i,
	/gone_away|"meetings"|from meetings/i,
	/relation/i,
	/does not exist/i,
	/Failed query/i,
	/params/i,
	/postgres/i,
	/pglite/i,
	/drizzle/i,
	/\bat .*\.js:\d+/,
	/node_modules/,
	/src\/lib\/server/
];

describe.each(testDatabases())('errors and logs on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const email = 'errors@test.example';
	let userId = '';
	let inviteToken = '';
	const invitedPassword = 'tigrinya-interpreter-booked-7';

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			// Everything the server can log, so the checks on the log below see all of it.
			env: { LOG_LEVEL: 'trace' },
			seed: async (db) => {
				userId = (await createMember(db, { email, role: 'coordinator' })).user.id;
				const invited = await createUser(db, { email: 'invited@test.example', password: null });
				inviteToken = await createInvite(db, invited.id, new Date());
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	/** The server's output once it has all of `parts`: its log lines reach us through a pipe. */
	async function logContaining(parts: string[]): Promise<string> {
		for (let i = 0; i < 400; i++) {
			const log = server.output();
			if (parts.every((part) => log.includes(part))) return log;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		return server.output();
	}

	it('answers a failing route with a generic message and a reference only', async () => {
		const client = await signedInClient(server, email);
		expect((await client.getJson('/api/cases')).status).toBe(200);
		// A table the route reads disappears (a botched migration, say): its query now fails.
		await server.withDatabase((db) => db.execute(sql`alter table meetings rename to gone_away`));

		const jsonResponse = await client.getJson('/api/cases');
		expect(jsonResponse.status).toBe(500);
		const body = await jsonResponse.text();
		const parsed = JSON.parse(body) as { message: string; id: string };
		expect(parsed).toEqual({ message: GENERIC, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		for (const pattern of INTERNALS) expect(body).not.toMatch(pattern);

		const page = await client.get('/meetings');
		expect(page.status).toBe(500);
		const html = await page.text();
		const text = pageText(html);
		expect(text).toContain(GENERIC);
		const reference = /Reference for your administrator: ([0-9a-f-]{36})/.exec(text)?.[1];
		expect(reference, text).toBeDefined();
		for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);

		// The log has the details for whoever investigates, under the same reference…
		const log = await logContaining([parsed.id, reference!]);
		const entries = log
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		const logged = entries.filter((e) => e.msg === 'unhandled error');
		expect(logged.map((e) => e.errorId)).toEqual(expect.arrayContaining([parsed.id, reference]));
		// …but not the query's parameters, which can be case data.
		for (const entry of logged) {
			const line = JSON.stringify(entry);
			expect(line).toMatch(/gone_away|meetings/);
			expect(line).not.toMatch(/params:/);
			expect(line).not.toContain(userId);
		}
		await server.withDatabase((db) => db.execute(sql`alter table gone_away rename to meetings`));
	});

	it('never logs passwords, session tokens or invitation tokens', async () => {
		const client = new Client(server);
		expect((await client.signIn(email, 'a wrong password, typed in full')).status).toBe(400);
		const signedIn = await signedInClient(server, email);
		const session = signedIn.cookies.get('session')!;
		expect((await signedIn.get('/account')).status).toBe(200);
		const invite = await new Client(server).postForm(`/invite/${inviteToken}`, {
			password: invitedPassword,
			confirm: invitedPassword
		});
		expect(invite.status).toBe(303);
		expect((await new Client(server).signIn('invited@test.example', invitedPassword)).status).toBe(
			303
		);
		const logout = await signedIn.postForm('/logout', {});
		expect(logout.status).toBe(303);

		// Every request so far is logged (one line each) before the log is searched.
		const log = await logContaining([`"route":"/logout"`]);
		expect(log).toMatch(/"msg":"request"/);
		for (const secret of [
			TEST_PASSWORD,
			'a wrong password, typed in full',
			invitedPassword,
			session,
			session.split('.')[1]!,
			inviteToken.split('.')[1]!
		]) {
			expect(log).not.toContain(secret);
		}
	});
});
