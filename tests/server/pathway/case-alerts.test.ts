import { describe, expect, it } from 'vitest';
import {
	caseAlertList,
	caseAlerts,
	compareCaseAlerts,
	compactAlerts,
	nextOpenDeadline,
	whenText,
	type CaseAlertInput,
	type CaseAlerts
} from '../../../src/lib/pathway/case-alerts.ts';
import type { Alert, Deadline } from '../../../src/lib/pathway/rules.ts';

const TODAY = '2026-11-28';

const input = (reference: string, fields: Record<string, string> | null, extra = {}) =>
	({
		caseId: `id-${reference}`,
		reference,
		fields,
		appointments: [],
		caseInterpreterLanguage: null,
		...extra
	}) satisfies CaseAlertInput;

const deadline = (key: Deadline['key'], daysLeft: number, open = true): Deadline => ({
	key,
	label: key,
	date: `d${daysLeft}`,
	daysLeft,
	open
});

const row = (
	reference: string,
	levels: Alert['level'][],
	nextDeadline: Deadline | null = null
): CaseAlerts => ({
	caseId: reference,
	reference,
	stage: 'awaiting_cg',
	alerts: levels.map((level, i) => ({ key: 'no_gp', level, text: `${level} ${i}` })),
	nextDeadline
});

describe('nextOpenDeadline', () => {
	it('is the nearest open deadline ahead, ignoring closed ones', () => {
		expect(
			nextOpenDeadline([
				deadline('recovery_end', -300),
				deadline('move_on_end', 2, false),
				deadline('asylum_support_end', 20),
				deadline('rg_due', 5)
			])?.key
		).toBe('rg_due');
	});

	it('when every open deadline has passed, the one passed most recently', () => {
		expect(nextOpenDeadline([deadline('rg_due', -200), deadline('recovery_end', -3)])?.key).toBe(
			'recovery_end'
		);
	});

	it('today counts as ahead; nothing open gives null', () => {
		expect(nextOpenDeadline([deadline('rg_due', -1), deadline('move_on_end', 0)])?.key).toBe(
			'move_on_end'
		);
		expect(nextOpenDeadline([deadline('rg_due', 3, false)])).toBeNull();
		expect(nextOpenDeadline([])).toBeNull();
	});
});

describe('compareCaseAlerts: urgent first', () => {
	it('orders by the most serious level, then counts, then the nearest deadline, then reference', () => {
		const rows = [
			row('A-note', ['info']),
			row('B-none-deadline', [], deadline('rg_due', 4)),
			row('C-check', ['warning']),
			row('D-urgent', ['urgent']),
			row('E-two-urgent', ['urgent', 'urgent']),
			row('F-urgent-check', ['urgent', 'warning']),
			row('G-check-soon', ['warning'], deadline('move_on_end', 1)),
			row('H-check-overdue', ['warning'], deadline('rg_due', -10)),
			row('I-check', ['warning'])
		];
		expect(rows.sort(compareCaseAlerts).map((r) => r.reference)).toEqual([
			'E-two-urgent',
			'F-urgent-check',
			'D-urgent',
			'H-check-overdue',
			'G-check-soon',
			'C-check',
			'I-check',
			'A-note',
			'B-none-deadline'
		]);
	});
});

