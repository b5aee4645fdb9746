import { describe, expect, it } from 'vitest';
import type { Cookies } from '@sveltejs/kit';
import {
	clearSessionCookie,
	sessionCookieName,
	setSessionCookie
} from '../../../src/lib/server/auth/cookies.ts';
import type { Session } from '../../../src/lib/server/auth/session.ts';

function recordingCookies() {
	const calls: {
		op: 'set' | 'delete';
		name: string;
		value?: string;
		options: Record<string, unknown>;
	}[] = [];
	const cookies = {
		set: (name: string, value: string, options: Record<string, unknown>) =>
			calls.push({ op: 'set', name, value, options }),
		delete: (name: string, options: Record<string, unknown>) =>
			calls.push({ op: 'delete', name, options })
	} as unknown as Cookies;
	return { cookies, calls };
}

const now = new Date('2026-03-02T08:00:00Z');
const session = { absoluteExpiresAt: new Date(now.getTime() + 10 * 3_600_000) } as Session;

describe('session cookie', () => {
	it('is a __Host- cookie over https', () => {
		expect(sessionCookieName({ secure: true })).toBe('__Host-session');
		expect(sessionCookieName({ secure: false })).toBe('session');
	});

	it('is HttpOnly, SameSite=Strict, Path=/ and Secure on https, ending with the session', () => {
		const { cookies, calls } = recordingCookies();
		setSessionCookie(cookies, 'id.secret', session, { secure: true }, now);
		expect(calls).toEqual([
			{
				op: 'set',
				name: '__Host-session',
				value: 'id.secret',
				options: { path: '/', httpOnly: true, secure: true, sameSite: 'strict', maxAge: 36_000 }
			}
		]);
	});

	it('is not marked Secure on plain http (development), but still HttpOnly and Strict', () => {
		const { cookies, calls } = recordingCookies();
		setSessionCookie(cookies, 'id.secret', session, { secure: false }, now);
		expect(calls[0]).toMatchObject({
			name: 'session',
			options: { httpOnly: true, secure: false, sameSite: 'strict', path: '/' }
		});
	});

	it('is cleared with the same attributes', () => {
		const { cookies, calls } = recordingCookies();
		clearSessionCookie(cookies, { secure: true });
		expect(calls).toEqual([
			{
				op: 'delete',
				name: '__Host-session',
				options: { path: '/', httpOnly: true, secure: true, sameSite: 'strict' }
			}
		]);
	});
});
