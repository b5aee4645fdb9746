// Glue for the /trafficking routes: which area's figures this person asked for, if allowed.
import { error } from '@sveltejs/kit';
import { inArray } from 'drizzle-orm';
import { runtime } from '../app.ts';
import { requireUser } from '../guard.ts';
import { areas } from '../db/schema/index.ts';
import { figureAreas } from '../policy/dashboards.ts';

export async function figuresArea(asked: string | null) {
	const signedIn = requireUser();
	const allowed = figureAreas(signedIn.principal);
	if (allowed.length === 0) error(403, 'Only the coordinator and chair see area figures.');
	const areaId = asked ?? allowed[0]!;
	if (!allowed.includes(areaId)) error(404, 'Area not found.');
	const rt = await runtime();
	const choices = await rt.db
		.select({ id: areas.id, name: areas.name })
		.from(areas)
		.where(inArray(areas.id, allowed));
	const area = choices.find((a) => a.id === areaId)!;
	return { ...signedIn, rt, area, choices };
}
