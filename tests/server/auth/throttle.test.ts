import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	ACCOUNT_RULE,
	IP_RULE,
	TOTP_RULE,
	accountKey,
	blockAfterFailures,
	clearFailures,
	ipKey,
	recordFailure,
	retryAfter,
	totpKey,
	type ThrottleRule
} from '../../../src/lib/server/auth/throttle.ts';
import { loginThrottle } from '../../../src/lib/server/db/schema/index.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';

const SEC = 1_000;
const MIN = 60 * SEC;
const T0 = new Date('2026-03-02T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const blocks = (rule: ThrottleRule, upTo: number) =>
	Array.from({ length: upTo }, (_, i) => blockAfterFailures(i + 1, rule));

describe('throttle maths', () => {
	it('per account: 3 free failures, then 1 s doubling, and a 30 minute lock at 10', () => {
		expect(blocks(ACCOUNT_RULE, 12)).toEqual([
			0,
			0,
			0,
			1 * SEC,
			2 * SEC,
			4 * SEC,
			8 * SEC,
			16 * SEC,
			32 * SEC,
			30 * MIN,
			30 * MIN,
			30 * MIN
		]);
		expect(blockAfterFailures(1_000, ACCOUNT_RULE)).toBe(30 * MIN);
	});

	it('per address: 20 free failures, then doubling capped at a minute, and a lock at 50', () => {
		const b = blocks(IP_RULE, 60);
		expect(b.slice(0, 20).every((ms) => ms === 0)).toBe(true);
		expect(b.slice(20, 27)).toEqual([1, 2, 4, 8, 16, 32, 60].map((s) => s * SEC));
		expect(b.slice(27, 49).every((ms) => ms === 60 * SEC)).toBe(true);
		expect(b[49]).toBe(15 * MIN);
		expect(b[59]).toBe(15 * MIN);
	});

	it('second factor: 5 wrong codes, then blocked for 30 minutes', () => {
		expect(blocks(TOTP_RULE, 7)).toEqual([0, 0, 0, 0, 30 * MIN, 30 * MIN, 30 * MIN]);
	});

	it('never overflows with huge counts', () => {
		const noLock: ThrottleRule = {
			freeFailures: 0,
			baseDelayMs: 1,
			maxDelayMs: 5_000,
			resetAfterMs: 1
		};
		expect(blockAfterFailures(10_000, noLock)).toBe(5_000);
		expect(blockAfterFailures(0, noLock)).toBe(0);
	});

	it('keys accounts by the normalised e-mail', () => {
		expect(accountKey('  Casey@Demo.Example ')).toBe('account:casey@demo.example');
		expect(ipKey('192.0.2.7')).toBe('ip:192.0.2.7');
		expect(totpKey('u1')).toBe('totp:u1');
	});
});

describe.each(testDatabases())('throttle records on $name', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await backend.open();
	});
	afterAll(async () => {
		await t?.cleanup();
	});
	let n = 0;
	const key = () => accountKey(`person${++n}@test.example`);

	it('count failures and block for the rule’s delay', async () => {
		const k = key();
		for (let i = 1; i <= 3; i++) {
			expect(await recordFailure(t.db, k, ACCOUNT_RULE, at(i * SEC))).toBe(i);
			expect(await retryAfter(t.db, k, at(i * SEC))).toBe(0);
		}
		expect(await recordFailure(t.db, k, ACCOUNT_RULE, at(4 * SEC))).toBe(4);
		expect(await retryAfter(t.db, k, at(4 * SEC))).toBe(1 * SEC);
		expect(await retryAfter(t.db, k, at(4 * SEC + 400))).toBe(600);
		expect(await retryAfter(t.db, k, at(5 * SEC))).toBe(0);
		expect(await recordFailure(t.db, k, ACCOUNT_RULE, at(5 * SEC))).toBe(5);
		expect(await retryAfter(t.db, k, at(5 * SEC))).toBe(2 * SEC);
	});

	it('lock the account for 30 minutes at 10 failures', async () => {
		const k = key();
		for (let i = 1; i <= 10; i++) await recordFailure(t.db, k, ACCOUNT_RULE, at(i * MIN));
		expect(await retryAfter(t.db, k, at(10 * MIN))).toBe(30 * MIN);
		expect(await retryAfter(t.db, k, at(39 * MIN))).toBe(MIN);
		expect(await retryAfter(t.db, k, at(40 * MIN))).toBe(0);
	});

	it('keep keys apart', async () => {
		const a = key();
		const b = key();
		for (let i = 0; i < 4; i++) await recordFailure(t.db, a, ACCOUNT_RULE, T0);
		expect(await retryAfter(t.db, a, T0)).toBeGreaterThan(0);
		expect(await retryAfter(t.db, b, T0)).toBe(0);
		expect(await recordFailure(t.db, b, ACCOUNT_RULE, T0)).toBe(1);
	});

	it('clear on success', async () => {
		const k = key();
		for (let i = 0; i < 6; i++) await recordFailure(t.db, k, ACCOUNT_RULE, T0);
		expect(await retryAfter(t.db, k, T0)).toBe(4 * SEC);
		await clearFailures(t.db, k);
		expect(await retryAfter(t.db, k, T0)).toBe(0);
		expect(await recordFailure(t.db, k, ACCOUNT_RULE, T0)).toBe(1);
	});

	it('start counting again after a quiet period, not before', async () => {
		const k = totpKey(crypto.randomUUID());
		for (let i = 0; i < 4; i++) await recordFailure(t.db, k, TOTP_RULE, T0);
		// Exactly the quiet period later still counts as the same run: the 5th failure blocks.
		expect(await recordFailure(t.db, k, TOTP_RULE, at(TOTP_RULE.resetAfterMs))).toBe(5);
		const fifth = at(TOTP_RULE.resetAfterMs);
		expect(await retryAfter(t.db, k, fifth)).toBe(30 * MIN);
		// A failure after a longer quiet period starts a new count and lifts nothing early.
		const later = at(2 * TOTP_RULE.resetAfterMs + 1);
		expect(await recordFailure(t.db, k, TOTP_RULE, later)).toBe(1);
		expect(await retryAfter(t.db, k, later)).toBe(0);
		const [row] = await t.db.select().from(loginThrottle).where(eq(loginThrottle.key, k));
		expect(row?.windowStartedAt).toEqual(later);
	});

	it('count concurrent failures without losing any', async () => {
		const k = ipKey('198.51.100.9');
		const results = await Promise.all(
			Array.from({ length: 8 }, () => recordFailure(t.db, k, IP_RULE, T0))
		);
		expect(results.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
	});
});

describe('throttle records survive a restart (embedded database on disk)', () => {
	it('still blocks after the database is closed and opened again', async () => {
		const [pglite] = testDatabases({});
		const storage = await pglite!.provision();
		try {
			const k = accountKey('restart@test.example');
			const now = new Date();
			let handle = await storage.open();
			for (let i = 0; i < ACCOUNT_RULE.lockAfter!; i++) {
				await recordFailure(handle.db, k, ACCOUNT_RULE, now);
			}
			await handle.close();
			handle = await storage.open();
			try {
				expect(await retryAfter(handle.db, k, now)).toBe(ACCOUNT_RULE.lockMs);
			} finally {
				await handle.close();
			}
		} finally {
			await storage.dispose();
		}
	});
});
