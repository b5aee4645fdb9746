// The trafficking pathway (`case:<id>:pathway`, DESIGN §3): its fields defined once for the
// editor, the projection, the deadline rules, minutes and the dashboard. The document holds a
// flat map of these keys plus an appointments array; everything read back is validated, because
// any participant's browser may have written it.
import * as Y from 'yjs';
import { pathwayDoc } from '../documents/shapes.ts';
import { parseIsoDate } from '../dates.ts';

export const YES_NO_UNKNOWN = ['yes', 'no', 'unknown'] as const;
export type YesNoUnknown = (typeof YES_NO_UNKNOWN)[number];

export const OPTIONS = {
	interpreterGender: ['female', 'male', 'no_preference'],
	nrmConsent: ['consented', 'duty_to_notify', 'child'],
	decisionOutcome: ['positive', 'negative'],
	accommodation: ['safe_house', 'outreach', 'asylum_accommodation', 'other'],
	asylumStage: [
		'not_claimed',
		'screening',
		'interview',
		'awaiting_decision',
		'appeal',
		'granted',
		'refused'
	],
	asylumSupport: ['none', 's98', 's95', 's4'],
	mentalHealthStatus: [
		'not_referred',
		'waiting',
		'assessed',
		'in_treatment',
		'discharged',
		'declined'
	],
	selfIdentifies: ['yes', 'no', 'unsure'],
	appointmentOutcome: [
		'attended',
		'did_not_attend',
		'cancelled_by_person',
		'cancelled_by_someone_else'
	]
} as const;

export const OPTION_TEXT: Record<string, string> = {
	female: 'Female',
	male: 'Male',
	no_preference: 'No preference',
	consented: 'Consent given (NRM referral)',
	duty_to_notify: 'No consent: Duty to Notify (MS1)',
	child: 'Child (consent not needed)',
	positive: 'Positive',
	negative: 'Negative',
	safe_house: 'Safe house',
	outreach: 'Outreach only',
	asylum_accommodation: 'Asylum accommodation',
	other: 'Other',
	not_claimed: 'Not claimed',
	screening: 'Screening',
	interview: 'Interview',
	awaiting_decision: 'Awaiting decision',
	appeal: 'Appeal',
	granted: 'Granted',
	refused: 'Refused',
	none: 'None',
	s98: 'Section 98 (initial)',
	s95: 'Section 95',
	s4: 'Section 4',
	not_referred: 'Not referred',
	waiting: 'Waiting',
	assessed: 'Assessed',
	in_treatment: 'In treatment',
	discharged: 'Discharged',
	declined: 'Declined',
	yes: 'Yes',
	no: 'No',
	unsure: 'Unsure',
	unknown: 'Not known',
	attended: 'Attended',
	did_not_attend: 'Did not attend',
	cancelled_by_person: 'Cancelled by the person',
	cancelled_by_someone_else: 'Cancelled by someone else'
};

type Kind = 'text' | 'date' | 'yesno' | { options: readonly string[] };

