// Minutes fixtures for renderer, export and bench tests: a frozen meeting record with canary
// strings, and the recipient's view of it made by the real `minutesFor`, so anything the model
// leaves out (a case the recipient may not read, an agency part, restricted details) can be
// looked for in the output and must not be found.
import type { ActionStatus } from '../../src/lib/documents/shapes.ts';
import {
	MARKING,
	minutesFor,
	type Access,
	type ExportMark,
	type FrozenCase,
	type FrozenMinutes,
	type FrozenPart,
	type Minutes,
	type MinutesAction,
	type MinutesVersionInfo
} from '../../src/lib/minutes/model.ts';

/** An area's confidentiality statement (each area sets its own; this one is for tests). */
const CONFIDENTIALITY_STATEMENT =
	'The information discussed at this MARAC is strictly confidential. It is shared only to ' +
	'reduce the risk of serious harm and must not be passed on without the agreement of the ' +
	'agency that provided it.';

/** Text that is in the frozen record but must never reach the fixture's recipient. */
export const HIDDEN = {
	caseReference: 'HIDDEN-CASE-9999',
	caseText: 'CANARY-HIDDEN-CASE-TEXT',
	agencySummary: 'CANARY-HIDDEN-AGENCY-SUMMARY',
	agencyAction: 'CANARY-HIDDEN-AGENCY-ACTION',
	restricted: 'CANARY-HIDDEN-RESTRICTED'
} as const;

/** Per-case canaries the recipient does receive, numbered by agenda position (1-based). */
export const canary = {
	reference: (n: number) => `FIX-${String(n).padStart(4, '0')}`,
	riskSummary: (n: number) => `CANARY-RISK-SUMMARY-${n}`,
	victimVoice: (n: number) => `CANARY-VICTIM-VOICE-${n}`,
	safetyPlan: (n: number) => `CANARY-SAFETY-PLAN-${n}`,
	decisions: (n: number) => `CANARY-DECISIONS-${n}`,
	agencySummary: (n: number, agency: string) => `CANARY-SUMMARY-${n}-${agency.toUpperCase()}`,
	action: (n: number, k: number) => `CANARY-ACTION-${n}-${k}`,
	notPossible: (n: number) => `CANARY-NOT-POSSIBLE-${n}`,
	notDone: (n: number) => `CANARY-NOT-DONE-${n}`,
	restricted: (n: number) => `CANARY-SAFE-PHONE-${n}`,
	stage: (n: number) => `CANARY-STAGE-${n}`,
	alert: (n: number) => `CANARY-ALERT-${n}`
};

export const FIXTURE_AGENCIES = [
	'Police',
	'IDVA service',
	'Health',
	'Children’s services',
	'Housing',
	'Probation',
	'Mental health',
	'Adult services'
];

/** Prose of some length, so layouts wrap and paginate like real minutes. */
const PROSE = [
	'Police attended three incidents in the last eight weeks; the most recent involved a threat to kill made in front of the children.',
	'The victim has told the IDVA she is frightened to go home after dark and has been staying with her sister most nights.',
	'Health visitor reports missed appointments and a recent A&E attendance with an injury the victim explained as a fall.',
	'Housing confirmed the tenancy is in joint names; a sanctuary scheme referral has been discussed but not yet agreed.',
	'Probation notes the perpetrator is on licence until the autumn with a condition not to contact the victim.'
];
const prose = (seed: number, count: number) =>
	Array.from({ length: count }, (_, i) => PROSE[(seed + i) % PROSE.length]!).join(' ');

export interface FixtureOptions {
	/** Cases the recipient receives (one more, hidden, is always in the frozen record). */
	cases?: number;
	/** Agencies with a part in each case. */
	agenciesPerCase?: number;
	/** Actions agreed at this meeting per case (spread over the agencies). */
	actionsPerCase?: number;
	/** Paragraphs in each text field. */
	paragraphs?: number;
	/** Replaces every free-text field (for hostile input). */
	text?: string;
}

const HELD_AT = '2026-06-11T09:30:00Z'; // 10:30 in London (summer time)
const EARLIER = '2026-05-14T09:00:00Z';

function action(
	id: string,
	agency: string,
	text: string,
	status: ActionStatus,
	createdAt: string,
	statusNote = ''
): MinutesAction {
	return { id, agency, text, dueOn: '2026-07-09', status, statusNote, createdAt };
}

