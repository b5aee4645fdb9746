// People: accounts, invitations, disabling and second-factor resets.
// Selects named columns only: password hashes, TOTP keys and token hashes never leave this module.
import { and, asc, count, eq, gt, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	accountTokens,
	agencies,
	areas,
	loginThrottle,
	memberships,
	sessions,
	users,
	type Role
} from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import { recordAccessChange } from '../policy/changes.ts';
import {
	INVITE_LIFETIME_MS,
	createInvite,
	normaliseEmail,
	resetSecondFactor
} from '../auth/flows.ts';
import { invalidateUserSessions } from '../auth/session.ts';
import { accountKey, clearFailures, totpKey } from '../auth/throttle.ts';
import { membershipsOf, type MembershipView } from '../tenancy/index.ts';
import { DomainError, NotFoundError, isUniqueViolation } from '../errors.ts';
import { nowOf, type AdminContext } from './context.ts';

export type UserStatus = 'invited' | 'active' | 'disabled';

export interface MembershipSummary {
	areaId: string;
	areaName: string;
	agencyName: string;
	role: Role;
}

export interface UserSummary {
	id: string;
	email: string;
	name: string;
	isAdmin: boolean;
	disabled: boolean;
	status: UserStatus;
	totpEnabled: boolean;
	memberships: MembershipSummary[];
}

const statusOf = (u: { disabledAt: Date | null; passwordSet: boolean }): UserStatus =>
	u.disabledAt ? 'disabled' : u.passwordSet ? 'active' : 'invited';

const accountColumns = {
	id: users.id,
	email: users.email,
	name: users.name,
	isAdmin: users.isAdmin,
	disabledAt: users.disabledAt,
	createdAt: users.createdAt,
	totpEnabledAt: users.totpEnabledAt,
	passwordSet: sql<boolean>`(${users.passwordHash} is not null)`.mapWith(Boolean)
};

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Everyone, or those whose name or e-mail contains `search`. */
export async function listUsers(
	db: Database,
	options: { search?: string } = {}
): Promise<UserSummary[]> {
	const search = options.search?.trim();
	const rows = await db
		.select(accountColumns)
		.from(users)
		.where(
			search
				? or(ilike(users.name, likePattern(search)), ilike(users.email, likePattern(search)))
				: undefined
		)
		.orderBy(asc(users.name), asc(users.email));
	const ids = rows.map((r) => r.id);
	const seats = ids.length
		? await db
				.select({
					userId: memberships.userId,
					areaId: areas.id,
					areaName: areas.name,
					agencyName: agencies.name,
					role: memberships.role
				})
				.from(memberships)
				.innerJoin(areas, eq(areas.id, memberships.areaId))
				.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
				.where(inArray(memberships.userId, ids))
				.orderBy(asc(areas.name))
		: [];
	const byUser = new Map<string, MembershipSummary[]>();
	for (const { userId, ...seat } of seats) {
		const list = byUser.get(userId) ?? [];
		list.push(seat);
		byUser.set(userId, list);
	}
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		name: r.name,
		isAdmin: r.isAdmin,
		disabled: r.disabledAt !== null,
		status: statusOf(r),
		totpEnabled: r.totpEnabledAt !== null,
		memberships: byUser.get(r.id) ?? []
	}));
}

export interface ThrottleState {
	failures: number;
	/** Set while the key is blocked. */
	blockedUntil: Date | null;
}

export interface UserDetail {
	id: string;
	email: string;
	name: string;
	isAdmin: boolean;
	status: UserStatus;
	disabledAt: Date | null;
	createdAt: Date;
	passwordSet: boolean;
	totpEnabledAt: Date | null;
	/** When the outstanding invitation (set-password link) expires; null when there is none. */
	inviteExpiresAt: Date | null;
	openSessions: number;
	/** Recent failed sign-ins (by e-mail) and second-factor codes; null when there are none. */
	signInThrottle: ThrottleState | null;
	secondFactorThrottle: ThrottleState | null;
	memberships: MembershipView[];
}

