import { redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { verifySecondFactor } from '$lib/server/auth/flows';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { invalid, parseForm } from '$lib/server/forms';
import { requestMeta } from '$lib/server/guard';
import { CodeSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.session || locals.stage !== 'needs-mfa') redirect(303, '/login');
	return {};
};

export const actions: Actions = {
	default: async ({ request, locals, cookies }) => {
		if (!locals.session || locals.stage !== 'needs-mfa') redirect(303, '/login');
		const parsed = await parseForm(request, CodeSchema);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const rt = await runtime();
		const result = await verifySecondFactor(
			rt.auth,
			locals.session,
			parsed.data.code,
			requestMeta()
		);
		if (result.kind === 'throttled') {
			const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
			return invalid(429, { code: `Too many wrong codes. Wait ${minutes} minutes and try again.` });
		}
		if (result.kind === 'invalid') {
			return invalid(400, {
				code: 'That code is not right or has already been used. Try the next code.'
			});
		}
		setSessionCookie(cookies, result.token, result.session, rt.config, rt.now());
		redirect(303, result.usedRecoveryCode ? '/account?recovery-code-used' : '/');
	}
};
