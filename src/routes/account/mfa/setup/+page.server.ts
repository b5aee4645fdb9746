import { error, redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { confirmTotpEnrolment } from '$lib/server/auth/flows';
import { enrolmentView, passwordMatches } from '$lib/server/auth/account';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { invalid, parseForm } from '$lib/server/forms';
import { requestMeta } from '$lib/server/guard';
import { EnrolSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

/**
 * Reached right after the password when enrolment is required, or from the account page.
 * Replacing an existing authenticator needs the password again.
 */
function enrollingUser(locals: App.Locals) {
	const { user, session, stage } = locals;
	if (!user || !session) redirect(303, '/login');
	if (stage !== 'full' && stage !== 'needs-enrolment') redirect(303, '/login/mfa');
	return { user, session, replacing: user.totpEnabled };
}

export const load: PageServerLoad = async ({ locals }) => {
	const { user, replacing } = enrollingUser(locals);
	const rt = await runtime();
	return {
		...(await enrolmentView(rt.db, user.id)),
		replacing,
		required: !replacing && locals.stage === 'needs-enrolment'
	};
};

export const actions: Actions = {
	default: async ({ request, locals, cookies }) => {
		const { user, session, replacing } = enrollingUser(locals);
		const parsed = await parseForm(request, EnrolSchema);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const rt = await runtime();
		if (replacing && !(await passwordMatches(rt.db, user.id, parsed.data.password))) {
			return invalid(400, { password: 'Your password is not right.' });
		}
		const result = await confirmTotpEnrolment(rt.auth, session, parsed.data.code, requestMeta());
		if (result.kind === 'throttled') {
			return invalid(429, { code: 'Too many wrong codes. Wait 30 minutes and try again.' });
		}
		if (result.kind === 'invalid') {
			return invalid(400, {
				code: 'That code is not right. Check the time on your device and try the next code.'
			});
		}
		if (result.kind !== 'enrolled') error(500);
		setSessionCookie(cookies, result.token, result.session, rt.config, rt.now());
		return { recoveryCodes: result.recoveryCodes };
	}
};
