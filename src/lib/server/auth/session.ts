import { and, eq, ne, desc } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { sessions, users } from '../db/schema/index.ts';
import { newSecret, newToken, parseToken, secretMatches } from './token.ts';
import { recordAccessChange } from '../policy/changes.ts';

export interface SessionPolicy {
	idleMs: number;
	absoluteMs: number;
	/** last_active_at is written at most this often (activity bookkeeping). */
	touchIntervalMs?: number;
}

export interface Session {
	id: string;
	userId: string;
	createdAt: Date;
	lastActiveAt: Date;
	authenticatedAt: Date;
	/** Last step-up (re-authentication) in this session; null until the first. */
	stepUpAt: Date | null;
	twoFactorVerified: boolean;
	ip: string | null;
	userAgent: string | null;
	idleExpiresAt: Date;
	absoluteExpiresAt: Date;
}

export interface SessionUser {
	id: string;
	email: string;
	name: string;
	isAdmin: boolean;
	totpEnabled: boolean;
}

const DEFAULT_TOUCH_MS = 60_000;

function expiries(row: { createdAt: Date; lastActiveAt: Date }, policy: SessionPolicy) {
	const absoluteExpiresAt = new Date(row.createdAt.getTime() + policy.absoluteMs);
	const idle = new Date(row.lastActiveAt.getTime() + policy.idleMs);
	return { absoluteExpiresAt, idleExpiresAt: idle < absoluteExpiresAt ? idle : absoluteExpiresAt };
}

export interface CreateSessionInput {
	userId: string;
	now: Date;
	twoFactorVerified: boolean;
	ip?: string | null;
	userAgent?: string | null;
}

/** A new session, always with a fresh id and secret (never reused across sign-ins). */
export async function createSession(
	db: Database,
	input: CreateSessionInput,
	policy: SessionPolicy
): Promise<{ token: string; session: Session }> {
	const { id, token, secretHash } = newToken();
	const row = {
		id,
		secretHash,
		userId: input.userId,
		createdAt: input.now,
		lastActiveAt: input.now,
		authenticatedAt: input.now,
		stepUpAt: null,
		twoFactorVerified: input.twoFactorVerified,
		ip: input.ip ?? null,
		userAgent: input.userAgent?.slice(0, 300) ?? null
	};
	await db.insert(sessions).values(row);
	const { secretHash: _hash, ...rest } = row;
	void _hash;
	return { token, session: { ...rest, ...expiries(row, policy) } };
}

export interface ValidateOptions {
	/** Count this request as activity (false for status polls). */
	touch?: boolean;
}

/**
 * Returns the session and its user when the token is genuine, unexpired and the user is enabled.
 * Expired sessions are deleted on sight.
 */
export async function validateSessionToken(
	db: Database,
	token: string,
	policy: SessionPolicy,
	now: Date,
	options: ValidateOptions = {}
): Promise<{ session: Session; user: SessionUser } | null> {
	const parsed = parseToken(token);
	if (!parsed) return null;
	const [row] = await db
		.select({ session: sessions, user: users })
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, parsed.id))
		.limit(1);
	if (!row) return null;
	if (!secretMatches(parsed.secret, row.session.secretHash)) return null;
	if (row.user.disabledAt) {
		await invalidateUserSessions(db, row.user.id);
		return null;
	}
	const { idleExpiresAt, absoluteExpiresAt } = expiries(row.session, policy);
	if (now >= idleExpiresAt || now >= absoluteExpiresAt) {
		await invalidateSession(db, row.session.id);
		return null;
	}
	let lastActiveAt = row.session.lastActiveAt;
	const touchMs = policy.touchIntervalMs ?? DEFAULT_TOUCH_MS;
	if ((options.touch ?? true) && now.getTime() - lastActiveAt.getTime() >= touchMs) {
		lastActiveAt = now;
		await db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, row.session.id));
	}
	const { secretHash: _hash, ...session } = row.session;
	void _hash;
	return {
		session: { ...session, lastActiveAt, ...expiries({ ...session, lastActiveAt }, policy) },
		user: {
			id: row.user.id,
			email: row.user.email,
			name: row.user.name,
			isAdmin: row.user.isAdmin,
			totpEnabled: row.user.totpEnabledAt !== null
		}
	};
}

