// What every meetings query and command needs, and the one loader that finds a meeting for a
// principal. A meeting the principal may not see is "not found", never "forbidden".
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { areas, meetings, users, type Meeting } from '../db/schema/index.ts';
import { record, type Actor } from '../audit/index.ts';
import type { DocumentService } from '../documents/types.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { seatIn, type Principal } from '../policy/index.ts';
import { mayViewMeeting } from '../policy/meetings.ts';
import type { MembershipView } from '../tenancy/index.ts';

export interface MeetingContext {
	db: Database;
	/** The signed-in person, from the server session only. */
	principal: Principal;
	/** Who to record in the audit log (user, session, ip), from the server session only. */
	actor: Actor;
	now: Date;
	/** Live documents (set where the sync server runs); needed to run a live meeting. */
	documents?: DocumentService;
}

/** The principal may see the meeting but not do this with it (a 403, and an audited denial). */
export class RefusedError extends DomainError {
	constructor(message: string) {
		super(message);
		this.name = 'RefusedError';
	}
}

export const MEETING_NOT_FOUND = 'There is no such meeting, or you cannot see it.';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
	return UUID.test(value);
}

export interface LoadedMeeting {
	meeting: Meeting;
	areaName: string;
	confidentialityStatement: string;
	chairName: string | null;
	/** The principal's seat in the meeting's area. */
	seat: MembershipView;
}

/** The meeting, if the principal is a member of its area; NotFoundError otherwise. */
export async function loadMeeting(ctx: MeetingContext, meetingId: string): Promise<LoadedMeeting> {
	if (!isUuid(meetingId)) throw new NotFoundError(MEETING_NOT_FOUND);
	const [row] = await ctx.db
		.select({
			meeting: meetings,
			areaName: areas.name,
			confidentialityStatement: areas.confidentialityStatement,
			chairName: users.name
		})
		.from(meetings)
		.innerJoin(areas, eq(areas.id, meetings.areaId))
		.leftJoin(users, eq(users.id, meetings.chairUserId))
		.where(eq(meetings.id, meetingId));
	const seat = row ? seatIn(ctx.principal, row.meeting.areaId) : null;
	if (!row || !seat || !mayViewMeeting(ctx.principal, row.meeting)) {
		await record(ctx.db, ctx.actor, {
			action: 'meeting.view',
			outcome: 'denied',
			target: `meeting:${meetingId.slice(0, 40)}`,
			at: ctx.now
		});
		throw new NotFoundError(MEETING_NOT_FOUND);
	}
	return { ...row, seat };
}

/** The actor with the seat it acted through (area, agency, role), for the audit log. */
export function seatedActor(ctx: MeetingContext, seat: MembershipView | null): Actor {
	return {
		...ctx.actor,
		areaId: seat?.areaId ?? null,
		agencyId: seat?.agencyId ?? null,
		role: seat?.role ?? null
	};
}

/** Refuses (audited) unless `allowed`; the message is for the person at the page. */
export async function ensure(
	ctx: MeetingContext,
	allowed: boolean,
	what: { action: string; meetingId: string; seat: MembershipView | null; message: string }
): Promise<void> {
	if (allowed) return;
	await record(ctx.db, seatedActor(ctx, what.seat), {
		action: what.action,
		outcome: 'denied',
		target: `meeting:${what.meetingId}`,
		at: ctx.now
	});
	throw new RefusedError(what.message);
}

/** Updates a meeting's status only if it is still `from` (two people pressing at once). */
export async function moveStatus(
	db: Database,
	meetingId: string,
	from: Meeting['status'],
	change: Partial<Pick<Meeting, 'status' | 'startedAt' | 'endedAt'>>
): Promise<boolean> {
	const rows = await db
		.update(meetings)
		.set(change)
		.where(and(eq(meetings.id, meetingId), eq(meetings.status, from)))
		.returning({ id: meetings.id });
	return rows.length === 1;
}

/** Records a successful meetings command (identifiers only, never case content). */
export async function audited(
	ctx: MeetingContext,
	loaded: LoadedMeeting,
	action: string,
	details: Record<string, string | number | boolean | null> = {},
	target = `meeting:${loaded.meeting.id}`
) {
	await record(ctx.db, seatedActor(ctx, loaded.seat), {
		action,
		outcome: 'success',
		target,
		details,
		at: ctx.now
	});
}
