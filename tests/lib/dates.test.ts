import { describe, expect, it } from 'vitest';
import { addDays, defaultDueDate, isIsoDate, isOverdue, isoDate } from '../../src/lib/dates.ts';

describe('isoDate', () => {
	it('is the calendar date in UK time, across the clock change', () => {
		// 23:30 UTC in summer is already the next day in London (BST, UTC+1)…
		expect(isoDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
		// …but not in winter (GMT).
		expect(isoDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
	});
});

describe('addDays and isIsoDate', () => {
	it('adds whole days across months and years', () => {
		expect(addDays('2026-12-20', 28)).toBe('2027-01-17');
		expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
	});
	it('accepts real dates only', () => {
		expect(isIsoDate('2027-01-31')).toBe(true);
		expect(isIsoDate('2027-02-30')).toBe(false);
		expect(isIsoDate('31/01/2027')).toBe(false);
		expect(isIsoDate('2027-1-3')).toBe(false);
	});
});

describe('defaultDueDate', () => {
	const today = '2026-11-28';
	const at = (iso: string) => new Date(iso);

	it("is the next meeting the case is listed on, before the area's next meeting", () => {
		expect(
			defaultDueDate({
				today,
				caseMeetings: [at('2026-12-12T09:30:00Z'), at('2026-12-05T09:30:00Z')],
				areaMeetings: [at('2026-12-01T09:30:00Z')]
			})
		).toBe('2026-12-05');
	});

	it("falls back to the area's next planned meeting", () => {
		expect(
			defaultDueDate({
				today,
				caseMeetings: [],
				areaMeetings: [at('2026-12-19T09:30:00Z'), at('2026-12-05T09:30:00Z')]
			})
		).toBe('2026-12-05');
	});

	it('skips a meeting today: an action agreed now is due by the next one', () => {
		expect(
			defaultDueDate({
				today,
				caseMeetings: [at('2026-11-28T09:30:00Z')],
				areaMeetings: [at('2026-11-28T09:30:00Z'), at('2026-12-12T09:30:00Z')]
			})
		).toBe('2026-12-12');
	});

	it('is four weeks from today when no meeting is planned', () => {
		expect(defaultDueDate({ today, caseMeetings: [], areaMeetings: [] })).toBe('2026-12-26');
	});
});

describe('isOverdue', () => {
	const today = '2026-11-28';
	it('is true for an open or in-progress action past its due date', () => {
		expect(isOverdue({ dueOn: '2026-11-27', status: 'open' }, today)).toBe(true);
		expect(isOverdue({ dueOn: '2026-11-27', status: 'in_progress' }, today)).toBe(true);
	});
	it('is false when due today or later, finished, or without a date', () => {
		expect(isOverdue({ dueOn: '2026-11-28', status: 'open' }, today)).toBe(false);
		expect(isOverdue({ dueOn: '2026-11-01', status: 'done' }, today)).toBe(false);
		expect(isOverdue({ dueOn: '2026-11-01', status: 'not_possible' }, today)).toBe(false);
		expect(isOverdue({ dueOn: null, status: 'open' }, today)).toBe(false);
	});
});
