import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requireUser, requestMeta } from '$lib/server/guard';
import { caseDocuments } from '$lib/server/policy/facts';
import * as audit from '$lib/server/audit';

const CaseId = v.pipe(v.string(), v.uuid());

/** Document names of a case with the user's access (DESIGN §10); 404 for a case they may not see. */
export const GET = async ({ params }) => {
	const { principal, session } = requireUser();
	const parsed = v.safeParse(CaseId, params.id);
	const rt = await runtime();
	const documents = parsed.success
		? await caseDocuments(rt.db, principal, parsed.output, rt.now())
		: null;
	const seat = principal.memberships[0];
	await audit.record(
		rt.db,
		{
			userId: principal.userId,
			sessionId: session.id,
			areaId: seat?.areaId,
			agencyId: seat?.agencyId,
			role: seat?.role,
			ip: requestMeta().ip
		},
		{
			action: 'case.documents',
			outcome: documents ? 'success' : 'denied',
			target: parsed.success ? `case:${parsed.output}` : null
		}
	);
	if (!documents) error(404, 'Case not found.');
	return json(documents);
};
