import { describe, expect, it } from 'vitest';
import {
	addDays,
	defaultDueDate,
	formatLondon,
	fromLondonLocal,
	isOverdue,
	londonDate,
	parseIsoDate,
	toLondonLocal
} from '../../src/lib/dates.ts';

describe('londonDate', () => {
	it('is the calendar date in UK time, across the clock change', () => {
		// 23:30 UTC in summer is already the next day in London (BST, UTC+1)…
		expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
		// …but not in winter (GMT).
		expect(londonDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
	});
});

describe('UK local date-times', () => {
	it('reads winter times as UTC and summer times as UTC+1', () => {
		expect(fromLondonLocal('2026-12-24T17:00')?.toISOString()).toBe('2026-12-24T17:00:00.000Z');
		expect(fromLondonLocal('2026-07-01T09:30')?.toISOString()).toBe('2026-07-01T08:30:00.000Z');
		// The morning after the clocks go forward (29 March 2026).
		expect(fromLondonLocal('2026-03-29T10:00')?.toISOString()).toBe('2026-03-29T09:00:00.000Z');
	});

	it('round-trips with toLondonLocal', () => {
		for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T12:00:00Z']) {
			const local = toLondonLocal(new Date(iso));
			expect(fromLondonLocal(local)?.toISOString()).toBe(new Date(iso).toISOString());
		}
	});

	it('refuses malformed input and times that do not exist', () => {
		expect(fromLondonLocal('2026-02-30T10:00')).toBeNull();
		expect(fromLondonLocal('2026-12-15T25:00')).toBeNull();
		expect(fromLondonLocal('24/12/2026 17:00')).toBeNull();
		expect(fromLondonLocal('15/12/2026T09:00')).toBeNull();
		expect(fromLondonLocal('')).toBeNull();
		// The clocks go forward at 01:00 on 29 March 2026: 01:30 never happens.
		expect(fromLondonLocal('2026-03-29T01:30')).toBeNull();
	});
});

describe('formatLondon', () => {
	it('prints an instant in UK time, with or without the time of day', () => {
		expect(formatLondon(new Date('2026-07-01T23:30:00Z'))).toBe('2 Jul 2026, 00:30');
		expect(formatLondon('2026-12-01T23:30:00.000Z')).toBe('1 Dec 2026, 23:30');
		expect(formatLondon(new Date('2026-07-01T23:30:00Z'), 'date')).toBe('2 Jul 2026');
		expect(formatLondon('2026-10-25T00:30:00Z')).toBe('25 Oct 2026, 01:30');
		expect(formatLondon('2026-10-25T01:30:00Z')).toBe('25 Oct 2026, 01:30');
	});

	it('prints a bare calendar date as that day, whatever the season', () => {
		expect(formatLondon('1990-03-27', 'date')).toBe('27 Mar 1990');
		expect(formatLondon('2026-07-01', 'date')).toBe('1 Jul 2026');
		expect(formatLondon('2026-12-31', 'date')).toBe('31 Dec 2026');
	});
});

describe('addDays and parseIsoDate', () => {
	it('adds whole days across months and years', () => {
		expect(addDays('2026-12-20', 28)).toBe('2027-01-17');
		expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
	});
	it('accepts real dates only', () => {
		expect(parseIsoDate('2027-01-31')).toBe('2027-01-31');
		expect(parseIsoDate('2027-02-30')).toBeNull();
		expect(parseIsoDate('31/01/2027')).toBeNull();
		expect(parseIsoDate('2027-1-3')).toBeNull();
		expect(parseIsoDate('2027-01-31T00:00')).toBeNull();
		expect(parseIsoDate(null)).toBeNull();
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

	describe('at a meeting (today is the meeting day, the area meetings those after it)', () => {
		const meetingDay = londonDate(new Date('2026-12-01T09:30:00Z'));

		it('is the next planned meeting after this one', () => {
			expect(
				defaultDueDate({
					today: meetingDay,
					areaMeetings: [at('2026-12-15T09:30:00Z')]
				})
			).toBe('2026-12-15');
		});

		it('is 28 days later when none is planned, or only one later the same day', () => {
			expect(defaultDueDate({ today: meetingDay, areaMeetings: [] })).toBe('2026-12-29');
			expect(
				defaultDueDate({ today: meetingDay, areaMeetings: [at('2026-12-01T14:00:00Z')] })
			).toBe('2026-12-29');
			expect(
				defaultDueDate({
					today: meetingDay,
					areaMeetings: [at('2026-12-01T14:00:00Z'), at('2026-12-08T09:30:00Z')]
				})
			).toBe('2026-12-08');
		});

		it('counts four weeks in calendar days from the UK date, even late at night', () => {
			// 00:30 BST on 21 October: four weeks on is 18 November, whatever the clocks do between.
			const lateMeeting = londonDate(new Date('2026-10-20T23:30:00Z'));
			expect(defaultDueDate({ today: lateMeeting, areaMeetings: [] })).toBe('2026-11-18');
		});
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