function frozenCase(n: number, o: Required<Omit<FixtureOptions, 'text'>> & { text?: string }) {
	const caseId = `case-${n}`;
	const t = (value: string) => o.text ?? value;
	const para = (marker: string, seed: number) =>
		o.text ??
		[marker, ...Array.from({ length: o.paragraphs }, (_, i) => prose(seed + i, 2))].join('\n');
	const trafficking = n % 3 === 0;
	const parts: Record<string, FrozenPart> = {
		[`case:${caseId}:plan`]: {
			kind: 'plan',
			riskFlags: [t('Weapons used or threatened'), t('Stalking or harassment')],
			riskSummary: para(canary.riskSummary(n), n),
			victimVoice: para(canary.victimVoice(n), n + 1),
			safetyPlan: para(canary.safetyPlan(n), n + 2),
			decisions: para(canary.decisions(n), n + 3)
		}
	};
	const agencies = FIXTURE_AGENCIES.slice(0, Math.max(1, o.agenciesPerCase));
	agencies.forEach((agency, a) => {
		const actions: MinutesAction[] = [];
		for (let k = a; k < o.actionsPerCase; k += agencies.length) {
			const status: ActionStatus = k % 4 === 1 ? 'in_progress' : 'open';
			const note = status === 'in_progress' ? t('First contact made; follow-up booked.') : '';
			actions.push(
				action(
					`a-${n}-${k}`,
					agency,
					t(`${canary.action(n, k)} ${prose(k, 1)}`),
					status,
					HELD_AT,
					note
				)
			);
		}
		if (a === 0) {
			actions.push(
				action(
					`np-${n}`,
					agency,
					t(canary.notPossible(n)),
					'not_possible',
					EARLIER,
					t('Moved area.')
				),
				action(`nd-${n}`, agency, t(canary.notDone(n)), 'not_done', EARLIER, t('No capacity.')),
				action(`done-${n}`, agency, t(`CANARY-DONE-EARLIER-${n}`), 'done', EARLIER)
			);
		}
		parts[`case:${caseId}:agency:${agency}`] = {
			kind: 'agency',
			agency,
			summary: para(canary.agencySummary(n, agency.replace(/\W+/g, '')), n + a),
			actions
		};
	});
	// An agency part the recipient may not read (see `fixtureAccess`).
	parts[`case:${caseId}:agency:hidden`] = {
		kind: 'agency',
		agency: 'Hidden agency',
		summary: HIDDEN.agencySummary,
		actions: [action(`h-${n}`, 'Hidden agency', HIDDEN.agencyAction, 'open', HELD_AT)]
	};
	parts[`case:${caseId}:restricted`] = {
		kind: 'restricted',
		fields: [
			{ label: 'Safe phone number', value: t(n === 2 ? HIDDEN.restricted : canary.restricted(n)) },
			{ label: 'Safe times to call', value: t('Weekdays 10am to 2pm') }
		]
	};
	if (trafficking) {
		parts[`case:${caseId}:pathway`] = {
			kind: 'pathway',
			stage: t(canary.stage(n)),
			interpreter: 'Interpreter needed: Albanian',
			keyDates: [
				{ label: t('NRM referral'), date: '2026-02-03' },
				{ label: t('Reasonable grounds decision'), date: '2026-03-30' }
			],
			alerts: [
				{ level: 'urgent', text: t(canary.alert(n)) },
				{ level: 'info', text: t('Asylum interview booked') }
			]
		};
	}
	const c: FrozenCase = {
		caseId,
		reference: canary.reference(n),
		kind: trafficking ? 'human_trafficking' : 'domestic_abuse',
		repeat: n % 2 === 0,
		childrenInHousehold: n % 4,
		interpreterLanguage: n === 1 ? 'Polish' : null,
		parts
	};
	return c;
}

export function frozenMinutesFixture(options: FixtureOptions = {}): FrozenMinutes {
	const o = {
		cases: 3,
		agenciesPerCase: 3,
		actionsPerCase: 5,
		paragraphs: 1,
		...options
	};
	const cases = Array.from({ length: o.cases }, (_, i) => frozenCase(i + 1, o));
	// A case the recipient may not read at all, in the middle of the agenda.
	const hidden = frozenCase(9999, o);
	hidden.reference = HIDDEN.caseReference;
	hidden.caseId = 'case-hidden';
	hidden.parts = {
		'case:case-hidden:plan': {
			kind: 'plan',
			riskFlags: [],
			riskSummary: HIDDEN.caseText,
			victimVoice: HIDDEN.caseText,
			safetyPlan: HIDDEN.caseText,
			decisions: HIDDEN.caseText
		}
	};
	cases.splice(Math.min(1, cases.length), 0, hidden);
	return {
		header: {
			meetingId: 'meeting-fixture',
			marac: 'Demo Area MARAC',
			heldAt: HELD_AT,
			venue: 'Civic Centre, Room 2',
			online: false,
			chair: 'Chris Chair'
		},
		attendance: {
			present: [
				{ agency: 'Health', people: ['Hana Health'] },
				{ agency: 'IDVA service', people: ['Ida Advocate', 'Ivy Second'] },
				{ agency: 'Police', people: ['Pat Police'] }
			],
			observers: [
				{
					name: 'Olive Observer',
					agency: 'Student social worker',
					confidentialityConfirmedAt: '2026-06-11T09:27:00Z'
				},
				{ name: 'Oscar Late', agency: 'Fire service', confidentialityConfirmedAt: null }
			],
			apologies: [
				{ name: 'Eddie Education', agency: 'Education', informationSent: true },
				{ name: 'Hugo Housing', agency: 'Housing', informationSent: false }
			]
		},
		confidentialityStatement: CONFIDENTIALITY_STATEMENT,
		cases
	};
}

/** The fixture recipient: reads everything except the hidden case, agency part and one restricted. */
export function fixtureAccess(name: string): Access {
	if (name.startsWith('case:case-hidden:')) return 'none';
	if (name.endsWith(':agency:hidden')) return 'none';
	if (name === 'case:case-2:restricted') return 'none';
	return 'read';
}

export const FIXTURE_VERSION: MinutesVersionInfo = {
	version: 2,
	issuedAt: '2026-06-12T14:05:00Z',
	issuedBy: 'Cora Ordinator',
	reason: 'Corrected the due date of a housing action.'
};

export function minutesFixture(
	options: FixtureOptions = {},
	version: MinutesVersionInfo = FIXTURE_VERSION
): Minutes {
	return minutesFor(frozenMinutesFixture(options), version, fixtureAccess);
}

export function exportMarkFixture(over: Partial<ExportMark> = {}): ExportMark {
	return {
		recipientName: 'Rita Recipient',
		recipientAgency: 'Housing',
		exportedAt: '2026-06-12T15:45:30.000Z',
		exportId: 'EXP-7Q2K9',
		marking: MARKING,
		...over
	};
}
