// Deadlines and alerts for a trafficking case, computed from its pathway (DESIGN §3, issue 6).
// The one place these rules live: the case page, the live meeting, minutes and the dashboard all
// call pathwayStatus(). Pure: the same pathway and day give the same answer; missing or
// inconsistent data yields fewer deadlines, never an exception.
import { addDays, addWorkingDays, daysBetween } from '../dates.ts';
import { OPTION_TEXT, type Pathway } from './fields.ts';

/** Working days the Home Office aims to take for a reasonable-grounds decision. */
export const RG_WORKING_DAYS = 5;
/** Minimum recovery and reflection period after a positive RG (from 13 Dec 2022; was 45). */
export const RECOVERY_DAYS = 30;
/** Minimum move-on support after a positive conclusive-grounds decision. */
export const MOVE_ON_DAYS = 45;
/** Asylum support stops this many days after leave is granted. */
export const ASYLUM_GRACE_DAYS = 28;
/** Third-party cancellations within this window that raise an alert, and how many. */
export const CANCELLATION_WINDOW_DAYS = 90;
export const CANCELLATIONS_ALERT_AT = 2;
/** Mental-health referrals waiting longer than this are raised as urgent. */
export const MENTAL_HEALTH_WAIT_URGENT_DAYS = 90;

export type NrmStage =
	'not_referred' | 'awaiting_rg' | 'negative_rg' | 'awaiting_cg' | 'positive_cg' | 'negative_cg';

export const NRM_STAGE_TEXT: Record<NrmStage, string> = {
	not_referred: 'Not referred to the NRM',
	awaiting_rg: 'Awaiting reasonable-grounds decision',
	negative_rg: 'Negative reasonable-grounds decision',
	awaiting_cg: 'Awaiting conclusive-grounds decision',
	positive_cg: 'Positive conclusive-grounds decision',
	negative_cg: 'Negative conclusive-grounds decision'
};

export type DeadlineKey =
	'rg_due' | 'recovery_end' | 'cg_earliest' | 'move_on_end' | 'asylum_support_end';

export interface Deadline {
	key: DeadlineKey;
	label: string;
	date: string;
	/** Days from today (negative: passed). */
	daysLeft: number;
	/** False once the event it waits for has happened (e.g. the RG decision arrived). */
	open: boolean;
}

export type AlertKey =
	| 'interpreter_needed'
	| 'rg_overdue'
	| 'cg_pending'
	| 'move_on_ending'
	| 'asylum_support_ending'
	| 'mental_health_waiting'
	| 'no_gp'
	| 'third_party_cancellations';

export interface Alert {
	key: AlertKey;
	level: 'urgent' | 'warning' | 'info';
	/** A sentence for every view of the case (register, header, meeting, minutes). */
	text: string;
}

export interface InterpreterNeed {
	language: string | null;
	dialect: string | null;
	gender: string | null;
	neverCompanion: boolean;
}

