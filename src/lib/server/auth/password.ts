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
/** The longest entry of the shipped list: no longer piece of a password needs looking up. */
let commonMaxLength = 0;
function commonPasswords(): Set<string> {
	if (!common) {
		common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
		for (const entry of common) commonMaxLength = Math.max(commonMaxLength, entry.length);
	}
	return common;
}

/** Words tied to this service: a password built from them is among the first an attacker tries. */
export const SERVICE_WORDS = ['marac', 'portal'] as const;

export interface PasswordContext {
	/** The account's e-mail address: its local part and domain labels count as guessable words. */
	email?: string;
	/** The account holder's name: each part of it counts as a guessable word. */
	name?: string;
}

const TOO_EASY = 'This password is too easy to guess:';
const ADVICE = 'Choose one that is hard to guess, such as a few unrelated words.';
const MESSAGES = {
	common: `${TOO_EASY} it is a commonly used password, or built from one. ${ADVICE}`,
	context: `${TOO_EASY} it is made from your name, your e-mail address or the name of this service. ${ADVICE}`,
	repeated: `${TOO_EASY} it repeats the same few characters. ${ADVICE}`,
	sequence: `${TOO_EASY} it is a run of letters, numbers or keys in order, like abcd, 1234 or qwerty. ${ADVICE}`
};

/** Simple character substitutions; 1 stands for i or l, so there are two readings. */
const LEET: Record<string, string> = {
	'0': 'o',
	'3': 'e',
	'4': 'a',
	'@': 'a',
	'5': 's',
	$: 's',
	'7': 't'
};
const unleet = (s: string, one: 'i' | 'l') =>
	s.replace(/[0134@5$7]/g, (c) => (c === '1' ? one : LEET[c]!));

/**
 * The password without the digits, punctuation and spaces around it ("Password123!" → "password"),
 * in every reading where up to four of them next to the letters stand for letters instead
 * ("footba11-2024" → "footba11", "$ecret123" → "$ecret").
 */
function cores(s: string): string[] {
	const lead = /^[^\p{L}]*/u.exec(s)![0].length;
	const tail = /[^\p{L}]*$/u.exec(s.slice(lead))![0].length;
	const leet = (c: string | undefined) => c !== undefined && /[0134@5$7]/.test(c);
	const found: string[] = [];
	for (let before = 0; before <= 4 && before <= lead; before++) {
		if (before > 0 && !leet(s[lead - before])) break;
		for (let after = 0; after <= 4 && after <= tail; after++) {
			if (after > 0 && !leet(s[s.length - tail + after - 1])) break;
			found.push(s.slice(lead - before, s.length - tail + after));
		}
	}
	return found;
}

/** Separators between words count for nothing: "monkey-monkey" is "monkeymonkey". */
const compact = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, '');

/** The words of the context that an attacker would try: each ≥ 3 letters. */
function contextWords(context: PasswordContext): Set<string> {
	const words = new Set<string>(SERVICE_WORDS);
	const add = (text: string) => {
		const whole = compact(text.toLowerCase());
		if (whole.length >= 3) words.add(whole);
		for (const part of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
			if (part.length >= 3) words.add(part);
		}
	};
	if (context.email) {
		const [local = '', domain = ''] = context.email.split('@');
		add(local);
		for (const label of domain.split('.')) {
			if (!['com', 'org', 'net', 'www'].includes(label.toLowerCase())) add(label);
		}
	}
	if (context.name) add(context.name);
	return words;
}

/**
 * The fewest list entries that, with any number of context words, make up `s` exactly;
 * Infinity if it cannot be built that way. `withList` false counts context words only.
 */
function fewestPieces(s: string, words: Set<string>, withList: boolean): number {
	const list = commonPasswords();
	let longestWord = commonMaxLength;
	for (const w of words) longestWord = Math.max(longestWord, w.length);
	const best = new Array<number>(s.length + 1).fill(Infinity);
	best[0] = 0;
	for (let i = 0; i < s.length; i++) {
		if (best[i] === Infinity) continue;
		for (let j = i + 1; j <= Math.min(s.length, i + longestWord); j++) {
			const piece = s.slice(i, j);
			const cost = words.has(piece) ? 0 : withList && list.has(piece) ? 1 : Infinity;
			if (best[i]! + cost < best[j]!) best[j] = best[i]! + cost;
		}
	}
	return best[s.length]!;
}

