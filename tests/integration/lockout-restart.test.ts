/**
 * Sign-in throttling lives in the database, so a crash or restart of the server does not hand an
 * attacker a fresh set of guesses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_RULE, blockAfterFailures } from '../../src/lib/server/auth/throttle.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createMember } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

/**
 * Long enough to outlast a SIGKILL and a cold start on a busy machine (an embedded database has
 * been seen to take 16 s on two loaded cores). Reaching it means waiting out 1+2+4+8+16 s of delays.
 */
const BLOCK_TO_REACH_MS = 32_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Mostly waiting: the databases run side by side.
describe.concurrent.each(testDatabases())('lockout across a restart on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const email = 'lockout@test.example';

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await createMember(db, { email });
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('still refuses the right password after the server is killed and started again', async () => {
		const client = new Client(server);
		let failures = 0;
		let lastFailureAt = 0;
		// Fail exactly as the rule allows: wait out each delay, so every attempt counts.
		while (blockAfterFailures(failures, ACCOUNT_RULE) < BLOCK_TO_REACH_MS) {
			const wait = blockAfterFailures(failures, ACCOUNT_RULE);
			if (wait > 0) {
				// While blocked, even the right password is refused (checked only when the block
				// has seconds left, so a slow machine cannot let it lapse before the request lands).
				if (lastFailureAt + wait - Date.now() >= 3_000) {
					const early = await client.signIn(email, TEST_PASSWORD);
					expect(early.status).toBe(429);
					expect(pageText(await early.text())).toContain('Too many attempts');
				}
				await sleep(lastFailureAt + wait - Date.now() + 250);
			}
			const response = await client.signIn(email, `wrong password number ${failures}`);
			expect(response.status, pageText(await response.clone().text())).toBe(400);
			lastFailureAt = Date.now();
			failures++;
		}
		expect(failures).toBeGreaterThan(ACCOUNT_RULE.freeFailures);

		await server.kill9();
		await server.start();
		const elapsed = Date.now() - lastFailureAt;
		expect(elapsed, 'the restart took longer than the block lasts').toBeLessThan(
			blockAfterFailures(failures, ACCOUNT_RULE)
		);

		const after = await new Client(server).signIn(email, TEST_PASSWORD);
		expect(after.status).toBe(429);
		expect(pageText(await after.text())).toContain('Too many attempts');
		expect(after.headers.getSetCookie().filter((c) => c.startsWith('session='))).toEqual([]);
	}, 180_000);
});
