// Who may update actions and open the action pages. Pure: decisions come from the principal
// and the loaded case facts only, so they are table-tested (tests/server/policy/actions.test.ts).
import type { MembershipView } from '../tenancy/index.ts';
import { participantSeat, type CaseFacts, type Principal } from './index.ts';

export interface ActionRights {
	/** May change the status of the agency's actions on this case. */
	update: boolean;
	/** May reopen a closed action. */
	reopen: boolean;
}

const NONE: ActionRights = { update: false, reopen: false };

/**
 * An agency's actions on a case may be updated by that agency's representatives and by the
 * area's coordinator and chair, and only while they are case participants (not excluded). This
 * holds after the meeting too, when sockets are read-only: updates then come through the server.
 */
export function actionRights(principal: Principal, c: CaseFacts, agencyId: string): ActionRights {
	if (c.status === 'transferred') return NONE;
	if (!c.areaAgencyIds.includes(agencyId)) return NONE;
	// An excluded agency's actions stay out of reach of its own people, whoever else tends them.
	const seat = participantSeat(principal, c);
	return seat ? seatActionRights(seat, agencyId) : NONE;
}

/** Seats whose agency's actions appear on "My agency" (observers only read, elsewhere). */
export function myAgencySeats(principal: Principal): MembershipView[] {
	if (principal.isAdmin) return [];
	return principal.memberships.filter((m) => m.role !== 'observer');
}

/** Areas whose action tracker this person may open: where they are coordinator or chair. */
export function trackerSeats(principal: Principal): MembershipView[] {
	if (principal.isAdmin) return [];
	return principal.memberships.filter((m) => m.role === 'coordinator' || m.role === 'chair');
}

/**
 * The rights a seat gives over an agency's actions in its area, before case exclusions: lists
 * use it for the forms they show (they list only visible cases); updates use actionRights.
 */
export function seatActionRights(seat: MembershipView, agencyId: string): ActionRights {
	if (seat.role === 'coordinator') return { update: true, reopen: true };
	if (seat.role === 'chair') return { update: true, reopen: false };
	if (seat.role === 'agency_rep' && seat.agencyId === agencyId)
		return { update: true, reopen: false };
	return NONE;
}
