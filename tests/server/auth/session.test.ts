import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	createSession,
	endOwnSession,
	invalidateSession,
	invalidateUserSessions,
	listUserSessions,
	touchSession,
	validateSessionToken,
	type SessionPolicy
} from '../../../src/lib/server/auth/session.ts';
import { sessions, users } from '../../../src/lib/server/db/schema/index.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';
import { createUser } from '../../helpers/fixtures.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const policy: SessionPolicy = { idleMs: 15 * MIN, absoluteMs: 10 * HOUR };
const T0 = new Date('2026-03-02T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(testDatabases())('sessions on $name', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await backend.open();
	});
	afterAll(async () => {
		await t?.cleanup();
	});

	async function fresh(now = T0) {
		const user = await createUser(t.db);
		const created = await createSession(
			t.db,
			{ userId: user.id, now, twoFactorVerified: false, ip: '192.0.2.1', userAgent: 'test' },
			policy
		);
		return { user, ...created };
	}

	async function storedRow(id: string) {
		const [row] = await t.db.select().from(sessions).where(eq(sessions.id, id));
		return row;
	}

	it('report their idle and absolute deadlines', async () => {
		const { session } = await fresh();
		expect(session.idleExpiresAt).toEqual(at(15 * MIN));
		expect(session.absoluteExpiresAt).toEqual(at(10 * HOUR));
		expect(session.twoFactorVerified).toBe(false);
	});

	it('get a new id on every sign-in', async () => {
		const user = await createUser(t.db);
		const a = await createSession(
			t.db,
			{ userId: user.id, now: T0, twoFactorVerified: false },
			policy
		);
		const b = await createSession(
			t.db,
			{ userId: user.id, now: T0, twoFactorVerified: false },
			policy
		);
		expect(a.session.id).not.toBe(b.session.id);
		expect(a.token).not.toBe(b.token);
	});

	it('are valid just before the idle timeout and gone at 15 minutes idle', async () => {
		const { token, session } = await fresh();
		const before = await validateSessionToken(t.db, token, policy, at(15 * MIN - 1), {
			touch: false
		});
		expect(before?.session.id).toBe(session.id);
		expect(await validateSessionToken(t.db, token, policy, at(15 * MIN))).toBeNull();
		// Expired sessions are deleted on sight: the token stays dead.
		expect(await storedRow(session.id)).toBeUndefined();
		expect(await validateSessionToken(t.db, token, policy, at(MIN))).toBeNull();
	});

	it('count validated requests as activity, pushing the idle deadline back', async () => {
		const { token } = await fresh();
		const mid = await validateSessionToken(t.db, token, policy, at(10 * MIN));
		expect(mid?.session.lastActiveAt).toEqual(at(10 * MIN));
		expect(mid?.session.idleExpiresAt).toEqual(at(25 * MIN));
		// 24 minutes after sign-in but only 14 after the last activity.
		expect(await validateSessionToken(t.db, token, policy, at(24 * MIN))).not.toBeNull();
	});

	it('do not count status polls (touch: false) as activity', async () => {
		const { token, session } = await fresh();
		await validateSessionToken(t.db, token, policy, at(10 * MIN), { touch: false });
		expect((await storedRow(session.id))?.lastActiveAt).toEqual(T0);
		expect(
			await validateSessionToken(t.db, token, policy, at(15 * MIN), { touch: false })
		).toBeNull();
	});

	it('write last activity at most once per touch interval', async () => {
		const { token, session } = await fresh();
		await validateSessionToken(t.db, token, policy, at(59_000));
		expect((await storedRow(session.id))?.lastActiveAt).toEqual(T0);
		await validateSessionToken(t.db, token, policy, at(60_000));
		expect((await storedRow(session.id))?.lastActiveAt).toEqual(at(60_000));
		const custom = { ...policy, touchIntervalMs: 5 * MIN };
		await validateSessionToken(t.db, token, custom, at(4 * MIN));
		expect((await storedRow(session.id))?.lastActiveAt).toEqual(at(60_000));
		await validateSessionToken(t.db, token, custom, at(6 * MIN + 1));
		expect((await storedRow(session.id))?.lastActiveAt).toEqual(at(6 * MIN + 1));
	});

	it('end at 10 hours however active the user has been', async () => {
		const { token } = await fresh();
		for (let m = 10; m < 600; m += 10) {
			expect(await validateSessionToken(t.db, token, policy, at(m * MIN))).not.toBeNull();
		}
		const last = await validateSessionToken(t.db, token, policy, at(10 * HOUR - 1));
		expect(last?.session.idleExpiresAt).toEqual(at(10 * HOUR));
		expect(await validateSessionToken(t.db, token, policy, at(10 * HOUR))).toBeNull();
	});

	it('can be extended explicitly, but never past the absolute lifetime', async () => {
		const { token, session } = await fresh();
		const extended = await touchSession(t.db, session, policy, at(14 * MIN));
		expect(extended.idleExpiresAt).toEqual(at(29 * MIN));
		expect(await validateSessionToken(t.db, token, policy, at(28 * MIN))).not.toBeNull();
		const late = await touchSession(t.db, extended, policy, at(10 * HOUR - 5 * MIN));
		expect(late.idleExpiresAt).toEqual(at(10 * HOUR));
	});

	it('follow the configured policy', async () => {
		const short: SessionPolicy = { idleMs: 2 * MIN, absoluteMs: HOUR };
		const { token } = await fresh();
		expect(
			await validateSessionToken(t.db, token, short, at(2 * MIN - 1), { touch: false })
		).not.toBeNull();
		expect(await validateSessionToken(t.db, token, short, at(2 * MIN))).toBeNull();
	});

	it('end on sign-out and do not come back', async () => {
		const { token, session } = await fresh();
		await invalidateSession(t.db, session.id);
		expect(await validateSessionToken(t.db, token, policy, at(MIN))).toBeNull();
	});

	it('can all be ended for a user, optionally sparing one', async () => {
		const user = await createUser(t.db);
		const make = () =>
			createSession(t.db, { userId: user.id, now: T0, twoFactorVerified: true }, policy);
		const [a, b, c] = await Promise.all([make(), make(), make()]);
		const ended = await invalidateUserSessions(t.db, user.id, a!.session.id);
		expect(ended.sort()).toEqual([b!.session.id, c!.session.id].sort());
		expect(await validateSessionToken(t.db, a!.token, policy, at(MIN))).not.toBeNull();
		expect(await validateSessionToken(t.db, b!.token, policy, at(MIN))).toBeNull();
		expect(await invalidateUserSessions(t.db, user.id)).toEqual([a!.session.id]);
		expect(await validateSessionToken(t.db, a!.token, policy, at(MIN))).toBeNull();
	});

	it('let a user end only their own sessions', async () => {
		const mine = await fresh();
		const theirs = await fresh();
		expect(await endOwnSession(t.db, mine.user.id, theirs.session.id)).toBe(false);
		expect(await validateSessionToken(t.db, theirs.token, policy, at(MIN))).not.toBeNull();
		expect((await listUserSessions(t.db, mine.user.id)).map((s) => s.id)).toEqual([
			mine.session.id
		]);
		expect(await endOwnSession(t.db, mine.user.id, mine.session.id)).toBe(true);
		expect(await validateSessionToken(t.db, mine.token, policy, at(MIN))).toBeNull();
	});

	it('are refused for a disabled user even while the row remains', async () => {
		const { user, token, session } = await fresh();
		expect(await validateSessionToken(t.db, token, policy, at(MIN))).not.toBeNull();
		await t.db
			.update(users)
			.set({ disabledAt: at(2 * MIN) })
			.where(eq(users.id, user.id));
		expect(await storedRow(session.id)).toBeDefined();
		expect(await validateSessionToken(t.db, token, policy, at(3 * MIN))).toBeNull();
		// And the refusal ends the session for good, even if the account is enabled again.
		await t.db.update(users).set({ disabledAt: null }).where(eq(users.id, user.id));
		expect(await validateSessionToken(t.db, token, policy, at(4 * MIN))).toBeNull();
	});
});
