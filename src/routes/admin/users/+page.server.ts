import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireAdmin } from '$lib/server/guard';
import { parseForm } from '$lib/server/forms';
import { adminContext, domainFailure, inviteUrl } from '$lib/server/admin/route';
import { createUser, listUsers } from '$lib/server/admin';
import { CreateUserSchema, UserSearchSchema } from '$lib/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const ctx = await adminContext(requireAdmin());
	const search = v.safeParse(UserSearchSchema, { q: url.searchParams.get('q') ?? undefined });
	const q = search.success ? search.output.q : '';
	return { q, users: await listUsers(ctx.db, { search: q }) };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const ctx = await adminContext(requireAdmin());
		const parsed = await parseForm(request, CreateUserSchema);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: parsed.values });
		const { email, name, isAdmin } = parsed.data;
		try {
			const { id, token, expiresAt } = await createUser(ctx, parsed.data);
			return { created: { id, name, isAdmin, url: await inviteUrl(token), expiresAt } };
		} catch (error) {
			return domainFailure('create', error, {
				email,
				name,
				...(isAdmin ? { isAdmin: 'yes' } : {})
			});
		}
	}
};
