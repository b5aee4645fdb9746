import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;

/** A fresh 160-bit key; a new one on every enrolment. */
export function newTotpKey(): Uint8Array {
	const key = new Uint8Array(20);
	crypto.getRandomValues(key);
	return key;
}

export function totpUri(accountName: string, key: Uint8Array): string {
	return createTOTPKeyURI('MARAC portal', accountName, key, TOTP_PERIOD_S, TOTP_DIGITS);
}

export function timeStep(now: Date): number {
	return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S);
}

/**
 * Checks a code against the current step and one either side (clock drift). Returns the matched
 * step so the caller can store it: a code at or before the last accepted step is refused, which
 * makes every code single use.
 */
export function matchTotp(
	key: Uint8Array,
	code: string,
	now: Date,
	lastAcceptedStep: number | null
): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const current = timeStep(now);
	const typed = new TextEncoder().encode(code);
	for (const step of [current - 1, current, current + 1]) {
		if (lastAcceptedStep !== null && step <= lastAcceptedStep) continue;
		const expected = new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS));
		if (constantTimeEqual(expected, typed)) return step;
	}
	return null;
}

/** For tests and the enrolment check: the code a device would show now. */
export function totpCodeAt(key: Uint8Array, now: Date): string {
	return generateHOTP(key, BigInt(timeStep(now)), TOTP_DIGITS);
}
