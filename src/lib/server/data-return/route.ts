// Glue for the /data-return routes: which area and quarter this person asked for, if allowed.
import { error } from '@sveltejs/kit';
import { inArray } from 'drizzle-orm';
import { runtime } from '../app.ts';
import { requireUser } from '../guard.ts';
import { areas } from '../db/schema/index.ts';
import { mayViewDataReturn } from '../policy/dashboards.ts';
import { parseQuarter, quarterOf, type Quarter } from '../../data-return/quarters.ts';
import { londonDate } from '../../dates.ts';

/**
 * The signed-in coordinator or chair and the area asked for. 403 for someone who sees no area's
 * figures; 404 for an area they may not see (as if it did not exist); 400 for a bad quarter.
 */
export async function dataReturnRequest(askedArea: string | null, askedQuarter: string | null) {
	const signedIn = requireUser();
	const allowed = signedIn.principal.memberships
		.map((m) => m.areaId)
		.filter((id) => mayViewDataReturn(signedIn.principal, id));
	if (allowed.length === 0) error(403, 'Only the coordinator and chair see the data return.');
	const areaId = askedArea || allowed[0]!;
	if (!allowed.includes(areaId)) error(404, 'Area not found.');
	const rt = await runtime();
	let quarter: Quarter;
	if (askedQuarter) {
		const parsed = parseQuarter(askedQuarter);
		if (!parsed) error(400, 'Choose a quarter from the list.');
		quarter = parsed;
	} else {
		quarter = quarterOf(londonDate(rt.now()));
	}
	const choices = await rt.db
		.select({ id: areas.id, name: areas.name })
		.from(areas)
		.where(inArray(areas.id, allowed));
	const area = choices.find((a) => a.id === areaId)!;
	return { ...signedIn, rt, area, choices, quarter };
}
