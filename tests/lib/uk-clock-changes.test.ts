// The UK-date helpers (src/lib/dates.ts) around the 2026 clock changes (forward at 01:00 GMT on Sunday 29 March,
// back at 02:00 BST on Sunday 25 October) and around midnight UTC, where UTC and London disagree.
import { describe, expect, it } from 'vitest';
import {
	addDays,
	daysBetween,
	defaultDueDate,
	fromLondonLocal,
	londonDate,
	toLondonLocal
} from '../../src/lib/dates.ts';

/** [instant, its calendar date in London] */
const LONDON_DATES: [string, string][] = [
	['2026-03-28T23:59:00Z', '2026-03-28'], // GMT: midnight UTC is midnight in London
	['2026-03-29T00:30:00Z', '2026-03-29'], // 00:30 GMT, before the clocks go forward
	['2026-03-29T01:30:00Z', '2026-03-29'], // 02:30 BST, after
	['2026-03-29T23:30:00Z', '2026-03-30'], // BST: 23:30 UTC is already tomorrow
	['2026-07-01T23:30:00Z', '2026-07-02'],
	['2026-10-24T23:30:00Z', '2026-10-25'], // 00:30 BST on the day the clocks go back
	['2026-10-25T00:30:00Z', '2026-10-25'], // 01:30 BST, the first time round
	['2026-10-25T01:30:00Z', '2026-10-25'], // 01:30 GMT, the second time round
	['2026-10-25T23:30:00Z', '2026-10-25'], // GMT again
	['2026-12-31T23:59:59Z', '2026-12-31'],
	['2027-01-01T00:00:00Z', '2027-01-01']
];

describe('the London calendar date of an instant', () => {
	it.each(LONDON_DATES)('londonDate(%s) is %s', (iso, date) => {
		expect(londonDate(new Date(iso))).toBe(date);
	});
});

/** [London date, London time, the instant] */
const WALL_CLOCK: [string, string, string][] = [
	['2026-03-28', '23:30', '2026-03-28T23:30:00.000Z'],
	['2026-03-29', '00:30', '2026-03-29T00:30:00.000Z'],
	['2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
	['2026-03-29', '23:30', '2026-03-29T22:30:00.000Z'],
	['2026-10-24', '23:30', '2026-10-24T22:30:00.000Z'],
	['2026-10-25', '00:30', '2026-10-24T23:30:00.000Z'],
	// 01:30 happens twice on 25 October: the second time (GMT) is the one meant.
	['2026-10-25', '01:30', '2026-10-25T01:30:00.000Z'],
	['2026-10-25', '02:30', '2026-10-25T02:30:00.000Z'],
	['2026-10-26', '00:30', '2026-10-26T00:30:00.000Z']
];

describe('a London date and time as an instant', () => {
	it.each(WALL_CLOCK)('fromLondonLocal(%sT%s) is %s', (date, time, iso) => {
		expect(fromLondonLocal(`${date}T${time}`)?.toISOString()).toBe(iso);
	});
	it('01:30 on 29 March does not exist', () => {
		expect(fromLondonLocal('2026-03-29T01:30')).toBeNull();
		expect(fromLondonLocal('2026-03-29T01:00')).toBeNull();
		expect(fromLondonLocal('2026-03-29T01:59')).toBeNull();
	});

	it.each([
		['2026-03-29T00:30:00Z', '2026-03-29T00:30'],
		['2026-03-29T00:59:00Z', '2026-03-29T00:59'],
		['2026-03-29T01:00:00Z', '2026-03-29T02:00'],
		['2026-10-25T00:30:00Z', '2026-10-25T01:30'],
		['2026-10-25T01:30:00Z', '2026-10-25T01:30'],
		['2026-07-01T23:30:00Z', '2026-07-02T00:30']
	])('toLondonLocal(%s) is %s', (iso, local) => {
		expect(toLondonLocal(new Date(iso))).toBe(local);
	});
});

describe('calendar arithmetic across the clock changes', () => {
	const cases: [string, number, string][] = [
		['2026-03-28', 1, '2026-03-29'],
		['2026-03-29', 1, '2026-03-30'],
		['2026-03-01', 28, '2026-03-29'],
		['2026-10-24', 2, '2026-10-26'],
		['2026-10-25', -1, '2026-10-24'],
		['2026-10-20', 28, '2026-11-17']
	];
	it.each(cases)('%s + %i days is %s', (date, days, expected) => {
		expect(addDays(date, days)).toBe(expected);
		expect(daysBetween(date, expected)).toBe(days);
	});
});

describe('default due dates near the clock changes', () => {
	it('counts a meeting just after midnight in London (BST) as on the next day', () => {
		expect(
			defaultDueDate({
				today: '2026-10-24',
				caseMeetings: [],
				areaMeetings: [new Date('2026-10-24T23:30:00Z')]
			})
		).toBe('2026-10-25');
		expect(
			defaultDueDate({
				today: '2026-03-29',
				caseMeetings: [new Date('2026-03-29T23:30:00Z')],
				areaMeetings: []
			})
		).toBe('2026-03-30');
	});

	it('is four weeks later across the clock change', () => {
		expect(defaultDueDate({ today: '2026-10-20', caseMeetings: [], areaMeetings: [] })).toBe(
			'2026-11-17'
		);
		const atMeeting = (iso: string) =>
			defaultDueDate({ today: londonDate(new Date(iso)), areaMeetings: [] });
		expect(atMeeting('2026-10-01T09:30:00Z')).toBe('2026-10-29');
		expect(atMeeting('2026-03-10T10:00:00Z')).toBe('2026-04-07');
	});

	it('is the next meeting day in London', () => {
		expect(
			defaultDueDate({
				today: londonDate(new Date('2026-10-01T09:30:00Z')),
				areaMeetings: [new Date('2026-10-24T23:30:00Z')]
			})
		).toBe('2026-10-25');
	});
});
