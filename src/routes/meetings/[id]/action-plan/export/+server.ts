import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireUser } from '$lib/server/guard';
import { DomainError, NotFoundError } from '$lib/server/errors';
import { meetingContext } from '$lib/server/meetings/route';
import {
	attachment,
	exportAllowance,
	newExportId,
	nextExportAt,
	recordExport,
	recordRefusedExport,
	safeFilename
} from '$lib/server/exports';
import {
	actionPlanCsv,
	actionPlanFilename,
	actionPlanRows,
	recipientPrincipal
} from '$lib/server/exports/action-plan';
import { exportableMeeting, exportActor, requireStepUp } from '$lib/server/exports/route';
import { ActionPlanExportSchema } from '$lib/schemas/exports';
import type { RequestHandler } from './$types';

const KIND = 'action_plan_csv';

function text(status: number, message: string): Response {
	return new Response(message, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}

function rateLimited(next: Date): Response {
	const at = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/London',
		hour: '2-digit',
		minute: '2-digit'
	}).format(next);
	return text(
		429,
		`You have made 10 exports in the last hour, the most allowed. You can export again after ${at}.`
	);
}

/**
 * A POST, never a GET: an export carries a reason and a recipient, and must not be cacheable or
 * triggered by a link. The hooks refuse a foreign Origin before this runs.
 */
export const POST: RequestHandler = async ({ params, request }) => {
	const { session, user } = requireUser();
	const ctx = await meetingContext();
	let loaded;
	try {
		loaded = await exportableMeeting(ctx, params.id, KIND);
	} catch (e) {
		if (e instanceof NotFoundError) return text(404, e.message);
		if (e instanceof DomainError) return text(403, e.message);
		throw e;
	}
	const form = await request.formData();
	const raw = Object.fromEntries(
		[...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string')
	);
	const parsed = v.safeParse(ActionPlanExportSchema, raw);
	const page = `/meetings/${loaded.meeting.id}/action-plan`;
	const agencyId = v.is(v.pipe(v.string(), v.uuid()), raw.agencyId) ? raw.agencyId : null;
	const back = (problem?: string) => {
		const query = new URLSearchParams();
		if (agencyId) query.set('agency', agencyId);
		if (problem) query.set('problem', problem);
		return query.size ? `${page}?${query}` : page;
	};
	const actor = exportActor(ctx, loaded);
	const target = `meeting:${loaded.meeting.id}`;
	await requireStepUp(ctx, session, back(), { actor, kind: KIND, target });
	if (!parsed.success) {
		const field = v.getDotPath(parsed.issues[0]!) === 'reason' ? 'reason' : 'agencyId';
		redirect(303, back(field));
	}
	const recipient = await recipientPrincipal(ctx.db, loaded.meeting.areaId, parsed.output.agencyId);
	if (!recipient) {
		await recordRefusedExport(ctx.db, actor, {
			kind: KIND,
			reason: 'recipient',
			target,
			at: ctx.now
		});
		redirect(303, back('agencyId'));
	}
	if ((await exportAllowance(ctx.db, user.id, ctx.now)) <= 0) {
		await recordRefusedExport(ctx.db, actor, {
			kind: KIND,
			reason: 'rate_limit',
			target,
			at: ctx.now
		});
		return rateLimited(await nextExportAt(ctx.db, user.id, ctx.now));
	}
	const id = newExportId();
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
		exportId: id,
		meetingDate: loaded.meeting.scheduledAt
	});
	// A byte-order mark, so spreadsheet programs read the file as UTF-8.
	const content = new TextEncoder().encode(`\ufeff${body}`);
	const filename = safeFilename(
		actionPlanFilename(loaded.meeting.scheduledAt, recipient.agency.name, id)
	);
	const recorded = await recordExport(ctx.db, actor, {
		id,
		kind: KIND,
		recipientAgencyId: recipient.agency.id,
		meetingId: loaded.meeting.id,
		reason: parsed.output.reason,
		filename,
		content,
		at: ctx.now
	});
	if (recorded.kind === 'rate-limited') {
		await recordRefusedExport(ctx.db, actor, {
			kind: KIND,
			reason: 'rate_limit',
			target,
			at: ctx.now
		});
		return rateLimited(await nextExportAt(ctx.db, user.id, ctx.now));
	}
	return attachment(content, filename, 'text/csv; charset=utf-8');
};
