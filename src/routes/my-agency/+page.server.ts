import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { listAgencyActions } from '$lib/server/actions';
import { statusAction } from '$lib/server/actions/route';
import { myAgencySeats, seatActionRights } from '$lib/server/policy/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { principal } = requireUser();
	const rt = await runtime();
	const seats = myAgencySeats(principal);
	const groups = await listAgencyActions(rt.db, principal.userId, seats, rt.now());
	return {
		groups: groups.map((g) => ({
			...g,
			// Every action listed is this seat's agency's, on a case the person may see.
			rights: seatActionRights(g.seat, g.seat.agencyId)
		})),
		severalAreas: new Set(seats.map((s) => s.areaId)).size > 1
	};
};

export const actions: Actions = {
	status: ({ request }) => statusAction(request)
};
