// Pure agenda and calendar rules (no database): the default agenda order, where a newly listed
// case goes and the 12-month lapse flag. UK dates and times (meeting times, action due dates)
// are in ../../dates.ts.

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
