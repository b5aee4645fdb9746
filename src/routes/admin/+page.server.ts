import { requireAdmin } from '$lib/server/guard';
import { adminContext } from '$lib/server/admin/route';
import { adminOverview } from '$lib/server/admin';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const ctx = await adminContext(requireAdmin());
	return { overview: await adminOverview(ctx.db) };
};
