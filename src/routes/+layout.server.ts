import { runtime } from '$lib/server/app';
import { sessionTimes } from '$lib/server/auth/session';
import type { LayoutServerLoad } from './$types';

/** Shell data only: who is signed in and the idle deadline. Pages load their own data. */
export const load: LayoutServerLoad = async ({ locals }) => {
	const { user, session, stage, memberships } = locals;
	return {
		user:
			user && stage
				? { id: user.id, name: user.name, email: user.email, isAdmin: user.isAdmin }
				: null,
		stage,
		memberships: stage === 'full' ? memberships : [],
		idleRemainingMs: session ? sessionTimes(session, (await runtime()).now()).idleRemainingMs : null
	};
};
