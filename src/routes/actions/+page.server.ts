import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { actionCounts, listTrackedActions, meetingOptions } from '$lib/server/actions';
import { statusAction } from '$lib/server/actions/route';
import { seatActionRights, trackerSeats } from '$lib/server/policy/actions';
import { TrackerQuerySchema } from '$lib/schemas/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const { principal } = requireUser();
	const seats = trackerSeats(principal);
	if (seats.length === 0)
		error(403, 'Only the coordinator and the chair can open the action tracker.');
	const parsed = v.safeParse(TrackerQuerySchema, Object.fromEntries(url.searchParams));
	const query = parsed.success ? parsed.output : v.getDefaults(TrackerQuerySchema);
	const seat = seats.find((s) => s.areaId === query.area) ?? seats[0]!;
	const rt = await runtime();
	const now = rt.now();
	const [counts, meetings] = await Promise.all([
		actionCounts(rt.db, principal.userId, seat, now),
		meetingOptions(rt.db, seat.areaId)
	]);
	// Filters naming another area's agency or meeting are dropped, not trusted.
	const agencyId = counts.some((c) => c.agencyId === query.agency) ? query.agency : '';
	const meetingId = meetings.some((m) => m.id === query.meeting) ? query.meeting : '';
	const filters = {
		area: seat.areaId,
		agency: agencyId,
		status: query.status || '',
		overdue: query.overdue === true,
		meeting: meetingId
	};
	const result = await listTrackedActions(
		rt.db,
		principal.userId,
		seat,
		{
			agencyId: agencyId || null,
			status: query.status || null,
			overdue: filters.overdue,
			meetingId: meetingId || null,
			page: Number(query.page) || 1
		},
		now
	);
	return {
		seats: seats.map((s) => ({ areaId: s.areaId, areaName: s.areaName })),
		seat: { areaId: seat.areaId, areaName: seat.areaName, role: seat.role },
		filters,
		counts,
		meetings,
		result: {
			...result,
			items: result.items.map((item) => ({
				...item,
				rights: seatActionRights(seat, item.agencyId)
			}))
		}
	};
};

export const actions: Actions = {
	status: ({ request }) => statusAction(request)
};
