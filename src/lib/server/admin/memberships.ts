// A person's seat at an area's table: one agency and one role per area.
import { and, eq } from 'drizzle-orm';
import { agencies, memberships, users, type Role } from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import { recordAccessChange } from '../policy/changes.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { nowOf, type AdminContext } from './context.ts';

export interface MembershipInput {
	userId: string;
	areaId: string;
	agencyId: string;
	role: Role;
}

/**
 * Adds the person to the area, or changes their agency and role there if they already belong.
 * The agency must belong to that area: the form's choice is checked here, not trusted.
 */
export async function setMembership(ctx: AdminContext, input: MembershipInput): Promise<void> {
	const [user] = await ctx.db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.id, input.userId));
	if (!user) throw new NotFoundError('That account no longer exists.');
	const [agency] = await ctx.db
		.select({ id: agencies.id })
		.from(agencies)
		.where(and(eq(agencies.id, input.agencyId), eq(agencies.areaId, input.areaId)));
	if (!agency) {
		throw new DomainError('Choose an agency that belongs to the chosen area.', 'agencyId');
	}
	await ctx.db
		.insert(memberships)
		.values(input)
		.onConflictDoUpdate({
			target: [memberships.userId, memberships.areaId],
			set: { agencyId: input.agencyId, role: input.role }
		});
	// A new agency or a lesser role can take access away: open sockets are re-checked.
	await recordAccessChange(ctx.db, {
		reason: 'membership_changed',
		userId: input.userId,
		areaId: input.areaId
	});
	await audit.record(
		ctx.db,
		{ ...ctx.actor, areaId: input.areaId },
		{
			action: 'admin.membership_set',
			outcome: 'success',
			target: `user:${input.userId}`,
			details: { areaId: input.areaId, agencyId: input.agencyId, role: input.role },
			at: nowOf(ctx)
		}
	);
}

/** Takes the person out of the area. Returns false when they were not a member. */
export async function removeMembership(
	ctx: AdminContext,
	userId: string,
	areaId: string
): Promise<boolean> {
	const removed = await ctx.db
		.delete(memberships)
		.where(and(eq(memberships.userId, userId), eq(memberships.areaId, areaId)))
		.returning({ agencyId: memberships.agencyId, role: memberships.role });
	const seat = removed[0];
	if (seat) {
		await recordAccessChange(ctx.db, { reason: 'membership_removed', userId, areaId });
		await audit.record(
			ctx.db,
			{ ...ctx.actor, areaId },
			{
				action: 'admin.membership_remove',
				outcome: 'success',
				target: `user:${userId}`,
				details: { areaId, agencyId: seat.agencyId, role: seat.role },
				at: nowOf(ctx)
			}
		);
	}
	return Boolean(seat);
}
