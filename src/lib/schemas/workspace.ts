// Forms of the case workspace, checked the same way in the browser (live edits) and on the server.
import * as v from 'valibot';
import { ACTION_STATUSES } from '$lib/documents/shapes';
import { MAX_SHARE_LENGTH } from '$lib/documents/rich-text';
import { parseIsoDate } from '$lib/dates';

export const ACTION_TEXT_MAX = 2000;

/** SMART enough to act on: a few words that say who does what, not "tbc" or "see notes". */
export function meaningfulAction(text: string): boolean {
	const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
	return words.length >= 3 && text.replace(/\s+/g, '').length >= 10;
}

/** A new action; `today` (yyyy-mm-dd) is the earliest due date allowed. */
export function actionSchema(today: string) {
	return v.object({
		agencyId: v.pipe(v.string(), v.uuid('Choose the agency that owns the action.')),
		text: v.pipe(
			v.string(),
			v.trim(),
			v.nonEmpty('Enter the action.'),
			v.maxLength(ACTION_TEXT_MAX, 'Enter an action of 2,000 characters or fewer.'),
			v.check(
				meaningfulAction,
				'Describe the action in a few words: what will be done, so anyone can tell when it is done.'
			)
		),
		dueOn: v.pipe(
			v.string(),
			v.trim(),
			v.nonEmpty('Enter the date the action is due.'),
			v.check((s) => parseIsoDate(s) !== null, 'Enter a real date, for example 2027-01-31.'),
			v.check((date) => date >= today, 'The due date must be today or later.')
		),
		status: v.optional(v.picklist(ACTION_STATUSES, 'Choose a status.'), 'open')
	});
}

export const ShareSchema = v.object({
	text: v.pipe(
		v.string(),
		v.nonEmpty('Select the text in your notes that you want to share.'),
		v.maxLength(
			MAX_SHARE_LENGTH,
			'Share at most 5,000 characters at a time: select a shorter part of your notes.'
		)
	)
});
