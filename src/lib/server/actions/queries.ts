// Read side of actions: the agency's list ("My agency") and the coordinator's tracker, from the
// actions projection joined to the cases the viewer may see.
import {
	and,
	asc,
	count,
	desc,
	eq,
	inArray,
	isNull,
	lt,
	ne,
	notExists,
	or,
	sql,
	type SQL
} from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	actions,
	agencies,
	agendaItems,
	auditEvents,
	caseExclusions,
	cases,
	meetings
} from '../db/schema/index.ts';
import type { MembershipView } from '../tenancy/index.ts';
import type { TrackerStatusValue } from '../../action-filters.ts';
import { FINAL_STATUSES, OUTSTANDING_STATUSES, type ActionStatus } from '../../action-status.ts';
import { londonDate } from '../../dates.ts';

/**
 * Cases of the seat's area the person may see: not transferred away, and not excluding them or
 * the agency they sit for (policy.participantSeat as one SQL condition).
 */
export function visibleCasesOf(db: Database, userId: string, seat: MembershipView): SQL {
	return and(
		eq(cases.areaId, seat.areaId),
		ne(cases.status, 'transferred'),
		notExists(
			db
				.select({ one: sql`1` })
				.from(caseExclusions)
				.where(
					and(
						eq(caseExclusions.caseId, cases.id),
						isNull(caseExclusions.liftedAt),
						or(eq(caseExclusions.userId, userId), eq(caseExclusions.agencyId, seat.agencyId))
					)
				)
		)
	)!;
}

export interface ActionListItem {
	caseId: string;
	reference: string;
	/** The person needs an interpreter: in this language (so anyone contacting them books one). */
	interpreterLanguage: string | null;
	agencyId: string;
	agencyName: string;
	actionId: string;
	text: string;
	dueOn: string | null;
	status: ActionStatus;
	statusNote: string;
	overdue: boolean;
	/** When its status was last set through the portal's status form, if it was. */
	statusChangedAt: string | null;
}

const outstanding = inArray(actions.status, [...OUTSTANDING_STATUSES]);

/** When the status was last set through the status form (from the audit log). */
const statusChangedAt = () => sql<
	string | Date | null
>`(select max(${auditEvents.at}) from ${auditEvents}
	where ${auditEvents.target} = ${actions.docName} and ${auditEvents.action} = 'action.status'
	and ${auditEvents.outcome} = 'success' and ${auditEvents.details} ->> 'actionId' = ${actions.actionId})`;

function columns(todayIso: string) {
	return {
		caseId: actions.caseId,
		reference: cases.reference,
		interpreterLanguage: cases.interpreterLanguage,
		agencyId: actions.agencyId,
		agencyName: agencies.name,
		actionId: actions.actionId,
		text: actions.text,
		dueOn: actions.dueOn,
		status: actions.status,
		statusNote: actions.statusNote,
		overdue: sql<boolean>`coalesce(${actions.dueOn} < ${todayIso} and ${actions.status} in ('open', 'in_progress'), false)`,
		statusChangedAt: statusChangedAt()
	};
}

type Row = Omit<ActionListItem, 'statusChangedAt' | 'overdue'> & {
	overdue: unknown;
	statusChangedAt: string | Date | null;
};

function toItem(row: Row): ActionListItem {
	return {
		...row,
		overdue: row.overdue === true || row.overdue === 't',
		statusChangedAt: row.statusChangedAt ? new Date(row.statusChangedAt).toISOString() : null
	};
}

/** Overdue first, then by due date (undated last), then by case reference. */
function urgency(todayIso: string) {
	return [
		sql`case when ${actions.dueOn} < ${todayIso} and ${outstanding} then 0 else 1 end`,
		sql`${actions.dueOn} asc nulls last`,
		asc(cases.reference),
		asc(actions.createdAt)
	];
}

export interface AgencyActions {
	seat: MembershipView;
	open: ActionListItem[];
	/** More outstanding actions than were listed. */
	more: boolean;
	completed: ActionListItem[];
}

export const MY_AGENCY_LIMIT = 200;
export const COMPLETED_LIMIT = 20;

/** "My agency": per seat, the agency's outstanding actions (overdue first) and recent closures. */
export async function listAgencyActions(
	db: Database,
	userId: string,
	seats: MembershipView[],
	now: Date
): Promise<AgencyActions[]> {
	const todayIso = londonDate(now);
	return Promise.all(
		seats.map(async (seat) => {
			const base = () =>
				db
					.select(columns(todayIso))
					.from(actions)
					.innerJoin(cases, eq(cases.id, actions.caseId))
					.innerJoin(agencies, eq(agencies.id, actions.agencyId));
			const where = and(eq(actions.agencyId, seat.agencyId), visibleCasesOf(db, userId, seat));
			const [open, completed] = await Promise.all([
				base()
					.where(and(where, outstanding))
					.orderBy(...urgency(todayIso))
					.limit(MY_AGENCY_LIMIT + 1),
				base()
					.where(and(where, inArray(actions.status, [...FINAL_STATUSES])))
					.orderBy(
						sql`${statusChangedAt()} desc nulls last`,
						desc(actions.dueOn),
						asc(cases.reference)
					)
					.limit(COMPLETED_LIMIT)
			]);
			return {
				seat,
				open: open.slice(0, MY_AGENCY_LIMIT).map(toItem),
				more: open.length > MY_AGENCY_LIMIT,
				completed: completed.map(toItem)
			};
		})
	);
}

