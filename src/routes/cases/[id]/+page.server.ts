import { error, fail } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { requireUser, requestMeta } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { loadCaseWorkspace } from '$lib/server/workspace';
import { addAgencyAction, shareNotesToMeeting } from '$lib/server/workspace/edits';
import { actionSchema, ShareSchema } from '$lib/schemas/workspace';
import { londonDate } from '$lib/dates';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const viewer = requireUser();
	const workspace = await loadCaseWorkspace(await runtime(), viewer, params.id, requestMeta());
	// Not there, not in your area, excluded, administrator: all the same answer.
	if (!workspace) error(404, 'Page not found.');
	return { workspace };
};

export const actions: Actions = {
	share: async ({ request, params }) => {
		const viewer = requireUser();
		const parsed = await parseForm(request, ShareSchema);
		if (!parsed.ok) return fail(400, { share: { errors: parsed.errors } });
		const outcome = await shareNotesToMeeting(
			await runtime(),
			viewer,
			params.id,
			parsed.data.text,
			requestMeta()
		);
		if (!outcome.ok) {
			if (outcome.status === 404) error(404, 'Page not found.');
			return fail(outcome.status, { share: { errors: { text: outcome.message } } });
		}
		return { share: { shared: outcome.length } };
	},

	addAction: async ({ request, params }) => {
		const viewer = requireUser();
		const rt = await runtime();
		const parsed = await parseForm(request, actionSchema(londonDate(rt.now())));
		if (!parsed.ok) {
			return fail(400, {
				action: {
					agencyId: parsed.values.agencyId ?? '',
					errors: parsed.errors,
					values: parsed.values
				}
			});
		}
		const outcome = await addAgencyAction(rt, viewer, params.id, parsed.data, requestMeta());
		if (!outcome.ok) {
			if (outcome.status === 404) error(404, 'Page not found.');
			return fail(outcome.status, {
				action: {
					agencyId: parsed.data.agencyId,
					errors: { form: outcome.message },
					values: {} as Record<string, string>
				}
			});
		}
		return { action: { agencyId: parsed.data.agencyId, added: outcome.id } };
	}
};
