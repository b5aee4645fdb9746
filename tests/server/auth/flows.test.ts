import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	RECOVERY_CODE_COUNT,
	beginTotpEnrolment,
	confirmTotpEnrolment,
	sessionStage,
	signIn,
	verifySecondFactor,
	type AuthContext
} from '../../../src/lib/server/auth/flows.ts';
import {
	createSession,
	validateSessionToken,
	type Session
} from '../../../src/lib/server/auth/session.ts';
import { ACCOUNT_RULE, TOTP_RULE } from '../../../src/lib/server/auth/throttle.ts';
import { newTotpKey, totpCodeAt } from '../../../src/lib/server/auth/totp.ts';
import { auditEvents, recoveryCodes, users } from '../../../src/lib/server/db/schema/index.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';
import { TEST_PASSWORD, createUser } from '../../helpers/fixtures.ts';

const MIN = 60_000;
const meta = { ip: '203.0.113.5', userAgent: 'vitest' };

/** A six-digit code valid at none of the steps around `now`. */
function wrongCode(key: Uint8Array, now: Date): string {
	const valid = new Set(
		[-1, 0, 1].map((d) => totpCodeAt(key, new Date(now.getTime() + d * 30_000)))
	);
	for (let n = 0; ; n++) {
		const code = String(n).padStart(6, '0');
		if (!valid.has(code)) return code;
	}
}

describe('sessionStage', () => {
	const session = { twoFactorVerified: false } as Session;
	const verified = { twoFactorVerified: true } as Session;
	const withTotp = { totpEnabled: true } as never;
	const withoutTotp = { totpEnabled: false } as never;

	it('needs the second factor whenever the user has one', () => {
		expect(sessionStage(withTotp, session, 'optional')).toBe('needs-mfa');
		expect(sessionStage(withTotp, session, 'required')).toBe('needs-mfa');
		expect(sessionStage(withTotp, verified, 'required')).toBe('full');
	});

	it('needs enrolment only when the policy requires a second factor', () => {
		expect(sessionStage(withoutTotp, session, 'required')).toBe('needs-enrolment');
		expect(sessionStage(withoutTotp, session, 'optional')).toBe('full');
	});
});

