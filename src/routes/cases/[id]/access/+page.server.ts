import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { runtime } from '$lib/server/app';
import { requestMeta, requireUser } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { DomainError, ForbiddenError, NotFoundError } from '$lib/server/errors';
import {
	accessHistory,
	addExclusion,
	addGrant,
	areaAgencies,
	areaMembers,
	caseAccessState,
	historyNames,
	liftExclusion,
	recordAccessView,
	requireCoordinator,
	revokeGrant,
	type CaseAccessContext
} from '$lib/server/cases/access';
import {
	ExclusionSchema,
	GrantSchema,
	LiftExclusionSchema,
	RevokeGrantSchema
} from '$lib/schemas/case-access';
import { describeEvent } from '$lib/access-history';
import { toLondonLocal } from '$lib/dates';
import { GRANT_MAX_DAYS } from '$lib/server/policy/case-access';
import type { Actions, PageServerLoad } from './$types';

const CaseId = v.pipe(v.string(), v.uuid());
const Page = v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1)), 1);

async function context(): Promise<CaseAccessContext> {
	const { user, session, principal } = requireUser();
	const rt = await runtime();
	return {
		db: rt.db,
		principal,
		actor: { userId: user.id, sessionId: session.id, ip: requestMeta().ip },
		now: rt.now()
	};
}

/** The case's coordinator, or the error page: 404 to outsiders, 403 to other participants. */
async function coordinatorOf(ctx: CaseAccessContext, id: string, attempted: string) {
	const parsed = v.safeParse(CaseId, id);
	if (!parsed.success) error(404, 'Case not found.');
	try {
		return await requireCoordinator(ctx, parsed.output, attempted);
	} catch (e) {
		if (e instanceof ForbiddenError) error(403, e.message);
		if (e instanceof NotFoundError) error(404, 'Case not found.');
		throw e;
	}
}

export const load: PageServerLoad = async ({ params, url }) => {
	const ctx = await context();
	const { facts, actor, reference } = await coordinatorOf(ctx, params.id, 'case.access.view');
	await recordAccessView(ctx, facts.id, actor);
	const page = v.parse(Page, url.searchParams.get('page') ?? '1');
	const [state, members, agencies, history] = await Promise.all([
		caseAccessState(ctx.db, facts.id, ctx.now),
		areaMembers(ctx.db, facts.areaId),
		areaAgencies(ctx.db, facts.areaId),
		accessHistory(ctx.db, facts.id, facts.areaId, page)
	]);
	const names = await historyNames(ctx.db, facts.areaId, history.entries);
	const day = 24 * 3_600_000;
	return {
		caseId: facts.id,
		reference,
		...state,
		agencies,
		people: members.filter((m) => m.userId !== ctx.principal.userId),
		grantLimits: {
			min: toLondonLocal(new Date(ctx.now.getTime() + 60_000)),
			max: toLondonLocal(new Date(ctx.now.getTime() + GRANT_MAX_DAYS * day)),
			suggested: toLondonLocal(new Date(ctx.now.getTime() + 7 * day))
		},
		history: {
			...history,
			entries: history.entries.map((e) => ({
				id: e.id,
				at: e.at,
				userName: e.userName,
				agencyName: e.agencyName,
				outcome: e.outcome,
				what: describeEvent(e, names)
			}))
		}
	};
};

function refusal(form: string, error: unknown, values: Record<string, string>) {
	if (!(error instanceof DomainError)) throw error;
	return fail(error instanceof NotFoundError ? 404 : 400, {
		form,
		errors: { [error.field ?? 'form']: error.message } as Record<string, string>,
		values
	});
}

export const actions: Actions = {
	exclude: async ({ request, params }) => {
		const ctx = await context();
		const { facts } = await coordinatorOf(ctx, params.id, 'case.exclusion.add');
		const parsed = await parseForm(request, ExclusionSchema);
		if (!parsed.ok)
			return fail(400, { form: 'exclude', errors: parsed.errors, values: parsed.values });
		const input = parsed.data;
		const values: Record<string, string> =
			input.kind === 'agency'
				? { kind: input.kind, agencyId: input.agencyId, agencyReason: input.agencyReason }
				: { kind: input.kind, userId: input.userId, personReason: input.personReason };
		try {
			await addExclusion(ctx, facts.id, {
				subject:
					input.kind === 'agency'
						? { kind: 'agency', agencyId: input.agencyId }
						: { kind: 'user', userId: input.userId },
				reason: input.kind === 'agency' ? input.agencyReason : input.personReason
			});
		} catch (e) {
			return refusal('exclude', e, values);
		}
		return { form: 'exclude', done: 'Exclusion added. It took effect at once.' };
	},
	lift: async ({ request, params }) => {
		const ctx = await context();
		const { facts } = await coordinatorOf(ctx, params.id, 'case.exclusion.lift');
		const parsed = await parseForm(request, LiftExclusionSchema);
		if (!parsed.ok) return fail(400, { form: 'lift', errors: parsed.errors, values: {} });
		try {
			await liftExclusion(ctx, facts.id, parsed.data.exclusionId);
		} catch (e) {
			return refusal('lift', e, {});
		}
		return { form: 'lift', done: 'Exclusion lifted.' };
	},
	grant: async ({ request, params }) => {
		const ctx = await context();
		const { facts } = await coordinatorOf(ctx, params.id, 'case.grant.add');
		const parsed = await parseForm(request, GrantSchema);
		if (!parsed.ok)
			return fail(400, { form: 'grant', errors: parsed.errors, values: parsed.values });
		const { grantUserId, grantReason, expiresAt } = parsed.data;
		try {
			await addGrant(ctx, facts.id, { userId: grantUserId, reason: grantReason, expiresAt });
		} catch (e) {
			const field = e instanceof DomainError && e.field === 'userId' ? 'grantUserId' : undefined;
			const mapped = field && e instanceof DomainError ? new DomainError(e.message, field) : e;
			return refusal('grant', mapped, {
				grantUserId,
				grantReason,
				expiresAt: toLondonLocal(expiresAt)
			});
		}
		return { form: 'grant', done: 'Access to the restricted details granted.' };
	},
	revoke: async ({ request, params }) => {
		const ctx = await context();
		const { facts } = await coordinatorOf(ctx, params.id, 'case.grant.revoke');
		const parsed = await parseForm(request, RevokeGrantSchema);
		if (!parsed.ok) return fail(400, { form: 'revoke', errors: parsed.errors, values: {} });
		try {
			await revokeGrant(ctx, facts.id, parsed.data.grantId);
		} catch (e) {
			return refusal('revoke', e, {});
		}
		return { form: 'revoke', done: 'Grant revoked. It took effect at once.' };
	}
};
