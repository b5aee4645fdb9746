import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { meetingContext, pageFailure } from '$lib/server/meetings/route';
import {
	exportAllowance,
	EXPORTS_PER_HOUR,
	nextExportAt,
	STEP_UP_MINUTES
} from '$lib/server/exports';
import { areaAgencies } from '$lib/server/exports/action-plan';
import { exportableMeeting, requireStepUp } from '$lib/server/exports/route';
import type { PageServerLoad } from './$types';

/** Why the export endpoint sent the person back here (codes only: nothing typed is in the URL). */
const PROBLEMS: Record<string, Record<string, string>> = {
	agencyId: { agencyId: 'Choose the agency the action plan is for.' },
	reason: { reason: 'Say why the action plan is being exported (at most 500 characters).' }
};

export const load: PageServerLoad = async ({ params, url }) => {
	const { session } = requireUser();
	const ctx = await meetingContext();
	const loaded = await exportableMeeting(ctx, params.id, 'action_plan_csv').catch(pageFailure);
	const agencies = await areaAgencies(ctx.db, loaded.meeting.areaId);
	const wanted = url.searchParams.get('agency');
	const selected = agencies.some((a) => a.id === wanted) ? wanted : null;
	const here = `/meetings/${params.id}/action-plan${selected ? `?agency=${selected}` : ''}`;
	await requireStepUp(ctx, session, here);
	const rt = await runtime();
	const remaining = await exportAllowance(rt.db, ctx.principal.userId, ctx.now);
	return {
		meeting: {
			id: loaded.meeting.id,
			scheduledAt: loaded.meeting.scheduledAt.toISOString(),
			areaName: loaded.areaName
		},
		agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
		selected,
		errors: PROBLEMS[url.searchParams.get('problem') ?? ''] ?? null,
		remaining,
		limit: EXPORTS_PER_HOUR,
		nextAt:
			remaining > 0
				? null
				: (await nextExportAt(rt.db, ctx.principal.userId, ctx.now)).toISOString(),
		stepUpMinutes: STEP_UP_MINUTES
	};
};