/** The session no longer exists or has expired: it can never be used again. */
export async function sessionEnded(
	db: Database,
	sessionId: string,
	policy: SessionPolicy,
	now: Date
): Promise<boolean> {
	const [row] = await db
		.select({ createdAt: sessions.createdAt, lastActiveAt: sessions.lastActiveAt })
		.from(sessions)
		.where(eq(sessions.id, sessionId))
		.limit(1);
	if (!row) return true;
	const { idleExpiresAt, absoluteExpiresAt } = expiries(row, policy);
	return now >= idleExpiresAt || now >= absoluteExpiresAt;
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
	await recordAccessChange(db, { reason: 'session_ended', sessionId });
}

/** Ends a user's sessions (all, or all but one). Returns the ids ended, for socket revocation. */
export async function invalidateUserSessions(
	db: Database,
	userId: string,
	exceptSessionId?: string
): Promise<string[]> {
	const where = exceptSessionId
		? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId))
		: eq(sessions.userId, userId);
	const ended = await db.delete(sessions).where(where).returning({ id: sessions.id });
	// Recorded per user: sockets of sessions ended here close even if the rows were already gone.
	await recordAccessChange(db, { reason: 'sessions_ended', userId });
	return ended.map((s) => s.id);
}

export interface SessionSummary {
	id: string;
	createdAt: Date;
	lastActiveAt: Date;
	ip: string | null;
	userAgent: string | null;
}

export async function listUserSessions(db: Database, userId: string): Promise<SessionSummary[]> {
	return db
		.select({
			id: sessions.id,
			createdAt: sessions.createdAt,
			lastActiveAt: sessions.lastActiveAt,
			ip: sessions.ip,
			userAgent: sessions.userAgent
		})
		.from(sessions)
		.where(eq(sessions.userId, userId))
		.orderBy(desc(sessions.lastActiveAt));
}

/** Ends one of the user's own sessions; a session id of another user ends nothing. */
export async function endOwnSession(db: Database, userId: string, sessionId: string) {
	const ended = await db
		.delete(sessions)
		.where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
		.returning({ id: sessions.id });
	if (ended.length > 0) await recordAccessChange(db, { reason: 'session_ended', sessionId });
	return ended.length > 0;
}

/**
 * A step-up: the person presented their credentials again. The session keeps its id (so live
 * sockets, which are bound to the id, carry on) and its sign-in time (so the absolute timeout
 * still counts from sign-in), but gets a new secret: the token held before no longer works.
 */
export async function rotateForStepUp(
	db: Database,
	session: Session,
	policy: SessionPolicy,
	now: Date
): Promise<{ token: string; session: Session } | null> {
	const { secret, secretHash } = newSecret();
	const rows = await db
		.update(sessions)
		.set({ secretHash, stepUpAt: now, authenticatedAt: now, lastActiveAt: now })
		.where(eq(sessions.id, session.id))
		.returning({ id: sessions.id });
	if (rows.length === 0) return null;
	const next = { ...session, stepUpAt: now, authenticatedAt: now, lastActiveAt: now };
	return { token: `${session.id}.${secret}`, session: { ...next, ...expiries(next, policy) } };
}

/** Explicit activity ("stay signed in"): pushes the idle deadline back now. */
export async function touchSession(
	db: Database,
	session: Session,
	policy: SessionPolicy,
	now: Date
): Promise<Session> {
	await db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, session.id));
	return { ...session, lastActiveAt: now, ...expiries({ ...session, lastActiveAt: now }, policy) };
}

/**
 * Deadlines as the browser needs them: time remaining by the server's clock, so a browser whose
 * clock is wrong still warns at the right moment.
 */
export function sessionTimes(session: Session, now: Date) {
	return {
		idleExpiresAt: session.idleExpiresAt.toISOString(),
		absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
		idleRemainingMs: Math.max(0, session.idleExpiresAt.getTime() - now.getTime())
	};
}

/**
 * GET /api/session/status: the deadlines, and whose session it is (a page that kept live
 * documents across a sign-in compares it with its own user: LiveDocument.resume).
 */
export function sessionStatus(session: Session, now: Date) {
	return { ...sessionTimes(session, now), userId: session.userId };
}
