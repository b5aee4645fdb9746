import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openDatabase, type Database, type DatabaseHandle } from '../../src/lib/server/db/index.ts';
import {
	accessChanges,
	auditEvents,
	memberships,
	recoveryCodes,
	sessions,
	users
} from '../../src/lib/server/db/schema/index.ts';
import {
	adminOverview,
	clearSignInLock,
	createAgency,
	createArea,
	createUser,
	disableUser,
	enableUser,
	getArea,
	getUser,
	listAreaOptions,
	listAreas,
	listUsers,
	reissueInvite,
	removeMembership,
	resetUserSecondFactor,
	setMembership,
	updateUser,
	type AdminContext
} from '../../src/lib/server/admin/index.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { acceptInvite, inviteUser } from '../../src/lib/server/auth/flows.ts';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session.ts';
import {
	ACCOUNT_RULE,
	TOTP_RULE,
	accountKey,
	recordFailure,
	retryAfter,
	totpKey
} from '../../src/lib/server/auth/throttle.ts';

const policy = { idleMs: 15 * 60_000, absoluteMs: 10 * 3_600_000 };
const NOW = new Date('2026-03-02T10:00:00Z');

let handle: DatabaseHandle;
let db: Database;
/** The acting administrator. */
let admin: AdminContext;
let seq = 0;
const unique = (prefix: string) => `${prefix} ${++seq}`;

async function newArea(ctx = admin) {
	const area = await createArea(ctx, {
		name: unique('Area'),
		confidentialityStatement: 'What is said here stays here.'
	});
	const police = await createAgency(ctx, {
		areaId: area.id,
		name: 'Constabulary',
		sector: 'police'
	});
	const idva = await createAgency(ctx, { areaId: area.id, name: 'IDVA service', sector: 'idva' });
	return { areaId: area.id, policeId: police.id, idvaId: idva.id };
}

async function newPerson(isAdmin = false) {
	const email = `person${++seq}@agency.example`;
	const created = await createUser(admin, { email, name: `Person ${seq}`, isAdmin });
	return { ...created, email };
}

async function auditFor(target: string) {
	return db.select().from(auditEvents).where(eq(auditEvents.target, target));
}

async function expectDomainError(promise: Promise<unknown>, field?: string) {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(DomainError);
	expect((error as DomainError).field).toBe(field);
	return error as DomainError;
}

beforeAll(async () => {
	handle = await openDatabase({ dataDir: 'memory://' });
	db = handle.db;
	const [row] = await db
		.insert(users)
		.values({ email: 'admin@agency.example', name: 'Ada Admin', isAdmin: true })
		.returning({ id: users.id });
	admin = {
		db,
		actor: { userId: row!.id, sessionId: 'adminsession0001', ip: '192.0.2.1' },
		now: NOW
	};
});

afterAll(async () => {
	await handle?.close();
});

describe('areas and agencies', () => {
	it('creates an area, lists it with its counts, and audits who did it', async () => {
		const { areaId } = await newArea();
		const listed = (await listAreas(db)).find((a) => a.id === areaId);
		expect(listed).toMatchObject({ agencyCount: 2, memberCount: 0 });
		const [event] = await auditFor(`area:${areaId}`);
		expect(event).toMatchObject({
			action: 'admin.area_create',
			outcome: 'success',
			userId: admin.actor.userId,
			ip: '192.0.2.1'
		});
	});

	it('refuses a second area with the same name, whatever its case', async () => {
		const name = unique('Northshire');
		await createArea(admin, { name, confidentialityStatement: 'x' });
		const error = await expectDomainError(
			createArea(admin, { name: `  ${name.toUpperCase()} `, confidentialityStatement: 'x' }),
			'name'
		);
		expect(error.message).toMatch(/already exists/);
		expect(
			(await listAreas(db)).filter((a) => a.name.toLowerCase() === name.toLowerCase())
		).toHaveLength(1);
	});

	it('returns the area with its agencies, and refuses a duplicate agency name in it', async () => {
		const { areaId, policeId } = await newArea();
		const area = await getArea(db, areaId);
		expect(area?.agencies.map((a) => [a.name, a.sector])).toEqual([
			['Constabulary', 'police'],
			['IDVA service', 'idva']
		]);
		expect(area?.agencies.find((a) => a.id === policeId)?.memberCount).toBe(0);
		await expectDomainError(
			createAgency(admin, { areaId, name: 'constabulary', sector: 'police' }),
			'name'
		);
		// The same agency name is fine in another area.
		const other = await newArea();
		expect((await getArea(db, other.areaId))?.agencies).toHaveLength(2);
	});

	it('returns null for an unknown area and refuses agencies for it', async () => {
		const missing = '00000000-0000-4000-8000-000000000000';
		expect(await getArea(db, missing)).toBeNull();
		await expectDomainError(createAgency(admin, { areaId: missing, name: 'X', sector: 'other' }));
	});
});

