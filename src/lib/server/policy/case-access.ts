// Managing who may see one case: exclusions and restricted-access grants. Pure rules, tested in
// tests/server/policy/case-access.test.ts; the database side is src/lib/server/cases/access.ts.
import type { Role, Sector } from '../../domain.ts';
import { participantSeat, type CaseFacts, type Principal } from './index.ts';

export type ManageDecision = 'allowed' | 'forbidden' | 'not_found';

/**
 * Only the case's coordinator manages its access. Anyone who may not see the case gets
 * `not_found` (nothing tells them it exists); participants who are not the coordinator get
 * `forbidden`.
 */
export function caseAccessDecision(principal: Principal, c: CaseFacts | null): ManageDecision {
	if (!c || c.status === 'transferred') return 'not_found';
	const seat = participantSeat(principal, c);
	if (!seat) return 'not_found';
	return seat.role === 'coordinator' ? 'allowed' : 'forbidden';
}

/** A member of the case's area, as the rules need them. */
export interface AreaMember {
	userId: string;
	areaId: string;
	agencyId: string;
	sector: Sector;
	role: Role;
}

export type ExclusionSubject =
	{ kind: 'agency'; agencyId: string } | { kind: 'user'; userId: string };

export interface Problem {
	field: string;
	message: string;
}

/**
 * Why this exclusion may not be added, or null. The coordinator can exclude neither themselves
 * nor their own agency: the case would be left without anyone to manage it.
 */
export function exclusionProblem(
	principal: Principal,
	c: CaseFacts,
	subject: ExclusionSubject,
	member: AreaMember | null
): Problem | null {
	const seat = participantSeat(principal, c);
	if (!seat) return { field: 'form', message: 'You cannot manage this case.' };
	if (subject.kind === 'agency') {
		if (!c.areaAgencyIds.includes(subject.agencyId)) {
			return { field: 'agencyId', message: 'Choose an agency of this MARAC area.' };
		}
		if (subject.agencyId === seat.agencyId) {
			return {
				field: 'agencyId',
				message: 'You cannot exclude your own agency: nobody would be left to manage the case.'
			};
		}
		if (c.excludedAgencyIds.includes(subject.agencyId)) {
			return { field: 'agencyId', message: 'That agency is already excluded from this case.' };
		}
		return null;
	}
	if (subject.userId === principal.userId) {
		return { field: 'userId', message: 'You cannot exclude yourself from the case.' };
	}
	if (!member || member.userId !== subject.userId || member.areaId !== c.areaId) {
		return { field: 'userId', message: 'Choose a person of this MARAC area.' };
	}
	if (c.excludedUserIds.includes(subject.userId)) {
		return { field: 'userId', message: 'That person is already excluded from this case.' };
	}
	return null;
}

export const GRANT_MAX_DAYS = 90;
const DAY_MS = 24 * 3_600_000;

/** Why this restricted-access grant may not be given, or null. */
export function grantProblem(
	c: CaseFacts,
	member: AreaMember | null,
	expiresAt: Date,
	now: Date
): Problem | null {
	if (!member || member.areaId !== c.areaId) {
		return { field: 'userId', message: 'Choose a person of this MARAC area.' };
	}
	if (c.excludedUserIds.includes(member.userId) || c.excludedAgencyIds.includes(member.agencyId)) {
		return {
			field: 'userId',
			message: 'That person is excluded from this case: lift the exclusion first.'
		};
	}
	if (member.role === 'coordinator' || (member.role === 'agency_rep' && member.sector === 'idva')) {
		return { field: 'userId', message: 'That person already sees the restricted details.' };
	}
	if (expiresAt.getTime() <= now.getTime()) {
		return { field: 'expiresAt', message: 'Choose an expiry date and time in the future.' };
	}
	if (expiresAt.getTime() > now.getTime() + GRANT_MAX_DAYS * DAY_MS) {
		return {
			field: 'expiresAt',
			message: `A grant can last at most ${GRANT_MAX_DAYS} days; choose an earlier expiry.`
		};
	}
	return null;
}
