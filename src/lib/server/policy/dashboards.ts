// Area-wide figures (dashboards, data returns): for the people who run the MARAC.
import { seatIn, type Principal } from './index.ts';

/** Coordinator or chair of the area; administrators never (they see no case data at all). */
export function mayViewAreaFigures(principal: Principal, areaId: string): boolean {
	const role = seatIn(principal, areaId)?.role;
	return role === 'coordinator' || role === 'chair';
}

/** The areas whose figures this person may see. */
export function figureAreas(principal: Principal): string[] {
	return principal.memberships
		.filter((m) => mayViewAreaFigures(principal, m.areaId))
		.map((m) => m.areaId);
}

/**
 * The area's Marac data return (DESIGN §2 step 5): figures about the cases heard, so the same
 * people as the other area figures: the coordinator and the chair. Never agency representatives,
 * observers or administrators, and never another area's.
 */
export function mayViewDataReturn(principal: Principal, areaId: string): boolean {
	return mayViewAreaFigures(principal, areaId);
}

/** Downloading the return (suppressed CSV) is for the same people as viewing it. */
export function mayExportDataReturn(principal: Principal, areaId: string): boolean {
	return mayViewDataReturn(principal, areaId);
}
