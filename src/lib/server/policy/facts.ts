import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	agencies,
	agendaItems,
	attendance,
	caseExclusions,
	caseTransfers,
	cases,
	meetings,
	restrictedGrants
} from '../db/schema/index.ts';
import { parseDocumentName, documentName, type DocumentRef } from '../../documents/names.ts';
import {
	caseDocumentAccess,
	meetingDocumentAccess,
	participantSeat,
	type Access,
	type CaseFacts,
	type MeetingFacts,
	type Principal
} from './index.ts';

/** Loads what the policy needs about a case for one principal; null if the case does not exist. */
export async function loadCaseFacts(
	db: Database,
	caseId: string,
	principal: Principal,
	now: Date
): Promise<CaseFacts | null> {
	const [row] = await db
		.select({ id: cases.id, areaId: cases.areaId, kind: cases.kind, status: cases.status })
		.from(cases)
		.where(eq(cases.id, caseId));
	if (!row) return null;
	const [areaAgencies, exclusions, grants, lastMeeting, former] = await Promise.all([
		db.select({ id: agencies.id }).from(agencies).where(eq(agencies.areaId, row.areaId)),
		db
			.select({ agencyId: caseExclusions.agencyId, userId: caseExclusions.userId })
			.from(caseExclusions)
			.where(and(eq(caseExclusions.caseId, caseId), isNull(caseExclusions.liftedAt))),
		db
			.select({ expiresAt: restrictedGrants.expiresAt })
			.from(restrictedGrants)
			.where(
				and(
					eq(restrictedGrants.caseId, caseId),
					eq(restrictedGrants.userId, principal.userId),
					isNull(restrictedGrants.revokedAt),
					gt(restrictedGrants.expiresAt, now)
				)
			),
		db
			.select({ status: meetings.status })
			.from(agendaItems)
			.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
			.where(eq(agendaItems.caseId, caseId))
			.orderBy(desc(meetings.scheduledAt))
			.limit(1),
		db
			.select({ id: agencies.id })
			.from(caseTransfers)
			.innerJoin(agencies, eq(agencies.areaId, caseTransfers.fromAreaId))
			.where(and(eq(caseTransfers.caseId, caseId), eq(caseTransfers.status, 'accepted')))
	]);
	return {
		...row,
		areaAgencyIds: areaAgencies.map((a) => a.id),
		formerAgencyIds: former.map((a) => a.id).filter((id) => !areaAgencies.some((a) => a.id === id)),
		excludedAgencyIds: exclusions.flatMap((e) => (e.agencyId ? [e.agencyId] : [])),
		excludedUserIds: exclusions.flatMap((e) => (e.userId ? [e.userId] : [])),
		grantExpiries: grants.map((g) => g.expiresAt),
		frozen: lastMeeting[0]?.status === 'closed'
	};
}

export async function loadMeetingFacts(
	db: Database,
	meetingId: string,
	principal: Principal
): Promise<MeetingFacts | null> {
	const [row] = await db
		.select({ id: meetings.id, areaId: meetings.areaId, status: meetings.status })
		.from(meetings)
		.where(eq(meetings.id, meetingId));
	if (!row) return null;
	const [seat] = await db
		.select({ confirmedAt: attendance.confidentialityConfirmedAt })
		.from(attendance)
		.where(and(eq(attendance.meetingId, meetingId), eq(attendance.userId, principal.userId)));
	return { ...row, confidentialityConfirmedAt: seat?.confirmedAt ?? null };
}

export interface AccessDecision {
	access: Access;
	ref: DocumentRef | null;
	/** The area the document belongs to, when it exists (for audit). */
	areaId: string | null;
	/** When access rests on a restricted-access grant: when that grant runs out. */
	validUntil: Date | null;
}

/**
 * access(user, documentName) → none | read | write. Unknown, malformed and forbidden names all
 * come back as `none`: callers must not tell them apart.
 */
export async function access(
	db: Database,
	principal: Principal,
	name: string,
	now: Date
): Promise<AccessDecision> {
	const ref = parseDocumentName(name);
	const refused = { access: 'none', ref, areaId: null, validUntil: null } as const;
	if (!ref || principal.isAdmin) return refused;
	if (ref.kind === 'meeting') {
		const facts = await loadMeetingFacts(db, ref.meetingId, principal);
		if (!facts) return refused;
		const level = meetingDocumentAccess(principal, facts);
		return { access: level, ref, areaId: facts.areaId, validUntil: null };
	}
	const facts = await loadCaseFacts(db, ref.caseId, principal, now);
	if (!facts) return refused;
	const level = caseDocumentAccess(principal, ref, facts, now);
	const withoutGrants = caseDocumentAccess(principal, ref, { ...facts, grantExpiries: [] }, now);
	const validUntil =
		level !== withoutGrants && facts.grantExpiries.length > 0
			? new Date(Math.max(...facts.grantExpiries.map((d) => d.getTime())))
			: null;
	return { access: level, ref, areaId: facts.areaId, validUntil };
}

export interface DocumentAccess {
	name: string;
	access: 'read' | 'write';
}

/** The documents of a case this principal may open, or null when the case is not visible. */
export async function caseDocuments(
	db: Database,
	principal: Principal,
	caseId: string,
	now: Date
): Promise<DocumentAccess[] | null> {
	const facts = await loadCaseFacts(db, caseId, principal, now);
	if (!facts || facts.status === 'transferred' || !participantSeat(principal, facts)) return null;
	const refs: DocumentRef[] = [
		{ kind: 'plan', caseId },
		...[...facts.areaAgencyIds, ...facts.formerAgencyIds].map((agencyId) => ({
			kind: 'agency' as const,
			caseId,
			agencyId
		})),
		...facts.areaAgencyIds.map((agencyId) => ({ kind: 'notes' as const, caseId, agencyId })),
		{ kind: 'restricted', caseId },
		{ kind: 'pathway', caseId }
	];
	const result: DocumentAccess[] = [];
	for (const ref of refs) {
		if (ref.kind === 'meeting') continue;
		const level = caseDocumentAccess(principal, ref, facts, now);
		if (level !== 'none') result.push({ name: documentName(ref), access: level });
	}
	return result;
}
