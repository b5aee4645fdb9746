import type { MembershipView } from '../tenancy/index.ts';

/**
 * The signed-in person as the access policy sees them. Built on the server from the session;
 * nothing here comes from the client.
 */
export interface Principal {
	userId: string;
	isAdmin: boolean;
	memberships: MembershipView[];
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
