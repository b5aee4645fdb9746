import { runtime } from '$lib/server/app';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { invalidateSession } from '$lib/server/auth/session';
import * as audit from '$lib/server/audit';
import { requestMeta } from '$lib/server/guard';

/** Sign-out: the session ends on the server, and the browser is told to forget everything. */
export const POST = async ({ locals, cookies }) => {
	const rt = await runtime();
	if (locals.session) {
		await invalidateSession(rt.db, locals.session.id);
		await audit.record(
			rt.db,
			{ userId: locals.session.userId, sessionId: locals.session.id, ip: requestMeta().ip },
			{ action: 'auth.sign_out', outcome: 'success' }
		);
	}
	clearSessionCookie(cookies, rt.config);
	return new Response(null, {
		status: 303,
		headers: {
			location: '/login?signed-out',
			'clear-site-data': '"cache", "cookies", "storage"'
		}
	});
};
