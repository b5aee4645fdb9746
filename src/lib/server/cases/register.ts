// The case register (/cases): filtered, searched and paginated on the server, over exactly the
// cases visibleCases() lets the viewer see.
import { londonDate } from '../../dates.ts';
import {
	and,
	count,
	desc,
	eq,
	gt,
	inArray,
	isNotNull,
	isNull,
	lt,
	or,
	sql,
	type SQL
} from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	actions,
	agendaItems,
	cases,
	meetings,
	type CaseKind,
	type CaseStatus
} from '../db/schema/index.ts';
import { caseAreas, type Principal } from '../policy/index.ts';
import { visibleCases } from './index.ts';
import { normaliseName } from './names.ts';

export const PAGE_SIZE = 25;

export interface RegisterFilters {
	status?: CaseStatus;
	kind?: CaseKind;
	meetingId?: string;
	/** yes: a repeat not rejected; unconfirmed: awaiting the coordinator; no: not a repeat. */
	repeat?: 'yes' | 'unconfirmed' | 'no';
	overdue?: boolean;
	q?: string;
	page: number;
}

export interface RegisterRow {
	id: string;
	reference: string;
	kind: CaseKind;
	status: CaseStatus;
	victimName: string;
	victimDob: string | null;
	age: number | null;
	repeat: 'confirmed' | 'suspected' | null;
	childrenInHousehold: number;
	interpreterLanguage: string | null;
	referredAt: string;
	nextMeeting: string | null;
	overdueActions: number;
}

export interface RegisterPage {
	rows: RegisterRow[];
	total: number;
	page: number;
	pages: number;
	pageSize: number;
}