describe('caseAlerts and caseAlertList from projected pathways', () => {
	it('an overdue RG decision is urgent, with the RG deadline as the next one', () => {
		const c = caseAlerts(input('DEMO-0008', { nrmReferralDate: '2026-11-02' }), TODAY);
		expect(c.stage).toBe('awaiting_rg');
		expect(c.alerts.map((a) => [a.key, a.level])).toEqual([['rg_overdue', 'urgent']]);
		// 2026-11-02 (Mon) + 5 working days = 2026-11-09; 19 days before 2026-11-28.
		expect(c.nextDeadline).toMatchObject({ key: 'rg_due', date: '2026-11-09', daysLeft: -19 });
	});

	it('without a pathway, the referral’s interpreter language still raises the alert', () => {
		const c = caseAlerts(
			input('DEMO-0009', null, { caseInterpreterLanguage: 'Albanian', appointments: null }),
			TODAY
		);
		expect(c.stage).toBe('not_referred');
		expect(c.alerts).toEqual([
			{
				key: 'interpreter_needed',
				level: 'warning',
				text: 'Interpreter needed: Albanian; never use a companion or family member'
			}
		]);
	});

	it('the pathway’s interpreter answer wins over the case’s language (no second alert)', () => {
		const c = caseAlerts(
			input(
				'X',
				{ interpreterNeeded: 'yes', preferredLanguage: 'Tigrinya', gpRegistered: 'no' },
				{ caseInterpreterLanguage: 'Tigrinya' }
			),
			TODAY
		);
		expect(c.alerts.map((a) => a.key).sort()).toEqual(['interpreter_needed', 'no_gp']);
	});

	it('lists only cases with an alert or an open deadline, urgent first', () => {
		const list = caseAlertList(
			[
				input('DEMO-0001', {}),
				input('DEMO-0002', { gpRegistered: 'no' }),
				input('DEMO-0003', { nrmReferralDate: '2026-10-01' }),
				input('DEMO-0004', { gpRegistered: 'yes' }),
				// Referred yesterday: no alert yet, but the RG decision is due.
				input('DEMO-0005', { nrmReferralDate: '2026-11-27' })
			],
			TODAY
		);
		expect(list.map((c) => c.reference)).toEqual(['DEMO-0003', 'DEMO-0002', 'DEMO-0005']);
		expect(list[2]!.nextDeadline).toMatchObject({ key: 'rg_due', daysLeft: 6 });
	});
});

describe('whenText', () => {
	it('says how far off a deadline is in words', () => {
		expect(whenText(0)).toBe('Today');
		expect(whenText(1)).toBe('In 1 day');
		expect(whenText(12)).toBe('In 12 days');
		expect(whenText(-1)).toBe('1 day ago (overdue)');
		expect(whenText(-19)).toBe('19 days ago (overdue)');
	});
});

describe('compactAlerts (the live meeting strip)', () => {
	const alert = (key: Alert['key'], level: Alert['level']): Alert => ({ key, level, text: key });
	const all = [
		alert('rg_overdue', 'urgent'),
		alert('third_party_cancellations', 'urgent'),
		alert('interpreter_needed', 'warning'),
		alert('no_gp', 'warning'),
		alert('mental_health_waiting', 'warning'),
		alert('cg_pending', 'info')
	];
	const keys = (c: { shown: Alert[] }) => c.shown.map((a) => a.key);

	it('keeps the most serious up to the limit and counts the rest', () => {
		const c = compactAlerts(all, { max: 3 });
		expect(keys(c)).toEqual(['rg_overdue', 'third_party_cancellations', 'interpreter_needed']);
		expect(c.more).toBe(3);
	});

	it('never leaves out an urgent alert, even past the limit', () => {
		const c = compactAlerts(all, { max: 1 });
		expect(keys(c)).toEqual(['rg_overdue', 'third_party_cancellations']);
		expect(c.more).toBe(4);
	});

	it('drops what the strip says another way, without counting it', () => {
		const c = compactAlerts(all, { max: 4, omit: ['interpreter_needed'] });
		expect(keys(c)).toEqual([
			'rg_overdue',
			'third_party_cancellations',
			'no_gp',
			'mental_health_waiting'
		]);
		expect(c.more).toBe(1);
	});

	it('handles no alerts', () => {
		expect(compactAlerts([])).toEqual({ shown: [], more: 0 });
		expect(
			compactAlerts([alert('interpreter_needed', 'warning')], { omit: ['interpreter_needed'] })
		).toEqual({ shown: [], more: 0 });
	});
});
