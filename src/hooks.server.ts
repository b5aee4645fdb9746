import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { runtime } from '$lib/server/app';
import { clearSessionCookie, sessionCookieName } from '$lib/server/auth/cookies';
import { validateSessionToken } from '$lib/server/auth/session';
import { sessionStage, type Stage } from '$lib/server/auth/flows';
import { membershipsOf } from '$lib/server/tenancy';

export const init: ServerInit = async () => {
	await runtime();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request must come from our own origin. SvelteKit checks form posts in
 * production builds; this also covers JSON and other content types, and development.
 */
const originCheck: Handle = async ({ event, resolve }) => {
	if (!SAFE_METHODS.has(event.request.method)) {
		const origin = event.request.headers.get('origin');
		const sameSite = event.request.headers.get('sec-fetch-site') === 'same-origin';
		if (origin ? origin !== event.url.origin : !sameSite) {
			return new Response('Cross-site request refused.', {
				status: 403,
				headers: { 'content-type': 'text/plain; charset=utf-8' }
			});
		}
	}
	return resolve(event);
};

const authenticate: Handle = async ({ event, resolve }) => {
	event.locals.requestId = crypto.randomUUID();
	event.locals.user = null;
	event.locals.session = null;
	event.locals.stage = null;
	event.locals.memberships = [];
	event.locals.principal = null;
	const rt = await runtime();
	const name = sessionCookieName(rt.config);
	const token = event.cookies.get(name);
	if (token) {
		// Status polls must not count as activity, or the idle timeout would never fire.
		const touch = event.url.pathname !== '/api/session/status';
		const result = await validateSessionToken(rt.db, token, rt.auth.sessionPolicy, rt.now(), {
			touch
		});
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			event.locals.stage = sessionStage(result.user, result.session, rt.mfaPolicy);
			event.locals.memberships = await membershipsOf(rt.db, result.user.id);
			event.locals.principal = {
				userId: result.user.id,
				isAdmin: result.user.isAdmin,
				memberships: event.locals.memberships
			};
		} else {
			clearSessionCookie(event.cookies, rt.config);
		}
	}
	return resolve(event);
};

const PUBLIC_PATHS = [/^\/login\/?$/, /^\/healthz$/, /^\/invite\/[^/]+$/];
const SESSION_PATHS = [/^\/logout$/, /^\/api\/session\/(status|extend)$/];
const STAGE_PATHS: Record<Exclude<Stage, 'full'>, { home: string; allowed: RegExp }> = {
	'needs-mfa': { home: '/login/mfa', allowed: /^\/login\/mfa$/ },
	'needs-enrolment': { home: '/account/mfa/setup', allowed: /^\/account\/mfa\/setup$/ }
};

/**
 * Central gate: nothing but sign-in pages is reachable without a session, and nothing holding data
 * is reachable before the second factor. Routes still check for themselves (guard.ts).
 */
const gate: Handle = async ({ event, resolve }) => {
	const goTo = (location: string) => {
		// Client-side navigations expect SvelteKit's JSON redirect; pages get a plain 303 that
		// still passes through securityHeaders.
		if (event.isDataRequest) redirect(303, location);
		return new Response(null, { status: 303, headers: { location } });
	};
	const path = event.url.pathname;
	const { user, stage } = event.locals;
	const isApi = path.startsWith('/api/');
	if (PUBLIC_PATHS.some((p) => p.test(path))) {
		if (user && stage === 'full' && /^\/login\/?$/.test(path)) return goTo('/');
		return resolve(event);
	}
	if (!user || !stage) {
		if (isApi) return json401();
		return goTo('/login');
	}
	if (SESSION_PATHS.some((p) => p.test(path))) return resolve(event);
	if (stage !== 'full') {
		const { home, allowed } = STAGE_PATHS[stage];
		if (allowed.test(path)) return resolve(event);
		if (isApi) return json401();
		return goTo(home);
	}
	if (path === '/login/mfa') return goTo('/');
	return resolve(event);
};

function json401() {
	return new Response(JSON.stringify({ message: 'Sign in to continue.' }), {
		status: 401,
		headers: { 'content-type': 'application/json' }
	});
}

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	const set = (name: string, value: string) => {
		try {
			headers.set(name, value);
		} catch {
			// Immutable headers (e.g. a proxied fetch response): nothing of ours to add.
		}
	};
	// Dynamic responses are personal or sensitive: never cache them anywhere.
	set('Cache-Control', 'no-store');
	set('X-Content-Type-Options', 'nosniff');
	// same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts,
	// which the CSRF checks rightly refuse. Other sites still get no referrer.
	set('Referrer-Policy', 'same-origin');
	set('X-Frame-Options', 'DENY');
	set('Cross-Origin-Opener-Policy', 'same-origin');
	set('Cross-Origin-Resource-Policy', 'same-origin');
	set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
	if (event.url.protocol === 'https:') {
		set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	return response;
};

/**
 * One structured line per request: the route pattern, never the concrete path or query (those can
 * carry names or case ids), and never bodies or cookies.
 */
const logRequests: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const rt = await runtime();
	rt.log.info(
		{
			requestId: event.locals.requestId,
			method: event.request.method,
			route: event.route.id,
			status: response.status,
			ms: Math.round(performance.now() - started),
			userId: event.locals.user?.id ?? null
		},
		'request'
	);
	return response;
};

export const handle: Handle = sequence(
	securityHeaders,
	originCheck,
	authenticate,
	logRequests,
	gate
);

export const handleError: HandleServerError = async ({ error, event, status, message }) => {
	const id = crypto.randomUUID();
	if (status === 404) return { message: 'Page not found.', id };
	const rt = await runtime();
	const err = error instanceof Error ? error : new Error(String(error));
	// Query errors carry their parameters (which may be case data): log the statement shape only.
	// The stack starts with the whole message, parameters included: keep only its frames.
	const safeMessage = err.message.split(/\bparams:/)[0]?.slice(0, 500);
	const frames = err.stack?.split('\n').filter((line) => /^\s+at /.test(line));
	rt.log.error(
		{
			errorId: id,
			requestId: event.locals.requestId,
			route: event.route.id,
			status,
			error: { name: err.name, message: safeMessage, stack: frames?.slice(0, 7) }
		},
		'unhandled error'
	);
	void message;
	return { message: 'Something went wrong. The error has been logged.', id };
};