export async function getUser(
	db: Database,
	userId: string,
	now: Date = new Date()
): Promise<UserDetail | null> {
	const [user] = await db.select(accountColumns).from(users).where(eq(users.id, userId));
	if (!user) return null;
	const [invite] = await db
		.select({ expiresAt: accountTokens.expiresAt })
		.from(accountTokens)
		.where(and(eq(accountTokens.userId, userId), gt(accountTokens.expiresAt, now)))
		.orderBy(sql`${accountTokens.expiresAt} desc`)
		.limit(1);
	const [open] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
	const throttleKeys = [accountKey(user.email), totpKey(userId)];
	const throttles = await db
		.select()
		.from(loginThrottle)
		.where(inArray(loginThrottle.key, throttleKeys));
	const stateOf = (key: string): ThrottleState | null => {
		const row = throttles.find((t) => t.key === key);
		if (!row) return null;
		const blocked = row.blockedUntil && row.blockedUntil > now ? row.blockedUntil : null;
		return { failures: row.failures, blockedUntil: blocked };
	};
	return {
		id: user.id,
		email: user.email,
		name: user.name,
		isAdmin: user.isAdmin,
		status: statusOf(user),
		disabledAt: user.disabledAt,
		createdAt: user.createdAt,
		passwordSet: user.passwordSet,
		totpEnabledAt: user.totpEnabledAt,
		inviteExpiresAt: invite?.expiresAt ?? null,
		openSessions: open?.n ?? 0,
		signInThrottle: stateOf(throttleKeys[0]!),
		secondFactorThrottle: stateOf(throttleKeys[1]!),
		memberships: await membershipsOf(db, userId)
	};
}

/** A set-password link's token (shown once, never stored) and when it stops working. */
export interface Invitation {
	token: string;
	expiresAt: Date;
}

const inviteExpiry = (now: Date) => new Date(now.getTime() + INVITE_LIFETIME_MS);

const DUPLICATE_EMAIL = 'An account with this e-mail address already exists.';

/**
 * Creates an account without a password and returns a one-time invitation token; the person
 * chooses their password at /invite/<token>. The token is returned once and never stored.
 */
export async function createUser(
	ctx: AdminContext,
	input: { email: string; name: string; isAdmin: boolean }
): Promise<{ id: string } & Invitation> {
	const email = normaliseEmail(input.email);
	const now = nowOf(ctx);
	const [existing] = await ctx.db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, email));
	if (existing) throw new DomainError(DUPLICATE_EMAIL, 'email');
	try {
		return await ctx.db.transaction(async (tx) => {
			const [row] = await tx
				.insert(users)
				.values({ email, name: input.name.trim(), isAdmin: input.isAdmin, createdAt: now })
				.returning({ id: users.id });
			const id = row!.id;
			const token = await createInvite(tx, id, now);
			await audit.record(tx, ctx.actor, {
				action: 'admin.user_create',
				outcome: 'success',
				target: `user:${id}`,
				details: { isAdmin: input.isAdmin },
				at: now
			});
			return { id, token, expiresAt: inviteExpiry(now) };
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw new DomainError(DUPLICATE_EMAIL, 'email');
		throw error;
	}
}

async function requireAccount(db: Database, userId: string) {
	const [user] = await db
		.select({
			id: users.id,
			email: users.email,
			isAdmin: users.isAdmin,
			disabledAt: users.disabledAt
		})
		.from(users)
		.where(eq(users.id, userId));
	if (!user) throw new NotFoundError('That account no longer exists.');
	return user;
}

/** Refuses (and records) an administrator acting on their own account where that would be unsafe. */
async function refuseSelf(ctx: AdminContext, userId: string, action: string, message: string) {
	if (ctx.actor.userId !== userId) return;
	await audit.record(ctx.db, ctx.actor, {
		action,
		outcome: 'denied',
		target: `user:${userId}`,
		details: { reason: 'self' },
		at: nowOf(ctx)
	});
	throw new DomainError(message);
}

export async function updateUser(
	ctx: AdminContext,
	userId: string,
	input: { name: string; isAdmin: boolean }
): Promise<void> {
	const user = await requireAccount(ctx.db, userId);
	if (user.isAdmin && !input.isAdmin) {
		await refuseSelf(
			ctx,
			userId,
			'admin.user_update',
			'You cannot remove your own administrator rights. Ask another administrator.'
		);
	}
	await ctx.db
		.update(users)
		.set({ name: input.name.trim(), isAdmin: input.isAdmin })
		.where(eq(users.id, userId));
	if (user.isAdmin !== input.isAdmin) {
		// Becoming an administrator ends case access (policy): open sockets are re-checked.
		await recordAccessChange(ctx.db, { reason: 'admin_changed', userId });
	}
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.user_update',
		outcome: 'success',
		target: `user:${userId}`,
		details: { isAdmin: input.isAdmin, adminChanged: user.isAdmin !== input.isAdmin },
		at: nowOf(ctx)
	});
}

