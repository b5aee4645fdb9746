import { RULES } from '$lib/data-return/figures';
import { QUARTER_CONVENTION } from '$lib/data-return/quarters';
import { loadDataReturn, returnQuarters } from '$lib/server/data-return/load';
import { dataReturnRequest } from '$lib/server/data-return/route';
import { mayExportDataReturn } from '$lib/server/policy/dashboards';
import { exportGate } from '$lib/server/exports/route';
import type { PageServerLoad } from './$types';

const PROBLEMS: Record<string, string> = {
	reason: 'Say why the figures are being exported (at most 500 characters).'
};

export const load: PageServerLoad = async ({ url }) => {
	const { rt, area, choices, quarter, session, principal } = await dataReturnRequest(
		url.searchParams.get('area'),
		url.searchParams.get('quarter')
	);
	const quarters = await returnQuarters(rt.db, area.id, rt.now());
	if (!quarters.some((q) => q.key === quarter.key)) quarters.unshift(quarter);
	return {
		area,
		choices,
		quarters: quarters.map((q) => ({ key: q.key, label: q.label })),
		data: await loadDataReturn(rt.db, area, quarter),
		rules: RULES,
		convention: QUARTER_CONVENTION,
		exporting: mayExportDataReturn(principal, area.id)
			? await exportGate(rt.db, session, principal.userId, rt.now(), url, PROBLEMS)
			: null
	};
};
