import * as v from 'valibot';
import { fromLondonLocal } from '$lib/dates';

const reason = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.nonEmpty('Give the reason (it is kept with the record, for the coordinator only).'),
	v.maxLength(500, 'Write a reason of 500 characters or fewer.')
);

const choice = (message: string) =>
	v.pipe(v.optional(v.string(), ''), v.nonEmpty(message), v.uuid(message));

/** Two forms post here: one excludes an agency, the other a person (field names stay unique). */
export const ExclusionSchema = v.variant(
	'kind',
	[
		v.object({
			kind: v.literal('agency'),
			agencyId: choice('Choose the agency to exclude.'),
			agencyReason: reason
		}),
		v.object({
			kind: v.literal('user'),
			userId: choice('Choose the person to exclude.'),
			personReason: reason
		})
	],
	'Choose whether to exclude an agency or a person.'
);

export const LiftExclusionSchema = v.object({
	exclusionId: choice('Choose the exclusion to lift.')
});

export const GrantSchema = v.object({
	grantUserId: choice('Choose the person to give access to.'),
	grantReason: reason,
	expiresAt: v.pipe(
		v.optional(v.string(), ''),
		v.nonEmpty('Enter when the access ends.'),
		v.transform((s) => fromLondonLocal(s)),
		v.check((d): d is Date => d !== null, 'Enter a real date and time, like 2026-12-24 17:00.'),
		v.transform((d) => d as Date)
	)
});

export const RevokeGrantSchema = v.object({
	grantId: choice('Choose the grant to revoke.')
});
