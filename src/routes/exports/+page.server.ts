import { error } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { exportsRegisterScope } from '$lib/server/policy/exports';
import { listExports, REGISTER_LIMIT } from '$lib/server/exports/register';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { principal } = requireUser();
	const scope = exportsRegisterScope(principal);
	if (!scope) error(403, 'The exports register is for members of a MARAC.');
	const rt = await runtime();
	return {
		entries: await listExports(rt.db, scope),
		wholeArea: scope.areaIds.length > 0,
		limit: REGISTER_LIMIT
	};
};
