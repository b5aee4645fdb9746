import { record } from '$lib/server/audit';
import { requestMeta } from '$lib/server/guard';
import { seatIn } from '$lib/server/policy';
import { todayInLondon } from '$lib/pathway/dates';
import { traffickingCsv, traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import type { RequestHandler } from './$types';

/** The dashboard's figures with small numbers suppressed, as a download. */
export const GET: RequestHandler = async ({ url }) => {
	const { rt, area, principal, session } = await figuresArea(url);
	const now = rt.now();
	const body = traffickingCsv(
		area.name,
		await traffickingFigures(rt.db, area.id, now),
		todayInLondon(now)
	);
	const seat = seatIn(principal, area.id);
	await record(
		rt.db,
		{
			userId: principal.userId,
			sessionId: session.id,
			areaId: area.id,
			agencyId: seat?.agencyId,
			role: seat?.role,
			ip: requestMeta().ip
		},
		{ action: 'dashboard.trafficking.export', outcome: 'success', target: `area:${area.id}` }
	);
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="trafficking-figures-${todayInLondon(now)}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
