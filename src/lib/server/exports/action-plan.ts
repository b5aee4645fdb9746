// The action plan of a meeting as a CSV for one recipient agency: every action of the meeting's
// listed cases that the recipient may read *and* the person exporting may read, decided by the
// access policy (never by a second list of who sees what).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { actions, agencies, agendaItems, areas, cases } from '../db/schema/index.ts';
import { caseDocumentAccess, type Principal } from '../policy/index.ts';
import { loadCaseFacts } from '../policy/facts.ts';
import { agencyPrincipal } from '../policy/exports.ts';
import { ACTION_STATUS_TEXT, type ActionStatus } from '../../action-status.ts';
import { csv } from '../../stats/index.ts';
import { MARKING } from '../../minutes/model.ts';
import { londonDate } from '../../dates.ts';

export interface ActionPlanRow {
	reference: string;
	agency: string;
	text: string;
	dueOn: string | null;
	status: ActionStatus;
	statusNote: string;
}

export interface RecipientAgency {
	id: string;
	name: string;
	sector: (typeof agencies.$inferSelect)['sector'];
}

/** The agencies of an area: the only possible recipients of its exports. */
export async function areaAgencies(db: Database, areaId: string): Promise<RecipientAgency[]> {
	return db
		.select({ id: agencies.id, name: agencies.name, sector: agencies.sector })
		.from(agencies)
		.where(eq(agencies.areaId, areaId))
		.orderBy(asc(agencies.name));
}

/** The recipient agency as a policy principal, if it is an agency of the area. */
export async function recipientPrincipal(
	db: Database,
	areaId: string,
	agencyId: string
): Promise<{ agency: RecipientAgency; principal: Principal } | null> {
	const [row] = await db
		.select({
			areaName: areas.name,
			id: agencies.id,
			name: agencies.name,
			sector: agencies.sector
		})
		.from(agencies)
		.innerJoin(areas, eq(areas.id, agencies.areaId))
		.where(and(eq(agencies.id, agencyId), eq(agencies.areaId, areaId)));
	if (!row) return null;
	const agency = { id: row.id, name: row.name, sector: row.sector };
	return { agency, principal: agencyPrincipal({ id: areaId, name: row.areaName }, agency) };
}

/**
 * One row per action in the meeting's listed cases (agenda order, then owner agency, then due
 * date) whose agency document both principals may read.
 */
export async function actionPlanRows(
	db: Database,
	meetingId: string,
	exporter: Principal,
	recipient: Principal,
	now: Date
): Promise<ActionPlanRow[]> {
	const listed = await db
		.select({ caseId: agendaItems.caseId, reference: cases.reference })
		.from(agendaItems)
		.innerJoin(cases, eq(cases.id, agendaItems.caseId))
		.where(eq(agendaItems.meetingId, meetingId))
		.orderBy(asc(agendaItems.position));
	if (listed.length === 0) return [];
	const rows = await db
		.select({
			caseId: actions.caseId,
			agencyId: actions.agencyId,
			agency: agencies.name,
			text: actions.text,
			dueOn: actions.dueOn,
			status: actions.status,
			statusNote: actions.statusNote
		})
		.from(actions)
		.innerJoin(agencies, eq(agencies.id, actions.agencyId))
		.where(
			inArray(
				actions.caseId,
				listed.map((l) => l.caseId)
			)
		)
		.orderBy(asc(agencies.name), asc(actions.dueOn), asc(actions.createdAt));
	const result: ActionPlanRow[] = [];
	for (const { caseId, reference } of listed) {
		const [mine, theirs] = await Promise.all([
			loadCaseFacts(db, caseId, exporter, now),
			loadCaseFacts(db, caseId, recipient, now)
		]);
		if (!mine || !theirs) continue;
		const readable = (agencyId: string) => {
			const doc = { kind: 'agency' as const, caseId, agencyId };
			return (
				caseDocumentAccess(exporter, doc, mine, now) !== 'none' &&
				caseDocumentAccess(recipient, doc, theirs, now) !== 'none'
			);
		};
		for (const row of rows) {
			if (row.caseId !== caseId || !readable(row.agencyId)) continue;
			result.push({
				reference,
				agency: row.agency,
				text: row.text,
				dueOn: row.dueOn,
				status: row.status,
				statusNote: row.statusNote
			});
		}
	}
	return result;
}

export const ACTION_PLAN_COLUMNS = [
	'Case reference',
	'Owner agency',
	'Action',
	'Due date',
	'Status',
	'Status note'
] as const;

/** What the watermark line says: the marking, for whom, by whom, when, which export. */
export interface Watermark {
	recipientAgency: string;
	exportedBy: string;
	exporterAgency: string;
	exportedAt: Date;
	exportId: string;
	meetingDate: Date;
}

/**
 * The CSV: a marking and watermark line first (a spreadsheet shows it above the table), a blank
 * line, the header, one line per action. Every field goes through csvField (formula-safe).
 */
export function actionPlanCsv(rows: ActionPlanRow[], mark: Watermark): string {
	return csv([
		[
			MARKING,
			`Action plan of the MARAC meeting on ${londonDate(mark.meetingDate)}`,
			`For ${mark.recipientAgency}`,
			`Exported by ${mark.exportedBy} (${mark.exporterAgency})`,
			`Exported at ${mark.exportedAt.toISOString()}`,
			`Export ${mark.exportId}`
		],
		[],
		[...ACTION_PLAN_COLUMNS],
		...rows.map((r) => [
			r.reference,
			r.agency,
			r.text,
			r.dueOn,
			ACTION_STATUS_TEXT[r.status],
			r.statusNote
		])
	]);
}

/** The download's file name: what it is, which meeting, for whom, and the export's short id. */
export function actionPlanFilename(meetingDate: Date, agencyName: string, exportId: string) {
	return `action-plan-${londonDate(meetingDate)}-${agencyName}-${exportId.slice(0, 8)}.csv`;
}
