// The case workspace (/cases/<id>, and embedded in live meeting mode): everything the page needs
// about one case, for one viewer, or null when the viewer may not see the case.
import { and, asc, eq, gt, ne } from 'drizzle-orm';
import * as v from 'valibot';
import type { Database } from '../db/index.ts';
import { agencies, agendaItems, cases, meetings } from '../db/schema/index.ts';
import { caseDocuments, loadCaseFacts, type DocumentAccess } from '../policy/facts.ts';
import type { CaseWorkspace } from '../../workspace/types.ts';
import { participantSeat, type Principal } from '../policy/index.ts';
import * as audit from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { DocumentService } from '../documents/types.ts';
import type { MembershipView } from '../tenancy/index.ts';
import { defaultDueDate, londonDate } from '../../dates.ts';

export interface WorkspaceRuntime {
	db: Database;
	now: () => Date;
	documents?: DocumentService;
}

/** Who is looking, from the server session (structurally a guard `SignedIn`). */
export interface Viewer {
	principal: Principal;
	session: { id: string };
	user?: { name: string };
}

export interface RequestInfo {
	ip?: string | null;
}

export type { CaseWorkspace, WorkspaceAgency, WorkspaceCase } from '../../workspace/types.ts';

const CaseId = v.pipe(v.string(), v.uuid());

export function actorFor(viewer: Viewer, seat: MembershipView | null, info: RequestInfo): Actor {
	const fallback = seat ?? viewer.principal.memberships[0] ?? null;
	return {
		userId: viewer.principal.userId,
		sessionId: viewer.session.id,
		areaId: fallback?.areaId ?? null,
		agencyId: fallback?.agencyId ?? null,
		role: fallback?.role ?? null,
		ip: info.ip ?? null
	};
}

/**
 * The workspace of one case, or null — for a case that does not exist, one in another area, one
 * the viewer's agency or the viewer is excluded from, and for administrators alike (a 404 that
 * tells nothing). Every call is audited as `case.view`.
 */
export async function loadCaseWorkspace(
	rt: WorkspaceRuntime,
	viewer: Viewer,
	caseId: string,
	info: RequestInfo = {}
): Promise<CaseWorkspace | null> {
	const now = rt.now();
	const valid = v.is(CaseId, caseId);
	const facts = valid ? await loadCaseFacts(rt.db, caseId, viewer.principal, now) : null;
	const seat = facts ? participantSeat(viewer.principal, facts) : null;
	const documents =
		facts && seat ? await caseDocuments(rt.db, viewer.principal, caseId, now) : null;
	const workspace =
		documents && seat
			? await assemble(rt.db, viewer.principal, caseId, seat, documents, now)
			: null;
	await audit.record(rt.db, actorFor(viewer, seat, info), {
		action: 'case.view',
		outcome: workspace ? 'success' : 'denied',
		target: valid ? `case:${caseId}` : null,
		at: now
	});
	if (!workspace) return null;
	return {
		...workspace,
		viewer: { userId: viewer.principal.userId, name: viewer.user?.name ?? '' }
	};
}

async function assemble(
	db: Database,
	principal: Principal,
	caseId: string,
	seat: MembershipView,
	documents: DocumentAccess[],
	now: Date
): Promise<Omit<CaseWorkspace, 'viewer'> | null> {
	const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
	if (!row) return null;
	const [areaAgencies, caseMeetings, areaMeetings, previous] = await Promise.all([
		db
			.select({ id: agencies.id, name: agencies.name, sector: agencies.sector })
			.from(agencies)
			.where(eq(agencies.areaId, row.areaId))
			.orderBy(asc(agencies.name)),
		db
			.select({ id: meetings.id, scheduledAt: meetings.scheduledAt, status: meetings.status })
			.from(agendaItems)
			.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
			.where(and(eq(agendaItems.caseId, caseId), ne(meetings.status, 'closed')))
			.orderBy(asc(meetings.scheduledAt)),
		db
			.select({ scheduledAt: meetings.scheduledAt })
			.from(meetings)
			.where(
				and(
					eq(meetings.areaId, row.areaId),
					eq(meetings.status, 'planned'),
					gt(meetings.scheduledAt, now)
				)
			)
			.orderBy(asc(meetings.scheduledAt))
			.limit(5),
		row.repeatOfCaseId ? previousCase(db, row.repeatOfCaseId, principal, now) : null
	]);
	const today = londonDate(now);
	// A live meeting counts even if it started before now; a planned one from an earlier day not.
	const next =
		caseMeetings.find((m) => m.status === 'live' || londonDate(m.scheduledAt) >= today) ?? null;
	return {
		case: {
			id: row.id,
			reference: row.reference,
			kind: row.kind,
			status: row.status,
			referredAt: row.referredAt.toISOString(),
			repeat: row.repeatOfCaseId ? { confirmed: row.repeatConfirmed, previous } : null,
			childrenInHousehold: row.childrenInHousehold,
			interpreterLanguage: row.interpreterLanguage,
			nextMeeting: next
				? { id: next.id, scheduledAt: next.scheduledAt.toISOString(), status: next.status }
				: null
		},
		documents,
		agencies: areaAgencies,
		seat,
		defaultDueOn: defaultDueDate({
			today,
			caseMeetings: caseMeetings.map((m) => m.scheduledAt),
			areaMeetings: areaMeetings.map((m) => m.scheduledAt)
		}),
		today
	};
}

/** The earlier case of a repeat, named only if this viewer may see it too. */
async function previousCase(db: Database, id: string, principal: Principal, now: Date) {
	if (!(await caseDocuments(db, principal, id, now))) return null;
	const [row] = await db
		.select({ id: cases.id, reference: cases.reference })
		.from(cases)
		.where(eq(cases.id, id));
	return row ?? null;
}