/** Whole years between a yyyy-mm-dd date of birth and `today` (yyyy-mm-dd). */
export function ageOn(dob: string | null, today: string): number | null {
	if (!dob) return null;
	const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
	const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
	return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The register's WHERE clause: visibility first, then each filter given. */
function conditions(db: Database, visible: SQL, f: RegisterFilters, today: string): SQL {
	const parts: (SQL | undefined)[] = [visible];
	if (f.status) parts.push(eq(cases.status, f.status));
	if (f.kind) parts.push(eq(cases.kind, f.kind));
	if (f.meetingId) {
		parts.push(
			sql`exists (${db
				.select({ one: sql`1` })
				.from(agendaItems)
				.where(and(eq(agendaItems.caseId, cases.id), eq(agendaItems.meetingId, f.meetingId)))})`
		);
	}
	if (f.repeat === 'yes') {
		parts.push(isNotNull(cases.repeatOfCaseId), sql`${cases.repeatConfirmed} is not false`);
	} else if (f.repeat === 'unconfirmed') {
		parts.push(isNotNull(cases.repeatOfCaseId), isNull(cases.repeatConfirmed));
	} else if (f.repeat === 'no') {
		parts.push(or(isNull(cases.repeatOfCaseId), eq(cases.repeatConfirmed, false)));
	}
	if (f.overdue) {
		parts.push(
			sql`exists (${db
				.select({ one: sql`1` })
				.from(actions)
				.where(
					and(
						eq(actions.caseId, cases.id),
						lt(actions.dueOn, today),
						inArray(actions.status, ['open', 'in_progress'])
					)
				)})`
		);
	}
	const q = f.q?.trim() ?? '';
	if (q) {
		const key = normaliseName(q);
		const search: SQL[] = [];
		// References have digits; names are compared normalised (and aliases as typed).
		if (/\d/.test(q)) search.push(sql`${cases.reference} ilike ${`%${likeEscape(q)}%`}`);
		if (/\p{L}/u.test(key)) {
			search.push(
				sql`${cases.victimNameKey} like ${`%${likeEscape(key)}%`}`,
				sql`array_to_string(${cases.victimAliases}, ' ') ilike ${`%${likeEscape(q)}%`}`
			);
		}
		if (search.length === 0) search.push(sql`false`);
		parts.push(or(...search));
	}
	return and(...parts)!;
}

/** One page of the register for this viewer (administrators and non-members get none). */
export async function listRegister(
	db: Database,
	principal: Principal,
	filters: RegisterFilters,
	now: Date
): Promise<RegisterPage> {
	const visible = visibleCases(db, principal);
	const empty = { rows: [], total: 0, page: 1, pages: 1, pageSize: PAGE_SIZE };
	if (!visible) return empty;
	const today = londonDate(now); // overdue means past its UK due date
	const where = conditions(db, visible, filters, today);
	const nextMeeting = db
		.select({ at: sql`min(${meetings.scheduledAt})` })
		.from(agendaItems)
		.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
		.where(and(eq(agendaItems.caseId, cases.id), gt(meetings.scheduledAt, now)));
	const overdue = db
		.select({ n: count() })
		.from(actions)
		.where(
			and(
				eq(actions.caseId, cases.id),
				lt(actions.dueOn, today),
				inArray(actions.status, ['open', 'in_progress'])
			)
		);
	/**
	 * The page's ids first (walking the area/referral-date index), then the row details for those
	 * ids only: OFFSET would otherwise compute the per-row subqueries for every skipped row. (A
	 * window count(*) here instead of the separate count was slower: it buffers every row.)
	 */
	const fetchPage = (n: number) => {
		const pageIds = db
			.select({
				id: cases.id,
				referredAt: cases.referredAt
			})
			.from(cases)
			.where(where)
			.orderBy(desc(cases.referredAt), desc(cases.id))
			.limit(PAGE_SIZE)
			.offset((n - 1) * PAGE_SIZE)
			.as('page_ids');
		return db
			.select({
				id: cases.id,
				reference: cases.reference,
				kind: cases.kind,
				status: cases.status,
				victimName: cases.victimName,
				victimDob: cases.victimDob,
				repeatOf: cases.repeatOfCaseId,
				repeatConfirmed: cases.repeatConfirmed,
				childrenInHousehold: cases.childrenInHousehold,
				interpreterLanguage: cases.interpreterLanguage,
				referredAt: cases.referredAt,
				nextMeeting: sql<string | Date | null>`(${nextMeeting})`,
				overdueActions: sql<number>`(${overdue})`
			})
			.from(pageIds)
			.innerJoin(cases, eq(cases.id, pageIds.id))
			.orderBy(desc(pageIds.referredAt), desc(pageIds.id));
	};
	const [counted] = await db.select({ n: count() }).from(cases).where(where);
	const total = counted?.n ?? 0;
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	// Past the last page (a stale bookmark): show the last page.
	const page = Math.min(Math.max(1, filters.page), pages);
	const rows = total > 0 ? await fetchPage(page) : [];
	return {
		rows: rows.map((r) => ({
			id: r.id,
			reference: r.reference,
			kind: r.kind,
			status: r.status,
			victimName: r.victimName,
			victimDob: r.victimDob,
			age: ageOn(r.victimDob, today),
			repeat: r.repeatOf
				? r.repeatConfirmed === true
					? 'confirmed'
					: r.repeatConfirmed === null
						? 'suspected'
						: null
				: null,
			childrenInHousehold: r.childrenInHousehold,
			interpreterLanguage: r.interpreterLanguage,
			referredAt: r.referredAt.toISOString(),
			nextMeeting: r.nextMeeting ? new Date(r.nextMeeting).toISOString() : null,
			overdueActions: Number(r.overdueActions)
		})),
		total,
		page,
		pages,
		pageSize: PAGE_SIZE
	};
}

export interface MeetingOption {
	id: string;
	scheduledAt: string;
	status: string;
}

/** Meetings of the viewer's areas, for the "listed on" filter (newest first). */
export async function meetingOptions(db: Database, principal: Principal): Promise<MeetingOption[]> {
	const areaIds = caseAreas(principal);
	if (areaIds.length === 0) return [];
	const rows = await db
		.select({ id: meetings.id, scheduledAt: meetings.scheduledAt, status: meetings.status })
		.from(meetings)
		.where(inArray(meetings.areaId, areaIds))
		.orderBy(desc(meetings.scheduledAt))
		.limit(50);
	return rows.map((m) => ({ ...m, scheduledAt: m.scheduledAt.toISOString() }));
}
