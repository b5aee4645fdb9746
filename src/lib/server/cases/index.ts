import { and, asc, eq, gt, inArray, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agendaItems, caseExclusions, cases, meetings } from '../db/schema/index.ts';
import { caseAreas, type Principal } from '../policy/index.ts';

export interface CaseListItem {
	id: string;
	reference: string;
	kind: string;
	status: string;
	nextMeeting: string | null;
}

/**
 * Cases the principal may see: their areas' cases, minus those excluding them or their agency
 * and those transferred away. The same rule as policy.participantSeat, written as one SQL
 * condition so a long register stays one query. Null when they may see none (administrators).
 */
export function visibleCases(db: Database, principal: Principal): SQL | null {
	const areaIds = caseAreas(principal);
	if (areaIds.length === 0) return null;
	const agencyIds = principal.memberships.map((m) => m.agencyId);
	// NOT IN over the (few) exclusions touching this person becomes one hashed lookup, whatever
	// the table statistics say; a correlated NOT EXISTS was planned as a nested loop over every
	// case × exclusion when statistics were stale (PGlite runs no autovacuum).
	return and(
		inArray(cases.areaId, areaIds),
		ne(cases.status, 'transferred'),
		notInArray(
			cases.id,
			db
				.select({ id: caseExclusions.caseId })
				.from(caseExclusions)
				.where(
					and(
						isNull(caseExclusions.liftedAt),
						or(
							eq(caseExclusions.userId, principal.userId),
							inArray(caseExclusions.agencyId, agencyIds)
						)
					)
				)
		)
	)!;
}

/** Every case the principal may see, by reference (the JSON list of DESIGN §10). */
export async function listVisibleCases(
	db: Database,
	principal: Principal,
	now: Date
): Promise<CaseListItem[]> {
	const visible = visibleCases(db, principal);
	if (!visible) return [];
	const nextMeeting = db
		.select({ at: sql<Date>`min(${meetings.scheduledAt})`.as('at') })
		.from(agendaItems)
		.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
		.where(and(eq(agendaItems.caseId, cases.id), gt(meetings.scheduledAt, now)));
	const rows = await db
		.select({
			id: cases.id,
			reference: cases.reference,
			kind: cases.kind,
			status: cases.status,
			nextMeeting: sql<string | null>`(${nextMeeting})`
		})
		.from(cases)
		.where(visible)
		.orderBy(asc(cases.reference));
	return rows.map((r) => ({
		...r,
		nextMeeting: r.nextMeeting ? new Date(r.nextMeeting).toISOString() : null
	}));
}
