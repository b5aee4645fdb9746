import { error, fail, redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { requestMeta, requireUser } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { domainFailure } from '$lib/server/admin/route';
import { transferAreas } from '$lib/server/policy/transfers';
import { acceptTransfer, declineTransfer, listTransfers } from '$lib/server/transfers';
import { TransferDeclineSchema, TransferIdSchema } from '$lib/schemas/transfers';
import type { Actions, PageServerLoad } from './$types';

/** Coordinators only: transfers are decided between areas' coordinators. */
async function coordinator() {
	const { principal, session } = requireUser();
	if (transferAreas(principal).length === 0) {
		error(403, 'Only MARAC coordinators deal with transfers between areas.');
	}
	return { rt: await runtime(), principal, meta: { sessionId: session.id, ip: requestMeta().ip } };
}

export const load: PageServerLoad = async () => {
	const { rt, principal } = await coordinator();
	return { transfers: await listTransfers(rt.db, principal) };
};

export const actions: Actions = {
	accept: async ({ request }) => {
		const { rt, principal, meta } = await coordinator();
		const parsed = await parseForm(request, TransferIdSchema);
		if (!parsed.ok) error(400, 'Bad request.');
		let caseId: string;
		try {
			({ caseId } = await acceptTransfer(rt.db, principal, parsed.data.transferId, rt.now(), meta));
		} catch (e) {
			return domainFailure('accept', e);
		}
		redirect(303, `/transfers?accepted=${caseId}`);
	},
	decline: async ({ request }) => {
		const { rt, principal, meta } = await coordinator();
		const parsed = await parseForm(request, TransferDeclineSchema);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: parsed.values });
		try {
			await declineTransfer(
				rt.db,
				principal,
				parsed.data.transferId,
				parsed.data.declineReason,
				meta
			);
		} catch (e) {
			return domainFailure('decline', e, parsed.data);
		}
		redirect(303, '/transfers?declined');
	}
};
