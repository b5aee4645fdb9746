import { redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { safeNextPath, stepUp, stepUpNeedsCode } from '$lib/server/auth/step-up';
import { invalid, parseForm } from '$lib/server/forms';
import { requestMeta, requireUser } from '$lib/server/guard';
import { StepUpSchema } from '$lib/schemas/exports';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const { user } = requireUser();
	const rt = await runtime();
	return {
		needsCode: await stepUpNeedsCode(rt.auth, user.id),
		next: safeNextPath(url.searchParams.get('next'))
	};
};

/** One message for a wrong password or code: it does not say which was wrong. */
const WRONG = 'The password or code is not right. Try again.';

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const { session } = requireUser();
		const parsed = await parseForm(request, StepUpSchema);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const next = safeNextPath(parsed.data.next);
		const rt = await runtime();
		const result = await stepUp(rt.auth, session, parsed.data, requestMeta());
		const values = { next };
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
		if (result.kind === 'needs-code') {
			return invalid(400, { code: 'Enter the code from your authenticator app.' }, values);
		}
		if (result.kind === 'invalid') return invalid(400, { form: WRONG }, values);
		setSessionCookie(cookies, result.token, result.session, rt.config, rt.now());
		redirect(303, next);
	}
};
