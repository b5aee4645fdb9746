import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	BANK_HOLIDAYS_COVER,
	BANK_HOLIDAYS_ENGLAND_WALES
} from '../../../src/lib/pathway/bank-holidays.ts';
import {
	addWorkingDays,
	daysBetween,
	isWorkingDay,
	parseIsoDate,
	londonDate
} from '../../../src/lib/dates.ts';
import { readPathway, type Appointment, type Pathway } from '../../../src/lib/pathway/fields.ts';
import { pathwayStatus, type AlertKey } from '../../../src/lib/pathway/rules.ts';
import { pathwayDoc } from '../../../src/lib/documents/shapes.ts';

describe('bank holidays (England and Wales) as data', () => {
	it('has 8 or more per year across the covered years, each a weekday, none twice', () => {
		const dates = BANK_HOLIDAYS_ENGLAND_WALES.map(([d]) => d);
		expect(new Set(dates).size).toBe(dates.length);
		for (let y = BANK_HOLIDAYS_COVER.from; y <= BANK_HOLIDAYS_COVER.to; y++) {
			expect(dates.filter((d) => d.startsWith(`${y}-`)).length).toBeGreaterThanOrEqual(8);
		}
		for (const d of dates) {
			const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
			expect([0, 6], d).not.toContain(weekday);
		}
	});

	it('includes the substitute and one-off days', () => {
		const dates = new Set(BANK_HOLIDAYS_ENGLAND_WALES.map(([d]) => d));
		for (const d of [
			'2020-05-08', // VE Day moved the early May holiday
			'2022-06-03', // Platinum Jubilee
			'2022-09-19', // State Funeral
			'2023-05-08', // Coronation
			'2026-12-28', // Boxing Day on a Saturday
			'2027-12-27', // Christmas on a Saturday
			'2028-01-03' // New Year's Day on a Saturday
		])
			expect(dates.has(d), d).toBe(true);
		expect(dates.has('2026-12-26')).toBe(false);
	});
});

