import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireAdmin } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { adminContext, domainFailure } from '$lib/server/admin/route';
import { createAgency, getArea, setAdultFemalePopulation } from '$lib/server/admin';
import { AgencySchema, IdSchema, PopulationSchema } from '$lib/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

function areaId(id: string): string {
	if (!v.is(IdSchema, id)) error(404, 'Page not found.');
	return id;
}

export const load: PageServerLoad = async ({ params, url }) => {
	const ctx = await adminContext(requireAdmin());
	const area = await getArea(ctx.db, areaId(params.id));
	if (!area) error(404, 'Page not found.');
	return { area, justCreated: url.searchParams.has('created') };
};

export const actions: Actions = {
	agency: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = areaId(params.id);
		const parsed = await parseForm(request, AgencySchema);
		if (!parsed.ok) {
			return fail(400, { action: 'agency', errors: parsed.errors, values: parsed.values });
		}
		try {
			await createAgency(ctx, { areaId: id, ...parsed.data });
		} catch (e) {
			return domainFailure('agency', e, parsed.data);
		}
		return { action: 'agency', success: `${parsed.data.name} has been added.` };
	},
	population: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = areaId(params.id);
		const parsed = await parseForm(request, PopulationSchema);
		if (!parsed.ok) {
			return fail(400, { action: 'population', errors: parsed.errors, values: parsed.values });
		}
		try {
			await setAdultFemalePopulation(ctx, { areaId: id, population: parsed.data.population });
		} catch (e) {
			return domainFailure('population', e);
		}
		return {
			action: 'population',
			success:
				parsed.data.population === null
					? 'The adult female population has been cleared.'
					: 'The adult female population has been saved.'
		};
	}
};
