// Calendar dates as the MARAC sees them: yyyy-mm-dd in UK time, whatever the machine's zone.

export const MARAC_TIME_ZONE = 'Europe/London';

const DAY_MS = 24 * 3_600_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date (yyyy-mm-dd) of an instant in UK time. */
export function isoDate(at: Date, timeZone = MARAC_TIME_ZONE): string {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(at);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A calendar date plus whole days (no time zone involved: dates are counted at noon UTC). */
export function addDays(date: string, days: number): string {
	const at = new Date(`${date}T12:00:00Z`);
	return new Date(at.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
	if (!ISO_DATE.test(value)) return false;
	const at = new Date(`${value}T12:00:00Z`);
	return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

/** When nothing else gives a date, an action is due four weeks from today. */
export const DEFAULT_DUE_DAYS = 28;

/**
 * The default due date of a new action: the next meeting the case is listed on, else the area's
 * next planned meeting, else four weeks. Only meetings on a later day count — an action agreed at
 * today's meeting is due by the next one, not by the end of this one.
 */
export function defaultDueDate(input: {
	today: string;
	caseMeetings: Date[];
	areaMeetings: Date[];
	timeZone?: string;
}): string {
	const later = (meetings: Date[]) =>
		meetings
			.map((at) => isoDate(at, input.timeZone))
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
