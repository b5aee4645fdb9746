// Which status form a page's form result belongs to (several forms share one page).

export interface StatusFormResult {
	key?: string;
	errors?: Record<string, string>;
	values?: Record<string, string>;
}

export const actionKey = (v: { caseId?: string; agencyId?: string; actionId?: string }) =>
	`${v.caseId ?? ''}:${v.agencyId ?? ''}:${v.actionId ?? ''}`;

/** The refusal to show on this action's form, if the last submission was its and failed. */
export function actionFailure(
	form: StatusFormResult | null | undefined,
	item: { caseId: string; agencyId: string; actionId: string }
): { errors: Record<string, string>; values: Record<string, string> } | null {
	if (!form?.errors || form.key !== actionKey(item)) return null;
	return { errors: form.errors, values: form.values ?? {} };
}

/** The id suffix of an action's form fields (`field-status-<uid>`, `field-note-<uid>`). */
export const actionUid = (item: { caseId: string; agencyId: string; actionId: string }) =>
	`${item.caseId}-${item.agencyId}-${item.actionId}`;

/** A failed submission's errors keyed for the error summary's links to that form's fields. */
export function summaryErrors(form: StatusFormResult | null | undefined): Record<string, string> {
	if (!form?.errors || !form.key) return {};
	const uid = form.key.replaceAll(':', '-');
	return Object.fromEntries(
		Object.entries(form.errors).map(([field, message]) => [
			field === 'form' ? 'form' : `${field}-${uid}`,
			message
		])
	);
}
