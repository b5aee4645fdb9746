// Loading an agenda with what each entry needs to show: case register fields, the last referral
// (a confirmed repeat counts as a new referral), exclusions and research marks.
import { and, asc, eq, inArray, isNull, max, ne, or } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agendaItems, caseExclusions, cases, researchStatus } from '../db/schema/index.ts';
import { isLapsing } from './rules.ts';

export interface AgendaEntry {
	itemId: string;
	caseId: string;
	position: number;
	reference: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	status: string;
	childrenInHousehold: number;
	repeat: boolean;
	interpreterLanguage: string | null;
	referredAt: Date;
	lastReferralAt: Date;
	lapsing: boolean;
	excludedAgencyIds: string[];
	excludedUserIds: string[];
	/** Agency id → when that agency marked its research done. */
	research: Record<string, Date>;
}

/** The last referral of each case: its own, or a later confirmed repeat that points to it. */
async function lastReferrals(db: Database, caseIds: string[]): Promise<Map<string, Date>> {
	if (caseIds.length === 0) return new Map();
	const rows = await db
		.select({ caseId: cases.repeatOfCaseId, at: max(cases.referredAt) })
		.from(cases)
		.where(
			and(
				inArray(cases.repeatOfCaseId, caseIds),
				// A rejected match is not a repeat of this case.
				or(isNull(cases.repeatConfirmed), eq(cases.repeatConfirmed, true)),
				ne(cases.status, 'transferred')
			)
		)
		.groupBy(cases.repeatOfCaseId);
	return new Map(rows.flatMap((r) => (r.caseId && r.at ? [[r.caseId, new Date(r.at)]] : [])));
}

export async function exclusionsOf(
	db: Database,
	caseIds: string[]
): Promise<Map<string, { excludedAgencyIds: string[]; excludedUserIds: string[] }>> {
	const result = new Map(
		caseIds.map((id) => [
			id,
			{ excludedAgencyIds: [] as string[], excludedUserIds: [] as string[] }
		])
	);
	if (caseIds.length === 0) return result;
	const rows = await db
		.select({
			caseId: caseExclusions.caseId,
			agencyId: caseExclusions.agencyId,
			userId: caseExclusions.userId
		})
		.from(caseExclusions)
		.where(and(inArray(caseExclusions.caseId, caseIds), isNull(caseExclusions.liftedAt)));
	for (const row of rows) {
		const entry = result.get(row.caseId)!;
		if (row.agencyId) entry.excludedAgencyIds.push(row.agencyId);
		if (row.userId) entry.excludedUserIds.push(row.userId);
	}
	return result;
}

/** The whole agenda of a meeting in its order (callers filter what a viewer may see). */
export async function loadAgenda(
	db: Database,
	meetingId: string,
	at: Date
): Promise<AgendaEntry[]> {
	const rows = await db
		.select({
			itemId: agendaItems.id,
			caseId: cases.id,
			position: agendaItems.position,
			reference: cases.reference,
			kind: cases.kind,
			status: cases.status,
			childrenInHousehold: cases.childrenInHousehold,
			repeatOfCaseId: cases.repeatOfCaseId,
			repeatConfirmed: cases.repeatConfirmed,
			interpreterLanguage: cases.interpreterLanguage,
			referredAt: cases.referredAt
		})
		.from(agendaItems)
		.innerJoin(cases, eq(cases.id, agendaItems.caseId))
		.where(eq(agendaItems.meetingId, meetingId))
		.orderBy(asc(agendaItems.position), asc(agendaItems.createdAt));
	const caseIds = rows.map((r) => r.caseId);
	const [later, exclusions, marks] = await Promise.all([
		lastReferrals(db, caseIds),
		exclusionsOf(db, caseIds),
		rows.length === 0
			? Promise.resolve([])
			: db
					.select()
					.from(researchStatus)
					.where(
						inArray(
							researchStatus.agendaItemId,
							rows.map((r) => r.itemId)
						)
					)
	]);
	return rows.map((r) => {
		const repeatAt = later.get(r.caseId);
		const lastReferralAt = repeatAt && repeatAt > r.referredAt ? repeatAt : r.referredAt;
		const research: Record<string, Date> = {};
		for (const m of marks) {
			if (m.agendaItemId === r.itemId && m.doneAt) research[m.agencyId] = m.doneAt;
		}
		return {
			itemId: r.itemId,
			caseId: r.caseId,
			position: r.position,
			reference: r.reference,
			kind: r.kind,
			status: r.status,
			childrenInHousehold: r.childrenInHousehold,
			repeat: r.repeatOfCaseId !== null && r.repeatConfirmed !== false,
			interpreterLanguage: r.interpreterLanguage,
			referredAt: r.referredAt,
			lastReferralAt,
			lapsing: isLapsing(lastReferralAt, at),
			...exclusions.get(r.caseId)!,
			research
		};
	});
}

/** Writes the agenda's order as positions 0..n-1 (inside the caller's transaction). */
export async function writeOrder(db: Database, meetingId: string, itemIds: string[]) {
	for (const [position, id] of itemIds.entries()) {
		await db
			.update(agendaItems)
			.set({ position })
			.where(and(eq(agendaItems.id, id), eq(agendaItems.meetingId, meetingId)));
	}
}
