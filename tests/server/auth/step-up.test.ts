import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { AuthContext } from '../../../src/lib/server/auth/flows.ts';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/session.ts';
import { safeNextPath, stepUp } from '../../../src/lib/server/auth/step-up.ts';
import { ACCOUNT_RULE } from '../../../src/lib/server/auth/throttle.ts';
import { newTotpKey, totpCodeAt } from '../../../src/lib/server/auth/totp.ts';
import { auditEvents } from '../../../src/lib/server/db/schema/index.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';
import { TEST_PASSWORD, createUser } from '../../helpers/fixtures.ts';

const MIN = 60_000;
const meta = { ip: '203.0.113.7', userAgent: 'vitest' };

describe('safeNextPath', () => {
	it.each([
		['/meetings/1/action-plan?agency=2', '/meetings/1/action-plan?agency=2'],
		['/exports', '/exports'],
		['//evil.example/x', '/'],
		['/\\evil.example', '/'],
		['https://evil.example/', '/'],
		['javascript:alert(1)', '/'],
		['meetings', '/'],
		['/reauth?next=/x', '/'],
		['/login', '/'],
		['/a\nb', '/'],
		['', '/'],
		[null, '/']
	])('%s → %s', (raw, expected) => {
		expect(safeNextPath(raw)).toBe(expected);
	});
});

describe.each(testDatabases())('step-up on $name', (backend) => {
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

	async function signedIn(userId: string, twoFactorVerified = false) {
		return createSession(t.db, { userId, now: clock, twoFactorVerified }, ctx.sessionPolicy);
	}
	const outcomes = async (userId: string) =>
		(
			await t.db
				.select({ outcome: auditEvents.outcome })
				.from(auditEvents)
				.where(and(eq(auditEvents.userId, userId), eq(auditEvents.action, 'auth.step_up')))
		).map((r) => r.outcome);

	it('with the password: sets the step-up time, keeps the id and sign-in time, rotates the secret', async () => {
		const user = await createUser(t.db);
		const { token, session } = await signedIn(user.id);
		expect(session.stepUpAt).toBeNull();
		clock = new Date(clock.getTime() + 30 * MIN);
		const result = await stepUp(ctx, session, { password: TEST_PASSWORD, code: '' }, meta);
		expect(result.kind).toBe('stepped-up');
		if (result.kind !== 'stepped-up') return;
		expect(result.session.id).toBe(session.id);
		expect(result.session.stepUpAt).toEqual(clock);
		expect(result.session.createdAt).toEqual(session.createdAt);
		expect(result.session.absoluteExpiresAt).toEqual(session.absoluteExpiresAt);
		expect(result.token).not.toBe(token);
		expect(await validateSessionToken(t.db, token, ctx.sessionPolicy, clock)).toBeNull();
		const valid = await validateSessionToken(t.db, result.token, ctx.sessionPolicy, clock);
		expect(valid?.session.stepUpAt).toEqual(clock);
		expect(await outcomes(user.id)).toEqual(['success']);
	});

	it('refuses a wrong password, counts it against the account, and audits it', async () => {
		const user = await createUser(t.db);
		const { token, session } = await signedIn(user.id);
		const result = await stepUp(ctx, session, { password: 'wrong password!', code: '' }, meta);
		expect(result.kind).toBe('invalid');
		const valid = await validateSessionToken(t.db, token, ctx.sessionPolicy, clock);
		expect(valid?.session.stepUpAt).toBeNull();
		expect(await outcomes(user.id)).toEqual(['failure']);
	});

	it('is throttled by the sign-in throttle, so it cannot be used to guess passwords', async () => {
		const user = await createUser(t.db);
		const { session } = await signedIn(user.id);
		for (let i = 0; i <= ACCOUNT_RULE.freeFailures; i++) {
			expect(
				(await stepUp(ctx, session, { password: `wrong ${i} xxxxx`, code: '' }, meta)).kind
			).toBe('invalid');
		}
		const locked = await stepUp(ctx, session, { password: TEST_PASSWORD, code: '' }, meta);
		expect(locked.kind).toBe('throttled');
		expect((await outcomes(user.id)).at(-1)).toBe('denied');
	});

	it('needs the code as well when the user has a second factor, and each code once', async () => {
		const key = newTotpKey();
		const user = await createUser(t.db, { totpKey: key });
		const { session } = await signedIn(user.id, true);
		const noCode = await stepUp(ctx, session, { password: TEST_PASSWORD, code: '' }, meta);
		expect(noCode.kind).toBe('needs-code');
		const code = totpCodeAt(key, clock);
		const wrongCode = code === '000000' ? '111111' : '000000';
		expect(
			(await stepUp(ctx, session, { password: TEST_PASSWORD, code: wrongCode }, meta)).kind
		).toBe('invalid');
		const ok = await stepUp(ctx, session, { password: TEST_PASSWORD, code }, meta);
		expect(ok.kind).toBe('stepped-up');
		if (ok.kind !== 'stepped-up') return;
		const again = await stepUp(ctx, ok.session, { password: TEST_PASSWORD, code }, meta);
		expect(again.kind).toBe('invalid');
	});
});
