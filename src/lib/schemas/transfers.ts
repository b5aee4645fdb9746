import * as v from 'valibot';

const reason = (empty: string) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.nonEmpty(empty),
		v.maxLength(1000, 'Keep it under 1,000 characters.')
	);

export const TransferRequestSchema = v.object({
	toAreaId: v.pipe(
		v.optional(v.string(), ''),
		v.nonEmpty('Choose the area the person is moving to.'),
		v.uuid('Choose the area the person is moving to.')
	),
	reason: reason('Say why the case is moving (for example, dispersal by the Home Office).')
});

export const TransferIdSchema = v.object({ transferId: v.pipe(v.string(), v.uuid()) });

export const TransferDeclineSchema = v.object({
	transferId: v.pipe(v.string(), v.uuid()),
	declineReason: reason('Say why you cannot take the case, so the sending area can plan.')
});
