// Glue for the /admin routes (SvelteKit-aware, unlike the rest of this folder).
import { fail } from '@sveltejs/kit';
import { runtime } from '../app.ts';
import { requestMeta, type SignedIn } from '../guard.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import type { AdminContext } from './context.ts';

/** The acting administrator, from the server session only. Call after requireAdmin(). */
export async function adminContext(signedIn: SignedIn): Promise<AdminContext> {
	const rt = await runtime();
	return {
		db: rt.db,
		actor: { userId: signedIn.user.id, sessionId: signedIn.session.id, ip: requestMeta().ip },
		now: rt.now()
	};
}

/** Turns a DomainError into a form failure for `action`; anything else is a real error. */
export function domainFailure(action: string, error: unknown, values: Record<string, string> = {}) {
	if (!(error instanceof DomainError)) throw error;
	return fail(error instanceof NotFoundError ? 404 : 400, {
		action,
		errors: { [error.field ?? 'form']: error.message } as Record<string, string>,
		values
	});
}

export function inviteUrl(token: string): Promise<string> {
	return runtime().then((rt) => new URL(`/invite/${token}`, rt.config.origin).href);
}
