import { traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const { rt, area, choices } = await figuresArea(url);
	return { area, choices, figures: await traffickingFigures(rt.db, area.id, rt.now()) };
};
