import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { parseForm } from '$lib/server/forms';
import { runtime } from '$lib/server/app';
import { requestMeta, requireUser } from '$lib/server/guard';
import { loadCaseWorkspace } from '$lib/server/workspace';
import { casePathwayAlerts } from '$lib/server/trafficking/case-alerts';
import {
	confirmConfidentiality,
	endMeeting,
	liveMeeting,
	moveToCase,
	quickAddAction,
	recordApologies
} from '$lib/server/meetings';
import { commandFailure, meetingContext, pageFailure } from '$lib/server/meetings/route';
import { ApologiesSchema, MoveSchema, QuickActionSchema } from '$lib/schemas/meetings';
import type { Actions, PageServerLoad } from './$types';

/**
 * The live meeting. `?case=<id>` is the case this page shows (set by following the chair, or by
 * choosing one), so the server knows it and can load the case's content into the page.
 */
export const load: PageServerLoad = async ({ params, url }) => {
	const ctx = await meetingContext();
	const requested = url.searchParams.get('case');
	try {
		const view = await liveMeeting(ctx, params.id, requested);
		// The current case's workspace, composed from the documents this attendee may open (the
		// same loader and access checks as /cases/[id]); null for a case they may not see.
		const workspace =
			view.stage === 'live' && view.currentCaseId
				? await loadCaseWorkspace(await runtime(), requireUser(), view.currentCaseId, requestMeta())
				: null;
		// A trafficking case's alerts and next deadline for the case-facts strip, from the pathway
		// projection for today; null unless this attendee may read the case's pathway.
		const pathwayAlerts =
			workspace && view.currentCaseId
				? await casePathwayAlerts(ctx.db, ctx.principal, view.currentCaseId, ctx.now)
				: null;
		return { ...view, workspace, pathwayAlerts, serverNow: ctx.now.toISOString() };
	} catch (e) {
		pageFailure(e);
	}
};

export const actions: Actions = {
	confirm: async ({ params }) => {
		const ctx = await meetingContext();
		try {
			await confirmConfidentiality(ctx, params.id);
		} catch (e) {
			return commandFailure('confirm', e);
		}
		redirect(303, `/meetings/${params.id}/live`);
	},
	move: async ({ request, params }) => {
		const ctx = await meetingContext();
		const parsed = await parseForm(request, MoveSchema);
		if (!parsed.ok) return fail(400, { action: 'move', errors: parsed.errors, values: {} });
		let next: string | null;
		try {
			const to = parsed.data.to;
			next = await moveToCase(
				ctx,
				params.id,
				to === 'next' || to === 'previous' ? to : { caseId: to }
			);
		} catch (e) {
			return commandFailure('move', e);
		}
		redirect(303, `/meetings/${params.id}/live${next ? `?case=${next}` : ''}`);
	},
	addAction: async ({ request, params }) => {
		const ctx = await meetingContext();
		const parsed = await parseForm(request, QuickActionSchema);
		if (!parsed.ok) {
			return fail(400, { action: 'addAction', errors: parsed.errors, values: parsed.values });
		}
		try {
			const added = await quickAddAction(ctx, params.id, parsed.data);
			return {
				action: 'addAction',
				added: { id: added.id, agencyId: parsed.data.agencyId, dueOn: parsed.data.dueOn }
			};
		} catch (e) {
			return commandFailure('addAction', e, parsed.data);
		}
	},
	apologies: async ({ request, params }) => {
		const ctx = await meetingContext();
		const parsed = await parseForm(request, ApologiesSchema);
		if (!parsed.ok) {
			return fail(400, { action: 'apologies', errors: parsed.errors, values: parsed.values });
		}
		try {
			await recordApologies(ctx, params.id, {
				userId: parsed.data.userId,
				informationSent: parsed.data.informationSent === 'yes'
			});
			return { action: 'apologies', recorded: true };
		} catch (e) {
			return commandFailure('apologies', e, parsed.data);
		}
	},
	end: async ({ request, params }) => {
		const ctx = await meetingContext();
		const parsed = await parseForm(request, v.object({}));
		if (!parsed.ok) return fail(400, { action: 'end', errors: parsed.errors, values: {} });
		try {
			await endMeeting(ctx, params.id);
		} catch (e) {
			return commandFailure('end', e);
		}
		redirect(303, `/meetings/${params.id}/live`);
	}
};
