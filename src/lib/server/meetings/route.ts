// Glue for the /meetings routes (SvelteKit-aware, unlike the rest of this folder).
import { error, fail } from '@sveltejs/kit';
import type * as v from 'valibot';
import { parseForm } from '../forms.ts';
import { runtime } from '../app.ts';
import { requestMeta, requireUser } from '../guard.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { RefusedError, type MeetingContext } from './context.ts';

/** The signed-in person's context for meetings; redirects to sign-in without a session. */
export async function meetingContext(): Promise<MeetingContext> {
	const signedIn = requireUser();
	const rt = await runtime();
	return {
		db: rt.db,
		principal: signedIn.principal,
		actor: {
			userId: signedIn.user.id,
			sessionId: signedIn.session.id,
			ip: requestMeta().ip
		},
		now: rt.now(),
		documents: rt.documents
	};
}

/** In a load: a meeting that is not there or not visible is a 404 page. */
export function pageFailure(e: unknown): never {
	if (e instanceof NotFoundError) error(404, e.message);
	if (e instanceof RefusedError) error(403, e.message);
	if (e instanceof DomainError) error(400, e.message);
	throw e;
}

/**
 * In a form action: a domain error becomes a form failure for `action` (with the field it
 * belongs to); a meeting that is not visible is a 404, a refusal a 403; anything else throws.
 */
export function commandFailure(action: string, e: unknown, values: Record<string, string> = {}) {
	if (!(e instanceof DomainError)) throw e;
	const status = e instanceof NotFoundError ? 404 : e instanceof RefusedError ? 403 : 400;
	return fail(status, {
		action,
		errors: { [e.field ?? 'form']: e.message } as Record<string, string>,
		values
	});
}

/** Parses the form, runs the command, and turns failures into form data for `action`. */
export async function command<S extends v.GenericSchema>(
	action: string,
	request: Request,
	schema: S,
	run: (ctx: MeetingContext, data: v.InferOutput<S>) => Promise<unknown>
) {
	const ctx = await meetingContext();
	const parsed = await parseForm(request, schema);
	if (!parsed.ok) return fail(400, { action, errors: parsed.errors, values: parsed.values });
	try {
		const result = await run(ctx, parsed.data);
		return { action, ok: true, result };
	} catch (e) {
		return commandFailure(action, e);
	}
}
