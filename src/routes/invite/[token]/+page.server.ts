import { redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { acceptInvite, inviteUser } from '$lib/server/auth/flows';
import { invalid, parseForm } from '$lib/server/forms';
import { NewPasswordSchema } from '$lib/schemas/auth';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const rt = await runtime();
	const invite = await inviteUser(rt.db, params.token, rt.now());
	return {
		valid: invite !== null,
		name: invite?.name ?? null,
		email: invite?.email ?? null,
		minLength: PASSWORD_MIN_LENGTH
	};
};

export const actions: Actions = {
	default: async ({ request, params }) => {
		const parsed = await parseForm(request, NewPasswordSchema, ['password', 'confirm']);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const rt = await runtime();
		const result = await acceptInvite(rt.db, params.token, parsed.data.password, rt.now());
		if (result.kind === 'invalid-token') {
			return invalid(400, { form: 'This invitation has expired or has already been used.' });
		}
		if (result.kind === 'weak') return invalid(400, { password: result.message });
		redirect(303, '/login?password-set');
	}
};
