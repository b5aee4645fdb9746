// Dates and times as the MARAC sees them: UK time (Europe/London, with summer time), whatever the
// machine's zone. The one place the app turns instants into UK dates and back, counts calendar
// days and prints dates; pages and server code alike import it (relative imports only, so that
// Node's type stripping can run it).
import { BANK_HOLIDAYS_ENGLAND_WALES } from './pathway/bank-holidays.ts';

export const MARAC_TIME_ZONE = 'Europe/London';

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

// Formatters are costly to build: one each, for every caller.
const PARTS = new Intl.DateTimeFormat('en-GB', {
	timeZone: MARAC_TIME_ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});
const SHOW_DATE = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeZone: MARAC_TIME_ZONE
});
const SHOW_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: MARAC_TIME_ZONE
});

/** `yyyy-mm-ddThh:mm` in UK time (also the value of an `<input type="datetime-local">`). */
export function toLondonLocal(at: Date): string {
	const p = Object.fromEntries(PARTS.formatToParts(at).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * The instant a UK date and time (`yyyy-mm-ddThh:mm`) names; null if malformed or not a real
 * time: 30 February, 25:00, or 01:30 on the day the clocks go forward. A time the clocks show
 * twice (01:30 on the day they go back) is the second one, in GMT.
 */
export function fromLondonLocal(local: string): Date | null {
	const m = LOCAL.exec(local);
	if (!m) return null;
	const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
	// London is UTC or UTC+1: try both, keep the one that reads back as typed.
	for (const offsetHours of [0, 1]) {
		const candidate = new Date(asUtc - offsetHours * 3_600_000);
		if (toLondonLocal(candidate) === local) return candidate;
	}
	return null;
}

/** The calendar date (yyyy-mm-dd) of an instant in UK time; of `now`, today's date. */
export function londonDate(at: Date): string {
	return toLondonLocal(at).slice(0, 10);
}

/** A real calendar date in yyyy-mm-dd form, or null (also for 2026-02-30 and the like). */
export function parseIsoDate(value: unknown): string | null {
	if (typeof value !== 'string' || !ISO_DATE.test(value)) return null;
	const at = new Date(`${value}T12:00:00Z`);
	return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value ? value : null;
}

/** A calendar date plus whole days (no time zone involved: dates are counted at noon UTC). */
export function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY_MS);
}

let holidays: Set<string> | undefined;

/** A bank holiday in England and Wales (as far as the table in pathway/bank-holidays.ts goes). */
export function isBankHoliday(date: string): boolean {
	holidays ??= new Set(BANK_HOLIDAYS_ENGLAND_WALES.map(([day]) => day));
	return holidays.has(date);
}

export function isWorkingDay(date: string): boolean {
	const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
	return weekday !== 0 && weekday !== 6 && !isBankHoliday(date);
}

/**
 * The date `n` working days after `date` (England and Wales): the day itself does not count, so
 * a referral on a Friday with n = 5 is due the next Friday, later when bank holidays fall between.
 */
export function addWorkingDays(date: string, n: number): string {
	let day = date;
	let left = n;
	while (left > 0) {
		day = addDays(day, 1);
		if (isWorkingDay(day)) left -= 1;
	}
	return day;
}

/**
 * "12 Mar 2026, 09:30" (or "12 Mar 2026" with `date`) in UK time. A bare yyyy-mm-dd names a day,
 * not an instant, and is printed as that day.
 */
export function formatLondon(
	value: Date | string,
	style: 'date' | 'dateTime' = 'dateTime'
): string {
	const at =
		typeof value === 'string'
			? new Date(ISO_DATE.test(value) ? `${value}T12:00:00Z` : value)
			: value;
	return (style === 'date' ? SHOW_DATE : SHOW_DATE_TIME).format(at);
}

/** When nothing else gives a date, an action is due four weeks from today. */
export const DEFAULT_DUE_DAYS = 28;

/**
 * The default due date of a new action agreed on `today` (a UK date; at a meeting, the meeting's
 * day): the next meeting the case is listed on, else the area's next planned meeting, else four
 * weeks later. Only meetings on a later day count — an action agreed at today's meeting is due by
 * the next one, not by the end of this one.
 */
export function defaultDueDate(input: {
	today: string;
	caseMeetings?: readonly Date[];
	areaMeetings: readonly Date[];
}): string {
	const later = (meetings: readonly Date[] = []) =>
		meetings
			.map(londonDate)
			.filter((date) => date > input.today)
			.sort()[0];
	return (
		later(input.caseMeetings) ?? later(input.areaMeetings) ?? addDays(input.today, DEFAULT_DUE_DAYS)
	);
}

/** An action is overdue when its due date has passed and it is still open or in progress. */
export function isOverdue(
	action: { dueOn: string | null; status: string },
	today: string
): boolean {
	if (!action.dueOn) return false;
	if (action.status !== 'open' && action.status !== 'in_progress') return false;
	return action.dueOn < today;
}
