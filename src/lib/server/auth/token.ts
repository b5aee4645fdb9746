import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** 80-bit public id: the database key, never the secret. */
const ID_BYTES = 10;
/** 256-bit secret: only its SHA-256 is stored. */
const SECRET_BYTES = 32;
const TOKEN_PATTERN = /^([a-z2-7]{16})\.([a-z2-7]{52})$/;

export function randomBase32(bytes: number): string {
	const buffer = new Uint8Array(bytes);
	crypto.getRandomValues(buffer);
	return encodeBase32LowerCaseNoPadding(buffer);
}

export interface NewToken {
	id: string;
	/** `<id>.<secret>`: what the client holds. */
	token: string;
	secretHash: Uint8Array;
}

export function newToken(): NewToken {
	const id = randomBase32(ID_BYTES);
	const secret = randomBase32(SECRET_BYTES);
	return { id, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** A fresh secret for an existing session id (rotation on step-up). */
export function newSecret(): { secret: string; secretHash: Uint8Array } {
	const secret = randomBase32(SECRET_BYTES);
	return { secret, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { id: string; secret: string } | null {
	const match = TOKEN_PATTERN.exec(token);
	return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

/** Constant-time: the comparison takes as long whatever the first differing byte is. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
	return constantTimeEqual(hashSecret(secret), storedHash);
}