describe.each(testDatabases())('sign-in flows on $name', (backend) => {
	let t: TestDatabase;
	let clock: Date;
	let ctx: AuthContext;
	beforeAll(async () => {
		t = await backend.open();
	});
	afterAll(async () => {
		await t?.cleanup();
	});
	beforeEach(() => {
		clock = new Date('2026-03-02T08:00:10Z');
		ctx = {
			db: t.db,
			mfaPolicy: 'optional',
			now: () => clock,
			sessionPolicy: { idleMs: 15 * MIN, absoluteMs: 600 * MIN }
		};
	});
	const advance = (ms: number) => {
		clock = new Date(clock.getTime() + ms);
	};

	async function passwordSession(userId: string) {
		return createSession(t.db, { userId, now: clock, twoFactorVerified: false }, ctx.sessionPolicy);
	}

	describe('password step', () => {
		it('signs in with the right password, case-insensitively on the e-mail', async () => {
			const user = await createUser(t.db);
			const result = await signIn(
				ctx,
				{ email: ` ${user.email.toUpperCase()} `, password: TEST_PASSWORD },
				meta
			);
			expect(result.kind).toBe('signed-in');
			if (result.kind !== 'signed-in') return;
			expect(result.next).toBe('done');
			expect(result.session.twoFactorVerified).toBe(false);
			const valid = await validateSessionToken(t.db, result.token, ctx.sessionPolicy, clock);
			expect(valid?.user.id).toBe(user.id);
		});

		it('sends users without a second factor to enrolment when it is required', async () => {
			const user = await createUser(t.db);
			const result = await signIn(
				{ ...ctx, mfaPolicy: 'required' },
				{ email: user.email, password: TEST_PASSWORD },
				meta
			);
			expect(result.kind === 'signed-in' && result.next).toBe('enrol');
		});

		it('asks users with a second factor for a code', async () => {
			const user = await createUser(t.db, { totpKey: newTotpKey() });
			const result = await signIn(ctx, { email: user.email, password: TEST_PASSWORD }, meta);
			expect(result.kind === 'signed-in' && result.next).toBe('mfa');
		});

		it('answers a wrong password, an unknown account and a disabled account alike', async () => {
			const user = await createUser(t.db);
			const disabled = await createUser(t.db, { disabled: true });
			const wrong = await signIn(
				ctx,
				{ email: user.email, password: 'not the password at all' },
				meta
			);
			const unknown = await signIn(
				ctx,
				{ email: 'nobody@test.example', password: TEST_PASSWORD },
				meta
			);
			const off = await signIn(ctx, { email: disabled.email, password: TEST_PASSWORD }, meta);
			expect(wrong).toEqual({ kind: 'invalid' });
			expect(unknown).toEqual({ kind: 'invalid' });
			expect(off).toEqual({ kind: 'invalid' });
		});

		it('throttles an account after repeated failures, even for the right password', async () => {
			const user = await createUser(t.db);
			const ip = { ...meta, ip: '203.0.113.77' };
			for (let i = 0; i < ACCOUNT_RULE.freeFailures + 1; i++) {
				expect(
					(await signIn(ctx, { email: user.email, password: 'wrong wrong wrong' }, ip)).kind
				).toBe('invalid');
			}
			const blocked = await signIn(ctx, { email: user.email, password: TEST_PASSWORD }, ip);
			expect(blocked).toEqual({ kind: 'throttled', retryAfterMs: 1_000 });
			advance(1_000);
			const ok = await signIn(ctx, { email: user.email, password: TEST_PASSWORD }, ip);
			expect(ok.kind).toBe('signed-in');
		});

		it('records sign-ins in the audit log without the password', async () => {
			const user = await createUser(t.db);
			await signIn(ctx, { email: user.email, password: 'a wrong secret phrase' }, meta);
			await signIn(ctx, { email: user.email, password: TEST_PASSWORD }, meta);
			const events = await t.db.select().from(auditEvents).where(eq(auditEvents.userId, user.id));
			expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual(
				expect.arrayContaining(['auth.sign_in:failure', 'auth.sign_in:success'])
			);
			const text = JSON.stringify(events);
			expect(text).not.toContain(TEST_PASSWORD);
			expect(text).not.toContain('a wrong secret phrase');
		});
	});

	describe('second factor', () => {
		it('accepts a valid code once, and replaces the session', async () => {
			const key = newTotpKey();
			const user = await createUser(t.db, { totpKey: key });
			const first = await passwordSession(user.id);
			const code = totpCodeAt(key, clock);
			const result = await verifySecondFactor(ctx, first.session, code, meta);
			expect(result.kind).toBe('verified');
			if (result.kind !== 'verified') return;
			expect(result.usedRecoveryCode).toBe(false);
			expect(result.session.id).not.toBe(first.session.id);
			expect(result.session.twoFactorVerified).toBe(true);
			expect(await validateSessionToken(t.db, first.token, ctx.sessionPolicy, clock)).toBeNull();
			const valid = await validateSessionToken(t.db, result.token, ctx.sessionPolicy, clock);
			expect(valid?.session.twoFactorVerified).toBe(true);

			// The same code, presented again (another device, a replay): refused.
			const second = await passwordSession(user.id);
			expect(await verifySecondFactor(ctx, second.session, code, meta)).toEqual({
				kind: 'invalid'
			});
			// So is the previous step's code, though it is within the drift window.
			const previous = totpCodeAt(key, new Date(clock.getTime() - 30_000));
			expect(await verifySecondFactor(ctx, second.session, previous, meta)).toEqual({
				kind: 'invalid'
			});
			// The next code works.
			advance(30_000);
			const next = await verifySecondFactor(ctx, second.session, totpCodeAt(key, clock), meta);
			expect(next.kind).toBe('verified');
		});

		it('lets only one of two simultaneous uses of a code win', async () => {
			const key = newTotpKey();
			const user = await createUser(t.db, { totpKey: key });
			const [a, b] = await Promise.all([passwordSession(user.id), passwordSession(user.id)]);
			const code = totpCodeAt(key, clock);
			const results = await Promise.all([
				verifySecondFactor(ctx, a.session, code, meta),
				verifySecondFactor(ctx, b.session, code, meta)
			]);
			expect(results.map((r) => r.kind).sort()).toEqual(['invalid', 'verified']);
		});

		it('blocks the 6th attempt within 30 minutes of 5 wrong codes, even a right one', async () => {
			const key = newTotpKey();
			const user = await createUser(t.db, { totpKey: key });
			const { session } = await passwordSession(user.id);
			for (let i = 0; i < TOTP_RULE.lockAfter!; i++) {
				advance(MIN);
				expect(await verifySecondFactor(ctx, session, wrongCode(key, clock), meta)).toEqual({
					kind: 'invalid'
				});
			}
			advance(MIN);
			const blocked = await verifySecondFactor(ctx, session, totpCodeAt(key, clock), meta);
			expect(blocked).toEqual({ kind: 'throttled', retryAfterMs: 29 * MIN });
			advance(29 * MIN);
			const after = await verifySecondFactor(ctx, session, totpCodeAt(key, clock), meta);
			expect(after.kind).toBe('verified');
		});

		it('refuses codes for a user without a second factor', async () => {
			const user = await createUser(t.db);
			const { session } = await passwordSession(user.id);
			expect(await verifySecondFactor(ctx, session, '123456', meta)).toEqual({ kind: 'invalid' });
		});
	});

	describe('enrolment and recovery codes', () => {
		async function enrolledUser() {
			const user = await createUser(t.db);
			const { session } = await passwordSession(user.id);
			const key = await beginTotpEnrolment(t.db, user.id);
			const enrolled = await confirmTotpEnrolment(ctx, session, totpCodeAt(key, clock), meta);
			expect(enrolled.kind).toBe('enrolled');
			if (enrolled.kind !== 'enrolled') throw new Error('enrolment failed');
			return { user, key, enrolled };
		}

		it('needs a valid code from the pending key before anything changes', async () => {
			const user = await createUser(t.db);
			const { session } = await passwordSession(user.id);
			const key = await beginTotpEnrolment(t.db, user.id);
			expect(await confirmTotpEnrolment(ctx, session, wrongCode(key, clock), meta)).toEqual({
				kind: 'invalid'
			});
			const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
			expect(row?.totpEnabledAt).toBeNull();
			expect(row?.totpKey).toBeNull();
		});

		it('issues recovery codes that are stored hashed and work once each', async () => {
			const { user, key, enrolled } = await enrolledUser();
			expect(enrolled.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
			for (const code of enrolled.recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
			expect(new Set(enrolled.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);

			const stored = await t.db
				.select()
				.from(recoveryCodes)
				.where(eq(recoveryCodes.userId, user.id));
			expect(stored).toHaveLength(RECOVERY_CODE_COUNT);
			const storedText = JSON.stringify(stored);
			for (const code of enrolled.recoveryCodes) {
				expect(storedText).not.toContain(code);
				expect(storedText).not.toContain(code.replace('-', ''));
			}
			expect(stored.every((r) => r.codeHash.startsWith('$argon2id$'))).toBe(true);

			// The code that confirmed enrolment cannot be used to sign in.
			const s1 = await passwordSession(user.id);
			expect(await verifySecondFactor(ctx, s1.session, totpCodeAt(key, clock), meta)).toEqual({
				kind: 'invalid'
			});

			const [first, second] = enrolled.recoveryCodes;
			const used = await verifySecondFactor(ctx, s1.session, first!, meta);
			expect(used.kind === 'verified' && used.usedRecoveryCode).toBe(true);

			const s2 = await passwordSession(user.id);
			expect(await verifySecondFactor(ctx, s2.session, first!, meta)).toEqual({ kind: 'invalid' });
			// Typed without the dash and in capitals: still the same code.
			const other = await verifySecondFactor(
				ctx,
				s2.session,
				second!.replace('-', '').toUpperCase(),
				meta
			);
			expect(other.kind === 'verified' && other.usedRecoveryCode).toBe(true);

			const remaining = await t.db
				.select()
				.from(recoveryCodes)
				.where(eq(recoveryCodes.userId, user.id));
			expect(remaining.filter((r) => r.usedAt === null)).toHaveLength(RECOVERY_CODE_COUNT - 2);
		});

		it('ends the user’s other sessions on enrolment', async () => {
			const user = await createUser(t.db);
			const other = await passwordSession(user.id);
			const { session } = await passwordSession(user.id);
			const key = await beginTotpEnrolment(t.db, user.id);
			const enrolled = await confirmTotpEnrolment(ctx, session, totpCodeAt(key, clock), meta);
			expect(enrolled.kind).toBe('enrolled');
			expect(await validateSessionToken(t.db, other.token, ctx.sessionPolicy, clock)).toBeNull();
		});
	});
});
