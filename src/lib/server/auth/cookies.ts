import type { Cookies } from '@sveltejs/kit';
import type { Config } from '../config.ts';
import type { Session } from './session.ts';

/** `__Host-` pins the cookie to this exact origin over https (no Domain, Path=/, Secure). */
export function sessionCookieName(config: Pick<Config, 'secure'>): string {
	return config.secure ? '__Host-session' : 'session';
}

export function setSessionCookie(
	cookies: Cookies,
	token: string,
	session: Session,
	config: Pick<Config, 'secure'>,
	now: Date
): void {
	cookies.set(sessionCookieName(config), token, {
		path: '/',
		httpOnly: true,
		secure: config.secure,
		sameSite: 'strict',
		maxAge: Math.max(1, Math.floor((session.absoluteExpiresAt.getTime() - now.getTime()) / 1000))
	});
}

export function clearSessionCookie(cookies: Cookies, config: Pick<Config, 'secure'>): void {
	cookies.delete(sessionCookieName(config), {
		path: '/',
		httpOnly: true,
		secure: config.secure,
		sameSite: 'strict'
	});
}
