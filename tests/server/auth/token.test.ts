import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeBase32IgnorePadding, encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';
import {
	hashSecret,
	newToken,
	parseToken,
	secretMatches
} from '../../../src/lib/server/auth/token.ts';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/session.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';
import { createUser } from '../../helpers/fixtures.ts';

const policy = { idleMs: 15 * 60_000, absoluteMs: 10 * 3_600_000 };

describe('session tokens', () => {
	it('have the form <16 base32 id>.<52 base32 secret>', () => {
		const { id, token } = newToken();
		expect(token).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{52}$/);
		expect(token.startsWith(`${id}.`)).toBe(true);
	});

	it('carry a 256-bit secret and an id that is not part of it', () => {
		const { token } = newToken();
		const parsed = parseToken(token)!;
		expect(decodeBase32IgnorePadding(parsed.secret.toUpperCase())).toHaveLength(32);
		expect(decodeBase32IgnorePadding(parsed.id.toUpperCase())).toHaveLength(10);
	});

	it('are never repeated', () => {
		const tokens = new Set(Array.from({ length: 2_000 }, () => newToken().token));
		expect(tokens.size).toBe(2_000);
	});

	it('keep only the SHA-256 of the secret', () => {
		const { token, secretHash } = newToken();
		const { secret } = parseToken(token)!;
		expect(secretHash).toEqual(sha256(new TextEncoder().encode(secret)));
		expect(secretHash).toHaveLength(32);
		expect(secretHash).toEqual(hashSecret(secret));
	});

	it('match only their own secret', () => {
		const a = newToken();
		const b = newToken();
		expect(secretMatches(parseToken(a.token)!.secret, a.secretHash)).toBe(true);
		expect(secretMatches(parseToken(b.token)!.secret, a.secretHash)).toBe(false);
		expect(secretMatches('', a.secretHash)).toBe(false);
	});

	it.each([
		'',
		'abc',
		'aaaaaaaaaaaaaaaa',
		'aaaaaaaaaaaaaaaa.',
		`${'a'.repeat(16)}.${'a'.repeat(51)}`,
		`${'a'.repeat(16)}.${'a'.repeat(53)}`,
		`${'A'.repeat(16)}.${'a'.repeat(52)}`,
		`${'a'.repeat(16)}.${'1'.repeat(52)}`,
		`${'a'.repeat(16)}.${'a'.repeat(52)}\n`,
		`x${'a'.repeat(16)}.${'a'.repeat(52)}`
	])('refuses the malformed token %j', (token) => {
		expect(parseToken(token)).toBeNull();
	});
});

describe.each(testDatabases())('stored sessions on $name', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await backend.open();
	});
	afterAll(async () => {
		await t?.cleanup();
	});

	it('store the id and the hash, never the secret', async () => {
		const user = await createUser(t.db);
		const now = new Date();
		const { token } = await createSession(
			t.db,
			{ userId: user.id, now, twoFactorVerified: false },
			policy
		);
		const { id, secret } = parseToken(token)!;
		const result: unknown = await t.db.execute(
			sql`select *, encode(secret_hash, 'hex') as secret_hash_hex from sessions where id = ${id}`
		);
		// PGlite answers { rows }, postgres.js an array of rows.
		const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
			string,
			unknown
		>[];
		expect(rows).toHaveLength(1);
		const row = rows[0]!;
		expect(row.secret_hash_hex).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(secret))));
		const everything = JSON.stringify(rows, (_key, value) =>
			value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value
		);
		expect(everything).not.toContain(secret);
		expect(everything).not.toContain(token);
		expect(everything).not.toContain(secret.slice(0, 20));
	});

	it('refuse a wrong secret presented with a real id', async () => {
		const user = await createUser(t.db);
		const now = new Date();
		const { token } = await createSession(
			t.db,
			{ userId: user.id, now, twoFactorVerified: false },
			policy
		);
		const { id, secret } = parseToken(token)!;
		expect(await validateSessionToken(t.db, token, policy, now)).not.toBeNull();
		const forged = `${id}.${newToken().token.split('.')[1]}`;
		expect(await validateSessionToken(t.db, forged, policy, now)).toBeNull();
		// One character off.
		const last = secret.at(-1) === 'a' ? 'b' : 'a';
		expect(
			await validateSessionToken(t.db, `${id}.${secret.slice(0, -1)}${last}`, policy, now)
		).toBeNull();
		// The genuine token still works: a forged attempt does not end the session.
		expect(await validateSessionToken(t.db, token, policy, now)).not.toBeNull();
	});

	it('refuse an unknown id and a malformed token', async () => {
		const now = new Date();
		expect(await validateSessionToken(t.db, newToken().token, policy, now)).toBeNull();
		expect(await validateSessionToken(t.db, 'not-a-token', policy, now)).toBeNull();
	});
});