export type TrackerStatus = TrackerStatusValue;

export interface TrackerFilters {
	agencyId?: string | null;
	status?: TrackerStatus | null;
	overdue?: boolean;
	meetingId?: string | null;
	page?: number;
}

export const TRACKER_PAGE_SIZE = 25;

export interface TrackerPage {
	items: ActionListItem[];
	total: number;
	page: number;
	pages: number;
}

/** The coordinator's tracker: the area's actions on cases they may see, filtered and paged. */
export async function listTrackedActions(
	db: Database,
	userId: string,
	seat: MembershipView,
	filters: TrackerFilters,
	now: Date
): Promise<TrackerPage> {
	const todayIso = londonDate(now);
	const conditions: (SQL | undefined)[] = [visibleCasesOf(db, userId, seat)];
	if (filters.agencyId) conditions.push(eq(actions.agencyId, filters.agencyId));
	if (filters.status === 'outstanding') conditions.push(outstanding);
	else if (filters.status) conditions.push(eq(actions.status, filters.status));
	if (filters.overdue) conditions.push(and(outstanding, lt(actions.dueOn, todayIso)));
	if (filters.meetingId) {
		conditions.push(
			inArray(
				actions.caseId,
				db
					.select({ caseId: agendaItems.caseId })
					.from(agendaItems)
					.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
					.where(
						and(eq(agendaItems.meetingId, filters.meetingId), eq(meetings.areaId, seat.areaId))
					)
			)
		);
	}
	const where = and(...conditions);
	const [totalRow] = await db
		.select({ n: count() })
		.from(actions)
		.innerJoin(cases, eq(cases.id, actions.caseId))
		.where(where);
	const total = Number(totalRow?.n ?? 0);
	const pages = Math.max(1, Math.ceil(total / TRACKER_PAGE_SIZE));
	const page = Math.min(Math.max(1, filters.page ?? 1), pages);
	const rows = await db
		.select(columns(todayIso))
		.from(actions)
		.innerJoin(cases, eq(cases.id, actions.caseId))
		.innerJoin(agencies, eq(agencies.id, actions.agencyId))
		.where(where)
		.orderBy(...urgency(todayIso))
		.limit(TRACKER_PAGE_SIZE)
		.offset((page - 1) * TRACKER_PAGE_SIZE);
	return { items: rows.map(toItem), total, page, pages };
}

export interface AgencyCounts {
	agencyId: string;
	agencyName: string;
	open: number;
	overdue: number;
	done: number;
}

/** Per agency of the area: outstanding, overdue and done actions on cases the viewer may see. */
export async function actionCounts(
	db: Database,
	userId: string,
	seat: MembershipView,
	now: Date
): Promise<AgencyCounts[]> {
	const todayIso = londonDate(now);
	const [areaAgencies, rows] = await Promise.all([
		db
			.select({ id: agencies.id, name: agencies.name })
			.from(agencies)
			.where(eq(agencies.areaId, seat.areaId))
			.orderBy(asc(agencies.name)),
		db
			.select({
				agencyId: actions.agencyId,
				open: sql<number>`count(*) filter (where ${outstanding})`,
				overdue: sql<number>`count(*) filter (where ${outstanding} and ${actions.dueOn} < ${todayIso})`,
				done: sql<number>`count(*) filter (where ${actions.status} = 'done')`
			})
			.from(actions)
			.innerJoin(cases, eq(cases.id, actions.caseId))
			.where(visibleCasesOf(db, userId, seat))
			.groupBy(actions.agencyId)
	]);
	const byAgency = new Map(rows.map((r) => [r.agencyId, r]));
	return areaAgencies.map((a) => {
		const r = byAgency.get(a.id);
		return {
			agencyId: a.id,
			agencyName: a.name,
			open: Number(r?.open ?? 0),
			overdue: Number(r?.overdue ?? 0),
			done: Number(r?.done ?? 0)
		};
	});
}

export interface MeetingOption {
	id: string;
	scheduledAt: string;
	status: string;
}

/** The area's meetings, newest first, for the tracker's meeting filter. */
export async function meetingOptions(db: Database, areaId: string): Promise<MeetingOption[]> {
	const rows = await db
		.select({ id: meetings.id, scheduledAt: meetings.scheduledAt, status: meetings.status })
		.from(meetings)
		.where(eq(meetings.areaId, areaId))
		.orderBy(desc(meetings.scheduledAt))
		.limit(60);
	return rows.map((m) => ({ ...m, scheduledAt: new Date(m.scheduledAt).toISOString() }));
}
