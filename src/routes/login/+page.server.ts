import { redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { signIn } from '$lib/server/auth/flows';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { invalid, parseForm } from '$lib/server/forms';
import { requestMeta } from '$lib/server/guard';
import { SignInSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	return {
		notice: url.searchParams.has('signed-out')
			? 'You have signed out.'
			: url.searchParams.has('password-set')
				? 'Your password is set. Sign in to continue.'
				: url.searchParams.has('expired')
					? 'Your session ended because it was idle. Sign in again to continue.'
					: null
	};
};

/** One message for every failure: it never tells whether an account exists. */
const GENERIC = 'The e-mail address or password is not right, or the account cannot sign in.';

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const parsed = await parseForm(request, SignInSchema);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const rt = await runtime();
		const result = await signIn(rt.auth, parsed.data, requestMeta());
		const values = { email: parsed.data.email };
		if (result.kind === 'throttled') {
			const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
			return invalid(
				429,
				{
					form: `Too many attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask your administrator.`
				},
				values
			);
		}
		if (result.kind === 'invalid') return invalid(400, { form: GENERIC }, values);
		setSessionCookie(cookies, result.token, result.session, rt.config, rt.now());
		redirect(
			303,
			result.next === 'mfa' ? '/login/mfa' : result.next === 'enrol' ? '/account/mfa/setup' : '/'
		);
	}
};
