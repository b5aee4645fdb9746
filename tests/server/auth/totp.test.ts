import { describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import {
	TOTP_DIGITS,
	TOTP_PERIOD_S,
	matchTotp,
	newTotpKey,
	timeStep,
	totpCodeAt,
	totpUri
} from '../../../src/lib/server/auth/totp.ts';

const T0 = new Date('2026-03-02T08:00:10Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** A six-digit code valid at none of the steps matchTotp looks at. */
function wrongCode(key: Uint8Array, now: Date): string {
	const valid = new Set(
		[-1, 0, 1].map((d) => totpCodeAt(key, new Date(now.getTime() + d * 30_000)))
	);
	for (let n = 0; ; n++) {
		const code = String(n).padStart(6, '0');
		if (!valid.has(code)) return code;
	}
}

describe('TOTP', () => {
	const key = newTotpKey();

	it('uses 30-second steps, 6 digits and 160-bit keys, fresh each time', () => {
		expect(TOTP_PERIOD_S).toBe(30);
		expect(TOTP_DIGITS).toBe(6);
		expect(key).toHaveLength(20);
		expect(newTotpKey()).not.toEqual(key);
		expect(timeStep(new Date(90_000))).toBe(3);
	});

	it('agrees with RFC 6238 HOTP codes', () => {
		const code = totpCodeAt(key, T0);
		expect(code).toMatch(/^\d{6}$/);
		expect(code).toBe(generateHOTP(key, BigInt(timeStep(T0)), 6));
	});

	it('accepts the current code and returns its step', () => {
		expect(matchTotp(key, totpCodeAt(key, T0), T0, null)).toBe(timeStep(T0));
	});

	it('allows one step of clock drift either way, not two', () => {
		const step = timeStep(T0);
		expect(matchTotp(key, totpCodeAt(key, later(-30)), T0, null)).toBe(step - 1);
		expect(matchTotp(key, totpCodeAt(key, later(30)), T0, null)).toBe(step + 1);
		expect(matchTotp(key, totpCodeAt(key, later(-60)), T0, null)).toBeNull();
		expect(matchTotp(key, totpCodeAt(key, later(60)), T0, null)).toBeNull();
	});

	it('accepts each code once: nothing at or before the last accepted step', () => {
		const code = totpCodeAt(key, T0);
		const step = matchTotp(key, code, T0, null)!;
		expect(matchTotp(key, code, T0, step)).toBeNull();
		expect(matchTotp(key, code, later(20), step)).toBeNull();
		expect(matchTotp(key, totpCodeAt(key, later(-30)), T0, step)).toBeNull();
		expect(matchTotp(key, totpCodeAt(key, later(30)), later(30), step)).toBe(step + 1);
	});

	it('refuses wrong codes and anything that is not six digits', () => {
		const code = totpCodeAt(key, T0);
		expect(matchTotp(key, wrongCode(key, T0), T0, null)).toBeNull();
		expect(matchTotp(newTotpKey(), code, T0, null)).toBeNull();
		for (const bad of [
			'',
			'12345',
			'1234567',
			` ${code}`,
			`${code.slice(0, 5)}a`,
			'１２３４５６'
		]) {
			expect(matchTotp(key, bad, T0, null)).toBeNull();
		}
	});

	it('builds an otpauth URI for authenticator apps', () => {
		const uri = totpUri('casey@demo.example', key);
		expect(uri).toMatch(/^otpauth:\/\/totp\//);
		expect(uri).toContain('period=30');
		expect(uri).toContain('digits=6');
	});
});
