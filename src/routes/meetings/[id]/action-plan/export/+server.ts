import * as v from 'valibot';
import { requireUser } from '$lib/server/guard';
import { DomainError } from '$lib/server/errors';
import { meetingContext } from '$lib/server/meetings/route';
import {
	actionPlanCsv,
	actionPlanFilename,
	actionPlanRows,
	recipientPrincipal
} from '$lib/server/exports/action-plan';
import { runMeetingExport } from '$lib/server/exports/route';
import { ActionPlanExportSchema } from '$lib/schemas/exports';
import type { RequestHandler } from './$types';

const isUuid = (value: unknown): value is string => v.is(v.pipe(v.string(), v.uuid()), value);

/**
 * A POST, never a GET: an export carries a reason and a recipient, and must not be cacheable or
 * triggered by a link. The hooks refuse a foreign Origin before this runs.
 */
export const POST: RequestHandler = async ({ params, request }) => {
	const { session, user } = requireUser();
	const ctx = await meetingContext();
	return runMeetingExport({
		meetingId: params.id,
		request,
		session,
		user,
		ctx,
		kind: 'action_plan_csv',
		schema: ActionPlanExportSchema,
		back: (raw, problem) => {
			const query = new URLSearchParams();
			if (isUuid(raw.agencyId)) query.set('agency', raw.agencyId);
			if (problem) query.set('problem', problem === 'reason' ? 'reason' : 'agencyId');
			const page = `/meetings/${params.id}/action-plan`;
			return query.size ? `${page}?${query}` : page;
		},
		prepare: async (loaded, data) => {
			const recipient = await recipientPrincipal(ctx.db, loaded.meeting.areaId, data.agencyId);
			if (!recipient) throw new DomainError('Choose an agency of this MARAC.', 'agencyId');
			return recipient;
		},
		render: async (recipient, exportId, loaded) => {
			const rows = await actionPlanRows(
				ctx.db,
				loaded.meeting.id,
				ctx.principal,
				recipient.principal,
				ctx.now
			);
			const body = actionPlanCsv(rows, {
				recipientAgency: recipient.agency.name,
				exportedBy: user.name,
				exporterAgency: loaded.seat.agencyName,
				exportedAt: ctx.now,
				exportId,
				meetingDate: loaded.meeting.scheduledAt
			});
			return {
				// A byte-order mark, so spreadsheet programs read the file as UTF-8.
				content: new TextEncoder().encode(`\ufeff${body}`),
				filename: actionPlanFilename(loaded.meeting.scheduledAt, recipient.agency.name, exportId),
				contentType: 'text/csv; charset=utf-8',
				recipientAgencyId: recipient.agency.id
			};
		},
		reason: (data) => data.reason
	});
};
