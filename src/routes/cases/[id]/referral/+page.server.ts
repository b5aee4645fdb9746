import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requestMeta, requireUser, type SignedIn } from '$lib/server/guard';
import { decideRepeat, loadReferral } from '$lib/server/cases/referral';
import * as audit from '$lib/server/audit';
import type { Actions, PageServerLoad } from './$types';

const CaseId = v.pipe(v.string(), v.uuid());

function actorFor({ principal, session }: SignedIn, areaId?: string) {
	const seat = principal.memberships.find((m) => m.areaId === areaId) ?? principal.memberships[0];
	return {
		userId: principal.userId,
		sessionId: session.id,
		areaId: seat?.areaId,
		agencyId: seat?.agencyId,
		role: seat?.role,
		ip: requestMeta().ip
	};
}

/** The referral of one case, for its participants only; anyone else gets the same 404. */
export const load: PageServerLoad = async ({ params, url }) => {
	const signedIn = requireUser();
	const parsed = v.safeParse(CaseId, params.id);
	const rt = await runtime();
	const referral = parsed.success
		? await loadReferral(rt.db, signedIn.principal, parsed.output, rt.now())
		: null;
	await audit.record(rt.db, actorFor(signedIn), {
		action: 'case.view_referral',
		outcome: referral ? 'success' : 'denied',
		target: parsed.success ? `case:${parsed.output}` : null
	});
	if (!referral) error(404, 'Case not found.');
	return { referral, created: url.searchParams.get('created') === '1' };
};

async function decide(params: { id: string }, decision: 'confirm' | 'reject') {
	const signedIn = requireUser();
	const parsed = v.safeParse(CaseId, params.id);
	if (!parsed.success) error(404, 'Case not found.');
	const rt = await runtime();
	const done = await decideRepeat(
		rt.db,
		actorFor(signedIn),
		signedIn.principal,
		parsed.output,
		decision,
		rt.now()
	);
	if (!done) error(404, 'Case not found.');
	return { decided: decision };
}

export const actions: Actions = {
	confirm: ({ params }) => decide(params, 'confirm'),
	reject: ({ params }) => decide(params, 'reject')
};
