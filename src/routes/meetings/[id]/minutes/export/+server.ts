import * as v from 'valibot';
import { requireUser } from '$lib/server/guard';
import { DomainError } from '$lib/server/errors';
import { meetingContext } from '$lib/server/meetings/route';
import { runMeetingExport } from '$lib/server/exports/route';
import { issuedVersion, minutesForRecipient, recipientPrincipal } from '$lib/server/minutes';
import { renderMinutes } from '$lib/server/minutes/render';
import { minutesFileName } from '$lib/minutes/text';
import { mayExportMinutes } from '$lib/server/policy/meetings';
import { ExportMinutesSchema } from '$lib/schemas/meetings';
import { MARKING, type ExportMark } from '$lib/minutes/model';
import { runtime } from '$lib/server/app';
import type { RequestHandler } from './$types';

const isUuid = (value: unknown): value is string => v.is(v.pipe(v.string(), v.uuid()), value);
const CONTENT_TYPE = {
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	pdf: 'application/pdf'
} as const;

/**
 * Exports one issued version of the minutes for one recipient, as DOCX or PDF: only what both
 * the recipient and the exporter may read (the access policy, now), watermarked with the
 * recipient, the UTC time and the export id. A POST, never a GET (see the action plan's export).
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
		kind: 'minutes_docx',
		schema: ExportMinutesSchema,
		back: (raw, problem) => {
			const query = new URLSearchParams();
			if (/^\d{1,4}$/.test(raw.version ?? '')) query.set('v', raw.version!);
			if (isUuid(raw.recipient)) query.set('for', raw.recipient);
			if (problem) query.set('problem', problem);
			return `/meetings/${params.id}/minutes?${query}`;
		},
		prepare: async (loaded, data) => {
			const issued = await issuedVersion(ctx, loaded.meeting.id, data.version);
			if (!issued || !mayExportMinutes(ctx.principal, loaded.meeting, 1)) {
				throw new DomainError('Choose an issued version to export.', 'version');
			}
			const recipient = await recipientPrincipal(ctx, loaded, data.recipient);
			return { issued, recipient, format: data.format };
		},
		render: async ({ issued, recipient, format }, exportId) => {
			const minutes = await minutesForRecipient(
				ctx,
				issued.frozen,
				issued.info,
				recipient.principal
			);
			const mark: ExportMark = {
				recipientName: recipient.recipient.name,
				recipientAgency: recipient.recipient.agency,
				exportedAt: ctx.now.toISOString(),
				exportId,
				marking: MARKING
			};
			// Off the main thread where the process provides it (the production server).
			const render = (await runtime()).renderMinutes ?? renderMinutes;
			const content = await render(format, minutes, mark);
			return {
				content,
				filename: minutesFileName(minutes, format),
				contentType: CONTENT_TYPE[format],
				recipientUserId: recipient.recipient.userId,
				recipientAgencyId: recipient.recipient.agencyId,
				minutesVersion: issued.info.version,
				kind: format === 'pdf' ? 'minutes_pdf' : 'minutes_docx'
			};
		},
		reason: (data) => data.reason
	});
};
