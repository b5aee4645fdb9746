import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { accountTokens, recoveryCodes, users } from '../db/schema/index.ts';
import type { MfaPolicy } from '../config.ts';
import * as audit from '../audit/index.ts';
import { hashPassword, passwordProblem, verifyPassword, burnVerifyTime } from './password.ts';
import {
	createSession,
	invalidateSession,
	invalidateUserSessions,
	type Session,
	type SessionPolicy,
	type SessionUser
} from './session.ts';
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
import { matchTotp, newTotpKey } from './totp.ts';
import { newToken, parseToken, randomBase32, secretMatches } from './token.ts';

export interface AuthContext {
	db: Database;
	sessionPolicy: SessionPolicy;
	mfaPolicy: MfaPolicy;
	now: () => Date;
}

export interface RequestMeta {
	ip: string | null;
	userAgent: string | null;
}

export type Stage = 'full' | 'needs-mfa' | 'needs-enrolment';

/** How far a signed-in session has got: only `full` may reach data. */
export function sessionStage(user: SessionUser, session: Session, mfaPolicy: MfaPolicy): Stage {
	if (user.totpEnabled) return session.twoFactorVerified ? 'full' : 'needs-mfa';
	return mfaPolicy === 'required' ? 'needs-enrolment' : 'full';
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export type SignInResult =
	| { kind: 'throttled'; retryAfterMs: number }
	| { kind: 'invalid' }
	| { kind: 'signed-in'; token: string; session: Session; next: 'done' | 'mfa' | 'enrol' };

/**
 * Password step. Unknown accounts, wrong passwords and disabled accounts are indistinguishable
 * to the caller, in message and (roughly) in time.
 */
export async function signIn(
	ctx: AuthContext,
	input: { email: string; password: string },
	meta: RequestMeta
): Promise<SignInResult> {
	const now = ctx.now();
	const email = normaliseEmail(input.email);
	const keys = [accountKey(email), ...(meta.ip ? [ipKey(meta.ip)] : [])];
	const waits = await Promise.all(keys.map((k) => retryAfter(ctx.db, k, now)));
	const wait = Math.max(0, ...waits);
	const [user] = await ctx.db.select().from(users).where(eq(users.email, email)).limit(1);
	const actor = { userId: user?.id ?? null, ip: meta.ip };
	if (wait > 0) {
		await audit.record(ctx.db, actor, {
			action: 'auth.sign_in',
			outcome: 'denied',
			details: { reason: 'throttled' },
			at: now
		});
		return { kind: 'throttled', retryAfterMs: wait };
	}
	let ok = false;
	if (user?.passwordHash && !user.disabledAt) {
		ok = await verifyPassword(user.passwordHash, input.password);
	} else {
		await burnVerifyTime(input.password);
	}
	if (!ok) {
		await recordFailure(ctx.db, accountKey(email), ACCOUNT_RULE, now);
		if (meta.ip) await recordFailure(ctx.db, ipKey(meta.ip), IP_RULE, now);
		await audit.record(ctx.db, actor, {
			action: 'auth.sign_in',
			outcome: 'failure',
			details: { reason: user ? (user.disabledAt ? 'disabled' : 'password') : 'unknown_account' },
			at: now
		});
		return { kind: 'invalid' };
	}
	await clearFailures(ctx.db, accountKey(email));
	const u = user!;
	const { token, session } = await createSession(
		ctx.db,
		{ userId: u.id, now, twoFactorVerified: false, ...meta },
		ctx.sessionPolicy
	);
	const next = u.totpEnabledAt ? 'mfa' : ctx.mfaPolicy === 'required' ? 'enrol' : 'done';
	await audit.record(
		ctx.db,
		{ ...actor, sessionId: session.id },
		{ action: 'auth.sign_in', outcome: 'success', details: { next }, at: now }
	);
	return { kind: 'signed-in', token, session, next };
}

/** Replaces a session by a new one that has passed the second factor (no fixation across steps). */
async function rotateVerified(ctx: AuthContext, old: Session, meta: RequestMeta) {
	await invalidateSession(ctx.db, old.id);
	return createSession(
		ctx.db,
		{ userId: old.userId, now: ctx.now(), twoFactorVerified: true, ...meta },
		ctx.sessionPolicy
	);
}

export type SecondFactorResult =
	| { kind: 'throttled'; retryAfterMs: number }
	| { kind: 'invalid' }
	| { kind: 'verified'; token: string; session: Session; usedRecoveryCode: boolean };

const RECOVERY_PATTERN = /^[a-z2-7]{5}-?[a-z2-7]{5}$/;

/** Second step: a TOTP code (each accepted once) or one of the user's recovery codes. */
export async function verifySecondFactor(
	ctx: AuthContext,
	session: Session,
	code: string,
	meta: RequestMeta
): Promise<SecondFactorResult> {
	const now = ctx.now();
	const key = totpKey(session.userId);
	const actor = { userId: session.userId, sessionId: session.id, ip: meta.ip };
	const wait = await retryAfter(ctx.db, key, now);
	if (wait > 0) {
		await audit.record(ctx.db, actor, {
			action: 'auth.second_factor',
			outcome: 'denied',
			details: { reason: 'throttled' },
			at: now
		});
		return { kind: 'throttled', retryAfterMs: wait };
	}
	const { accepted, usedRecoveryCode } = await acceptSecondFactorCode(
		ctx.db,
		session.userId,
		code,
		now
	);
	if (!accepted) {
		await recordFailure(ctx.db, key, TOTP_RULE, now);
		await audit.record(ctx.db, actor, {
			action: 'auth.second_factor',
			outcome: 'failure',
			at: now
		});
		return { kind: 'invalid' };
	}
	await clearFailures(ctx.db, key);
	const rotated = await rotateVerified(ctx, session, meta);
	await audit.record(
		ctx.db,
		{ ...actor, sessionId: rotated.session.id },
		{ action: 'auth.second_factor', outcome: 'success', details: { usedRecoveryCode }, at: now }
	);
	return { kind: 'verified', ...rotated, usedRecoveryCode };
}

/**
 * Checks a TOTP code (each time step accepted once) or one of the user's unused recovery codes
 * (used up by this call). No throttling here: callers count failures.
 */
export async function acceptSecondFactorCode(
	db: Database,
	userId: string,
	code: string,
	now: Date
): Promise<{ accepted: boolean; usedRecoveryCode: boolean }> {
	const [user] = await db.select().from(users).where(eq(users.id, userId));
	const typed = code.replace(/\s+/g, '').toLowerCase();
	if (!user?.totpKey || !user.totpEnabledAt) return { accepted: false, usedRecoveryCode: false };
	const step = matchTotp(user.totpKey, typed, now, user.totpLastStep);
	if (step !== null) {
		// Conditional update: two concurrent uses of the same code cannot both win.
		const won = await db
			.update(users)
			.set({ totpLastStep: step })
			.where(
				and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step)))
			)
			.returning({ id: users.id });
		return { accepted: won.length > 0, usedRecoveryCode: false };
	}
	if (RECOVERY_PATTERN.test(typed)) {
		const used = await useRecoveryCode(db, user.id, typed.replace('-', ''), now);
		return { accepted: used, usedRecoveryCode: used };
	}
	return { accepted: false, usedRecoveryCode: false };
}

