import { describe, expect, it } from 'vitest';
import {
	ARGON2_OPTIONS,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	hashPassword,
	passwordProblem,
	verifyPassword
} from '../../../src/lib/server/auth/password.ts';
import { DEMO_PASSWORD } from '../../../src/lib/server/seed/demo.ts';

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
		expect(passwordProblem('password1234')).toMatch(/too easy to guess: .*commonly used/);
		expect(passwordProblem('Password1234')).toMatch(/commonly used/);
		expect(passwordProblem('qwerty123456')).toMatch(/too easy to guess/);
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

/** NIST SP 800-63B §5.1.1.2: commonly used, expected or compromised values; no composition rules. */
describe('password policy: guessable values', () => {
	const common = /too easy to guess: it is a commonly used password/;
	const repeated = /too easy to guess: it repeats/;
	const sequence = /too easy to guess: it is a run of letters, numbers or keys in order/;
	const contextual = /too easy to guess: it is made from your name, your e-mail address/;

	it('rejects a list entry with digits or punctuation before or after it', () => {
		for (const password of [
			'Password123!',
			'Welcome12345',
			'letmein12345',
			'!!sunshine2024',
			'2024-iloveyou',
			'monkey 123456',
			'Dragon!!!!!!!'
		]) {
			expect(passwordProblem(password), password).toMatch(common);
		}
	});

	it('reads simple substitutions back: 0 o, 1 i or l, 3 e, 4 or @ a, 5 or $ s', () => {
		for (const password of [
			'P@ssw0rd2024!',
			'l3tm31n12345',
			'$ecret123456',
			'p4ssw0rd!!!!',
			'footba11-2024'
		]) {
			expect(passwordProblem(password), password).toMatch(common);
		}
	});

	it('rejects a repetition of a list entry and two list entries run together', () => {
		expect(passwordProblem('changemechangeme')).toMatch(common);
		expect(passwordProblem('qwertyqwerty')).toMatch(common);
		expect(passwordProblem('monkey-monkey-monkey')).toMatch(common);
		expect(passwordProblem('monkeydragon!!')).toMatch(common);
		expect(passwordProblem('Sunshine Princess')).toMatch(common);
		// Three or more unrelated words are a passphrase, even when each of them is on the list.
		expect(passwordProblem('correct horse battery staple')).toBeNull();
		expect(passwordProblem('violet harbour lanterns 42')).toBeNull();
	});

	it('rejects a short unit repeated over the whole password, not a long one', () => {
		for (const password of [
			'abcabcabcabc',
			'ab12ab12ab12',
			'111111111111',
			'tulip-canal tulip-canal',
			'xq7!xq7!xq7!xq7!'
		]) {
			expect(passwordProblem(password), password).toMatch(repeated);
		}
		// The unit alone would pass, so repeating it loses nothing.
		expect(passwordProblem('tigrinya-interpreter tigrinya-interpreter')).toBeNull();
	});

	it('rejects runs of letters, digits or keyboard keys covering the whole password', () => {
		for (const password of [
			'abcdefghijkl',
			'zyxwvutsrqpo',
			'123456789012',
			'098765432109',
			'qwertyuiopas',
			'mnbvcxzlkjhg',
			'ki8mju7nhy6b',
			'lmnopq456789',
			'qwertzuiopas'
		]) {
			expect(passwordProblem(password), password).toMatch(sequence);
		}
		// A run inside an otherwise unguessable password is fine.
		expect(passwordProblem('abcd tigrinya interpreter')).toBeNull();
		expect(passwordProblem('x7$kd9!2@p4q')).toBeNull();
	});

	it('rejects passwords made from the name of this service', () => {
		for (const password of [
			'marac-portal-2026',
			'MaracMarac!!',
			'maracmarac-1',
			'M4r4c p0rt4l 2026'
		]) {
			expect(passwordProblem(password), password).toMatch(contextual);
		}
		expect(passwordProblem('Portal123456!')).toMatch(/too easy to guess/);
	});

	it("rejects passwords made from the user's own name or e-mail address", () => {
		const context = { email: 'casey.coordinator@agency.example', name: 'Casey Coordinator' };
		for (const password of [
			'casey.coordinator',
			'CaseyCoordinator1!',
			'coordinator2026',
			'coordinator-marac',
			'agency coordinator'
		]) {
			expect(passwordProblem(password, context), password).toMatch(contextual);
		}
		// The same password belongs to nobody in particular without that context.
		expect(passwordProblem('coordinator2026')).toBeNull();
		expect(passwordProblem('tigrinya-interpreter-booked-7', context)).toBeNull();
	});

	it('accepts passphrases and random strings', () => {
		const context = { email: 'casey@demo.example', name: 'Casey Coordinator' };
		for (const password of [
			'correct horse battery staple',
			'tigrinya-interpreter-booked-7',
			'purple elephants dance quietly',
			'ünïcødé pässwörd',
			'a long and unusual passphrase 4 tests',
			'Hq3$vT9!mZ2@',
			'7281 canal boats at dawn'
		]) {
			expect(passwordProblem(password, context), password).toBeNull();
		}
	});

	it('refuses the published demo password for a real account; the seed never runs the policy', () => {
		// The demo accounts' password is printed at start and in the README, so it must not be usable
		// as a real one. seedDemo hashes it without the policy, so the demo data keeps working.
		expect(passwordProblem(DEMO_PASSWORD)).toMatch(/too easy to guess/);
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
