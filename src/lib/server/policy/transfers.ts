// Who may move a case between MARAC areas (DESIGN §2 step 6). Pure, like the matrix.
import { seatIn, type Principal } from './index.ts';

export interface TransferCase {
	areaId: string;
	status: string;
}

/** The sending area's coordinator, for a case still held there. */
export function mayRequestTransfer(principal: Principal, c: TransferCase): boolean {
	if (c.status === 'transferred' || c.status === 'closed') return false;
	return seatIn(principal, c.areaId)?.role === 'coordinator';
}

/** The sending area's coordinator may withdraw a pending request. */
export function mayCancelTransfer(principal: Principal, fromAreaId: string): boolean {
	return seatIn(principal, fromAreaId)?.role === 'coordinator';
}

/** The receiving area's coordinator accepts or declines. */
export function mayDecideTransfer(principal: Principal, toAreaId: string): boolean {
	return seatIn(principal, toAreaId)?.role === 'coordinator';
}

/** Areas whose transfers (in or out) this person sees: where they coordinate. */
export function transferAreas(principal: Principal): string[] {
	if (principal.isAdmin) return [];
	return principal.memberships.filter((m) => m.role === 'coordinator').map((m) => m.areaId);
}