describe('people', () => {
	it('creates an invited account with a normalised e-mail and a working invitation', async () => {
		const { id, token, expiresAt } = await createUser(admin, {
			email: '  Jo.Bloggs@Agency.Example ',
			name: ' Jo Bloggs ',
			isAdmin: false
		});
		const invite = await inviteUser(db, token, NOW);
		expect(invite).toMatchObject({
			userId: id,
			email: 'jo.bloggs@agency.example',
			name: 'Jo Bloggs'
		});
		expect(expiresAt.getTime()).toBeGreaterThan(NOW.getTime());
		const summary = (await listUsers(db)).find((u) => u.id === id);
		expect(summary).toMatchObject({ status: 'invited', isAdmin: false, totpEnabled: false });
		expect((await listUsers(db, { search: 'BLOGGS' })).map((u) => u.id)).toEqual([id]);
		const detail = await getUser(db, id, NOW);
		expect(detail?.inviteExpiresAt).toEqual(expiresAt);
		// Neither the token nor any secret reaches the audit log or the returned records.
		const events = await auditFor(`user:${id}`);
		expect(events.map((e) => e.action)).toEqual(['admin.user_create']);
		expect(JSON.stringify(events)).not.toContain(token.split('.')[1]);
		expect(Object.keys(detail!)).not.toEqual(
			expect.arrayContaining([expect.stringMatching(/hash|totpKey|secret/i)])
		);
	});

	it("refuses a password made from the invited person's own name, and keeps the link usable", async () => {
		const { token } = await createUser(admin, {
			email: 'rosalind.okafor@agency.example',
			name: 'Rosalind Okafor',
			isAdmin: false
		});
		for (const password of [
			'Rosalind-Okafor-1',
			'okafor2026!!',
			'rosalind.okafor@agency.example'
		]) {
			const result = await acceptInvite(db, token, password, NOW);
			expect(result, password).toMatchObject({ kind: 'weak' });
		}
		expect(await acceptInvite(db, token, 'Password123!', NOW)).toMatchObject({
			kind: 'weak',
			message: expect.stringMatching(/too easy to guess/)
		});
		expect(await inviteUser(db, token, NOW)).not.toBeNull();
		expect(await acceptInvite(db, token, 'tigrinya-interpreter-booked-7', NOW)).toEqual({
			kind: 'ok'
		});
	});

	it('counts people, invitations and disabled accounts for the overview', async () => {
		const before = await adminOverview(db);
		const { id } = await newPerson();
		await newPerson();
		await disableUser(admin, id);
		const after = await adminOverview(db);
		expect(after.people - before.people).toBe(2);
		expect(after.invited - before.invited).toBe(1);
		expect(after.disabled - before.disabled).toBe(1);
	});

	it('refuses a duplicate e-mail address, however it is typed', async () => {
		const { email } = await newPerson();
		const error = await expectDomainError(
			createUser(admin, { email: ` ${email.toUpperCase()}`, name: 'Someone else', isAdmin: false }),
			'email'
		);
		expect(error.message).toMatch(/already exists/);
		expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
	});

	it('reissues an invitation: the new link works and the old one no longer does', async () => {
		const { id, token } = await newPerson();
		const again = await reissueInvite(admin, id);
		expect(await inviteUser(db, token, NOW)).toBeNull();
		expect((await inviteUser(db, again.token, NOW))?.userId).toBe(id);
	});

	it('will not let an administrator remove their own administrator rights', async () => {
		const self = admin.actor.userId!;
		await expectDomainError(updateUser(admin, self, { name: 'Ada Admin', isAdmin: false }));
		expect((await getUser(db, self))?.isAdmin).toBe(true);
		const denied = (await auditFor(`user:${self}`)).filter((e) => e.outcome === 'denied');
		expect(denied.map((e) => e.action)).toContain('admin.user_update');
		// Another administrator's rights can be removed.
		const other = await newPerson(true);
		await updateUser(admin, other.id, { name: 'Renamed', isAdmin: false });
		expect(await getUser(db, other.id)).toMatchObject({ name: 'Renamed', isAdmin: false });
		const changes = await db.select().from(accessChanges).where(eq(accessChanges.userId, other.id));
		expect(changes.map((c) => c.reason)).toEqual(['admin_changed']);
	});
});

