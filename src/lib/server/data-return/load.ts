// Reads what the data return counts: the area's meetings, the cases on their agendas and, for a
// transferred-out stub, the answers of the case as it was referred (the stub keeps no personal
// data; the figures are the sending area's own, aggregated, and never shown case by case).
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/index.ts';
import {
	agencies,
	agendaItems,
	areas,
	caseTransfers,
	cases,
	meetings
} from '../db/schema/index.ts';
import {
	quarterFigures,
	quarterMeetings,
	type MeetingFigures,
	type QuarterFigures,
	type ReturnCaseRow,
	type ReturnMeetingRow
} from '../../data-return/figures.ts';
import { addDays, fromLondonLocal, londonDate } from '../../dates.ts';
import { quarterOf, shiftQuarter, type Quarter } from '../../data-return/quarters.ts';

export interface DataReturnArea {
	id: string;
	name: string;
}

/** Start of a UK calendar date as an instant (midnight, summer time aware). */
function startOf(date: string): Date {
	return fromLondonLocal(`${date}T00:00`)!;
}

/** The area's meetings scheduled between two UK dates (inclusive), with the cases they heard. */
export async function loadReturnMeetings(
	db: Database,
	areaId: string,
	from: string,
	to: string
): Promise<ReturnMeetingRow[]> {
	const meetingRows = await db
		.select({ id: meetings.id, scheduledAt: meetings.scheduledAt, status: meetings.status })
		.from(meetings)
		.where(
			and(
				eq(meetings.areaId, areaId),
				gte(meetings.scheduledAt, startOf(from)),
				lt(meetings.scheduledAt, startOf(addDays(to, 1)))
			)
		)
		.orderBy(asc(meetings.scheduledAt));
	if (meetingRows.length === 0) return [];
	const moved = alias(cases, 'moved');
	const movedAgency = alias(agencies, 'moved_agency');
	const items = await db
		.select({
			meetingId: agendaItems.meetingId,
			c: {
				id: cases.id,
				areaId: cases.areaId,
				status: cases.status,
				kind: cases.kind,
				referredAt: cases.referredAt,
				victimDob: cases.victimDob,
				childrenInHousehold: cases.childrenInHousehold,
				repeatOfCaseId: cases.repeatOfCaseId,
				repeatConfirmed: cases.repeatConfirmed,
				referral: cases.referral
			},
			sector: agencies.sector,
			moved: {
				id: moved.id,
				kind: moved.kind,
				referredAt: moved.referredAt,
				victimDob: moved.victimDob,
				childrenInHousehold: moved.childrenInHousehold,
				referral: moved.referral
			},
			movedSector: movedAgency.sector
		})
		.from(agendaItems)
		.innerJoin(cases, eq(cases.id, agendaItems.caseId))
		.leftJoin(agencies, eq(agencies.id, cases.referringAgencyId))
		.leftJoin(
			caseTransfers,
			and(eq(caseTransfers.stubCaseId, cases.id), eq(caseTransfers.fromAreaId, areaId))
		)
		.leftJoin(moved, eq(moved.id, caseTransfers.caseId))
		.leftJoin(movedAgency, eq(movedAgency.id, moved.referringAgencyId))
		.where(
			and(
				inArray(
					agendaItems.meetingId,
					meetingRows.map((m) => m.id)
				),
				// Only this area's cases (a stub stays in this area).
				eq(cases.areaId, areaId)
			)
		)
		.orderBy(asc(agendaItems.position));
	const byMeeting = new Map<string, ReturnCaseRow[]>(meetingRows.map((m) => [m.id, []]));
	for (const item of items) {
		const stub = item.c.status === 'transferred' && item.moved?.id;
		const row: ReturnCaseRow = stub
			? {
					identity: item.moved!.id,
					kind: item.moved!.kind,
					referredAt: item.moved!.referredAt,
					victimDob: item.moved!.victimDob,
					childrenInHousehold: item.moved!.childrenInHousehold,
					sector: item.movedSector,
					// The repeat link is cleared when a case moves; what the referrer declared stays.
					repeatOfCaseId: null,
					repeatConfirmed: null,
					referral: item.moved!.referral
				}
			: {
					identity: item.c.id,
					kind: item.c.kind,
					referredAt: item.c.referredAt,
					victimDob: item.c.victimDob,
					childrenInHousehold: item.c.childrenInHousehold,
					sector: item.sector,
					repeatOfCaseId: item.c.repeatOfCaseId,
					repeatConfirmed: item.c.repeatConfirmed,
					referral: item.c.referral
				};
		byMeeting.get(item.meetingId)!.push(row);
	}
	return meetingRows.map((m) => ({ ...m, cases: byMeeting.get(m.id)! }));
}

export interface DataReturn {
	area: DataReturnArea;
	adultFemalePopulation: number | null;
	quarter: QuarterFigures;
	meetings: MeetingFigures[];
	/** The selected quarter and the three before it, oldest first, for the trend charts. */
	trend: QuarterFigures[];
}

/** Every quarter in which the area has a meeting, newest first, plus the current one. */
export async function returnQuarters(db: Database, areaId: string, now: Date): Promise<Quarter[]> {
	const rows = await db
		.select({ at: meetings.scheduledAt })
		.from(meetings)
		.where(eq(meetings.areaId, areaId));
	const byKey = new Map<string, Quarter>();
	for (const q of [quarterOf(londonDate(now)), ...rows.map((r) => quarterOf(londonDate(r.at)))]) {
		byKey.set(q.key, q);
	}
	return [...byKey.values()].sort((a, b) => b.key.localeCompare(a.key));
}

export async function loadDataReturn(
	db: Database,
	area: DataReturnArea,
	quarter: Quarter
): Promise<DataReturn> {
	const [row] = await db
		.select({ population: areas.adultFemalePopulation })
		.from(areas)
		.where(eq(areas.id, area.id));
	const first = shiftQuarter(quarter, -3);
	const all = await loadReturnMeetings(db, area.id, first.from, quarter.to);
	const population = row?.population ?? null;
	return {
		area,
		adultFemalePopulation: population,
		quarter: quarterFigures(quarter, all, population),
		meetings: quarterMeetings(quarter, all),
		trend: [3, 2, 1, 0].map((back) => quarterFigures(shiftQuarter(quarter, -back), all, population))
	};
}
