// Pure agenda and calendar rules (no database): the default agenda order, where a newly listed
// case goes, the 12-month lapse flag, meeting times in the area's clock and action due dates.

/** What the default order looks at for one agenda entry. */
export interface OrderableCase {
	childrenInHousehold: number;
	/** When the case was (last) referred. */
	referredAt: Date;
	/** Stable tie-break, e.g. the reference. */
	reference: string;
}

/**
 * Cases with children in the household first (children's-services-only agencies can then leave),
 * then adult-only cases; each group oldest referral first.
 */
export function compareDefault(a: OrderableCase, b: OrderableCase): number {
	const childrenA = a.childrenInHousehold > 0 ? 0 : 1;
	const childrenB = b.childrenInHousehold > 0 ? 0 : 1;
	if (childrenA !== childrenB) return childrenA - childrenB;
	const byDate = a.referredAt.getTime() - b.referredAt.getTime();
	if (byDate !== 0) return byDate;
	return a.reference.localeCompare(b.reference);
}

/** The agenda in default order (a new array). */
export function defaultOrder<T extends OrderableCase>(items: readonly T[]): T[] {
	return [...items].sort(compareDefault);
}

/**
 * Where a newly listed case goes in an agenda that may have been reordered by hand: before the
 * first entry that the default order puts after it. On an agenda in default order this keeps
 * the default order; a hand-made order is left as it is.
 */
export function insertionIndex(agenda: readonly OrderableCase[], added: OrderableCase): number {
	const index = agenda.findIndex((item) => compareDefault(added, item) < 0);
	return index === -1 ? agenda.length : index;
}

/** Moves one entry up (-1) or down (+1); the same array when it cannot move. */
export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
	const target = index + by;
	if (index < 0 || index >= items.length || target < 0 || target >= items.length) {
		return [...items];
	}
	const next = [...items];
	[next[index], next[target]] = [next[target]!, next[index]!];
	return next;
}

/** The same date `months` calendar months later (clamped to the month's last day). */
export function addMonths(date: Date, months: number): Date {
	const result = new Date(date.getTime());
	const day = result.getUTCDate();
	result.setUTCDate(1);
	result.setUTCMonth(result.getUTCMonth() + months);
	const lastDay = new Date(
		Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)
	).getUTCDate();
	result.setUTCDate(Math.min(day, lastDay));
	return result;
}

/**
 * "Lapsing": the last referral is 12 months old or more at `at` (SafeLives: a new incident after
 * 12 months is a new referral, not a repeat, so the coordinator considers closing or re-referral).
 */
export function isLapsing(lastReferralAt: Date, at: Date): boolean {
	return at.getTime() >= addMonths(lastReferralAt, 12).getTime();
}

export const LAPSING_TEXT = 'Referral over 12 months old: consider closing or re-referral';

/** The area's clock: meetings are scheduled and shown in UK time (as the DateTime component). */
export const MEETING_TIME_ZONE = 'Europe/London';

function zoneOffsetMs(at: Date, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-GB', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(at);
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second')
	);
	return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant of a wall-clock date (yyyy-mm-dd) and time (hh:mm) in the area's time zone, or
 * null when they are not a real date and time.
 */
export function zonedInstant(
	date: string,
	time: string,
	timeZone = MEETING_TIME_ZONE
): Date | null {
	const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	const t = /^(\d{2}):(\d{2})$/.exec(time);
	if (!d || !t) return null;
	const [y, mo, da, h, mi] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as number[];
	const wall = Date.UTC(y!, mo! - 1, da!, h!, mi!);
	const check = new Date(wall);
	if (
		check.getUTCFullYear() !== y ||
		check.getUTCMonth() !== mo! - 1 ||
		check.getUTCDate() !== da ||
		h! > 23 ||
		mi! > 59
	) {
		return null;
	}
	// Two passes settle the offset either side of a clock change.
	let instant = wall - zoneOffsetMs(new Date(wall), timeZone);
	instant = wall - zoneOffsetMs(new Date(instant), timeZone);
	return new Date(instant);
}

/** The calendar date (yyyy-mm-dd) of an instant in the area's time zone. */
export function zonedDate(at: Date, timeZone = MEETING_TIME_ZONE): string {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).format(at);
}

export const DEFAULT_DUE_DAYS = 28;

/**
 * An action's default due date: the day of the area's next planned meeting after this one, or
 * four weeks after this one when none is planned.
 */
export function defaultDueOn(meetingAt: Date, nextMeetingAt: Date | null): string {
	if (nextMeetingAt && nextMeetingAt.getTime() > meetingAt.getTime()) {
		return zonedDate(nextMeetingAt);
	}
	return zonedDate(new Date(meetingAt.getTime() + DEFAULT_DUE_DAYS * 24 * 3_600_000));
}
