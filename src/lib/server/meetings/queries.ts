// Read side of meetings: the list with what a coordinator needs to schedule, and one agenda as
// the viewer may see it.
import { and, asc, eq, inArray, isNull, notExists, or, sql } from 'drizzle-orm';
import {
	agencies,
	agendaItems,
	areas,
	caseExclusions,
	cases,
	meetings,
	memberships,
	users
} from '../db/schema/index.ts';
import { caseAreas, seatIn } from '../policy/index.ts';
import {
	agendaCaseVisible,
	mayChair,
	mayEditAgenda,
	mayEndMeeting,
	mayMarkResearch,
	mayPrepareMinutes,
	mayRecordAttendance,
	mayScheduleMeeting,
	mayStartMeeting,
	mayViewResearchGrid
} from '../policy/meetings.ts';
import { mayExportMeeting } from '../policy/exports.ts';
import { loadMeeting, seatedActor, type MeetingContext } from './context.ts';
import { record } from '../audit/index.ts';
import { loadAgenda, type AgendaEntry } from './agenda-data.ts';
import { LAPSING_TEXT } from './rules.ts';
import { mayViewDataReturn } from '../policy/dashboards.ts';
import { londonDate } from '../../dates.ts';
import { quarterOf } from '../../data-return/quarters.ts';

export interface MeetingSummary {
	id: string;
	areaId: string;
	areaName: string;
	scheduledAt: Date;
	venue: string | null;
	online: boolean;
	status: 'planned' | 'live' | 'closed';
	chairName: string | null;
	caseCount: number;
}

export interface PersonOption {
	id: string;
	name: string;
	agencyName: string;
	role: string;
}

export interface SchedulableArea {
	id: string;
	name: string;
	chairs: PersonOption[];
}

/** Upcoming (planned or live, soonest first) and past (closed, latest first) meetings. */
export async function listMeetings(ctx: MeetingContext) {
	const areaIds = caseAreas(ctx.principal);
	if (areaIds.length === 0) return { upcoming: [], past: [], schedulable: [] };
	const rows = await ctx.db
		.select({
			id: meetings.id,
			areaId: meetings.areaId,
			areaName: areas.name,
			scheduledAt: meetings.scheduledAt,
			venue: meetings.venue,
			online: meetings.online,
			status: meetings.status,
			chairName: users.name,
			caseCount: sql<number>`(select count(*)::int from ${agendaItems} where ${agendaItems.meetingId} = ${meetings.id})`
		})
		.from(meetings)
		.innerJoin(areas, eq(areas.id, meetings.areaId))
		.leftJoin(users, eq(users.id, meetings.chairUserId))
		.where(inArray(meetings.areaId, areaIds))
		.orderBy(asc(meetings.scheduledAt));
	const list: MeetingSummary[] = rows.map((r) => ({ ...r, caseCount: Number(r.caseCount) }));
	const schedulable: SchedulableArea[] = [];
	for (const seat of ctx.principal.memberships) {
		if (!mayScheduleMeeting(ctx.principal, seat.areaId)) continue;
		schedulable.push({
			id: seat.areaId,
			name: seat.areaName,
			chairs: await chairOptions(ctx, seat.areaId)
		});
	}
	return {
		upcoming: list.filter((m) => m.status !== 'closed'),
		past: list.filter((m) => m.status === 'closed').reverse(),
		schedulable
	};
}

/** People who may chair an area's meetings: its chair and coordinator members. */
export async function chairOptions(ctx: MeetingContext, areaId: string): Promise<PersonOption[]> {
	const rows = await areaMembers(ctx, areaId);
	return rows.filter((r) => mayChair({ role: r.role as 'chair' }));
}