export interface PathwayStatus {
	stage: NrmStage;
	deadlines: Deadline[];
	alerts: Alert[];
	interpreter: InterpreterNeed | null;
	/** Days since the positive RG without a conclusive decision; null when not waiting. */
	cgWaitingDays: number | null;
	/** Days the mental-health referral has waited (until assessment or today); null if none. */
	mentalHealthWaitingDays: number | null;
	/** Third-party cancellations in the last 90 days. */
	thirdPartyCancellations: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function nrmStage(p: Pathway): NrmStage {
	const f = p.fields;
	if (f.cgOutcome === 'positive') return 'positive_cg';
	if (f.cgOutcome === 'negative') return 'negative_cg';
	if (f.rgOutcome === 'positive') return 'awaiting_cg';
	if (f.rgOutcome === 'negative') return 'negative_rg';
	if (f.nrmReferralDate || f.nrmReference) return 'awaiting_rg';
	return 'not_referred';
}

export function interpreterNeed(p: Pathway): InterpreterNeed | null {
	const f = p.fields;
	if (f.interpreterNeeded !== 'yes') return null;
	return {
		language: f.preferredLanguage ?? null,
		dialect: f.dialect ?? null,
		gender:
			f.interpreterGender && f.interpreterGender !== 'no_preference' ? f.interpreterGender : null,
		// Unless the team has said otherwise, never let a companion interpret (traffickers do).
		neverCompanion: f.neverCompanionInterpreter !== 'no'
	};
}

/** "Interpreter needed: Tigrinya (Asmara), female; never use a companion or family member". */
export function interpreterText(need: InterpreterNeed): string {
	const language = need.language
		? `${need.language}${need.dialect ? ` (${need.dialect})` : ''}`
		: 'language not recorded';
	const gender = need.gender ? `, ${(OPTION_TEXT[need.gender] ?? need.gender).toLowerCase()}` : '';
	const companion = need.neverCompanion ? '; never use a companion or family member' : '';
	return `Interpreter needed: ${language}${gender}${companion}`;
}

/** Deadlines, alerts and waiting times for one pathway on one day (`today`, yyyy-mm-dd). */
export function pathwayStatus(p: Pathway, today: string): PathwayStatus {
	const f = p.fields;
	const deadlines: Deadline[] = [];
	const alerts: Alert[] = [];
	const deadline = (key: DeadlineKey, label: string, date: string, open: boolean) => {
		deadlines.push({ key, label, date, daysLeft: daysBetween(today, date), open });
	};

	const interpreter = interpreterNeed(p);
	if (interpreter) {
		alerts.push({
			key: 'interpreter_needed',
			level: 'warning',
			text: interpreterText(interpreter)
		});
	}

	// Reasonable grounds: due 5 working days after the referral.
	if (f.nrmReferralDate) {
		const due = addWorkingDays(f.nrmReferralDate, RG_WORKING_DAYS);
		const decided = Boolean(f.rgOutcome);
		deadline('rg_due', 'Reasonable-grounds decision due', due, !decided);
		const late = daysBetween(due, today);
		if (!decided && late > 0) {
			alerts.push({
				key: 'rg_overdue',
				level: 'urgent',
				text: `Reasonable-grounds decision ${plural(late, 'day')} overdue (due ${due})`
			});
		}
	}

	// After a positive RG: recovery period (at least 30 days) and the earliest CG date.
	let cgWaitingDays: number | null = null;
	if (f.rgOutcome === 'positive' && f.rgDate) {
		const decided = Boolean(f.cgOutcome);
		const end = addDays(f.rgDate, RECOVERY_DAYS);
		deadline('recovery_end', 'Recovery period ends (minimum)', end, !decided);
		deadline('cg_earliest', 'Conclusive-grounds decision possible from', end, !decided);
		if (!decided) {
			cgWaitingDays = Math.max(0, daysBetween(f.rgDate, today));
			alerts.push({
				key: 'cg_pending',
				level: cgWaitingDays > 365 ? 'urgent' : 'info',
				text: `Conclusive-grounds decision pending ${plural(cgWaitingDays, 'day')}`
			});
		}
	}

	// After a positive CG: at least 45 days' move-on support.
	if (f.cgOutcome === 'positive' && f.cgDate) {
		const end = addDays(f.cgDate, MOVE_ON_DAYS);
		const left = daysBetween(today, end);
		deadline('move_on_end', 'Move-on support ends (minimum)', end, left >= 0);
		if (left >= 0 && left <= 14) {
			alerts.push({
				key: 'move_on_ending',
				level: 'warning',
				text: `Move-on support ends in ${plural(left, 'day')} (${end})`
			});
		}
	}

	// Leave granted: asylum support ends 28 days later.
	if (f.asylumGrantDate) {
		const end = addDays(f.asylumGrantDate, ASYLUM_GRACE_DAYS);
		const left = daysBetween(today, end);
		deadline('asylum_support_end', 'Asylum support ends', end, left >= 0);
		if (left >= 0) {
			alerts.push({
				key: 'asylum_support_ending',
				level: left <= 7 ? 'urgent' : 'warning',
				text: `Asylum support ends in ${plural(left, 'day')} (${end}): housing and income needed`
			});
		}
	}

	// Mental health: how long the referral has waited for an assessment.
	let mentalHealthWaitingDays: number | null = null;
	if (f.mentalHealthReferredOn) {
		const until = f.mentalHealthAssessedOn ?? today;
		mentalHealthWaitingDays = Math.max(0, daysBetween(f.mentalHealthReferredOn, until));
		if (!f.mentalHealthAssessedOn) {
			alerts.push({
				key: 'mental_health_waiting',
				level: mentalHealthWaitingDays > MENTAL_HEALTH_WAIT_URGENT_DAYS ? 'urgent' : 'warning',
				text: `Mental-health referral waiting ${plural(mentalHealthWaitingDays, 'day')}`
			});
		}
	}

	if (f.gpRegistered === 'no') {
		alerts.push({
			key: 'no_gp',
			level: 'warning',
			text: f.gpBarrier ? `Not registered with a GP: ${f.gpBarrier}` : 'Not registered with a GP'
		});
	}

	// Appointments cancelled by someone other than the person — a sign of control.
	const thirdPartyCancellations = p.appointments.filter((a) => {
		if (a.outcome !== 'cancelled_by_someone_else') return false;
		const age = daysBetween(a.date, today);
		return age >= 0 && age < CANCELLATION_WINDOW_DAYS;
	}).length;
	if (thirdPartyCancellations >= CANCELLATIONS_ALERT_AT) {
		alerts.push({
			key: 'third_party_cancellations',
			level: 'urgent',
			text: `${plural(thirdPartyCancellations, 'appointment')} cancelled by someone else in the last ${CANCELLATION_WINDOW_DAYS} days`
		});
	}

	const rank = { urgent: 0, warning: 1, info: 2 } as const;
	alerts.sort((a, b) => rank[a.level] - rank[b.level]);
	deadlines.sort((a, b) => a.date.localeCompare(b.date));
	return {
		stage: nrmStage(p),
		deadlines,
		alerts,
		interpreter,
		cgWaitingDays,
		mentalHealthWaitingDays,
		thirdPartyCancellations
	};
}