describe('memberships', () => {
	it('adds a membership, then changes it in place (one per person per area)', async () => {
		const { areaId, policeId, idvaId } = await newArea();
		const { id } = await newPerson();
		await setMembership(admin, { userId: id, areaId, agencyId: policeId, role: 'agency_rep' });
		await setMembership(admin, { userId: id, areaId, agencyId: idvaId, role: 'chair' });
		const rows = await db.select().from(memberships).where(eq(memberships.userId, id));
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ areaId, agencyId: idvaId, role: 'chair' });
		const detail = await getUser(db, id);
		expect(detail?.memberships).toEqual([
			expect.objectContaining({ areaId, agencyId: idvaId, role: 'chair', sector: 'idva' })
		]);
		const area = await getArea(db, areaId);
		expect(area?.members.map((m) => [m.userId, m.role])).toEqual([[id, 'chair']]);
		expect(area?.agencies.map((a) => [a.id, a.memberCount])).toEqual([
			[policeId, 0],
			[idvaId, 1]
		]);
		expect((await listAreas(db)).find((a) => a.id === areaId)).toMatchObject({
			agencyCount: 2,
			memberCount: 1
		});
		expect((await listUsers(db)).find((u) => u.id === id)?.memberships).toHaveLength(1);
	});

	it('refuses an agency that belongs to another area, leaving the membership as it was', async () => {
		const home = await newArea();
		const elsewhere = await newArea();
		const { id } = await newPerson();
		await setMembership(admin, {
			userId: id,
			areaId: home.areaId,
			agencyId: home.policeId,
			role: 'agency_rep'
		});
		await expectDomainError(
			setMembership(admin, {
				userId: id,
				areaId: home.areaId,
				agencyId: elsewhere.idvaId,
				role: 'coordinator'
			}),
			'agencyId'
		);
		const rows = await db.select().from(memberships).where(eq(memberships.userId, id));
		expect(rows.map((r) => [r.agencyId, r.role])).toEqual([[home.policeId, 'agency_rep']]);
	});

	it('removes a membership once, and says when there was nothing to remove', async () => {
		const { areaId, policeId } = await newArea();
		const { id } = await newPerson();
		await setMembership(admin, { userId: id, areaId, agencyId: policeId, role: 'observer' });
		expect(await removeMembership(admin, id, areaId)).toBe(true);
		expect(await removeMembership(admin, id, areaId)).toBe(false);
		// Live connections are told to re-check: the removal is recorded as an access change.
		const changes = await db.select().from(accessChanges).where(eq(accessChanges.userId, id));
		expect(changes.map((c) => [c.reason, c.areaId])).toContainEqual(['membership_removed', areaId]);
		expect(await db.select().from(memberships).where(eq(memberships.userId, id))).toEqual([]);
		const actions = (await auditFor(`user:${id}`)).map((e) => e.action);
		expect(actions.filter((a) => a === 'admin.membership_remove')).toHaveLength(1);
	});

	it('offers each area with its own agencies to choose from', async () => {
		const { areaId, policeId, idvaId } = await newArea();
		const option = (await listAreaOptions(db)).find((a) => a.id === areaId);
		expect(option?.agencies.map((a) => a.id).sort()).toEqual([policeId, idvaId].sort());
	});
});

