import { error, fail, redirect } from '@sveltejs/kit';
import { desc, eq } from 'drizzle-orm';
import { runtime } from '$lib/server/app';
import { requestMeta, requireUser } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { domainFailure } from '$lib/server/admin/route';
import { areas, caseTransfers, cases } from '$lib/server/db/schema';
import { mayRequestTransfer } from '$lib/server/policy/transfers';
import { seatIn } from '$lib/server/policy';
import { cancelTransfer, requestTransfer, transferTargets } from '$lib/server/transfers';
import { TransferIdSchema, TransferRequestSchema } from '$lib/schemas/transfers';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The case, if this person may move it (the sending area's coordinator); otherwise 404. */
async function transferableCase(caseId: string) {
	const { principal, session } = requireUser();
	if (!UUID.test(caseId)) error(404, 'Case not found.');
	const rt = await runtime();
	const [c] = await rt.db
		.select({
			id: cases.id,
			areaId: cases.areaId,
			reference: cases.reference,
			kind: cases.kind,
			status: cases.status
		})
		.from(cases)
		.where(eq(cases.id, caseId));
	if (!c || !mayRequestTransfer(principal, c)) error(404, 'Case not found.');
	const seat = seatIn(principal, c.areaId);
	const meta = { sessionId: session.id, ip: requestMeta().ip, agencyId: seat?.agencyId };
	return { rt, principal, c, meta };
}

export const load: PageServerLoad = async ({ params }) => {
	const { rt, c } = await transferableCase(params.id);
	const history = await rt.db
		.select({
			id: caseTransfers.id,
			status: caseTransfers.status,
			reason: caseTransfers.reason,
			declineReason: caseTransfers.declineReason,
			requestedAt: caseTransfers.requestedAt,
			decidedAt: caseTransfers.decidedAt,
			toArea: areas.name
		})
		.from(caseTransfers)
		.innerJoin(areas, eq(areas.id, caseTransfers.toAreaId))
		.where(eq(caseTransfers.caseId, c.id))
		.orderBy(desc(caseTransfers.requestedAt));
	return {
		case: { id: c.id, reference: c.reference, kind: c.kind },
		targets: await transferTargets(rt.db, c.areaId),
		pending: history.find((h) => h.status === 'pending') ?? null,
		history
	};
};

export const actions: Actions = {
	request: async ({ request, params }) => {
		const { rt, principal, c, meta } = await transferableCase(params.id);
		const parsed = await parseForm(request, TransferRequestSchema);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: parsed.values });
		try {
			await requestTransfer(rt.db, principal, { caseId: c.id, ...parsed.data }, meta);
		} catch (e) {
			return domainFailure('request', e, parsed.data);
		}
		redirect(303, `/cases/${c.id}/transfer?requested`);
	},
	cancel: async ({ request, params }) => {
		const { rt, principal, c, meta } = await transferableCase(params.id);
		const parsed = await parseForm(request, TransferIdSchema);
		if (!parsed.ok) error(400, 'Bad request.');
		try {
			await cancelTransfer(rt.db, principal, parsed.data.transferId, meta);
		} catch (e) {
			return domainFailure('cancel', e);
		}
		redirect(303, `/cases/${c.id}/transfer?cancelled`);
	}
};
