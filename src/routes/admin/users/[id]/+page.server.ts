import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireAdmin } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { adminContext, domainFailure, inviteUrl } from '$lib/server/admin/route';
import {
	clearSignInLock,
	disableUser,
	enableUser,
	getUser,
	listAreaOptions,
	reissueInvite,
	removeMembership,
	resetUserSecondFactor,
	setMembership,
	updateUser
} from '$lib/server/admin';
import {
	DisableUserSchema,
	IdSchema,
	MembershipSchema,
	RemoveMembershipSchema,
	ResetSecondFactorSchema,
	UpdateUserSchema
} from '$lib/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

function userId(id: string): string {
	if (!v.is(IdSchema, id)) error(404, 'Page not found.');
	return id;
}

const invalid = (action: string, errors: Record<string, string>, values: Record<string, string>) =>
	fail(400, { action, errors, values });

export const load: PageServerLoad = async ({ params }) => {
	const signedIn = requireAdmin();
	const ctx = await adminContext(signedIn);
	const id = userId(params.id);
	const user = await getUser(ctx.db, id, ctx.now);
	if (!user) error(404, 'Page not found.');
	return { user, areas: await listAreaOptions(ctx.db), isSelf: signedIn.user.id === id };
};

export const actions: Actions = {
	update: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = userId(params.id);
		const parsed = await parseForm(request, UpdateUserSchema);
		if (!parsed.ok) return invalid('update', parsed.errors, parsed.values);
		try {
			await updateUser(ctx, id, parsed.data);
		} catch (e) {
			return domainFailure('update', e);
		}
		return { action: 'update', success: 'Their details have been saved.' };
	},

	membership: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = userId(params.id);
		const parsed = await parseForm(request, MembershipSchema);
		if (!parsed.ok) return invalid('membership', parsed.errors, parsed.values);
		try {
			await setMembership(ctx, { userId: id, ...parsed.data });
		} catch (e) {
			return domainFailure('membership', e, parsed.data);
		}
		return { action: 'membership', success: 'The membership has been saved.' };
	},

	removeMembership: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = userId(params.id);
		const parsed = await parseForm(request, RemoveMembershipSchema);
		if (!parsed.ok) return invalid('removeMembership', parsed.errors, parsed.values);
		const removed = await removeMembership(ctx, id, parsed.data.membershipAreaId);
		return {
			action: 'removeMembership',
			success: removed
				? 'They have been removed from that area. The change applies to their next request.'
				: 'They were not a member of that area, so nothing changed.'
		};
	},

	disable: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = userId(params.id);
		const parsed = await parseForm(request, DisableUserSchema);
		if (!parsed.ok) return invalid('disable', parsed.errors, parsed.values);
		let ended: string[];
		try {
			ended = await disableUser(ctx, id);
		} catch (e) {
			return domainFailure('disable', e);
		}
		const n = ended.length;
		return {
			action: 'disable',
			success: `The account has been disabled. ${n} signed-in session${n === 1 ? ' was' : 's were'} ended.`
		};
	},

	enable: async ({ params }) => {
		const ctx = await adminContext(requireAdmin());
		try {
			await enableUser(ctx, userId(params.id));
		} catch (e) {
			return domainFailure('enable', e);
		}
		return { action: 'enable', success: 'The account has been enabled. They can sign in again.' };
	},

	resetSecondFactor: async ({ request, params }) => {
		const ctx = await adminContext(requireAdmin());
		const id = userId(params.id);
		const parsed = await parseForm(request, ResetSecondFactorSchema);
		if (!parsed.ok) return invalid('resetSecondFactor', parsed.errors, parsed.values);
		try {
			await resetUserSecondFactor(ctx, id);
		} catch (e) {
			return domainFailure('resetSecondFactor', e);
		}
		return {
			action: 'resetSecondFactor',
			success:
				'Their second factor has been removed and they have been signed out. They set up a new one when they next sign in.'
		};
	},

	clearLock: async ({ params }) => {
		const ctx = await adminContext(requireAdmin());
		const user = await getUser(ctx.db, userId(params.id), ctx.now);
		if (!user) error(404, 'Page not found.');
		await clearSignInLock(ctx, user.email);
		return { action: 'clearLock', success: 'Their sign-in lock has been cleared.' };
	},

	reissueInvite: async ({ params }) => {
		const ctx = await adminContext(requireAdmin());
		try {
			const { token, expiresAt } = await reissueInvite(ctx, userId(params.id));
			return { action: 'reissueInvite', invite: { url: await inviteUrl(token), expiresAt } };
		} catch (e) {
			return domainFailure('reissueInvite', e);
		}
	}
};
