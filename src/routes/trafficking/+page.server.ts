import { traffickingCaseAlerts, traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const { rt, area, choices, principal } = await figuresArea(url);
	const now = rt.now();
	const [figures, caseAlerts] = await Promise.all([
		traffickingFigures(rt.db, area.id, now),
		traffickingCaseAlerts(rt.db, principal, area.id, now)
	]);
	return { area, choices, figures, caseAlerts };
};
