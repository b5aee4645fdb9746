/**
 * Sign-in throttling through the real production server: the per-address limit counts failures
 * across accounts, and the 30-minute lock at the tenth failure of one account survives a crash.
 *
 * The back-off delays grow to a minute and more before either limit bites (ACCOUNT_RULE, IP_RULE),
 * so waiting them out over HTTP would take minutes. Instead the seed writes the earlier failures
 * the way the server records them (recordFailure), dated ten minutes ago so their delays have
 * passed, and the test makes the decisive failure over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	ACCOUNT_RULE,
	IP_RULE,
	accountKey,
	blockAfterFailures,
	ipKey,
	recordFailure
} from '../../src/lib/server/auth/throttle.ts';
import { loginThrottle } from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const GENERIC = 'The e-mail address or password is not right, or the account cannot sign in.';
/** The server trusts X-Forwarded-For here (ADDRESS_HEADER), so each test picks its address. */
const ADDRESS = {
	attacker: '203.0.113.10',
	colleague: '203.0.113.20',
	spray: '203.0.113.30',
	guesser: '198.51.100.7',
	other: '198.51.100.8',
	afterRestart: '198.51.100.9'
};

function signInFrom(client: Client, address: string, email: string, password: string) {
	return client.postForm(
		'/login',
		{ email, password },
		{ headers: { 'x-forwarded-for': address } }
	);
}

const sessionCookies = (response: Response) =>
	response.headers.getSetCookie().filter((c) => c.startsWith('session='));

async function throttleRow(db: Database, key: string) {
	const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
	return row;
}

describe.each(testDatabases())('sign-in throttling on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const accounts = Array.from({ length: 4 }, (_, i) => `member-${i}@test.example`);
	const locked = 'locked@test.example';
	const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
	/** Failures the attacker's address made earlier: the next one brings the longest delay, a minute. */
	const EARLIER_ADDRESS_FAILURES = 30;

	beforeAll(async () => {
		// The seeded counts are only meaningful if their delays have passed but the window has not.
		expect(blockAfterFailures(EARLIER_ADDRESS_FAILURES, IP_RULE)).toBeLessThan(10 * 60_000);
		expect(blockAfterFailures(EARLIER_ADDRESS_FAILURES + 1, IP_RULE)).toBe(IP_RULE.maxDelayMs);
		expect(IP_RULE.resetAfterMs).toBeGreaterThan(10 * 60_000);
		expect(blockAfterFailures(ACCOUNT_RULE.lockAfter! - 1, ACCOUNT_RULE)).toBeLessThan(10 * 60_000);
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			env: { ADDRESS_HEADER: 'x-forwarded-for' },
			seed: async (db) => {
				for (const email of [...accounts, locked]) await createMember(db, { email });
				for (let i = 0; i < EARLIER_ADDRESS_FAILURES; i++) {
					await recordFailure(db, ipKey(ADDRESS.attacker), IP_RULE, tenMinutesAgo);
				}
				for (let i = 0; i < ACCOUNT_RULE.lockAfter! - 1; i++) {
					await recordFailure(db, accountKey(locked), ACCOUNT_RULE, tenMinutesAgo);
				}
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('counts one address failing across many accounts, none of which is locked itself', async () => {
		const client = new Client(server);
		// More failures than the address is allowed free, each on a different account (some
		// unknown), so no account reaches a delay of its own: only the address can be counted.
		for (let i = 0; i <= IP_RULE.freeFailures; i++) {
			const email = i < accounts.length ? accounts[i]! : `nobody-${i}@test.example`;
			const response = await signInFrom(client, ADDRESS.spray, email, `wrong guess ${i}`);
			expect(response.status, `attempt ${i}`).toBe(400);
			expect(pageText(await response.text())).toContain(GENERIC);
		}
		// The right password still works for each of these accounts from another address.
		for (const email of accounts) {
			const response = await signInFrom(
				new Client(server),
				ADDRESS.colleague,
				email,
				TEST_PASSWORD
			);
			expect(response.status, email).toBe(303);
		}
	});

	it('blocks an address that keeps failing, even for the right password, but not other addresses', async () => {
		const client = new Client(server);
		const first = await signInFrom(client, ADDRESS.attacker, accounts[0]!, 'one guess too many');
		expect(first.status).toBe(400);
		expect(pageText(await first.text())).toContain(GENERIC);

		// Every further attempt from that address is refused, whichever account it names, before
		// any password is checked: a right one, a wrong one, an unknown account.
		for (const [email, password] of [
			[accounts[1]!, TEST_PASSWORD],
			[accounts[2]!, 'another guess'],
			['nobody@test.example', TEST_PASSWORD]
		] as const) {
			const response = await signInFrom(client, ADDRESS.attacker, email, password);
			expect(response.status, email).toBe(429);
			expect(pageText(await response.text())).toContain('Too many attempts');
			expect(sessionCookies(response)).toEqual([]);
		}

		// Another address (a colleague in another building) signs in to the same accounts.
		for (const email of [accounts[0]!, accounts[1]!]) {
			const colleague = new Client(server);
			const response = await signInFrom(colleague, ADDRESS.colleague, email, TEST_PASSWORD);
			expect(response.status, email).toBe(303);
			expect(sessionCookies(response)).toHaveLength(1);
		}
	});

	it('locks an account for 30 minutes at the tenth failure, and the lock survives a crash', async () => {
		const guess = await signInFrom(
			new Client(server),
			ADDRESS.guesser,
			locked,
			'tenth wrong guess'
		);
		expect(guess.status, 'the seeded delays have passed').toBe(400);

		// From any address, the right password is now refused with the lock's length, not a delay.
		const refused = await signInFrom(new Client(server), ADDRESS.other, locked, TEST_PASSWORD);
		expect(refused.status).toBe(429);
		expect(pageText(await refused.text())).toMatch(/Too many attempts\. Wait (2\d|30) minutes/);

		await server.kill9();
		await server.start();

		const after = await signInFrom(new Client(server), ADDRESS.afterRestart, locked, TEST_PASSWORD);
		expect(after.status).toBe(429);
		expect(pageText(await after.text())).toMatch(/Too many attempts\. Wait (2\d|30) minutes/);
		expect(sessionCookies(after)).toEqual([]);

		await server.withDatabase(async (db) => {
			const account = await throttleRow(db, accountKey(locked));
			expect(account?.failures).toBe(ACCOUNT_RULE.lockAfter);
			expect(account!.blockedUntil!.getTime() - account!.lastFailureAt.getTime()).toBe(30 * 60_000);
			// The spraying address was counted once per attempt, across all those accounts…
			const spray = await throttleRow(db, ipKey(ADDRESS.spray));
			expect(spray?.failures).toBe(IP_RULE.freeFailures + 1);
			expect(spray?.blockedUntil).not.toBeNull();
			// …while each account it named saw a single failure, later cleared by a good sign-in.
			expect(await throttleRow(db, accountKey('nobody-20@test.example'))).toMatchObject({
				failures: 1
			});
			expect(await throttleRow(db, accountKey(accounts[3]!))).toBeUndefined();
		});
	});
});
