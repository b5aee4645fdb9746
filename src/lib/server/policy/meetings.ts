// Who may do what with a meeting: pure rules over the principal's seat in the meeting's area and
// the meeting's status. Pages, form actions and the meetings module all ask here; nothing else
// decides. Administrators have no seat (seatIn), so every rule refuses them.
import type { MeetingStatus } from '../db/schema/index.ts';
import type { MembershipView } from '../tenancy/index.ts';
import { seatIn, type Principal } from './index.ts';

/** What the rules need to know about a meeting. */
export interface MeetingRuleFacts {
	areaId: string;
	status: MeetingStatus;
}

/** What the rules need to know about a case on an agenda, for one principal. */
export interface AgendaCaseFacts {
	excludedAgencyIds: string[];
	excludedUserIds: string[];
}

const isLead = (seat: MembershipView | null) =>
	seat?.role === 'coordinator' || seat?.role === 'chair';
const isCoordinator = (seat: MembershipView | null) => seat?.role === 'coordinator';

/** Members of the meeting's area see its date, agenda and status. */
export function mayViewMeeting(principal: Principal, m: { areaId: string }): boolean {
	return seatIn(principal, m.areaId) !== null;
}

/** Only an area's coordinator schedules its meetings. */
export function mayScheduleMeeting(principal: Principal, areaId: string): boolean {
	return isCoordinator(seatIn(principal, areaId));
}

/** The coordinator builds the agenda until the meeting has ended. */
export function mayEditAgenda(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status !== 'closed' && isCoordinator(seatIn(principal, m.areaId));
}

/** The research-status grid (cases × agencies) is for the coordinator and the chair. */
export function mayViewResearchGrid(principal: Principal, m: MeetingRuleFacts): boolean {
	return isLead(seatIn(principal, m.areaId));
}

/**
 * An agency's representative marks "research done" for their own agency, on a case they take
 * part in, before the meeting ends.
 */
export function mayMarkResearch(
	principal: Principal,
	m: MeetingRuleFacts,
	c: AgendaCaseFacts
): boolean {
	if (m.status === 'closed') return false;
	const seat = seatIn(principal, m.areaId);
	if (seat?.role !== 'agency_rep') return false;
	return agendaCaseVisible(principal, m, c);
}

/**
 * Whether an agenda entry is shown to this principal: an agency or person kept out of a case
 * does not see it on the agenda either (the same rule as policy.participantSeat).
 */
export function agendaCaseVisible(
	principal: Principal,
	m: { areaId: string },
	c: AgendaCaseFacts
): boolean {
	const seat = seatIn(principal, m.areaId);
	if (!seat) return false;
	if (c.excludedUserIds.includes(principal.userId)) return false;
	return !c.excludedAgencyIds.includes(seat.agencyId);
}

/** Coordinator or chair start a planned meeting. */
export function mayStartMeeting(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status === 'planned' && isLead(seatIn(principal, m.areaId));
}

/** Coordinator or chair run a live meeting: move between cases, quick-add actions. */
export function mayRunMeeting(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status === 'live' && isLead(seatIn(principal, m.areaId));
}

/** Coordinator or chair end a live meeting. */
export function mayEndMeeting(principal: Principal, m: MeetingRuleFacts): boolean {
	return mayRunMeeting(principal, m);
}

/** The coordinator records apologies (and "information sent") until the meeting has ended. */
export function mayRecordAttendance(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status !== 'closed' && isCoordinator(seatIn(principal, m.areaId));
}

/** Any member of the area confirms the confidentiality statement to join a live meeting. */
export function mayConfirmConfidentiality(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status === 'live' && seatIn(principal, m.areaId) !== null;
}

/**
 * Anything of a live meeting (its cases, who is here, the current case) is shown only to a member
 * of the area who confirmed the confidentiality statement for this meeting.
 */
export function mayFollowMeeting(
	principal: Principal,
	m: MeetingRuleFacts,
	confidentialityConfirmedAt: Date | null
): boolean {
	return seatIn(principal, m.areaId) !== null && confidentialityConfirmedAt !== null;
}

/** Who may be named chair: the area's chair and coordinator members. */
export function mayChair(seat: Pick<MembershipView, 'role'>): boolean {
	return isLead(seat as MembershipView);
}

/**
 * Minutes: the coordinator and the chair preview them once the meeting has started (what the
 * record would say if issued now), issue a version once it has ended, and export issued versions.
 * A draft never leaves the portal.
 */
export function mayPrepareMinutes(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status !== 'planned' && isLead(seatIn(principal, m.areaId));
}

export function mayIssueMinutes(principal: Principal, m: MeetingRuleFacts): boolean {
	return m.status === 'closed' && isLead(seatIn(principal, m.areaId));
}

export function mayExportMinutes(
	principal: Principal,
	m: MeetingRuleFacts,
	issuedVersions: number
): boolean {
	return issuedVersions > 0 && mayIssueMinutes(principal, m);
}

/**
 * Who minutes may be made out to: a current member of the meeting's area (never an
 * administrator's seat, never someone outside the area). What each receives is then decided per
 * document by the access policy.
 */
export function mayReceiveMinutes(recipient: Principal, m: { areaId: string }): boolean {
	return seatIn(recipient, m.areaId) !== null;
}
