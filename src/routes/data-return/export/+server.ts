import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requireUser, requestMeta } from '$lib/server/guard';
import { mayExportDataReturn } from '$lib/server/policy/dashboards';
import { dataReturnCsv } from '$lib/server/data-return/export';
import { dataReturnRequest } from '$lib/server/data-return/route';
import { areaExportActor, runExport, textResponse } from '$lib/server/exports/route';
import { AreaExportSchema } from '$lib/schemas/exports';
import type { RequestHandler } from './$types';

const isUuid = (value: unknown): value is string => v.is(v.pipe(v.string(), v.uuid()), value);
const isQuarter = (value: unknown): value is string =>
	typeof value === 'string' && /^\d{4}-Q[1-4]$/.test(value);

/**
 * The quarter's data return with small numbers suppressed, as a download: aggregate figures, but
 * an export all the same (step-up, reason, register, hourly limit).
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
		kind: 'data_return_csv',
		schema: AreaExportSchema,
		scope: async (raw) => {
			if (!isUuid(raw.area) || !isQuarter(raw.quarter)) {
				return textResponse(400, 'Choose an area and a quarter.');
			}
			const { area, quarter } = await dataReturnRequest(raw.area, raw.quarter);
			if (!mayExportDataReturn(signedIn.principal, area.id)) {
				return textResponse(404, 'Area not found.');
			}
			return {
				loaded: { area, quarter },
				actor: areaExportActor(signedIn, area.id, requestMeta().ip),
				target: `area:${area.id}`,
				meetingId: null
			};
		},
		back: (raw, problem) => {
			const query = new URLSearchParams();
			if (isUuid(raw.area)) query.set('area', raw.area);
			if (isQuarter(raw.quarter)) query.set('quarter', raw.quarter);
			if (problem) query.set('problem', problem);
			return `/data-return?${query}`;
		},
		prepare: async (loaded) => loaded,
		render: async ({ area, quarter }) => {
			const file = await dataReturnCsv(rt.db, area, quarter, now);
			return {
				content: file.bytes,
				filename: file.filename,
				contentType: 'text/csv; charset=utf-8'
			};
		},
		reason: (data) => data.reason
	});
};
