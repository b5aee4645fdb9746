// Step-up ("sudo mode", ASVS 7.5.3): before an export and other sensitive operations the person
// presents their password again, and their second-factor code when they have one. The same
// persisted throttles as sign-in apply, so step-up is no way round them.
import { eq } from 'drizzle-orm';
import { users } from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import { acceptSecondFactorCode, type AuthContext, type RequestMeta } from './flows.ts';
import { burnVerifyTime, verifyPassword } from './password.ts';
import { rotateForStepUp, type Session } from './session.ts';
import {
	ACCOUNT_RULE,
	IP_RULE,
	TOTP_RULE,
	accountKey,
	clearFailures,
	ipKey,
	recordFailure,
	retryAfter,
	totpKey
} from './throttle.ts';

export type StepUpResult =
	| { kind: 'throttled'; retryAfterMs: number }
	| { kind: 'invalid' }
	| { kind: 'needs-code' }
	| { kind: 'stepped-up'; token: string; session: Session };

/** Whether the person must type a second-factor code to step up. */
export async function stepUpNeedsCode(ctx: AuthContext, userId: string): Promise<boolean> {
	const [row] = await ctx.db
		.select({ enabled: users.totpEnabledAt })
		.from(users)
		.where(eq(users.id, userId));
	return Boolean(row?.enabled);
}

/**
 * Checks the password (and code, for people with a second factor) of the session's own user.
 * On success the session gets a new secret and its step-up time; the caller sets the new cookie.
 */
export async function stepUp(
	ctx: AuthContext,
	session: Session,
	input: { password: string; code: string },
	meta: RequestMeta
): Promise<StepUpResult> {
	const now = ctx.now();
	const [user] = await ctx.db.select().from(users).where(eq(users.id, session.userId));
	const actor = { userId: session.userId, sessionId: session.id, ip: meta.ip };
	const fail = async (outcome: 'denied' | 'failure', reason: string) =>
		audit.record(ctx.db, actor, {
			action: 'auth.step_up',
			outcome,
			details: { reason },
			at: now
		});
	if (!user || user.disabledAt || !user.passwordHash) {
		await burnVerifyTime(input.password);
		await fail('denied', 'account');
		return { kind: 'invalid' };
	}
	const hasCode = user.totpEnabledAt !== null;
	const keys = [
		accountKey(user.email),
		...(meta.ip ? [ipKey(meta.ip)] : []),
		...(hasCode ? [totpKey(user.id)] : [])
	];
	const wait = Math.max(0, ...(await Promise.all(keys.map((k) => retryAfter(ctx.db, k, now)))));
	if (wait > 0) {
		await fail('denied', 'throttled');
		return { kind: 'throttled', retryAfterMs: wait };
	}
	if (hasCode && input.code.trim() === '') {
		// Nothing was tried: no failure is counted, but nothing is checked either.
		return { kind: 'needs-code' };
	}
	if (!(await verifyPassword(user.passwordHash, input.password))) {
		await recordFailure(ctx.db, accountKey(user.email), ACCOUNT_RULE, now);
		if (meta.ip) await recordFailure(ctx.db, ipKey(meta.ip), IP_RULE, now);
		await fail('failure', 'password');
		return { kind: 'invalid' };
	}
	if (hasCode) {
		const { accepted } = await acceptSecondFactorCode(ctx.db, user.id, input.code, now);
		if (!accepted) {
			await recordFailure(ctx.db, totpKey(user.id), TOTP_RULE, now);
			await fail('failure', 'code');
			return { kind: 'invalid' };
		}
		await clearFailures(ctx.db, totpKey(user.id));
	}
	await clearFailures(ctx.db, accountKey(user.email));
	const rotated = await rotateForStepUp(ctx.db, session, ctx.sessionPolicy, now);
	if (!rotated) {
		await fail('denied', 'session_ended');
		return { kind: 'invalid' };
	}
	await audit.record(ctx.db, actor, {
		action: 'auth.step_up',
		outcome: 'success',
		details: { secondFactor: hasCode },
		at: now
	});
	return { kind: 'stepped-up', ...rotated };
}

const BASE = 'http://portal.invalid';

/**
 * Where to go after stepping up: a path on this site only (starts with one `/`, no backslash,
 * no control characters), never back to /reauth or the sign-in pages. Anything else is `/`.
 */
export function safeNextPath(raw: string | null | undefined): string {
	if (!raw || raw.length > 512) return '/';
	if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return '/';
	if (/\p{Cc}/u.test(raw)) return '/';
	let url: URL;
	try {
		url = new URL(raw, BASE);
	} catch {
		return '/';
	}
	if (url.origin !== BASE) return '/';
	if (/^\/(reauth|login|logout)(\/|$)/.test(url.pathname)) return '/';
	return url.pathname + url.search;
}
