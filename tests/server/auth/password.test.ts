import { describe, expect, it } from 'vitest';
import {
	ARGON2_OPTIONS,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	hashPassword,
	passwordProblem,
	verifyPassword
} from '../../../src/lib/server/auth/password.ts';

describe('password policy', () => {
	it('asks for at least 12 characters', () => {
		expect(PASSWORD_MIN_LENGTH).toBe(12);
		expect(passwordProblem('tulip-canal')).toMatch(/at least 12/);
		expect(passwordProblem('tulip-canals')).toBeNull();
	});

	it('counts characters, not UTF-16 units', () => {
		// 11 emoji: 22 UTF-16 units, but 11 characters.
		expect(passwordProblem('🦊🌲🚲🎻🐙🌵🍋🦉🧭🐝🍄')).toMatch(/at least 12/);
		expect(passwordProblem('ünïcødé pässwörd')).toBeNull();
	});

	it('accepts long passwords: 64 and up to 256 characters', () => {
		expect(PASSWORD_MAX_LENGTH).toBeGreaterThanOrEqual(64);
		const words = 'amber river quietly folding paper cranes under seven moons ';
		expect(passwordProblem(words.repeat(2).slice(0, 64))).toBeNull();
		expect(passwordProblem(words.repeat(5).slice(0, 256))).toBeNull();
		expect(passwordProblem(words.repeat(5).slice(0, 257))).toMatch(/at most 256/);
	});

	it('rejects common passwords, whatever their case', () => {
		expect(passwordProblem('password1234')).toMatch(/too common/);
		expect(passwordProblem('Password1234')).toMatch(/too common/);
		expect(passwordProblem('qwerty123456')).toMatch(/too common/);
	});

	it('has no composition rules: a long lowercase passphrase is fine', () => {
		expect(passwordProblem('purple elephants dance quietly')).toBeNull();
		expect(passwordProblem('correcthorsebatterystaplewindow')).toBeNull();
	});

	it('rejects the e-mail address and near-single-character passwords', () => {
		expect(passwordProblem('casey@demo.example', { email: 'Casey@demo.example' })).toMatch(
			/e-mail/
		);
		expect(passwordProblem('aaaaaaaaaaaaaaaa')).not.toBeNull();
	});
});

describe('password hashing', () => {
	it('uses argon2id with m=19456 KiB, t=2, p=1', async () => {
		const stored = await hashPassword('purple elephants dance quietly');
		const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(
			stored
		);
		expect(match, stored).not.toBeNull();
		const [, algorithm, version, m, t, p, salt, hash] = match!;
		expect(algorithm).toBe('argon2id');
		expect(version).toBe('19');
		expect({ m: Number(m), t: Number(t), p: Number(p) }).toEqual({ m: 19456, t: 2, p: 1 });
		// 16-byte salt and 32-byte hash, base64 without padding.
		expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
		expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
		expect(ARGON2_OPTIONS).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
	});

	it('salts every hash and never contains the password', async () => {
		const a = await hashPassword('purple elephants dance quietly');
		const b = await hashPassword('purple elephants dance quietly');
		expect(a).not.toBe(b);
		expect(a).not.toContain('purple');
	});

	it('verifies the right password only', async () => {
		const stored = await hashPassword('purple elephants dance quietly');
		expect(await verifyPassword(stored, 'purple elephants dance quietly')).toBe(true);
		expect(await verifyPassword(stored, 'purple elephants dance quietly ')).toBe(false);
		expect(await verifyPassword(stored, 'Purple elephants dance quietly')).toBe(false);
		expect(await verifyPassword(stored, '')).toBe(false);
	});

	it('treats canonically equivalent spellings as the same password (NFKC)', async () => {
		const stored = await hashPassword('caf\u00e9 terrace at night');
		expect(await verifyPassword(stored, 'cafe\u0301 terrace at night')).toBe(true);
	});

	it('returns false, not an error, for a damaged stored hash', async () => {
		expect(await verifyPassword('not-a-phc-string', 'anything at all')).toBe(false);
		expect(await verifyPassword('', 'anything at all')).toBe(false);
	});
});