/** The shortest unit that `s` is two or more copies of, or null. */
function repeatedUnit(s: string): string | null {
	const chars = [...s];
	for (let size = 1; size <= chars.length / 2; size++) {
		if (chars.length % size !== 0) continue;
		const unit = chars.slice(0, size).join('');
		if (unit.repeat(chars.length / size) === s) return unit;
	}
	return null;
}

/** Orders people type in: the alphabet, digits, keyboard rows (three layouts) and columns. */
const SEQUENCES = [
	'abcdefghijklmnopqrstuvwxyz',
	'0123456789',
	'`1234567890-=',
	'qwertyuiopasdfghjklzxcvbnm',
	'qwertzuiopasdfghjklyxcvbnm',
	'azertyuiopqsdfghjklmwxcvbn',
	'qwertyuiop[]\\',
	"asdfghjkl;'",
	'zxcvbnm,./',
	'1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'
];

/** How many characters from `start` follow one order (either way round) or repeat one character. */
function runLength(chars: string[], start: number): number {
	let longest = 1;
	const steps = (next: (a: string, b: string) => boolean) => {
		let end = start + 1;
		while (end < chars.length && next(chars[end - 1]!, chars[end]!)) end++;
		longest = Math.max(longest, end - start);
	};
	steps((a, b) => a === b);
	for (const order of SEQUENCES) {
		for (const direction of [1, -1]) {
			steps((a, b) => {
				const at = order.indexOf(a);
				return at >= 0 && order[(at + direction + order.length) % order.length] === b;
			});
		}
	}
	return longest;
}

/** True when `s` is at most three runs of ≥ 3 characters in order: "abcdefghijkl", "qwerty123456". */
function isSequential(s: string): boolean {
	const chars = [...s];
	if (chars.length < 3) return false;
	let runs = 0;
	for (let at = 0; at < chars.length; runs++) {
		const length = runLength(chars, at);
		if (length < 3 || runs === 3) return false;
		at += length;
	}
	return true;
}

/**
 * Why a new password is unacceptable, or null. Length limits and a check against values that are
 * commonly used, expected or compromised (NIST SP 800-63B §5.1.1.2, ASVS 6.2): list entries, also
 * with digits or punctuation around them, simple substitutions (p@ssw0rd) or repeated; repeated
 * or sequential characters; and words of the context (this service, the user's name and e-mail).
 * No composition rules.
 */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN_LENGTH) {
		return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
	}
	if (length > PASSWORD_MAX_LENGTH) {
		return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
	}
	const lower = password.normalize('NFKC').toLowerCase();
	if (context.email && lower.trim() === context.email.trim().toLowerCase()) {
		return 'Do not use your e-mail address as your password.';
	}
	if (new Set(lower).size < 4) return MESSAGES.repeated;

	const list = commonPasswords();
	const words = contextWords(context);
	const readings = new Set<string>();
	for (const core of cores(lower)) {
		readings.add(compact(core));
		readings.add(compact(unleet(core, 'i')));
		readings.add(compact(unleet(core, 'l')));
	}
	readings.delete('');
	for (const core of readings) {
		if (list.has(core)) return MESSAGES.common;
		const unit = repeatedUnit(core);
		if (unit && list.has(unit)) return MESSAGES.common;
		if (unit && words.has(unit)) return MESSAGES.context;
		if (fewestPieces(core, words, false) === 0) return MESSAGES.context;
		// One or two list entries, with or without context words around them: "dragonmonkey".
		if (fewestPieces(core, words, true) <= 2) {
			return fewestPieces(core, new Set(), true) <= 2 ? MESSAGES.common : MESSAGES.context;
		}
	}
	for (const whole of [lower, compact(lower), ...readings]) {
		// A repetition is no stronger than the part that repeats, which here is too short.
		const unit = repeatedUnit(whole);
		if (unit && [...unit].length < PASSWORD_MIN_LENGTH) return MESSAGES.repeated;
		if (isSequential(whole)) return MESSAGES.sequence;
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
