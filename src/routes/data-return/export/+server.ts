import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireUser } from '$lib/server/guard';
import { mayExportDataReturn } from '$lib/server/policy/dashboards';
import { dataReturnCsv } from '$lib/server/data-return/export';
import { dataReturnRequest } from '$lib/server/data-return/route';
import { runAreaExport } from '$lib/server/exports/route';
import { runtime } from '$lib/server/app';
import type { RequestHandler } from './$types';

const isUuid = (value: string) => v.is(v.pipe(v.string(), v.uuid()), value);
const isQuarter = (value: string) => /^\d{4}-Q[1-4]$/.test(value);

/**
 * The quarter's data return with small numbers suppressed, as a download: aggregate figures, but
 * an export all the same (step-up, reason, register, hourly limit).
 */
export const POST: RequestHandler = async ({ request }) =>
	runAreaExport({
		request,
		kind: 'data_return_csv',
		page: '/data-return',
		keep: { area: isUuid, quarter: isQuarter },
		scope: async (raw) => {
			if (!isUuid(raw.area ?? '') || !isQuarter(raw.quarter ?? '')) {
				error(400, 'Choose an area and a quarter.');
			}
			const { area, quarter } = await dataReturnRequest(raw.area!, raw.quarter!);
			if (!mayExportDataReturn(requireUser().principal, area.id)) error(404, 'Area not found.');
			return { ...area, quarter };
		},
		render: async ({ quarter, ...area }, now) => {
			const file = await dataReturnCsv((await runtime()).db, area, quarter, now);
			return {
				content: file.bytes,
				filename: file.filename,
				contentType: 'text/csv; charset=utf-8'
			};
		}
	});
