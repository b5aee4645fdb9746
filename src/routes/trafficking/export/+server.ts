import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { londonDate } from '$lib/dates';
import { traffickingCsv, traffickingFigures } from '$lib/server/trafficking/dashboard';
import { figuresArea } from '$lib/server/trafficking/route';
import { runAreaExport } from '$lib/server/exports/route';
import type { RequestHandler } from './$types';

const isUuid = (value: string) => v.is(v.pipe(v.string(), v.uuid()), value);

/**
 * The dashboard's figures with small numbers suppressed, as a download: aggregate, but an export
 * all the same (step-up, reason, register, hourly limit). Who may: figuresArea (403 / 404).
 */
export const POST: RequestHandler = async ({ request }) =>
	runAreaExport({
		request,
		kind: 'trafficking_csv',
		page: '/trafficking',
		keep: { area: isUuid },
		scope: async (raw) => (await figuresArea(isUuid(raw.area ?? '') ? raw.area! : null)).area,
		render: async (area, now) => {
			const today = londonDate(now);
			const figures = await traffickingFigures((await runtime()).db, area.id, now);
			return {
				content: new TextEncoder().encode(traffickingCsv(area.name, figures, today)),
				filename: `trafficking-figures-${today}.csv`,
				contentType: 'text/csv; charset=utf-8'
			};
		}
	});
