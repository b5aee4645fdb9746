// Who may take case information out of the portal, what a recipient agency may receive, and who
// sees the exports register. Pure, like the rest of the policy; table-tested in
// tests/server/policy/exports.test.ts.
import type { Sector } from '../db/schema/index.ts';
import { seatIn, type Principal } from './index.ts';

/** A user id no person has: an agency as a recipient is nobody in particular. */
export const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * A meeting's exports (action plan, minutes) are made by the area's coordinator or chair;
 * never by administrators (no seat), observers or agency representatives.
 */
export function mayExportMeeting(principal: Principal, m: { areaId: string }): boolean {
	const role = seatIn(principal, m.areaId)?.role;
	return role === 'coordinator' || role === 'chair';
}

/**
 * The recipient of an export sent to an agency, as the access policy sees it: a representative
 * of that agency in the area, and no particular person. Evaluating the policy for this principal
 * gives exactly what any representative of the agency could read (an excluded agency gets
 * nothing of the case it is kept out of). Person exclusions and restricted-access grants do not
 * apply: they are about people, and the recipient is the agency.
 */
export function agencyPrincipal(
	area: { id: string; name: string },
	agency: { id: string; name: string; sector: Sector }
): Principal {
	return {
		userId: NOBODY,
		isAdmin: false,
		memberships: [
			{
				areaId: area.id,
				areaName: area.name,
				agencyId: agency.id,
				agencyName: agency.name,
				sector: agency.sector,
				role: 'agency_rep'
			}
		]
	};
}

/** Which rows of the exports register a person sees, or null when they may not open it. */
export interface RegisterScope {
	/** Their own exports, wherever made. */
	userId: string;
	/** Every export made in these areas (where they are coordinator). */
	areaIds: string[];
}

/**
 * Coordinators see all their area's exports (they answer for what left the MARAC); everyone
 * else with a seat sees their own. Administrators see none: reasons can name case details.
 */
export function exportsRegisterScope(principal: Principal): RegisterScope | null {
	if (principal.isAdmin || principal.memberships.length === 0) return null;
	return {
		userId: principal.userId,
		areaIds: principal.memberships.filter((m) => m.role === 'coordinator').map((m) => m.areaId)
	};
}
