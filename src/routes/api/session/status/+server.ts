import { json } from '@sveltejs/kit';

/** Read by the idle-timeout warning; does not count as activity (see hooks.server.ts). */
export const GET = async ({ locals }) => {
	if (!locals.session) return json({ message: 'Sign in to continue.' }, { status: 401 });
	return json({
		idleExpiresAt: locals.session.idleExpiresAt.toISOString(),
		absoluteExpiresAt: locals.session.absoluteExpiresAt.toISOString()
	});
};
