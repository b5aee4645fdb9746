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
