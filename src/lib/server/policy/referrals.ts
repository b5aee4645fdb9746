// Who may refer, read a referral and decide on a suspected repeat. Pure functions over the
// principal and the loaded case facts (policy/index.ts), table-tested in tests/server/policy.
import type { MembershipView } from '../tenancy/index.ts';
import { participantSeat, type CaseFacts, type Principal } from './index.ts';

/**
 * Seats through which this person may refer a case: any member of an area except observers.
 * Administrators never refer, whatever memberships they also hold.
 */
export function referralSeats(principal: Principal): MembershipView[] {
	if (principal.isAdmin) return [];
	return principal.memberships.filter((m) => m.role !== 'observer');
}

/** The seat for a referral into `areaId`, or null if this person may not refer there. */
export function referralSeat(principal: Principal, areaId: string): MembershipView | null {
	return referralSeats(principal).find((m) => m.areaId === areaId) ?? null;
}

/**
 * The referral details are case content: case participants only (members of the case's area
 * not excluded from it), and never for a case transferred away.
 */
export function mayReadReferral(principal: Principal, c: CaseFacts): MembershipView | null {
	if (c.status === 'transferred') return null;
	return participantSeat(principal, c);
}

/** Confirming or rejecting a suspected repeat is the coordinator's call. */
export function mayDecideRepeat(principal: Principal, c: CaseFacts): boolean {
	const seat = mayReadReferral(principal, c);
	return seat?.role === 'coordinator';
}

/** Whether the earlier case of a repeat may be named to this person (it may exclude them). */
export function mayKnowCase(principal: Principal, c: CaseFacts | null): boolean {
	return c !== null && mayReadReferral(principal, c) !== null;
}