/** Members of an area with their agency (for chair and apologies pickers). */
export async function areaMembers(ctx: MeetingContext, areaId: string): Promise<PersonOption[]> {
	return ctx.db
		.select({
			id: users.id,
			name: users.name,
			agencyName: agencies.name,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(and(eq(memberships.areaId, areaId), isNull(users.disabledAt)))
		.orderBy(asc(users.name));
}

export interface AgendaRow {
	itemId: string;
	caseId: string;
	reference: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	childrenInHousehold: number;
	repeat: boolean;
	interpreterLanguage: string | null;
	referredAt: Date;
	lastReferralAt: Date;
	/** The lapse warning, or null. */
	lapsing: string | null;
	/** For an agency representative: when their agency marked research done. */
	myResearchDoneAt: Date | null;
	mayMarkResearch: boolean;
	/** For the coordinator's grid: per agency, done / not yet / excluded. */
	grid: { agencyId: string; state: 'done' | 'not_yet' | 'excluded' }[] | null;
}

export function agendaRow(
	ctx: MeetingContext,
	meeting: { areaId: string; status: 'planned' | 'live' | 'closed' },
	entry: AgendaEntry,
	gridAgencies: { id: string }[] | null
): AgendaRow {
	const seat = seatIn(ctx.principal, meeting.areaId);
	const mine = seat?.role === 'agency_rep' ? (entry.research[seat.agencyId] ?? null) : null;
	return {
		itemId: entry.itemId,
		caseId: entry.caseId,
		reference: entry.reference,
		kind: entry.kind,
		childrenInHousehold: entry.childrenInHousehold,
		repeat: entry.repeat,
		interpreterLanguage: entry.interpreterLanguage,
		referredAt: entry.referredAt,
		lastReferralAt: entry.lastReferralAt,
		lapsing: entry.lapsing ? LAPSING_TEXT : null,
		myResearchDoneAt: mine,
		mayMarkResearch: mayMarkResearch(ctx.principal, meeting, entry),
		grid: gridAgencies
			? gridAgencies.map((a) => ({
					agencyId: a.id,
					state: entry.excludedAgencyIds.includes(a.id)
						? 'excluded'
						: entry.research[a.id]
							? 'done'
							: 'not_yet'
				}))
			: null
	};
}

/** When the lapse flag is judged: at the meeting, or now if it is already past. */
export function lapseMoment(scheduledAt: Date, now: Date): Date {
	return scheduledAt > now ? scheduledAt : now;
}

/** One meeting's agenda page as this principal may see it. */
export async function meetingAgenda(ctx: MeetingContext, meetingId: string) {
	const loaded = await loadMeeting(ctx, meetingId);
	const { meeting } = loaded;
	const p = ctx.principal;
	const entries = await loadAgenda(ctx.db, meeting.id, lapseMoment(meeting.scheduledAt, ctx.now));
	const visible = entries.filter((e) => agendaCaseVisible(p, meeting, e));
	const showGrid = mayViewResearchGrid(p, meeting);
	// Agencies that research: those with representatives in the area (not the coordination team).
	const gridAgencies = showGrid
		? await ctx.db
				.selectDistinct({ id: agencies.id, name: agencies.name })
				.from(agencies)
				.innerJoin(
					memberships,
					and(eq(memberships.agencyId, agencies.id), eq(memberships.role, 'agency_rep'))
				)
				.where(eq(agencies.areaId, meeting.areaId))
				.orderBy(asc(agencies.name))
		: null;
	const editable = mayEditAgenda(p, meeting);
	// The agenda names cases: a case read, so it is in the audit log (identifiers only).
	await record(ctx.db, seatedActor(ctx, loaded.seat), {
		action: 'meeting.view',
		outcome: 'success',
		target: `meeting:${meeting.id}`,
		details: { cases: visible.length },
		at: ctx.now
	});
	return {
		meeting: {
			id: meeting.id,
			areaName: loaded.areaName,
			scheduledAt: meeting.scheduledAt,
			venue: meeting.venue,
			online: meeting.online,
			status: meeting.status,
			chairName: loaded.chairName,
			caseMinutes: meeting.caseMinutes
		},
		seat: { role: loaded.seat.role, agencyName: loaded.seat.agencyName },
		may: {
			editAgenda: editable,
			start: mayStartMeeting(p, meeting),
			end: mayEndMeeting(p, meeting),
			recordAttendance: mayRecordAttendance(p, meeting),
			minutes: mayPrepareMinutes(p, meeting),
			exportActionPlan: mayExportMeeting(p, meeting)
		},
		// For a meeting that has ended, the coordinator and chair can open its data return.
		dataReturnHref:
			meeting.status === 'closed' && mayViewDataReturn(p, meeting.areaId)
				? `/data-return?area=${meeting.areaId}&quarter=${quarterOf(londonDate(meeting.scheduledAt)).key}#meeting-${meeting.id}`
				: null,
		agenda: visible.map((e) => agendaRow(ctx, meeting, e, gridAgencies)),
		gridAgencies,
		eligible: editable ? await eligibleCases(ctx, meeting.id, meeting.areaId) : []
	};
}

/**
 * Cases of the area the coordinator may list on this agenda: referred, open or listed (not closed
 * or transferred), not already on it, and not kept away from the coordinator by an exclusion.
 */
export async function eligibleCases(ctx: MeetingContext, meetingId: string, areaId: string) {
	const seat = seatIn(ctx.principal, areaId);
	if (!seat) return [];
	return ctx.db
		.select({
			id: cases.id,
			reference: cases.reference,
			kind: cases.kind,
			status: cases.status,
			childrenInHousehold: cases.childrenInHousehold
		})
		.from(cases)
		.where(
			and(
				eq(cases.areaId, areaId),
				inArray(cases.status, ['referred', 'open', 'listed']),
				notExists(
					ctx.db
						.select({ one: sql`1` })
						.from(agendaItems)
						.where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.caseId, cases.id)))
				),
				notExists(
					ctx.db
						.select({ one: sql`1` })
						.from(caseExclusions)
						.where(
							and(
								eq(caseExclusions.caseId, cases.id),
								isNull(caseExclusions.liftedAt),
								or(
									eq(caseExclusions.userId, ctx.principal.userId),
									eq(caseExclusions.agencyId, seat.agencyId)
								)
							)
						)
				)
			)
		)
		.orderBy(asc(cases.reference));
}

/**
 * The area's next few planned meetings after `after`, soonest first (for default due dates, which
 * pass over one later on the same day).
 */
export async function nextMeetingsAfter(ctx: MeetingContext, areaId: string, after: Date) {
	const rows = await ctx.db
		.select({ scheduledAt: meetings.scheduledAt })
		.from(meetings)
		.where(
			and(
				eq(meetings.areaId, areaId),
				eq(meetings.status, 'planned'),
				sql`${meetings.scheduledAt} > ${after.toISOString()}`
			)
		)
		.orderBy(asc(meetings.scheduledAt))
		.limit(5);
	return rows.map((row) => row.scheduledAt);
}
