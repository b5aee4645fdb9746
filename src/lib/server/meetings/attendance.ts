// Attendance at a live meeting: confirming the confidentiality statement (which is what makes
// someone present, and what opens the meeting document to them) and apologies with
// "information sent".
import { and, asc, eq } from 'drizzle-orm';
import { agencies, attendance, memberships, users } from '../db/schema/index.ts';
import { DomainError } from '../errors.ts';
import { mayConfirmConfidentiality, mayRecordAttendance } from '../policy/meetings.ts';
import { audited, ensure, isUuid, loadMeeting, type MeetingContext } from './context.ts';

/** An attendee confirms the area's confidentiality statement for this meeting: present. */
export async function confirmConfidentiality(ctx: MeetingContext, meetingId: string) {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayConfirmConfidentiality(ctx.principal, loaded.meeting), {
		action: 'meeting.confidentiality',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'You can confirm the statement once the meeting has started, until it ends.'
	});
	await ctx.db
		.insert(attendance)
		.values({
			meetingId: loaded.meeting.id,
			userId: ctx.principal.userId,
			agencyId: loaded.seat.agencyId,
			status: 'present',
			confidentialityConfirmedAt: ctx.now
		})
		.onConflictDoUpdate({
			target: [attendance.meetingId, attendance.userId],
			set: {
				status: 'present',
				agencyId: loaded.seat.agencyId,
				confidentialityConfirmedAt: ctx.now
			}
		});
	await audited(ctx, loaded, 'meeting.confidentiality');
}

/** The coordinator records someone's apologies, and whether they sent their information. */
export async function recordApologies(
	ctx: MeetingContext,
	meetingId: string,
	input: { userId: string; informationSent: boolean }
) {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayRecordAttendance(ctx.principal, loaded.meeting), {
		action: 'attendance.apologies',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator records apologies, until the meeting ends.'
	});
	const [member] = isUuid(input.userId)
		? await ctx.db
				.select({ agencyId: memberships.agencyId })
				.from(memberships)
				.where(
					and(eq(memberships.userId, input.userId), eq(memberships.areaId, loaded.meeting.areaId))
				)
		: [];
	if (!member) throw new DomainError('Choose a member of this area.', 'userId');
	const [present] = await ctx.db
		.select({ status: attendance.status })
		.from(attendance)
		.where(and(eq(attendance.meetingId, loaded.meeting.id), eq(attendance.userId, input.userId)));
	if (present?.status === 'present') {
		throw new DomainError('That person has joined the meeting, so they are present.', 'userId');
	}
	await ctx.db
		.insert(attendance)
		.values({
			meetingId: loaded.meeting.id,
			userId: input.userId,
			agencyId: member.agencyId,
			status: 'apologies',
			informationSent: input.informationSent
		})
		.onConflictDoUpdate({
			target: [attendance.meetingId, attendance.userId],
			set: { informationSent: input.informationSent }
		});
	await audited(ctx, loaded, 'attendance.apologies', {
		userId: input.userId,
		informationSent: input.informationSent
	});
}

/** Who is here and who sent apologies, by agency. */
export async function attendanceOf(ctx: MeetingContext, meetingId: string) {
	return ctx.db
		.select({
			userId: attendance.userId,
			name: users.name,
			agencyId: attendance.agencyId,
			agencyName: agencies.name,
			status: attendance.status,
			informationSent: attendance.informationSent,
			confirmedAt: attendance.confidentialityConfirmedAt
		})
		.from(attendance)
		.innerJoin(users, eq(users.id, attendance.userId))
		.innerJoin(agencies, eq(agencies.id, attendance.agencyId))
		.where(eq(attendance.meetingId, meetingId))
		.orderBy(asc(agencies.name), asc(users.name));
}

export async function confirmedAt(ctx: MeetingContext, meetingId: string): Promise<Date | null> {
	const [row] = await ctx.db
		.select({ at: attendance.confidentialityConfirmedAt })
		.from(attendance)
		.where(and(eq(attendance.meetingId, meetingId), eq(attendance.userId, ctx.principal.userId)));
	return row?.at ?? null;
}
