// Minutes of a MARAC meeting (DESIGN §2 step 5; SafeLives minutes template, domain.md §1.7 D).
//
// Two shapes:
// - `FrozenMinutes`: what is issued when the coordinator finalises, held unchanged afterwards.
//   Each case keeps one part per document it drew on, named by document name; private notes are
//   never read into it.
// - `Minutes`: what one recipient receives, made from a frozen version by `minutesFor`, which
//   keeps a part only where the access policy gives the recipient read access to that document
//   *at export time* (so an exclusion added after issue still applies). There is no second list
//   of who sees what: the policy decides.
// No $lib imports: server code reaches this file by relative path.
import type { ActionStatus } from '../documents/shapes.ts';

export const MARKING = 'OFFICIAL-SENSITIVE' as const;

export type Access = 'none' | 'read' | 'write';

export interface MinutesHeader {
	meetingId: string;
	/** The MARAC (area) name. */
	marac: string;
	/** ISO date-time the meeting was held (scheduled). */
	heldAt: string;
	venue: string | null;
	online: boolean;
	chair: string | null;
}

export interface MinutesAttendance {
	/** Present, by agency (agency name order), with each representative. */
	present: { agency: string; people: string[] }[];
	/** Observers with when they confirmed the confidentiality statement (null: not confirmed). */
	observers: { name: string; agency: string; confidentialityConfirmedAt: string | null }[];
	apologies: { name: string; agency: string; informationSent: boolean }[];
}

export interface MinutesAction {
	id: string;
	/** Owner agency's name. */
	agency: string;
	text: string;
	dueOn: string | null;
	status: ActionStatus;
	statusNote: string;
	/** ISO time the action was created; null when unknown. */
	createdAt: string | null;
}

/** `case:<id>:plan` as issued. Rich text as plain text, one line per paragraph. */
export interface PlanPart {
	kind: 'plan';
	riskFlags: string[];
	riskSummary: string;
	victimVoice: string;
	safetyPlan: string;
	decisions: string;
}

/** `case:<id>:agency:<agencyId>` as issued. */
export interface AgencyPart {
	kind: 'agency';
	agency: string;
	summary: string;
	actions: MinutesAction[];
}

/** `case:<id>:restricted` as issued: the filled-in safe-contact fields, labelled. */
export interface RestrictedPart {
	kind: 'restricted';
	fields: { label: string; value: string }[];
}

/** `case:<id>:pathway` as issued (trafficking cases): stage, key dates, alerts, interpreter. */
export interface PathwayPart {
	kind: 'pathway';
	stage: string;
	interpreter: string | null;
	keyDates: { label: string; date: string }[];
	alerts: { level: 'urgent' | 'warning' | 'info'; text: string }[];
}

export type FrozenPart = PlanPart | AgencyPart | RestrictedPart | PathwayPart;

export interface FrozenCase {
	caseId: string;
	reference: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	repeat: boolean;
	childrenInHousehold: number;
	/** From the register (the referral's interpreter language); participants see it anyway. */
	interpreterLanguage: string | null;
	/** Document name → its part. Never a notes document. */
	parts: Record<string, FrozenPart>;
}

export interface FrozenMinutes {
	header: MinutesHeader;
	attendance: MinutesAttendance;
	confidentialityStatement: string;
	/** In agenda order. */
	cases: FrozenCase[];
}

/** One case's section as a recipient receives it. */
export interface MinutesCase {
	caseId: string;
	reference: string;
	kind: FrozenCase['kind'];
	repeat: boolean;
	childrenInHousehold: number;
	/** "Interpreter needed: …" — from the pathway when readable, else from the register. */
	interpreter: string | null;
	plan: PlanPart | null;
	agencies: { agency: string; summary: string }[];
	/** Actions agreed at this meeting, and earlier ones still open or in progress. */
	actions: MinutesAction[];
	/** Incomplete actions from before this meeting, in SafeLives' two categories. */
	carried: { notPossible: MinutesAction[]; notDone: MinutesAction[] };
	restricted: RestrictedPart | null;
	pathway: PathwayPart | null;
}

export interface MinutesVersionInfo {
	/** 1, 2, …; 0 for an unissued draft (preview). */
	version: number;
	issuedAt: string | null;
	issuedBy: string | null;
	/** Why a new version was issued (null for the first). */
	reason: string | null;
}

export interface Minutes {
	header: MinutesHeader;
	attendance: MinutesAttendance;
	confidentialityStatement: string;
	version: MinutesVersionInfo;
	cases: MinutesCase[];
}

/** Who an export is for and which export it is: printed as the watermark on every page. */
export interface ExportMark {
	recipientName: string;
	recipientAgency: string;
	/** ISO UTC time of the export. */
	exportedAt: string;
	exportId: string;
	marking: typeof MARKING;
}

const CARRIED: ActionStatus[] = ['not_possible', 'not_done'];

/**
 * The minutes a recipient may receive. `access(documentName)` is the access policy for that
 * recipient. A case whose plan they may not read (excluded agency or person, another area) is
 * left out entirely: not even its reference appears.
 */
export function minutesFor(
	frozen: FrozenMinutes,
	version: MinutesVersionInfo,
	access: (documentName: string) => Access
): Minutes {
	const meetingDay = frozen.header.heldAt.slice(0, 10);
	const cases: MinutesCase[] = [];
	for (const c of frozen.cases) {
		const readable = (name: string) => access(name) !== 'none';
		if (!readable(`case:${c.caseId}:plan`)) continue;
		const section: MinutesCase = {
			caseId: c.caseId,
			reference: c.reference,
			kind: c.kind,
			repeat: c.repeat,
			childrenInHousehold: c.childrenInHousehold,
			interpreter: c.interpreterLanguage ? `Interpreter needed: ${c.interpreterLanguage}` : null,
			plan: null,
			agencies: [],
			actions: [],
			carried: { notPossible: [], notDone: [] },
			restricted: null,
			pathway: null
		};
		for (const [name, part] of Object.entries(c.parts)) {
			if (!name.startsWith(`case:${c.caseId}:`) || !readable(name)) continue;
			switch (part.kind) {
				case 'plan':
					section.plan = part;
					break;
				case 'agency':
					if (part.summary.trim()) {
						section.agencies.push({ agency: part.agency, summary: part.summary });
					}
					for (const action of part.actions) {
						const earlier = action.createdAt !== null && action.createdAt.slice(0, 10) < meetingDay;
						if (earlier && action.status === 'done') continue;
						if (earlier && CARRIED.includes(action.status)) {
							const group = action.status === 'not_possible' ? 'notPossible' : 'notDone';
							section.carried[group].push(action);
						} else section.actions.push(action);
					}
					break;
				case 'restricted':
					if (part.fields.length > 0) section.restricted = part;
					break;
				case 'pathway':
					section.pathway = part;
					if (part.interpreter) section.interpreter = part.interpreter;
					break;
			}
		}
		const byAgency = (a: { agency: string }, b: { agency: string }) =>
			a.agency.localeCompare(b.agency);
		section.agencies.sort(byAgency);
		section.actions.sort(byAgency);
		cases.push(section);
	}
	return {
		header: frozen.header,
		attendance: frozen.attendance,
		confidentialityStatement: frozen.confidentialityStatement,
		version,
		cases
	};
}
