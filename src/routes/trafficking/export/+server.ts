import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requireUser, requestMeta } from '$lib/server/guard';
import { todayInLondon } from '$lib/pathway/dates';
import { traffickingCsv, traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import { areaExportActor, runExport } from '$lib/server/exports/route';
import { AreaExportSchema } from '$lib/schemas/exports';
import type { RequestHandler } from './$types';

const isUuid = (value: unknown): value is string => v.is(v.pipe(v.string(), v.uuid()), value);

/**
 * The dashboard's figures with small numbers suppressed, as a download: aggregate, but an export
 * all the same (step-up, reason, register, hourly limit). Who may: figuresArea (403 / 404).
 */
export const POST: RequestHandler = async ({ request }) => {
	const signedIn = requireUser();
	const rt = await runtime();
	const now = rt.now();
	return runExport({
		db: rt.db,
		now,
		request,
		session: signedIn.session,
		user: signedIn.user,
		kind: 'trafficking_csv',
		schema: AreaExportSchema,
		scope: async (raw) => {
			const { area } = await figuresArea(isUuid(raw.area) ? raw.area : null);
			return {
				loaded: area,
				actor: areaExportActor(signedIn, area.id, requestMeta().ip),
				target: `area:${area.id}`,
				meetingId: null
			};
		},
		back: (raw, problem) => {
			const query = new URLSearchParams();
			if (isUuid(raw.area)) query.set('area', raw.area);
			if (problem) query.set('problem', problem);
			return `/trafficking?${query}`;
		},
		prepare: async (area) => area,
		render: async (area) => {
			const today = todayInLondon(now);
			const body = traffickingCsv(area.name, await traffickingFigures(rt.db, area.id, now), today);
			return {
				content: new TextEncoder().encode(body),
				filename: `trafficking-figures-${today}.csv`,
				contentType: 'text/csv; charset=utf-8'
			};
		},
		reason: (data) => data.reason
	});
};
