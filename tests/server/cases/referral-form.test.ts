import { describe, expect, it } from 'vitest';
import { nameKeys, normaliseName } from '../../../src/lib/server/cases/names.ts';
import {
	addRow,
	parseReferral,
	removeRow,
	rowCount,
	splitAliases
} from '../../../src/lib/schemas/referral.ts';
import {
	formatReference,
	referencePrefix,
	repeatWindowStart
} from '../../../src/lib/server/cases/referral.ts';
import { ageOn } from '../../../src/lib/server/cases/register.ts';
import { referralForm } from '../../helpers/referral.ts';

const TODAY = '2026-11-28';
const AREA = '00000000-0000-4000-8000-00000000000a';
const validForm = (over: Record<string, string> = {}) => referralForm(AREA, over);

describe('names', () => {
	it('folds case, accents, apostrophes and punctuation', () => {
		expect(normaliseName("  Zoë  O'Brien-Smith ")).toBe('zoe obrien smith');
		expect(normaliseName('ZOE OBRIEN SMITH')).toBe('zoe obrien smith');
		expect(normaliseName('Alex Fictional')).toBe('alex fictional');
		expect(nameKeys('Jo Example', ['Joanne Example', 'jo example', ''])).toEqual([
			'jo example',
			'joanne example'
		]);
	});
	it('splits aliases on commas, semicolons and new lines', () => {
		expect(splitAliases('Jo, Joanne Ex;\nJ. Ex\n, ')).toEqual(['Jo', 'Joanne Ex', 'J. Ex']);
	});
});

describe('references, windows and ages', () => {
	it('uses the first word of the area as prefix', () => {
		expect(referencePrefix('Demo Area')).toBe('DEMO');
		expect(referencePrefix('  Cardiff & Vale ')).toBe('CARDIFF');
		expect(referencePrefix('!!!')).toBe('CASE');
		expect(formatReference('DEMO', 10)).toBe('DEMO-0010');
		expect(formatReference('DEMO', 12345)).toBe('DEMO-12345');
	});
	it('repeat window starts the same date a year earlier', () => {
		expect(repeatWindowStart(new Date('2026-11-28T10:00:00Z')).toISOString()).toBe(
			'2025-11-28T10:00:00.000Z'
		);
	});
	it('ages in whole years', () => {
		expect(ageOn('1990-11-28', TODAY)).toBe(36);
		expect(ageOn('1990-11-29', TODAY)).toBe(35);
		expect(ageOn(null, TODAY)).toBeNull();
	});
});

describe('repeatable rows without JavaScript', () => {
	it('adds and removes rows, renumbering the rest', () => {
		let v = validForm();
		expect(rowCount(v, 'perpetrators')).toBe(1);
		v = addRow(v, 'perpetrators');
		v = { ...v, 'perpetrators.1.name': 'Second' };
		v = addRow(v, 'perpetrators');
		v = { ...v, 'perpetrators.2.name': 'Third' };
		expect(rowCount(v, 'perpetrators')).toBe(3);
		v = removeRow(v, 'perpetrators', 1);
		expect(rowCount(v, 'perpetrators')).toBe(2);
		expect(v['perpetrators.0.name']).toBe('Sam Example');
		expect(v['perpetrators.1.name']).toBe('Third');
		expect(v['perpetrators.2.name']).toBeUndefined();
		expect(v['victim.name']).toBe('Jo Example');
	});
});

describe('parseReferral', () => {
	it('accepts a complete referral and keeps safe contact apart', () => {
		const r = parseReferral(
			validForm({ 'contact.safePhone': '07700 900123', 'victim.aliases': 'Joanne, J Ex' }),
			TODAY
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.data.contact.safePhone).toBe('07700 900123');
		expect(r.data.victim.aliasList).toEqual(['Joanne', 'J Ex']);
		expect(r.data.criteria.dashScore).toBe(15);
		expect(r.data.perpetrators).toHaveLength(1);
		expect(r.data.trafficking).toBeNull();
	});

	it('puts each error on its field', () => {
		const r = parseReferral(
			validForm({
				'victim.name': ' ',
				'victim.dob': '2030-01-01',
				'victim.interpreterNeeded': 'yes',
				'perpetrators.0.relationship': '',
				'children.0.name': '',
				'children.0.dob': '2020-02-30',
				'children.0.relationship': 'child',
				'children.0.school': '',
				'criteria.dashScore': '25',
				'criteria.professionalJudgement': 'yes',
				'consent.consentGiven': 'no',
				'contact.safePhone': 'call me'
			}),
			TODAY
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(Object.keys(r.errors).sort()).toEqual(
			[
				'victim.name',
				'victim.dob',
				'victim.interpreterLanguage',
				'perpetrators.0.relationship',
				'children.0.name',
				'children.0.dob',
				'criteria.dashScore',
				'criteria.judgementReasons',
				'consent.groundsWithoutConsent',
				'contact.safePhone'
			].sort()
		);
		expect(r.errors['criteria.judgementReasons']).toMatch(/reasons/);
	});

	it('needs a reason for referral and a perpetrator for domestic abuse', () => {
		const r = parseReferral(
			validForm({
				'criteria.dashScore': '9',
				'perpetrators.0.name': '',
				'perpetrators.0.relationship': ''
			}),
			TODAY
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.criteria).toMatch(/at least one reason/);
		expect(r.errors.perpetrators).toMatch(/at least one perpetrator/);
	});

	it('potential escalation means 3 or more incidents', () => {
		const r = parseReferral(
			validForm({
				'criteria.dashScore': '',
				'criteria.potentialEscalation': 'yes',
				'criteria.incidents': '2'
			}),
			TODAY
		);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(Object.keys(r.errors)).toEqual(['criteria.incidents']);
		const ok = parseReferral(
			validForm({
				'criteria.dashScore': '',
				'criteria.potentialEscalation': 'yes',
				'criteria.incidents': '3'
			}),
			TODAY
		);
		expect(ok.ok).toBe(true);
	});

	it('trafficking referrals carry their own fields and rules', () => {
		const base = validForm({
			kind: 'human_trafficking',
			'criteria.dashScore': '',
			'perpetrators.0.name': '',
			'perpetrators.0.relationship': '',
			'trafficking.exploitation.labour': 'yes',
			'trafficking.nrmReferral': 'made',
			'trafficking.nrmConsent': 'refused'
		});
		const r = parseReferral(base, TODAY);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(Object.keys(r.errors).sort()).toEqual([
				'trafficking.dutyToNotify',
				'trafficking.firstResponder'
			]);
		}
		const ok = parseReferral(
			{
				...base,
				'trafficking.firstResponder': 'Demo Anti-Trafficking Support',
				'trafficking.dutyToNotify': 'yes'
			},
			TODAY
		);
		expect(ok.ok).toBe(true);
		if (ok.ok) {
			expect(ok.data.trafficking?.exploitation).toEqual(['labour']);
			expect(ok.data.perpetrators).toEqual([]);
		}
	});
});
