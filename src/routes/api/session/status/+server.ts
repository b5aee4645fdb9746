import { json } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { sessionStatus } from '$lib/server/auth/session';

/** Read by the idle-timeout warning; does not count as activity (see hooks.server.ts). */
export const GET = async ({ locals }) => {
	if (!locals.session) return json({ message: 'Sign in to continue.' }, { status: 401 });
	return json(sessionStatus(locals.session, (await runtime()).now()));
};
