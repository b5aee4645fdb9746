// One trafficking case's alerts and next deadline, computed on the server from the pathway
// projection for the London "today" (issue 6): for the live meeting's case-facts strip.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { cases, pathways } from '../db/schema/index.ts';
import { documentName } from '../../documents/names.ts';
import { londonDate } from '../../dates.ts';
import type { Appointment } from '../../pathway/fields.ts';
import { caseAlerts, type CaseAlerts } from '../../pathway/case-alerts.ts';
import { access } from '../policy/facts.ts';
import type { Principal } from '../policy/index.ts';

/**
 * The case's alerts, or null when there is nothing this viewer may be told: the case is not a
 * trafficking case, does not exist, or the viewer may not read its pathway document (the policy's
 * `access`, so an observer reads it, an excluded agency or person and an administrator do not).
 */
export async function casePathwayAlerts(
	db: Database,
	principal: Principal,
	caseId: string,
	now: Date
): Promise<CaseAlerts | null> {
	const decision = await access(db, principal, documentName({ kind: 'pathway', caseId }), now);
	if (decision.access === 'none') return null;
	const [row] = await db
		.select({
			caseId: cases.id,
			reference: cases.reference,
			fields: pathways.fields,
			appointments: pathways.appointments,
			caseInterpreterLanguage: cases.interpreterLanguage
		})
		.from(cases)
		.leftJoin(pathways, eq(pathways.caseId, cases.id))
		.where(and(eq(cases.id, caseId), eq(cases.kind, 'human_trafficking')));
	if (!row) return null;
	return caseAlerts(
		{
			...row,
			fields: row.fields as Record<string, string> | null,
			appointments: row.appointments as Appointment[] | null
		},
		londonDate(now)
	);
}
