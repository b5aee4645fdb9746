import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/guard';
import { exportGate } from '$lib/server/exports/route';
import { minutesOutline } from '$lib/minutes/outline';
import {
	draftMinutes,
	issueMinutes,
	issuedVersion,
	minutesForRecipient,
	minutesOverview,
	recipientPrincipal
} from '$lib/server/minutes';
import { audited } from '$lib/server/meetings/context';
import { command, meetingContext, pageFailure } from '$lib/server/meetings/route';
import { IssueMinutesSchema } from '$lib/schemas/meetings';
import type { Actions, PageServerLoad } from './$types';

/** Why the export endpoint sent the person back here (codes only: nothing typed is in the URL). */
const PROBLEMS: Record<string, string> = {
	version: 'Choose an issued version to export.',
	recipient: 'Choose a member of this MARAC as the recipient.',
	format: 'Choose Word (DOCX) or PDF.',
	reason: 'Say why the minutes are exported (5 to 300 characters).'
};

export const load: PageServerLoad = async ({ params, url }) => {
	const { session } = requireUser();
	const ctx = await meetingContext();
	try {
		const overview = await minutesOverview(ctx, params.id);
		const { loaded, versions } = overview;
		// ?v=N shows an issued version; ?v=draft (or no version issued yet) what it would say now.
		const asked = url.searchParams.get('v');
		const wanted =
			asked === 'draft' || versions.length === 0 ? null : Number(asked ?? versions[0]!.version);
		const issued = wanted === null ? null : await issuedVersion(ctx, loaded.meeting.id, wanted);
		if (wanted !== null && !issued) error(404, 'There is no such version of these minutes.');
		const recipientId = url.searchParams.get('for') ?? ctx.principal.userId;
		const { principal, recipient } = await recipientPrincipal(ctx, loaded, recipientId);
		const frozen = issued?.frozen ?? (await draftMinutes(ctx, loaded));
		const info = issued?.info ?? { version: 0, issuedAt: null, issuedBy: null, reason: null };
		const minutes = await minutesForRecipient(ctx, frozen, info, principal);
		await audited(ctx, loaded, 'minutes.preview', {
			version: info.version,
			recipient: recipient.userId
		});
		return {
			meeting: {
				id: loaded.meeting.id,
				status: loaded.meeting.status,
				scheduledAt: loaded.meeting.scheduledAt.toISOString(),
				areaName: loaded.areaName
			},
			versions: overview.versions,
			recipients: overview.recipients,
			may: overview.may,
			shown: { version: info.version, recipient },
			outline: minutesOutline(minutes),
			exporting: overview.may.export
				? await exportGate(ctx.db, session, ctx.principal.userId, ctx.now, url, PROBLEMS)
				: null
		};
	} catch (e) {
		pageFailure(e);
	}
};

export const actions: Actions = {
	issue: ({ request, params }) =>
		command('issue', request, IssueMinutesSchema, (ctx, d) =>
			issueMinutes(ctx, params.id, d.whyNewVersion || null)
		)
};
