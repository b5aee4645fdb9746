import { traffickingCaseAlerts, traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import { exportGate } from '$lib/server/exports/route';
import type { PageServerLoad } from './$types';

const PROBLEMS: Record<string, string> = {
	reason: 'Say why the figures are being exported (at most 500 characters).'
};

export const load: PageServerLoad = async ({ url }) => {
	const { rt, area, choices, principal, session } = await figuresArea(url.searchParams.get('area'));
	const now = rt.now();
	const [figures, caseAlerts] = await Promise.all([
		traffickingFigures(rt.db, area.id, now),
		traffickingCaseAlerts(rt.db, principal, area.id, now)
	]);
	const exporting = await exportGate(rt.db, session, principal.userId, now, url, PROBLEMS);
	return { area, choices, figures, caseAlerts, exporting };
};