/** Every scalar field of the pathway map: key → kind and label, grouped as on the page. */
export const PATHWAY_GROUPS = [
	{
		id: 'language',
		title: 'Language and interpreter',
		fields: {
			preferredLanguage: { kind: 'text', label: 'Preferred language' },
			dialect: { kind: 'text', label: 'Dialect' },
			interpreterNeeded: { kind: 'yesno', label: 'Interpreter needed' },
			interpreterGender: {
				kind: { options: OPTIONS.interpreterGender },
				label: 'Interpreter gender'
			},
			neverCompanionInterpreter: {
				kind: 'yesno',
				label: 'Never use a companion or family member as interpreter'
			}
		}
	},
	{
		id: 'nrm',
		title: 'National Referral Mechanism',
		fields: {
			firstResponder: { kind: 'text', label: 'First responder organisation' },
			nrmReferralDate: { kind: 'date', label: 'NRM referral date' },
			nrmReference: { kind: 'text', label: 'NRM reference' },
			nrmConsent: { kind: { options: OPTIONS.nrmConsent }, label: 'Consent' },
			ms1Date: { kind: 'date', label: 'Duty to Notify (MS1) date' },
			rgDate: { kind: 'date', label: 'Reasonable-grounds decision date' },
			rgOutcome: {
				kind: { options: OPTIONS.decisionOutcome },
				label: 'Reasonable-grounds outcome'
			},
			cgDate: { kind: 'date', label: 'Conclusive-grounds decision date' },
			cgOutcome: {
				kind: { options: OPTIONS.decisionOutcome },
				label: 'Conclusive-grounds outcome'
			},
			reconsiderationRequestedOn: { kind: 'date', label: 'Reconsideration requested on' },
			reconsiderationBy: { kind: 'text', label: 'Reconsideration requested by' }
		}
	},
	{
		id: 'support',
		title: 'Support',
		fields: {
			msvccReferralDate: { kind: 'date', label: 'Victim Care Contract (MSVCC) referral date' },
			supportWorker: { kind: 'text', label: 'Support worker' },
			accommodation: { kind: { options: OPTIONS.accommodation }, label: 'Accommodation' },
			subsistenceFrom: { kind: 'date', label: 'Subsistence paid from' }
		}
	},
	{
		id: 'asylum',
		title: 'Asylum',
		fields: {
			asylumClaimDate: { kind: 'date', label: 'Asylum claim date' },
			asylumStage: { kind: { options: OPTIONS.asylumStage }, label: 'Stage' },
			legalRepresentative: { kind: 'text', label: 'Legal representative' },
			asylumSupport: { kind: { options: OPTIONS.asylumSupport }, label: 'Asylum support' },
			dispersalDate: { kind: 'date', label: 'Dispersal date' },
			dispersalArea: { kind: 'text', label: 'Dispersed to (area)' },
			asylumGrantDate: { kind: 'date', label: 'Leave granted on' }
		}
	},
	{
		id: 'health',
		title: 'Health access',
		fields: {
			gpRegistered: { kind: 'yesno', label: 'Registered with a GP' },
			gpBarrier: { kind: 'text', label: 'What stops GP registration' },
			nhsNumberKnown: { kind: 'yesno', label: 'NHS number known' },
			dentalAccess: { kind: 'yesno', label: 'Dental access' },
			mentalHealthReferredOn: { kind: 'date', label: 'Mental-health referral date' },
			mentalHealthAssessedOn: { kind: 'date', label: 'Mental-health assessment date' },
			mentalHealthStatus: {
				kind: { options: OPTIONS.mentalHealthStatus },
				label: 'Mental-health referral status'
			},
			talkingTherapyOffered: { kind: 'yesno', label: 'Talking therapy offered' }
		}
	},
	{
		id: 'identity',
		title: 'Self-identification',
		fields: {
			selfIdentifies: {
				kind: { options: OPTIONS.selfIdentifies },
				label: 'Sees themselves as trafficked'
			}
		}
	}
] as const satisfies readonly {
	id: string;
	title: string;
	fields: Record<string, { kind: Kind; label: string }>;
}[];

type Groups = typeof PATHWAY_GROUPS;
type FieldsOf<G> = G extends { fields: infer F } ? F : never;
type AllFields = FieldsOf<Groups[number]>;
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
export type PathwayField = KeysOfUnion<AllFields>;

export type AppointmentOutcome = (typeof OPTIONS.appointmentOutcome)[number];
export interface Appointment {
	id: string;
	service: string;
	date: string;
	outcome: AppointmentOutcome | null;
}

/** The pathway as plain validated values: strings for text/options, ISO dates, yes/no/unknown. */
export interface Pathway {
	fields: Partial<Record<PathwayField, string>>;
	appointments: Appointment[];
}

const FIELD_KINDS = new Map<string, Kind>(
	PATHWAY_GROUPS.flatMap((g) =>
		Object.entries(g.fields).map(([key, def]) => [key, (def as { kind: Kind }).kind] as const)
	)
);

/** Validates one stored value for a field; null when it is absent or not acceptable. */
export function validField(key: string, value: unknown): string | null {
	const kind = FIELD_KINDS.get(key);
	if (!kind || typeof value !== 'string') return null;
	if (kind === 'text') return value.trim() ? value.slice(0, 500) : null;
	if (kind === 'date') return parseIsoDate(value);
	if (kind === 'yesno') return (YES_NO_UNKNOWN as readonly string[]).includes(value) ? value : null;
	return kind.options.includes(value) ? value : null;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads a pathway document, keeping only valid values. */
export function readPathway(doc: Y.Doc): Pathway {
	const fields: Pathway['fields'] = {};
	for (const [key, value] of pathwayDoc.fields(doc).entries()) {
		const valid = validField(key, value);
		if (valid !== null) fields[key as PathwayField] = valid;
	}
	const appointments: Appointment[] = [];
	const seen = new Set<string>();
	for (const item of pathwayDoc.appointments(doc).toArray()) {
		if (!(item instanceof Y.Map)) continue;
		const id = item.get('id');
		const date = parseIsoDate(item.get('date'));
		if (typeof id !== 'string' || !ID.test(id) || seen.has(id) || !date) continue;
		seen.add(id);
		const service = item.get('service');
		const outcome = item.get('outcome');
		appointments.push({
			id,
			date,
			service: typeof service === 'string' ? service.slice(0, 200) : '',
			outcome: (OPTIONS.appointmentOutcome as readonly unknown[]).includes(outcome)
				? (outcome as AppointmentOutcome)
				: null
		});
	}
	return { fields, appointments };
}
