import { requireUser } from '$lib/server/guard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { user, principal } = requireUser();
	return { isAdmin: user.isAdmin, memberships: principal.memberships };
};
