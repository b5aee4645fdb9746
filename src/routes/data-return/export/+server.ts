import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { record } from '$lib/server/audit';
import { requestMeta } from '$lib/server/guard';
import { seatIn } from '$lib/server/policy';
import { mayExportDataReturn } from '$lib/server/policy/dashboards';
import { dataReturnCsv } from '$lib/server/data-return/export';
import { dataReturnRequest } from '$lib/server/data-return/route';
import type { RequestHandler } from './$types';

const ExportSchema = v.object({
	area: v.pipe(v.string(), v.uuid()),
	quarter: v.pipe(v.string(), v.regex(/^\d{4}-Q[1-4]$/))
});

/** The quarter's data return with small numbers suppressed, as a download. */
export const POST: RequestHandler = async ({ request }) => {
	const form = Object.fromEntries(await request.formData());
	const parsed = v.safeParse(ExportSchema, form);
	if (!parsed.success) error(400, 'Choose an area and a quarter.');
	const { rt, area, principal, session, quarter } = await dataReturnRequest(
		parsed.output.area,
		parsed.output.quarter
	);
	if (!mayExportDataReturn(principal, area.id)) error(404, 'Area not found.');
	// EXPORT-INFRA: step-up + register + rate limit wrap here
	const file = await dataReturnCsv(rt.db, area, quarter, rt.now());
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
		{
			action: 'export',
			outcome: 'success',
			target: `area:${area.id}`,
			details: { kind: 'data-return', quarter: quarter.key, filename: file.filename }
		}
	);
	return new Response(file.bytes, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'no-store'
		}
	});
};
