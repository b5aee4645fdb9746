// Glue for the action pages (SvelteKit-aware, unlike the rest of this folder): the status form
// action shared by /my-agency and /actions.
import { fail } from '@sveltejs/kit';
import { runtime } from '../app.ts';
import { requestMeta, requireUser } from '../guard.ts';
import { parseForm } from '../forms.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../errors.ts';
import { ActionStatusSchema } from '../../schemas/actions.ts';
import { ACTION_STATUS_TEXT } from '../../action-status.ts';
import { actionKey } from '../../action-form.ts';
import { updateActionStatus, type ActionContext } from './update.ts';

/** The signed-in person's context for action changes, from the server session only. */
export async function actionContext(): Promise<ActionContext> {
	const { user, session, principal } = requireUser();
	const rt = await runtime();
	return {
		db: rt.db,
		documents: rt.documents,
		principal,
		actor: { userId: user.id, sessionId: session.id, ip: requestMeta().ip },
		now: rt.now()
	};
}

/** The `?/status` form action: parse, apply through the live document, report per field. */
export async function statusAction(request: Request) {
	const ctx = await actionContext();
	const parsed = await parseForm(request, ActionStatusSchema);
	if (!parsed.ok) {
		return fail(400, {
			key: actionKey(parsed.values),
			errors: parsed.errors,
			values: parsed.values
		});
	}
	const key = actionKey(parsed.data);
	const values = { status: parsed.data.status, note: parsed.data.note };
	try {
		await updateActionStatus(ctx, parsed.data);
	} catch (error) {
		if (!(error instanceof DomainError)) throw error;
		const status =
			error instanceof NotFoundError ? 404 : error instanceof ForbiddenError ? 403 : 400;
		return fail(status, { key, errors: { [error.field ?? 'form']: error.message }, values });
	}
	return { key, updated: ACTION_STATUS_TEXT[parsed.data.status] };
}
