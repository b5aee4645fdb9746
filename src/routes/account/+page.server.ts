import { runtime } from '$lib/server/app';
import { requireUser, requestMeta } from '$lib/server/guard';
import { endOwnSession, invalidateUserSessions, listUserSessions } from '$lib/server/auth/session';
import { unusedRecoveryCodes } from '$lib/server/auth/account';
import { invalid, parseForm } from '$lib/server/forms';
import * as audit from '$lib/server/audit';
import { SessionIdSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const { user, session } = requireUser();
	const rt = await runtime();
	const sessions = await listUserSessions(rt.db, user.id);
	return {
		email: user.email,
		totpEnabled: user.totpEnabled,
		recoveryCodesLeft: user.totpEnabled ? await unusedRecoveryCodes(rt.db, user.id) : 0,
		mfaPolicy: rt.mfaPolicy,
		recoveryCodeUsed: url.searchParams.has('recovery-code-used'),
		sessions: sessions.map((s) => ({
			id: s.id,
			current: s.id === session.id,
			createdAt: s.createdAt.toISOString(),
			lastActiveAt: s.lastActiveAt.toISOString(),
			ip: s.ip,
			userAgent: s.userAgent
		}))
	};
};

export const actions: Actions = {
	endSession: async ({ request }) => {
		const { user, session } = requireUser();
		const parsed = await parseForm(request, SessionIdSchema);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		if (parsed.data.sessionId === session.id) {
			return invalid(400, { form: 'Use "Sign out" to end this session.' });
		}
		const rt = await runtime();
		const ended = await endOwnSession(rt.db, user.id, parsed.data.sessionId);
		await audit.record(
			rt.db,
			{ userId: user.id, sessionId: session.id, ip: requestMeta().ip },
			{ action: 'auth.session_end', outcome: ended ? 'success' : 'failure' }
		);
		return { ended: ended ? 1 : 0 };
	},
	endOthers: async () => {
		const { user, session } = requireUser();
		const rt = await runtime();
		const ended = await invalidateUserSessions(rt.db, user.id, session.id);
		await audit.record(
			rt.db,
			{ userId: user.id, sessionId: session.id, ip: requestMeta().ip },
			{ action: 'auth.sessions_end_others', outcome: 'success', details: { count: ended.length } }
		);
		return { ended: ended.length };
	}
};
