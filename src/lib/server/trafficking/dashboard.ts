// The trafficking dashboard for an area (issue 6): where people are in the NRM, how long they wait
// for a conclusive decision, open health-access barriers and the interpreter languages needed.
// Computed from the pathway projection with the same rules as the case page.
import { and, eq, notInArray } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { cases, pathways } from '../db/schema/index.ts';
import { londonDate } from '../../dates.ts';
import type { Appointment } from '../../pathway/fields.ts';
import { caseAlertList, type CaseAlerts } from '../../pathway/case-alerts.ts';
import { visibleCases } from '../cases/index.ts';
import { mayViewAreaFigures } from '../policy/dashboards.ts';
import type { Principal } from '../policy/index.ts';
import {
	NRM_STAGE_TEXT,
	pathwayStatus,
	type NrmStage,
	type PathwayStatus
} from '../../pathway/rules.ts';
import { csv, median, suppress } from '../../stats/index.ts';

export interface Count {
	key: string;
	label: string;
	count: number;
}

export interface TraffickingFigures {
	/** Open trafficking cases in the area (not closed, not transferred away). */
	people: number;
	byStage: Count[];
	cgWaiting: { count: number; medianDays: number | null; longestDays: number | null };
	barriers: Count[];
	languages: Count[];
	urgentAlerts: number;
}

const STAGES = Object.keys(NRM_STAGE_TEXT) as NrmStage[];

export async function traffickingFigures(
	db: Database,
	areaId: string,
	now: Date
): Promise<TraffickingFigures> {
	const rows = await db
		.select({
			id: cases.id,
			fields: pathways.fields,
			appointments: pathways.appointments,
			caseLanguage: cases.interpreterLanguage
		})
		.from(cases)
		.leftJoin(pathways, eq(pathways.caseId, cases.id))
		.where(
			and(
				eq(cases.areaId, areaId),
				eq(cases.kind, 'human_trafficking'),
				notInArray(cases.status, ['closed', 'transferred'])
			)
		);
	const today = londonDate(now);
	const statuses: { status: PathwayStatus; caseLanguage: string | null }[] = rows.map((r) => ({
		status: pathwayStatus(
			{
				fields: (r.fields ?? {}) as Record<string, string>,
				appointments: (r.appointments ?? []) as Appointment[]
			},
			today
		),
		caseLanguage: r.caseLanguage
	}));

	const byStage = STAGES.map((stage) => ({
		key: stage,
		label: NRM_STAGE_TEXT[stage],
		count: statuses.filter((s) => s.status.stage === stage).length
	}));

	const waits = statuses.flatMap((s) =>
		s.status.cgWaitingDays === null ? [] : [s.status.cgWaitingDays]
	);

	const has = (key: string) => statuses.filter((s) => s.status.alerts.some((a) => a.key === key));
	const barriers: Count[] = [
		{ key: 'no_gp', label: 'Not registered with a GP', count: has('no_gp').length },
		{
			key: 'mental_health_waiting',
			label: 'Waiting for a mental-health assessment',
			count: has('mental_health_waiting').length
		},
		{
			key: 'third_party_cancellations',
			label: 'Appointments cancelled by someone else (2+ in 90 days)',
			count: has('third_party_cancellations').length
		}
	];

	const languageCounts = new Map<string, number>();
	for (const s of statuses) {
		// The pathway's answer first; a case without a pathway yet has the referral's.
		const language = s.status.interpreter
			? (s.status.interpreter.language ?? 'Language not recorded')
			: s.caseLanguage;
		if (language) languageCounts.set(language, (languageCounts.get(language) ?? 0) + 1);
	}
	const languages = [...languageCounts]
		.map(([language, count]) => ({ key: language, label: language, count }))
		.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

	return {
		people: rows.length,
		byStage,
		cgWaiting: {
			count: waits.length,
			medianDays: median(waits),
			longestDays: waits.length > 0 ? Math.max(...waits) : null
		},
		barriers,
		languages,
		urgentAlerts: statuses.filter((s) => s.status.alerts.some((a) => a.level === 'urgent')).length
	};
}

/**
 * The area's open trafficking cases that have an alert or an open deadline, most urgent first,
 * for the coordinator's dashboard (on screen only: the CSV stays aggregate). Unlike the figures,
 * this names cases, so it lists only those the viewer may see: the register's rule
 * (cases/index.ts visibleCases), which leaves out cases excluding the person or their agency.
 */
export async function traffickingCaseAlerts(
	db: Database,
	principal: Principal,
	areaId: string,
	now: Date
): Promise<CaseAlerts[]> {
	if (!mayViewAreaFigures(principal, areaId)) return [];
	const visible = visibleCases(db, principal);
	if (!visible) return [];
	const rows = await db
		.select({
			caseId: cases.id,
			reference: cases.reference,
			fields: pathways.fields,
			appointments: pathways.appointments,
			caseInterpreterLanguage: cases.interpreterLanguage
		})
		.from(cases)
		.leftJoin(pathways, eq(pathways.caseId, cases.id))
		.where(
			and(
				visible,
				eq(cases.areaId, areaId),
				eq(cases.kind, 'human_trafficking'),
				notInArray(cases.status, ['closed', 'transferred'])
			)
		);
	return caseAlertList(
		rows.map((r) => ({
			...r,
			fields: r.fields as Record<string, string> | null,
			appointments: r.appointments as Appointment[] | null
		})),
		londonDate(now)
	);
}

/**
 * The figures as CSV for use outside the portal: counts of 1–4 suppressed as "<5"; waiting
 * times are only given when at least 5 people are waiting (a median of 3 describes people).
 */
export function traffickingCsv(areaName: string, f: TraffickingFigures, today: string): string {
	const rows: (string | number)[][] = [
		['MARAC trafficking figures', areaName],
		['Date', today],
		['OFFICIAL-SENSITIVE', 'Counts of 1 to 4 are shown as <5'],
		[],
		['Measure', 'Group', 'Value'],
		['People (open trafficking cases)', '', suppress(f.people)],
		...f.byStage.map((s) => ['People by NRM stage', s.label, suppress(s.count)]),
		['Waiting for a conclusive-grounds decision', 'People', suppress(f.cgWaiting.count)]
	];
	if (f.cgWaiting.count >= 5) {
		rows.push(
			['Waiting for a conclusive-grounds decision', 'Median days', f.cgWaiting.medianDays ?? ''],
			['Waiting for a conclusive-grounds decision', 'Longest days', f.cgWaiting.longestDays ?? '']
		);
	}
	rows.push(
		...f.barriers.map((b) => ['Health-access barriers', b.label, suppress(b.count)]),
		...f.languages.map((l) => ['Interpreter needed', l.label, suppress(l.count)])
	);
	return csv(rows);
}
