import { json } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { sessionTimes, touchSession } from '$lib/server/auth/session';

/** "Stay signed in": counts as activity now. Cannot go past the absolute lifetime. */
export const POST = async ({ locals }) => {
	if (!locals.session) return json({ message: 'Sign in to continue.' }, { status: 401 });
	const rt = await runtime();
	const session = await touchSession(rt.db, locals.session, rt.auth.sessionPolicy, rt.now());
	return json(sessionTimes(session, rt.now()));
};
