import { runtime } from '$lib/server/app';
import { requireUser } from '$lib/server/guard';
import { listRegister, meetingOptions } from '$lib/server/cases/register';
import { referralSeats } from '$lib/server/policy/referrals';
import { readRegisterQuery } from '$lib/schemas/register';
import type { PageServerLoad } from './$types';

/** The case register: only cases the viewer may see (administrators see none). */
export const load: PageServerLoad = async ({ url }) => {
	const { principal } = requireUser();
	const rt = await runtime();
	const query = readRegisterQuery(url.searchParams);
	const [register, meetings] = await Promise.all([
		listRegister(
			rt.db,
			principal,
			{
				status: query.status,
				kind: query.kind,
				meetingId: query.meeting,
				repeat: query.repeat,
				overdue: query.overdue,
				q: query.q,
				page: query.page
			},
			rt.now()
		),
		meetingOptions(rt.db, principal)
	]);
	return {
		query: { ...query, overdue: query.overdue === true },
		register,
		meetings,
		mayRefer: referralSeats(principal).length > 0,
		isMember: !principal.isAdmin && principal.memberships.length > 0
	};
};
