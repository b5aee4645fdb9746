// Form schemas for exports and step-up (shared by client preflight and the server).
import * as v from 'valibot';

export const REASON_MAX = 500;

export const ActionPlanExportSchema = v.object({
	agencyId: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.nonEmpty('Choose the agency the action plan is for.'),
		v.uuid('Choose the agency the action plan is for.')
	),
	reason: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.nonEmpty('Say why the action plan is being exported.'),
		v.maxLength(REASON_MAX, `Keep the reason under ${REASON_MAX} characters.`)
	)
});

export const StepUpSchema = v.object({
	password: v.pipe(
		v.optional(v.string(), ''),
		v.nonEmpty('Enter your password.'),
		v.maxLength(1024, 'Enter a shorter password.')
	),
	code: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(32, 'Enter the 6-digit code or a recovery code.')
	),
	next: v.optional(v.string(), '/')
});

/** An area's aggregate figures (data return, trafficking dashboard): the reason is all we ask. */
export const AreaExportSchema = v.object({
	reason: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.nonEmpty('Say why the figures are being exported.'),
		v.maxLength(REASON_MAX, `Keep the reason under ${REASON_MAX} characters.`)
	)
});