/**
 * A fresh set-password link (replacing any earlier one). For someone who already has a password it
 * works as a password reset; their second factor stays in place.
 */
export async function reissueInvite(ctx: AdminContext, userId: string): Promise<Invitation> {
	const user = await requireAccount(ctx.db, userId);
	if (user.disabledAt) {
		throw new DomainError('This account is disabled. Enable it before sending a new link.');
	}
	const now = nowOf(ctx);
	const token = await createInvite(ctx.db, userId, now);
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.invite_issue',
		outcome: 'success',
		target: `user:${userId}`,
		at: now
	});
	return { token, expiresAt: inviteExpiry(now) };
}

/**
 * Stops the account at once: marks it disabled, withdraws any set-password link and ends every
 * session. Returns the ended session ids (for closing live connections).
 */
export async function disableUser(ctx: AdminContext, userId: string): Promise<string[]> {
	await requireAccount(ctx.db, userId);
	await refuseSelf(ctx, userId, 'admin.user_disable', 'You cannot disable your own account.');
	const now = nowOf(ctx);
	// Disabled first: a session created by a sign-in racing with this is rejected on its next use.
	await ctx.db
		.update(users)
		.set({ disabledAt: now })
		.where(and(eq(users.id, userId), isNull(users.disabledAt)));
	await ctx.db.delete(accountTokens).where(eq(accountTokens.userId, userId));
	const ended = await invalidateUserSessions(ctx.db, userId);
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.user_disable',
		outcome: 'success',
		target: `user:${userId}`,
		details: { sessionsEnded: ended.length },
		at: now
	});
	return ended;
}

export async function enableUser(ctx: AdminContext, userId: string): Promise<void> {
	await requireAccount(ctx.db, userId);
	await ctx.db.update(users).set({ disabledAt: null }).where(eq(users.id, userId));
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.user_enable',
		outcome: 'success',
		target: `user:${userId}`,
		at: nowOf(ctx)
	});
}

/**
 * Removes the person's authenticator and recovery codes (they enrol again at next sign-in) and
 * ends all their sessions. Returns the ended session ids.
 */
export async function resetUserSecondFactor(ctx: AdminContext, userId: string): Promise<string[]> {
	await requireAccount(ctx.db, userId);
	await refuseSelf(
		ctx,
		userId,
		'admin.second_factor_reset',
		'You cannot reset your own second factor here. Ask another administrator.'
	);
	const ended = await resetSecondFactor(ctx.db, userId);
	await clearFailures(ctx.db, totpKey(userId));
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.second_factor_reset',
		outcome: 'success',
		target: `user:${userId}`,
		details: { sessionsEnded: ended.length },
		at: nowOf(ctx)
	});
	return ended;
}

/**
 * Lifts the sign-in throttle for an e-mail address (and, for a known account, its second-factor
 * throttle). The address itself is not written to the audit log.
 */
export async function clearSignInLock(ctx: AdminContext, email: string): Promise<void> {
	const normalised = normaliseEmail(email);
	const [user] = await ctx.db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, normalised));
	await clearFailures(ctx.db, accountKey(normalised));
	if (user) await clearFailures(ctx.db, totpKey(user.id));
	await audit.record(ctx.db, ctx.actor, {
		action: 'admin.sign_in_lock_clear',
		outcome: 'success',
		target: user ? `user:${user.id}` : null,
		details: { knownAccount: Boolean(user) },
		at: nowOf(ctx)
	});
}
