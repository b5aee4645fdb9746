import { json } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { listVisibleCases } from '$lib/server/cases';

/** Cases the signed-in user may see (DESIGN §10). Administrators see none. */
export const GET = async () => {
	const { principal } = requireUser();
	const rt = await runtime();
	return json(await listVisibleCases(rt.db, principal, rt.now()));
};