describe('working days', () => {
	it.each([
		['2026-11-27', '2026-12-04', 'Friday to Friday, an ordinary week'],
		['2026-12-21', '2026-12-30', 'over Christmas and the Boxing Day substitute'],
		['2026-12-30', '2027-01-07', 'across the year end and New Year'],
		['2021-12-23', '2022-01-04', 'Christmas to a New Year substitute day'],
		['2026-04-02', '2026-04-13', 'over Good Friday and Easter Monday'],
		['2022-06-01', '2022-06-10', 'over the Jubilee weekend'],
		['2022-09-15', '2022-09-23', 'over the State Funeral'],
		['2028-02-28', '2028-03-06', 'over 29 February']
	])('%s + 5 working days = %s (%s)', (from, due) => {
		expect(addWorkingDays(from, 5)).toBe(due);
	});

	it('a referral made on a bank holiday or weekend counts from the next working day', () => {
		expect(addWorkingDays('2026-12-25', 1)).toBe('2026-12-29');
		expect(addWorkingDays('2026-11-28', 1)).toBe('2026-11-30');
		expect(isWorkingDay('2026-12-28')).toBe(false);
		expect(isWorkingDay('2026-12-29')).toBe(true);
	});

	it('parses only real calendar dates', () => {
		expect(parseIsoDate('2028-02-29')).toBe('2028-02-29');
		expect(parseIsoDate('2026-02-29')).toBeNull();
		expect(parseIsoDate('2026-13-01')).toBeNull();
		expect(parseIsoDate('26-01-01')).toBeNull();
		expect(parseIsoDate(20260101)).toBeNull();
		expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
		expect(daysBetween('2027-01-01', '2026-12-31')).toBe(-1);
	});

	it("today is London's date, not UTC's, around midnight in summer", () => {
		expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
		expect(londonDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
	});
});

const TODAY = '2026-11-28';
const pathway = (fields: Pathway['fields'], appointments: Appointment[] = []): Pathway => ({
	fields,
	appointments
});
const keys = (p: Pathway, today = TODAY): AlertKey[] =>
	pathwayStatus(p, today).alerts.map((a) => a.key);
const appt = (id: string, date: string, outcome: Appointment['outcome']): Appointment => ({
	id,
	date,
	service: 'GP',
	outcome
});

describe('pathway deadlines and alerts', () => {
	it('an empty pathway has no deadlines, no alerts and is not referred', () => {
		const s = pathwayStatus(pathway({}), TODAY);
		expect(s).toMatchObject({
			stage: 'not_referred',
			deadlines: [],
			alerts: [],
			interpreter: null,
			cgWaitingDays: null,
			mentalHealthWaitingDays: null,
			thirdPartyCancellations: 0
		});
	});

	it('says which interpreter is needed, and never a companion unless the team said otherwise', () => {
		const s = pathwayStatus(
			pathway({
				interpreterNeeded: 'yes',
				preferredLanguage: 'Tigrinya',
				dialect: 'Asmara',
				interpreterGender: 'female'
			}),
			TODAY
		);
		expect(s.alerts[0]!.text).toBe(
			'Interpreter needed: Tigrinya (Asmara), female; never use a companion or family member'
		);
		const companionOk = pathwayStatus(
			pathway({ interpreterNeeded: 'yes', neverCompanionInterpreter: 'no' }),
			TODAY
		);
		expect(companionOk.alerts[0]!.text).toBe('Interpreter needed: language not recorded');
		expect(keys(pathway({ interpreterNeeded: 'no', preferredLanguage: 'Albanian' }))).toEqual([]);
	});

	it('RG due 5 working days after referral; overdue is urgent; a decision closes it', () => {
		const waiting = pathwayStatus(pathway({ nrmReferralDate: '2026-11-16' }), TODAY);
		expect(waiting.stage).toBe('awaiting_rg');
		expect(waiting.deadlines).toEqual([
			{
				key: 'rg_due',
				label: 'Reasonable-grounds decision due',
				date: '2026-11-23',
				daysLeft: -5,
				open: true
			}
		]);
		expect(waiting.alerts).toEqual([
			{
				key: 'rg_overdue',
				level: 'urgent',
				text: 'Reasonable-grounds decision 5 days overdue (due 2026-11-23)'
			}
		]);
		expect(keys(pathway({ nrmReferralDate: '2026-11-25' }))).toEqual([]); // due 2 Dec
		const decided = pathwayStatus(
			pathway({ nrmReferralDate: '2026-11-16', rgOutcome: 'negative', rgDate: '2026-11-27' }),
			TODAY
		);
		expect(decided.stage).toBe('negative_rg');
		expect(decided.deadlines[0]!.open).toBe(false);
		expect(decided.alerts).toEqual([]);
	});

	it('after a positive RG: recovery period of 30 days and the CG wait counted in days', () => {
		const s = pathwayStatus(
			pathway({ nrmReferralDate: '2025-01-02', rgOutcome: 'positive', rgDate: '2025-01-09' }),
			TODAY
		);
		expect(s.stage).toBe('awaiting_cg');
		expect(s.deadlines.find((d) => d.key === 'recovery_end')!.date).toBe('2025-02-08');
		expect(s.cgWaitingDays).toBe(daysBetween('2025-01-09', TODAY));
		expect(s.alerts).toContainEqual({
			key: 'cg_pending',
			level: 'urgent',
			text: `Conclusive-grounds decision pending ${s.cgWaitingDays} days`
		});
		const recent = pathwayStatus(pathway({ rgOutcome: 'positive', rgDate: '2026-11-27' }), TODAY);
		expect(recent.alerts).toEqual([
			{ key: 'cg_pending', level: 'info', text: 'Conclusive-grounds decision pending 1 day' }
		]);
		// A decision date in the future (typed ahead) does not give a negative wait.
		expect(
			pathwayStatus(pathway({ rgOutcome: 'positive', rgDate: '2026-12-05' }), TODAY).cgWaitingDays
		).toBe(0);
	});

	it('positive CG: move-on support ends 45 days later, warned in its last two weeks', () => {
		const s = pathwayStatus(
			pathway({
				rgOutcome: 'positive',
				rgDate: '2025-01-09',
				cgOutcome: 'positive',
				cgDate: '2026-10-20'
			}),
			TODAY
		);
		expect(s.stage).toBe('positive_cg');
		expect(s.cgWaitingDays).toBeNull();
		expect(s.deadlines.find((d) => d.key === 'move_on_end')).toMatchObject({
			date: '2026-12-04',
			daysLeft: 6,
			open: true
		});
		expect(keys(pathway({ cgOutcome: 'positive', cgDate: '2026-10-20' }))).toEqual([
			'move_on_ending'
		]);
		// Long past: a closed deadline and no alert.
		const past = pathwayStatus(pathway({ cgOutcome: 'positive', cgDate: '2025-01-01' }), TODAY);
		expect(past.deadlines[0]!.open).toBe(false);
		expect(past.alerts).toEqual([]);
	});

	it('asylum support ends 28 days after the grant; urgent in the last week', () => {
		const s = pathwayStatus(pathway({ asylumGrantDate: '2026-11-10' }), TODAY);
		expect(s.deadlines).toEqual([
			{
				key: 'asylum_support_end',
				label: 'Asylum support ends',
				date: '2026-12-08',
				daysLeft: 10,
				open: true
			}
		]);
		expect(s.alerts[0]!.level).toBe('warning');
		expect(pathwayStatus(pathway({ asylumGrantDate: '2026-11-02' }), TODAY).alerts[0]!.level).toBe(
			'urgent'
		);
		expect(keys(pathway({ asylumGrantDate: '2026-01-01' }))).toEqual([]);
	});

	it('mental-health referral waiting days, until assessed', () => {
		const waiting = pathwayStatus(pathway({ mentalHealthReferredOn: '2026-06-01' }), TODAY);
		expect(waiting.mentalHealthWaitingDays).toBe(180);
		expect(waiting.alerts).toEqual([
			{
				key: 'mental_health_waiting',
				level: 'urgent',
				text: 'Mental-health referral waiting 180 days'
			}
		]);
		const assessed = pathwayStatus(
			pathway({ mentalHealthReferredOn: '2026-06-01', mentalHealthAssessedOn: '2026-07-01' }),
			TODAY
		);
		expect(assessed.mentalHealthWaitingDays).toBe(30);
		expect(assessed.alerts).toEqual([]);
		expect(
			pathwayStatus(pathway({ mentalHealthReferredOn: '2026-11-01' }), TODAY).alerts[0]!.level
		).toBe('warning');
	});

	it('no GP registration, with the barrier when known', () => {
		expect(
			pathwayStatus(pathway({ gpRegistered: 'no', gpBarrier: 'No ID documents' }), TODAY).alerts
		).toEqual([
			{ key: 'no_gp', level: 'warning', text: 'Not registered with a GP: No ID documents' }
		]);
		expect(keys(pathway({ gpRegistered: 'unknown' }))).toEqual([]);
	});

	it('two or more appointments cancelled by someone else within 90 days', () => {
		const one = [appt('a', '2026-11-20', 'cancelled_by_someone_else')];
		expect(keys(pathway({}, one))).toEqual([]);
		const two = [...one, appt('b', '2026-09-01', 'cancelled_by_someone_else')];
		const s = pathwayStatus(pathway({}, two), TODAY);
		expect(s.thirdPartyCancellations).toBe(2);
		expect(s.alerts).toEqual([
			{
				key: 'third_party_cancellations',
				level: 'urgent',
				text: '2 appointments cancelled by someone else in the last 90 days'
			}
		]);
		// 90 days ago is outside the window; the person's own cancellations and future dates don't count.
		const outside = [
			...one,
			appt('c', '2026-08-30', 'cancelled_by_someone_else'),
			appt('d', '2026-11-21', 'cancelled_by_person'),
			appt('e', '2026-12-20', 'cancelled_by_someone_else')
		];
		expect(pathwayStatus(pathway({}, outside), TODAY).thirdPartyCancellations).toBe(1);
	});

	it('urgent alerts come first', () => {
		const s = pathwayStatus(
			pathway({
				interpreterNeeded: 'yes',
				preferredLanguage: 'Vietnamese',
				nrmReferralDate: '2026-01-05'
			}),
			TODAY
		);
		expect(s.alerts.map((a) => a.level)).toEqual(['urgent', 'warning']);
	});
});

describe('reading the pathway document', () => {
	it('keeps valid values and drops what a browser should not have written', () => {
		const doc = new Y.Doc();
		const fields = pathwayDoc.fields(doc);
		fields.set('preferredLanguage', 'Tigrinya');
		fields.set('interpreterNeeded', 'yes');
		fields.set('nrmReferralDate', '2026-02-30'); // not a date
		fields.set('rgOutcome', 'maybe'); // not an option
		fields.set('cgDate', 20261101); // not a string
		fields.set('unknownKey', 'x');
		const list = pathwayDoc.appointments(doc);
		const good = new Y.Map<unknown>();
		good.set('id', 'ap1');
		good.set('date', '2026-11-01');
		good.set('service', 'Dentist');
		good.set('outcome', 'cancelled_by_someone_else');
		const noDate = new Y.Map<unknown>();
		noDate.set('id', 'ap2');
		const duplicate = new Y.Map<unknown>();
		duplicate.set('id', 'ap1');
		duplicate.set('date', '2026-11-02');
		list.push([good, noDate, duplicate]);
		expect(readPathway(doc)).toEqual({
			fields: { preferredLanguage: 'Tigrinya', interpreterNeeded: 'yes' },
			appointments: [
				{ id: 'ap1', date: '2026-11-01', service: 'Dentist', outcome: 'cancelled_by_someone_else' }
			]
		});
	});
});
