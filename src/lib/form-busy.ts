// The one "busy while submitting" enhancement for forms: the page disables its buttons while a
// form is posted, and (with `reset: false`) keeps what was typed when the answer is a refusal.
import type { SubmitFunction } from '@sveltejs/kit';

export function whileBusy(
	setBusy: (busy: boolean) => void,
	options: { reset?: boolean } = {}
): SubmitFunction {
	return () => {
		setBusy(true);
		return async ({ update }) => {
			try {
				await update(options);
			} finally {
				setBusy(false);
			}
		};
	};
}
