import { describe, expect, it } from 'vitest';
import {
	addMonths,
	compareDefault,
	defaultOrder,
	insertionIndex,
	isLapsing,
	moveItem
} from '../../../src/lib/server/meetings/rules.ts';

const c = (reference: string, children: number, referred: string) => ({
	reference,
	childrenInHousehold: children,
	referredAt: new Date(referred)
});

describe('default agenda order', () => {
	const adultOld = c('A-OLD', 0, '2026-10-01T10:00:00Z');
	const adultNew = c('A-NEW', 0, '2026-11-20T10:00:00Z');
	const childOld = c('C-OLD', 2, '2026-10-15T10:00:00Z');
	const childNew = c('C-NEW', 1, '2026-11-25T10:00:00Z');

	it('puts cases with children first, then adult-only, each by referral date', () => {
		const order = defaultOrder([adultNew, childNew, adultOld, childOld]).map((x) => x.reference);
		expect(order).toEqual(['C-OLD', 'C-NEW', 'A-OLD', 'A-NEW']);
	});

	it('breaks ties by reference, so the order is stable', () => {
		const a = c('X-1', 0, '2026-10-01T10:00:00Z');
		const b = c('X-2', 0, '2026-10-01T10:00:00Z');
		expect(compareDefault(a, b)).toBeLessThan(0);
		expect(defaultOrder([b, a]).map((x) => x.reference)).toEqual(['X-1', 'X-2']);
	});

	it('inserts a new case where the default order puts it', () => {
		const agenda = defaultOrder([childOld, adultOld, adultNew]);
		expect(insertionIndex(agenda, childNew)).toBe(1);
		expect(insertionIndex(agenda, c('A-MID', 0, '2026-11-01T00:00:00Z'))).toBe(2);
		expect(insertionIndex(agenda, c('A-LAST', 0, '2026-11-27T00:00:00Z'))).toBe(3);
		expect(insertionIndex([], childNew)).toBe(0);
	});

	it('leaves a hand-made order alone when inserting', () => {
		// The coordinator put an adult case first on purpose.
		const agenda = [adultOld, childOld];
		expect(insertionIndex(agenda, childNew)).toBe(0);
	});

	it('moves an entry up or down, and not past either end', () => {
		expect(moveItem(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
		expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
		expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
		expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
		expect(moveItem(['a'], 5, 1)).toEqual(['a']);
	});
});

describe('lapsing referrals', () => {
	it('flags a last referral 12 months old or more', () => {
		const referred = new Date('2025-11-28T09:00:00Z');
		expect(isLapsing(referred, new Date('2026-11-28T08:59:59Z'))).toBe(false);
		expect(isLapsing(referred, new Date('2026-11-28T09:00:00Z'))).toBe(true);
		expect(isLapsing(referred, new Date('2027-03-01T00:00:00Z'))).toBe(true);
	});

	it('counts calendar months (31 January + 1 month is 28 February)', () => {
		expect(addMonths(new Date('2026-01-31T12:00:00Z'), 1).toISOString()).toBe(
			'2026-02-28T12:00:00.000Z'
		);
		expect(addMonths(new Date('2024-02-29T00:00:00Z'), 12).toISOString()).toBe(
			'2025-02-28T00:00:00.000Z'
		);
	});
});