async function useRecoveryCode(db: Database, userId: string, code: string, now: Date) {
	const unused = await db
		.select()
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
	for (const row of unused) {
		if (await verifyPassword(row.codeHash, code)) {
			const won = await db
				.update(recoveryCodes)
				.set({ usedAt: now })
				.where(and(eq(recoveryCodes.id, row.id), isNull(recoveryCodes.usedAt)))
				.returning({ id: recoveryCodes.id });
			return won.length > 0;
		}
	}
	return false;
}

/** Starts (or restarts) enrolment with a fresh key; nothing changes until a code confirms it. */
export async function beginTotpEnrolment(db: Database, userId: string): Promise<Uint8Array> {
	const key = newTotpKey();
	await db.update(users).set({ totpPendingKey: key }).where(eq(users.id, userId));
	return key;
}

export async function pendingTotpKey(db: Database, userId: string): Promise<Uint8Array | null> {
	const [row] = await db
		.select({ key: users.totpPendingKey })
		.from(users)
		.where(eq(users.id, userId));
	return row?.key ?? null;
}

export type EnrolmentResult =
	| { kind: 'throttled'; retryAfterMs: number }
	| { kind: 'invalid' }
	| { kind: 'enrolled'; token: string; session: Session; recoveryCodes: string[] };

export const RECOVERY_CODE_COUNT = 10;

