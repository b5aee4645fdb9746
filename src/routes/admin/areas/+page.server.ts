import { fail, redirect } from '@sveltejs/kit';
import { requireAdmin } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { adminContext, domainFailure } from '$lib/server/admin/route';
import { createArea, listAreas } from '$lib/server/admin';
import { AreaSchema } from '$lib/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const ctx = await adminContext(requireAdmin());
	return { areas: await listAreas(ctx.db) };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const ctx = await adminContext(requireAdmin());
		const parsed = await parseForm(request, AreaSchema);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: parsed.values });
		let id: string;
		try {
			({ id } = await createArea(ctx, parsed.data));
		} catch (error) {
			return domainFailure('area', error, parsed.data);
		}
		redirect(303, `/admin/areas/${id}?created`);
	}
};
