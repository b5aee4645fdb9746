import * as v from 'valibot';
import { ACTION_STATUSES, NOTE_MAX } from '$lib/action-status';
import { TRACKER_STATUS_VALUES } from '$lib/action-filters';

const id = (message: string) => v.pipe(v.string(), v.uuid(message));

export const ActionStatusSchema = v.object({
	caseId: id('The form lost track of the case: reload the page and try again.'),
	agencyId: id('The form lost track of the agency: reload the page and try again.'),
	actionId: v.pipe(
		v.string(),
		v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'The form lost track of the action: reload the page.')
	),
	status: v.picklist(ACTION_STATUSES, 'Choose the action’s status.'),
	note: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(NOTE_MAX, `Write a note of ${NOTE_MAX} characters or fewer.`)
	)
});

/** The tracker's filters, from the query string; anything unrecognised is ignored. */
export const TrackerQuerySchema = v.object({
	area: v.optional(v.fallback(v.pipe(v.string(), v.uuid()), ''), ''),
	agency: v.optional(v.fallback(v.pipe(v.string(), v.uuid()), ''), ''),
	status: v.optional(v.fallback(v.picklist(['', ...TRACKER_STATUS_VALUES]), ''), ''),
	overdue: v.optional(
		v.pipe(
			v.string(),
			v.transform((s) => s === 'yes')
		),
		''
	),
	meeting: v.optional(v.fallback(v.pipe(v.string(), v.uuid()), ''), ''),
	page: v.optional(
		v.fallback(
			v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100_000)),
			1
		),
		'1'
	)
});
