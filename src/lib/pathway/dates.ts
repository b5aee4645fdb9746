// Calendar arithmetic on ISO dates (yyyy-mm-dd), in UTC so a server's time zone or the clocks
// changing never shifts a deadline by a day.
import { BANK_HOLIDAYS_ENGLAND_WALES } from './bank-holidays.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const HOLIDAYS = new Set(BANK_HOLIDAYS_ENGLAND_WALES.map(([date]) => date));

/** A real calendar date in yyyy-mm-dd form, or null (also for 2026-02-30 and the like). */
export function parseIsoDate(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const m = ISO.exec(value);
	if (!m) return null;
	const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return date.toISOString().slice(0, 10) === value ? value : null;
}

function toUtc(iso: string): number {
	return Date.parse(`${iso}T00:00:00Z`);
}

function fromUtc(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
	return fromUtc(toUtc(iso) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

export function isBankHoliday(iso: string): boolean {
	return HOLIDAYS.has(iso);
}

export function isWorkingDay(iso: string): boolean {
	const weekday = new Date(toUtc(iso)).getUTCDay();
	return weekday !== 0 && weekday !== 6 && !isBankHoliday(iso);
}

/**
 * The date `n` working days after `iso` (England and Wales): the day itself does not count, so
 * a referral on a Friday with n = 5 is due the next Friday, later when bank holidays fall between.
 */
export function addWorkingDays(iso: string, n: number): string {
	let date = iso;
	let left = n;
	while (left > 0) {
		date = addDays(date, 1);
		if (isWorkingDay(date)) left -= 1;
	}
	return date;
}

/** Today's date in the UK (Europe/London), which is what a deadline "today" means here. */
export function todayInLondon(now: Date): string {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/London',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).format(now);
}