/** Confirms the pending key with a code; issues recovery codes; ends every other session. */
export async function confirmTotpEnrolment(
	ctx: AuthContext,
	session: Session,
	code: string,
	meta: RequestMeta
): Promise<EnrolmentResult> {
	const now = ctx.now();
	const key = totpKey(session.userId);
	const wait = await retryAfter(ctx.db, key, now);
	if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
	const pending = await pendingTotpKey(ctx.db, session.userId);
	const step = pending ? matchTotp(pending, code.trim(), now, null) : null;
	const actor = { userId: session.userId, sessionId: session.id, ip: meta.ip };
	if (!pending || step === null) {
		await recordFailure(ctx.db, key, TOTP_RULE, now);
		await audit.record(ctx.db, actor, { action: 'auth.totp_enrol', outcome: 'failure', at: now });
		return { kind: 'invalid' };
	}
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBase32(7).slice(0, 10));
	const hashes = await Promise.all(codes.map((c) => hashPassword(c)));
	await ctx.db.transaction(async (tx) => {
		await tx
			.update(users)
			.set({ totpKey: pending, totpPendingKey: null, totpEnabledAt: now, totpLastStep: step })
			.where(eq(users.id, session.userId));
		await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, session.userId));
		await tx
			.insert(recoveryCodes)
			.values(hashes.map((codeHash) => ({ userId: session.userId, codeHash })));
	});
	await clearFailures(ctx.db, key);
	await invalidateUserSessions(ctx.db, session.userId, session.id);
	const rotated = await rotateVerified(ctx, session, meta);
	await audit.record(
		ctx.db,
		{ ...actor, sessionId: rotated.session.id },
		{ action: 'auth.totp_enrol', outcome: 'success', at: now }
	);
	return {
		kind: 'enrolled',
		...rotated,
		recoveryCodes: codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`)
	};
}

/** Removes the second factor; the user must enrol again. Ends all their sessions. */
export async function resetSecondFactor(db: Database, userId: string): Promise<string[]> {
	await db.transaction(async (tx) => {
		await tx
			.update(users)
			.set({ totpKey: null, totpPendingKey: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(users.id, userId));
		await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
	});
	await db.delete(accountTokens).where(eq(accountTokens.userId, userId));
	return invalidateUserSessions(db, userId);
}

export const INVITE_LIFETIME_MS = 7 * 24 * 3_600_000;

/** A one-time link for a new user to choose their password; replaces any earlier invitation. */
export async function createInvite(db: Database, userId: string, now: Date): Promise<string> {
	const { id, token, secretHash } = newToken();
	await db.delete(accountTokens).where(eq(accountTokens.userId, userId));
	await db.insert(accountTokens).values({
		id,
		secretHash,
		userId,
		purpose: 'invite',
		createdAt: now,
		expiresAt: new Date(now.getTime() + INVITE_LIFETIME_MS)
	});
	return token;
}

/** The invited user, if the token is genuine and unexpired. */
export async function inviteUser(db: Database, token: string, now: Date) {
	const parsed = parseToken(token);
	if (!parsed) return null;
	const [row] = await db
		.select({ token: accountTokens, email: users.email, name: users.name })
		.from(accountTokens)
		.innerJoin(users, eq(users.id, accountTokens.userId))
		.where(and(eq(accountTokens.id, parsed.id), isNull(users.disabledAt)));
	if (!row || !secretMatches(parsed.secret, row.token.secretHash)) return null;
	if (row.token.expiresAt <= now) return null;
	return { userId: row.token.userId, tokenId: row.token.id, email: row.email, name: row.name };
}

export type AcceptInviteResult =
	{ kind: 'invalid-token' } | { kind: 'weak'; message: string } | { kind: 'ok' };

export async function acceptInvite(
	db: Database,
	token: string,
	password: string,
	now: Date
): Promise<AcceptInviteResult> {
	const invite = await inviteUser(db, token, now);
	if (!invite) return { kind: 'invalid-token' };
	const problem = passwordProblem(password, { email: invite.email, name: invite.name });
	if (problem) return { kind: 'weak', message: problem };
	const passwordHash = await hashPassword(password);
	// Deleting the token first makes the link single use even under a double submit.
	const used = await db
		.delete(accountTokens)
		.where(eq(accountTokens.id, invite.tokenId))
		.returning({ id: accountTokens.id });
	if (used.length === 0) return { kind: 'invalid-token' };
	await db.update(users).set({ passwordHash }).where(eq(users.id, invite.userId));
	await invalidateUserSessions(db, invite.userId);
	await audit.record(
		db,
		{ userId: invite.userId },
		{
			action: 'auth.password_set',
			outcome: 'success',
			at: now
		}
	);
	return { kind: 'ok' };
}
