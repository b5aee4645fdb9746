// Per-route authorisation helpers: every load, action and endpoint calls one (never only layouts).
import { error, redirect } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import type { RequestMeta } from './auth/flows.ts';
import type { Session, SessionUser } from './auth/session.ts';
import type { Principal } from './policy/index.ts';

export interface SignedIn {
	user: SessionUser;
	session: Session;
	principal: Principal;
}

/** A fully signed-in person (password and, where required, second factor). */
export function requireUser(): SignedIn {
	const { locals } = getRequestEvent();
	if (!locals.user || !locals.session || !locals.principal || locals.stage !== 'full') {
		redirect(303, '/login');
	}
	return { user: locals.user, session: locals.session, principal: locals.principal };
}

export function requireAdmin(): SignedIn {
	const signedIn = requireUser();
	if (!signedIn.user.isAdmin) error(403, 'Only administrators can open this page.');
	return signedIn;
}

function clientAddress(event: ReturnType<typeof getRequestEvent>): string | null {
	try {
		return event.getClientAddress();
	} catch {
		// Not every adapter context knows the address (e.g. some test harnesses).
		return null;
	}
}

export function requestMeta(): RequestMeta {
	const event = getRequestEvent();
	return { ip: clientAddress(event), userAgent: event.request.headers.get('user-agent') };
}
