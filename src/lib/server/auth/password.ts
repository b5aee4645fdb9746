import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP / ASVS minimum); 2 = Argon2id. */
export const ARGON2_OPTIONS = {
	algorithm: 2,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
} as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
	common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
	return common;
}

/**
 * Why a new password is unacceptable, or null. Length only, plus a list of common passwords;
 * no composition rules (NIST SP 800-63B, ASVS 6.2).
 */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN_LENGTH) {
		return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
	}
	if (length > PASSWORD_MAX_LENGTH) {
		return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
	}
	const lower = password.toLowerCase();
	if (commonPasswords().has(lower)) {
		return 'This password is too common. Choose one that is hard to guess, such as a few unrelated words.';
	}
	if (context.email && lower === context.email.toLowerCase()) {
		return 'Do not use your e-mail address as your password.';
	}
	if (new Set(password).size < 4) {
		return 'This password repeats too few characters. Choose one that is hard to guess.';
	}
	return null;
}

export function hashPassword(password: string): Promise<string> {
	return hash(password.normalize('NFKC'), ARGON2_OPTIONS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
	try {
		return await verify(storedHash, password.normalize('NFKC'));
	} catch {
		return false;
	}
}

let dummy: Promise<string> | undefined;
/** Verifies against a throwaway hash so an unknown e-mail takes as long as a known one. */
export async function burnVerifyTime(password: string): Promise<void> {
	dummy ??= hashPassword('not-a-real-password-for-timing-only');
	await verifyPassword(await dummy, password);
}