describe('disabling and recovering accounts', () => {
	it('disabling ends every session of the person at once, and enabling lets them back', async () => {
		const { id, token: invite } = await newPerson();
		const made = await Promise.all(
			[false, true, true].map((twoFactorVerified) =>
				createSession(db, { userId: id, now: NOW, twoFactorVerified }, policy)
			)
		);
		for (const { token } of made)
			expect(await validateSessionToken(db, token, policy, NOW)).not.toBeNull();
		const ended = await disableUser(admin, id);
		expect(ended.sort()).toEqual(made.map((m) => m.session.id).sort());
		for (const { token } of made)
			expect(await validateSessionToken(db, token, policy, NOW)).toBeNull();
		expect(await db.select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
		expect((await getUser(db, id))?.status).toBe('disabled');
		// An outstanding invitation dies with it, and no new one can be issued while disabled.
		expect(await inviteUser(db, invite, NOW)).toBeNull();
		await expectDomainError(reissueInvite(admin, id));
		const [event] = (await auditFor(`user:${id}`)).filter((e) => e.action === 'admin.user_disable');
		expect(event?.details).toEqual({ sessionsEnded: 3 });

		await enableUser(admin, id);
		expect((await getUser(db, id))?.status).toBe('invited');
		const { token } = await createSession(
			db,
			{ userId: id, now: NOW, twoFactorVerified: false },
			policy
		);
		expect(await validateSessionToken(db, token, policy, NOW)).not.toBeNull();
	});

	it('will not let an administrator disable their own account', async () => {
		const self = admin.actor.userId!;
		await expectDomainError(disableUser(admin, self));
		expect((await getUser(db, self))?.disabledAt).toBeNull();
	});

	it('resets a second factor: authenticator and recovery codes gone, sessions ended', async () => {
		const { id, token: invite } = await newPerson();
		expect(await acceptInvite(db, invite, 'a long and unusual passphrase 4 tests', NOW)).toEqual({
			kind: 'ok'
		});
		await db
			.update(users)
			.set({ totpKey: new Uint8Array(20).fill(7), totpEnabledAt: NOW, totpLastStep: 1 })
			.where(eq(users.id, id));
		await db.insert(recoveryCodes).values({ userId: id, codeHash: 'not-a-real-hash' });
		await recordFailure(db, totpKey(id), TOTP_RULE, NOW);
		const { token } = await createSession(
			db,
			{ userId: id, now: NOW, twoFactorVerified: true },
			policy
		);
		expect((await getUser(db, id))?.totpEnabledAt).toEqual(NOW);

		const ended = await resetUserSecondFactor(admin, id);
		expect(ended).toHaveLength(1);
		expect(await validateSessionToken(db, token, policy, NOW)).toBeNull();
		const [row] = await db.select().from(users).where(eq(users.id, id));
		expect(row).toMatchObject({ totpKey: null, totpEnabledAt: null, totpLastStep: null });
		expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, id))).toEqual([]);
		expect((await getUser(db, id, NOW))?.secondFactorThrottle).toBeNull();
		// The password still works: the account stays active, only the second factor is gone.
		expect((await getUser(db, id))?.status).toBe('active');
	});

	it('will not let an administrator reset their own second factor', async () => {
		const self = admin.actor.userId!;
		await db.update(users).set({ totpEnabledAt: NOW }).where(eq(users.id, self));
		await expectDomainError(resetUserSecondFactor(admin, self));
		expect((await getUser(db, self))?.totpEnabledAt).toEqual(NOW);
		await db.update(users).set({ totpEnabledAt: null }).where(eq(users.id, self));
	});

	it('clears a sign-in lock for the typed e-mail address', async () => {
		const { id, email } = await newPerson();
		for (let i = 0; i < ACCOUNT_RULE.lockAfter!; i++) {
			await recordFailure(db, accountKey(email), ACCOUNT_RULE, NOW);
		}
		expect(await retryAfter(db, accountKey(email), NOW)).toBeGreaterThan(0);
		const before = await getUser(db, id, NOW);
		expect(before?.signInThrottle).toMatchObject({ failures: ACCOUNT_RULE.lockAfter });
		expect(before?.signInThrottle?.blockedUntil).toBeInstanceOf(Date);

		await clearSignInLock(admin, ` ${email.toUpperCase()} `);
		expect(await retryAfter(db, accountKey(email), NOW)).toBe(0);
		expect((await getUser(db, id, NOW))?.signInThrottle).toBeNull();
		const events = await db
			.select()
			.from(auditEvents)
			.where(
				and(
					eq(auditEvents.action, 'admin.sign_in_lock_clear'),
					eq(auditEvents.target, `user:${id}`)
				)
			);
		expect(events).toHaveLength(1);
		expect(JSON.stringify(events)).not.toContain(email);
	});
});

describe('separation from case content', () => {
	const CASE_TABLES = [
		'cases',
		'caseExclusions',
		'restrictedGrants',
		'meetings',
		'agendaItems',
		'researchStatus',
		'attendance'
	];

	it('the admin module imports no case, meeting or agenda table and no case module', () => {
		const dir = join(process.cwd(), 'src/lib/server/admin');
		const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
		expect(files).toContain('index.ts');
		for (const file of files) {
			const source = readFileSync(join(dir, file), 'utf8');
			const imported = [...source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)];
			for (const [, names, from] of imported) {
				expect(from, `${file} imports ${from}`).not.toMatch(/cases|meetings|documents|exports/);
				const list = names!.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim());
				for (const table of CASE_TABLES)
					expect(list, `${file} imports ${table}`).not.toContain(table);
			}
			expect(source).not.toMatch(/\bfrom\s*['"][^'"]*schema\/(cases|meetings)/);
		}
	});
});
