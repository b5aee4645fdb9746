// Which trafficking cases need attention first (issue 6): one row per case with its current
// alerts and its next open deadline, most urgent first. Pure, so the ordering is unit-tested;
// the coordinator's dashboard feeds it from the pathway projection (server/trafficking).
import type { Appointment } from './fields.ts';
import {
	interpreterText,
	pathwayStatus,
	type Alert,
	type Deadline,
	type NrmStage
} from './rules.ts';

export interface CaseAlertInput {
	caseId: string;
	reference: string;
	/** The projected pathway; null while the case has no pathway document yet. */
	fields: Record<string, string> | null;
	appointments: Appointment[] | null;
	/** `cases.interpreter_language`: the referral's answer until the pathway says otherwise. */
	caseInterpreterLanguage: string | null;
}

export interface CaseAlerts {
	caseId: string;
	reference: string;
	stage: NrmStage;
	/** Most urgent first (as pathwayStatus orders them). */
	alerts: Alert[];
	/** The next open deadline (see nextOpenDeadline), or null. */
	nextDeadline: Deadline | null;
}

const LEVEL_RANK = { urgent: 0, warning: 1, info: 2 } as const;
/** Rank of a case with no alert at all: after every level. */
const NO_ALERT = 3;

/**
 * The deadline to show next: the nearest open one still ahead (today counts as ahead); when all
 * open ones have passed, the one that passed most recently (e.g. an overdue RG decision). A
 * passed "minimum" date such as the recovery period's end stays open until the decision comes,
 * so without the preference for dates ahead it would hide the deadline that matters next.
 */
export function nextOpenDeadline(deadlines: Deadline[]): Deadline | null {
	const open = deadlines.filter((d) => d.open);
	const ahead = open.filter((d) => d.daysLeft >= 0);
	const pool = ahead.length > 0 ? ahead : open;
	if (pool.length === 0) return null;
	// Ties keep pathwayStatus's order (by date, then the order the rules list them).
	return pool.reduce((a, b) => (Math.abs(b.daysLeft) < Math.abs(a.daysLeft) ? b : a));
}

function topRank(c: CaseAlerts): number {
	return Math.min(NO_ALERT, ...c.alerts.map((a) => LEVEL_RANK[a.level]));
}

const count = (c: CaseAlerts, level: Alert['level']) =>
	c.alerts.filter((a) => a.level === level).length;

/**
 * Urgent first: by the case's most serious alert level; then more urgent alerts, then more
 * warnings; then the nearest (or longest overdue) open deadline; then by reference, so the
 * order is stable from one load to the next.
 */
export function compareCaseAlerts(a: CaseAlerts, b: CaseAlerts): number {
	return (
		topRank(a) - topRank(b) ||
		count(b, 'urgent') - count(a, 'urgent') ||
		count(b, 'warning') - count(a, 'warning') ||
		(a.nextDeadline?.daysLeft ?? Infinity) - (b.nextDeadline?.daysLeft ?? Infinity) ||
		a.reference.localeCompare(b.reference)
	);
}

/** One case's row on `today` (yyyy-mm-dd, London). */
export function caseAlerts(input: CaseAlertInput, today: string): CaseAlerts {
	const status = pathwayStatus(
		{ fields: input.fields ?? {}, appointments: input.appointments ?? [] },
		today
	);
	const alerts = [...status.alerts];
	// Every view of the case says an interpreter is needed: before the pathway answers, the
	// referral's language stands (the projection clears it once the pathway says "no").
	if (!status.interpreter && input.caseInterpreterLanguage) {
		alerts.push({
			key: 'interpreter_needed',
			level: 'warning',
			text: interpreterText({
				language: input.caseInterpreterLanguage,
				dialect: null,
				gender: null,
				neverCompanion: true
			})
		});
		alerts.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
	}
	return {
		caseId: input.caseId,
		reference: input.reference,
		stage: status.stage,
		alerts,
		nextDeadline: nextOpenDeadline(status.deadlines)
	};
}

/** The cases with an alert or an open deadline, most urgent first. */
export function caseAlertList(inputs: CaseAlertInput[], today: string): CaseAlerts[] {
	return inputs
		.map((input) => caseAlerts(input, today))
		.filter((c) => c.alerts.length > 0 || c.nextDeadline !== null)
		.sort(compareCaseAlerts);
}

/** An alert's level in words: colour is never the only sign of it. */
export const ALERT_LEVEL_TEXT = { urgent: 'Urgent', warning: 'Check', info: 'Note' } as const;

/** How far off an open deadline is: "Today", "In 3 days", "1 day ago (overdue)". */
export function whenText(daysLeft: number): string {
	const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
	if (daysLeft === 0) return 'Today';
	return daysLeft > 0 ? `In ${days(daysLeft)}` : `${days(-daysLeft)} ago (overdue)`;
}

export interface CompactAlerts {
	/** The alerts to show: every urgent one, then the most serious others up to `max`. */
	shown: Alert[];
	/** How many alerts were left out (shown in full on the case's pathway). */
	more: number;
}

/**
 * A short list for a compact strip (the live meeting's case facts): urgent alerts are never
 * left out, even beyond `max`; the rest fill up to `max` in the order given (most serious
 * first). `omit` drops alerts the strip says another way (e.g. the interpreter line).
 */
export function compactAlerts(
	alerts: Alert[],
	{ max = 3, omit = [] }: { max?: number; omit?: Alert['key'][] } = {}
): CompactAlerts {
	const kept = alerts.filter((a) => !omit.includes(a.key));
	const urgent = kept.filter((a) => a.level === 'urgent');
	const others = kept.filter((a) => a.level !== 'urgent');
	const shown = [...urgent, ...others.slice(0, Math.max(0, max - urgent.length))];
	return { shown, more: kept.length - shown.length };
}
