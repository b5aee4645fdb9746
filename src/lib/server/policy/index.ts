import type { CaseKind, CaseStatus } from '../db/schema/index.ts';
import type { MembershipView } from '../tenancy/index.ts';
import type { DocumentRef } from '../../documents/names.ts';

export type Access = 'none' | 'read' | 'write';

/**
 * The signed-in person as the access policy sees them. Built on the server from the session;
 * nothing here comes from the client.
 */
export interface Principal {
	userId: string;
	isAdmin: boolean;
	memberships: MembershipView[];
}

/** What the policy needs to know about one case, loaded by `facts.ts`. */
export interface CaseFacts {
	id: string;
	areaId: string;
	kind: CaseKind;
	status: CaseStatus;
	/** Agencies of the case's area (an agency document must name one of them). */
	areaAgencyIds: string[];
	/**
	 * Agencies of areas the case was transferred from: their shared summaries and actions moved
	 * with the case as its history, readable (never writable) by the new area's participants.
	 */
	formerAgencyIds: string[];
	excludedAgencyIds: string[];
	excludedUserIds: string[];
	/** Restricted-document grants for this principal: expiry of each live grant. */
	grantExpiries: Date[];
	/**
	 * The last meeting that listed the case has ended and no later one lists it: the plan and the
	 * agencies' summaries are the record of that meeting and are read-only until the case is
	 * listed again. Actions still change, through the server's edit API (policy/actions.ts).
	 */
	frozen: boolean;
}

export interface MeetingFacts {
	id: string;
	areaId: string;
	/** A closed meeting's document is its record: read-only for everyone. */
	status: 'planned' | 'live' | 'closed';
	/** When this principal confirmed the confidentiality statement for this meeting, if they did. */
	confidentialityConfirmedAt: Date | null;
}

/**
 * Areas whose cases this person may see at all. Administrators manage people and agencies but
 * never case content, even if they also hold a membership.
 */
export function caseAreas(principal: Principal): string[] {
	if (principal.isAdmin) return [];
	return principal.memberships.map((m) => m.areaId);
}

export function mayAdminister(principal: Principal): boolean {
	return principal.isAdmin;
}

/** The principal's seat in an area, if any (administrators have none for case purposes). */
export function seatIn(principal: Principal, areaId: string): MembershipView | null {
	if (principal.isAdmin) return null;
	return principal.memberships.find((m) => m.areaId === areaId) ?? null;
}

/**
 * Case participants: members of the case's area, minus excluded agencies and persons.
 * Returns the seat through which they participate.
 */
export function participantSeat(principal: Principal, c: CaseFacts): MembershipView | null {
	const seat = seatIn(principal, c.areaId);
	if (!seat) return null;
	if (c.excludedUserIds.includes(principal.userId)) return null;
	if (c.excludedAgencyIds.includes(seat.agencyId)) return null;
	return seat;
}

const LEADS = new Set(['coordinator', 'chair']);

/**
 * The access matrix of DESIGN §5 for a case document. Pure: every decision is a function of the
 * principal, the document and the loaded facts, so the full matrix is table-tested.
 */
export function caseDocumentAccess(
	principal: Principal,
	doc: Exclude<DocumentRef, { kind: 'meeting' }>,
	c: CaseFacts,
	now: Date
): Access {
	if (doc.caseId !== c.id) return 'none';
	// A transferred case stays with its new area; the old area keeps only a register stub.
	if (c.status === 'transferred') return 'none';
	const seat = participantSeat(principal, c);
	if (!seat) return 'none';
	const lead = LEADS.has(seat.role);
	const observer = seat.role === 'observer';
	switch (doc.kind) {
		case 'plan':
			return lead && !c.frozen ? 'write' : 'read';
		case 'agency':
			if (c.formerAgencyIds.includes(doc.agencyId)) return 'read';
			if (!c.areaAgencyIds.includes(doc.agencyId)) return 'none';
			if (c.frozen) return 'read';
			if (lead) return 'write';
			return seat.role === 'agency_rep' && seat.agencyId === doc.agencyId ? 'write' : 'read';
		case 'notes':
			// Private research: that agency's own representatives, nobody else (not the chair).
			return seat.role === 'agency_rep' && seat.agencyId === doc.agencyId ? 'write' : 'none';
		case 'restricted': {
			if (seat.role === 'coordinator') return 'write';
			if (seat.role === 'agency_rep' && seat.sector === 'idva') return 'write';
			const granted = c.grantExpiries.some((expiry) => expiry > now);
			return granted && !observer ? 'write' : granted ? 'read' : 'none';
		}
		case 'pathway':
			if (c.kind !== 'human_trafficking') return 'none';
			return observer ? 'read' : 'write';
	}
}

/** Meeting documents: attendees who confirmed confidentiality read; coordinator and chair write. */
export function meetingDocumentAccess(principal: Principal, m: MeetingFacts): Access {
	const seat = seatIn(principal, m.areaId);
	if (!seat || !m.confidentialityConfirmedAt) return 'none';
	return LEADS.has(seat.role) && m.status !== 'closed' ? 'write' : 'read';
}
