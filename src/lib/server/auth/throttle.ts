import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { loginThrottle } from '../db/schema/index.ts';

export interface ThrottleRule {
	/** Failures allowed before any delay. */
	freeFailures: number;
	/** First delay; doubles with each further failure. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** At this many failures the key is locked for lockMs. */
	lockAfter?: number;
	lockMs?: number;
	/** A failure this long after the previous one starts the count again. */
	resetAfterMs: number;
}

/** Per account (typed e-mail): a few typos free, then 1 s, 2 s, 4 s … 5 min; 10 failures lock 30 min. */
export const ACCOUNT_RULE: ThrottleRule = {
	freeFailures: 3,
	baseDelayMs: 1_000,
	maxDelayMs: 5 * 60_000,
	lockAfter: 10,
	lockMs: 30 * 60_000,
	resetAfterMs: 24 * 3_600_000
};

/** Per client address: generous, since a police station or hospital may share one address. */
export const IP_RULE: ThrottleRule = {
	freeFailures: 20,
	baseDelayMs: 1_000,
	maxDelayMs: 60_000,
	lockAfter: 50,
	lockMs: 15 * 60_000,
	resetAfterMs: 15 * 60_000
};

/** Second-factor codes: 5 failures, then 30 minutes blocked. */
export const TOTP_RULE: ThrottleRule = {
	freeFailures: 4,
	baseDelayMs: 30 * 60_000,
	maxDelayMs: 30 * 60_000,
	lockAfter: 5,
	lockMs: 30 * 60_000,
	resetAfterMs: 30 * 60_000
};

/** How long a key is blocked after its n-th consecutive failure. */
export function blockAfterFailures(failures: number, rule: ThrottleRule): number {
	if (rule.lockAfter !== undefined && failures >= rule.lockAfter) return rule.lockMs ?? 0;
	if (failures <= rule.freeFailures) return 0;
	const exponent = failures - rule.freeFailures - 1;
	return Math.min(rule.baseDelayMs * 2 ** Math.min(exponent, 30), rule.maxDelayMs);
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const totpKey = (userId: string) => `totp:${userId}`;

/** Milliseconds until the key may try again; 0 when it may try now. */
export async function retryAfter(db: Database, key: string, now: Date): Promise<number> {
	const [row] = await db
		.select({ blockedUntil: loginThrottle.blockedUntil })
		.from(loginThrottle)
		.where(eq(loginThrottle.key, key));
	if (!row?.blockedUntil) return 0;
	return Math.max(0, row.blockedUntil.getTime() - now.getTime());
}

/** Counts a failure atomically and sets the resulting block. Returns the failure count. */
export async function recordFailure(
	db: Database,
	key: string,
	rule: ThrottleRule,
	now: Date
): Promise<number> {
	const resetBefore = new Date(now.getTime() - rule.resetAfterMs);
	const [row] = await db
		.insert(loginThrottle)
		.values({ key, failures: 1, windowStartedAt: now, lastFailureAt: now })
		.onConflictDoUpdate({
			target: loginThrottle.key,
			set: {
				failures: sql`case when ${loginThrottle.lastFailureAt} < ${resetBefore.toISOString()}::timestamptz then 1 else ${loginThrottle.failures} + 1 end`,
				windowStartedAt: sql`case when ${loginThrottle.lastFailureAt} < ${resetBefore.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${loginThrottle.windowStartedAt} end`,
				lastFailureAt: now
			}
		})
		.returning({ failures: loginThrottle.failures });
	const failures = row?.failures ?? 1;
	const blockMs = blockAfterFailures(failures, rule);
	await db
		.update(loginThrottle)
		.set({ blockedUntil: blockMs > 0 ? new Date(now.getTime() + blockMs) : null })
		.where(eq(loginThrottle.key, key));
	return failures;
}

export async function clearFailures(db: Database, key: string): Promise<void> {
	await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
