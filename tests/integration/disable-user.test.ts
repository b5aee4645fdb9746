/** Disabling a person ends their sessions at once: the cookie they hold stops working. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { disableUser } from '../../src/lib/server/admin/index.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { sessions, users } from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember, createUser } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const policy = { idleMs: 15 * 60_000, absoluteMs: 10 * 3_600_000 };

async function sessionCount(db: Database, userId: string): Promise<number> {
	const [row] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
	return row?.n ?? 0;
}

describe.each(testDatabases())('disabling a user on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const ids: Record<string, string> = {};
	const emails = {
		admin: 'admin@test.example',
		viaAdmin: 'disabled-by-admin@test.example',
		rowLeft: 'row-left@test.example',
		inProcess: 'in-process@test.example',
		bystander: 'bystander@test.example'
	};

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				ids.admin = (await createUser(db, { email: emails.admin, isAdmin: true })).id;
				for (const key of ['viaAdmin', 'rowLeft', 'inProcess', 'bystander'] as const) {
					ids[key] = (await createMember(db, { email: emails[key] })).user.id;
				}
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	async function signedIn(email: string): Promise<Client> {
		const client = new Client(server);
		const response = await client.signIn(email, TEST_PASSWORD);
		expect(response.status).toBe(303);
		expect((await client.getJson('/api/cases')).status).toBe(200);
		return client;
	}

	it('ends their sessions, whether through the admin module or with the row left behind', async () => {
		const viaAdmin = await signedIn(emails.viaAdmin);
		const viaAdminOnPhone = await signedIn(emails.viaAdmin);
		const rowLeft = await signedIn(emails.rowLeft);
		const inProcess = await signedIn(emails.inProcess);
		const bystander = await signedIn(emails.bystander);
		const inProcessToken = inProcess.cookies.get('session')!;

		await server.withDatabase(async (db) => {
			// The administrator's action: disabled and every session ended.
			const ended = await disableUser({ db, actor: { userId: ids.admin! } }, ids.viaAdmin!);
			expect(ended).toHaveLength(2);
			expect(await sessionCount(db, ids.viaAdmin!)).toBe(0);

			// Disabled without touching the sessions table: the row stays for now…
			const now = new Date();
			await db.update(users).set({ disabledAt: now }).where(eq(users.id, ids.rowLeft!));
			expect(await sessionCount(db, ids.rowLeft!)).toBe(1);

			// …and validation refuses it anyway (checked here in-process, over HTTP below).
			expect(await validateSessionToken(db, inProcessToken, policy, now)).not.toBeNull();
			await db.update(users).set({ disabledAt: now }).where(eq(users.id, ids.inProcess!));
			expect(await sessionCount(db, ids.inProcess!)).toBe(1);
			expect(await validateSessionToken(db, inProcessToken, policy, now)).toBeNull();
			expect(await sessionCount(db, ids.inProcess!)).toBe(0);
		});

		for (const client of [viaAdmin, viaAdminOnPhone, rowLeft, inProcess]) {
			expect((await client.getJson('/api/cases')).status).toBe(401);
			const home = await client.get('/');
			expect(home.status).toBe(303);
			expect(home.headers.get('location')).toBe('/login');
		}
		// Someone else's session is untouched.
		expect((await bystander.getJson('/api/cases')).status).toBe(200);
	}, 120_000);

	it('stops a disabled person signing in again, with the generic message', async () => {
		const response = await new Client(server).signIn(emails.viaAdmin, TEST_PASSWORD);
		expect(response.status).toBe(400);
		expect(pageText(await response.text())).toContain(
			'The e-mail address or password is not right, or the account cannot sign in.'
		);
		expect(response.headers.getSetCookie().filter((c) => c.startsWith('session='))).toEqual([]);
	});
});
