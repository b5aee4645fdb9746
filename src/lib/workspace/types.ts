// What the case workspace page (and live meeting mode, which embeds it) receives from the server:
// src/lib/server/workspace loads it, src/lib/components/case/case-workspace.svelte renders it.
import type { Role, Sector } from '../domain.ts';

export interface WorkspaceDocument {
	name: string;
	access: 'read' | 'write';
}

export interface WorkspaceCase {
	id: string;
	reference: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	status: 'referred' | 'listed' | 'open' | 'closed' | 'transferred';
	referredAt: string;
	/** Set when the referral is a repeat (confirmed: null while the coordinator has not decided). */
	repeat: { confirmed: boolean | null; previous: { id: string; reference: string } | null } | null;
	childrenInHousehold: number;
	interpreterLanguage: string | null;
	nextMeeting: { id: string; scheduledAt: string; status: 'planned' | 'live' | 'closed' } | null;
}

export interface WorkspaceAgency {
	id: string;
	name: string;
	sector: Sector;
}

export interface WorkspaceSeat {
	areaId: string;
	areaName: string;
	agencyId: string;
	agencyName: string;
	sector: Sector;
	role: Role;
}

export interface CaseWorkspace {
	case: WorkspaceCase;
	/** The case's documents this viewer may open, with their access. */
	documents: WorkspaceDocument[];
	agencies: WorkspaceAgency[];
	seat: WorkspaceSeat;
	viewer: { userId: string; name: string };
	/** yyyy-mm-dd: the default due date of a new action. */
	defaultDueOn: string;
	/** yyyy-mm-dd in UK time, for overdue markers and the earliest due date. */
	today: string;
}

export const CASE_KIND_TEXT: Record<WorkspaceCase['kind'], string> = {
	domestic_abuse: 'Domestic abuse',
	human_trafficking: 'Human trafficking'
};

export const CASE_STATUS_TEXT: Record<WorkspaceCase['status'], string> = {
	referred: 'Referred',
	listed: 'Listed for a meeting',
	open: 'Open',
	closed: 'Closed',
	transferred: 'Transferred'
};
