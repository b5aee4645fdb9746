import * as v from 'valibot';
import { fromLondonLocal } from '$lib/london-time';

const reason = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.nonEmpty('Give the reason (it is kept with the record, for the coordinator only).'),
	v.maxLength(500, 'Write a reason of 500 characters or fewer.')
);

const choice = (message: string) =>
	v.pipe(v.optional(v.string(), ''), v.nonEmpty(message), v.uuid(message));

export const ExclusionSchema = v.pipe(
	v.object({
		kind: v.picklist(['agency', 'user'], 'Choose whether to exclude an agency or a person.'),
		agencyId: v.optional(v.string(), ''),
		userId: v.optional(v.string(), ''),
		reason
	}),
	v.forward(
		v.check(
			(f) => f.kind !== 'agency' || v.is(v.pipe(v.string(), v.uuid()), f.agencyId),
			'Choose the agency to exclude.'
		),
		['agencyId']
	),
	v.forward(
		v.check(
			(f) => f.kind !== 'user' || v.is(v.pipe(v.string(), v.uuid()), f.userId),
			'Choose the person to exclude.'
		),
		['userId']
	)
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
