import { describe, expect, it } from 'vitest';
import {
	ageOn,
	caseTraits,
	meetingFigures,
	quarterFigures,
	quarterMeetings
} from '../../../src/lib/data-return/figures.ts';
import { parseQuarter, quarterOf, shiftQuarter } from '../../../src/lib/data-return/quarters.ts';
import { CASES, MEETINGS } from './fixture.ts';

const Q3 = parseQuarter('2026-Q3')!;

describe('financial-year quarters (SafeLives: Q1 = April–June)', () => {
	it('places dates in their quarter', () => {
		expect(quarterOf('2026-04-01').key).toBe('2026-Q1');
		expect(quarterOf('2026-06-30').key).toBe('2026-Q1');
		expect(quarterOf('2026-11-28')).toMatchObject({
			key: '2026-Q3',
			from: '2026-10-01',
			to: '2026-12-31',
			label: '2026/27 Q3 (October–December 2026)'
		});
		expect(quarterOf('2027-02-28')).toMatchObject({
			key: '2026-Q4',
			from: '2027-01-01',
			to: '2027-03-31'
		});
		expect(quarterOf('2027-03-31').key).toBe('2026-Q4');
	});

	it('steps across financial years and rejects malformed keys', () => {
		expect(shiftQuarter(Q3, -3).key).toBe('2025-Q4');
		expect(shiftQuarter(Q3, 2).key).toBe('2027-Q1');
		for (const bad of ['2026-Q5', '2026Q3', '26-Q1', '', '2026-Q3x']) {
			expect(parseQuarter(bad), bad).toBeNull();
		}
	});
});

describe('ages at referral', () => {
	it('counts whole years, birthdays included on the day', () => {
		expect(ageOn('2008-11-11', '2026-11-10')).toBe(17);
		expect(ageOn('2008-11-10', '2026-11-10')).toBe(18);
		expect(ageOn('2010-11-10', '2026-11-10')).toBe(16);
		expect(ageOn('2010-11-11', '2026-11-10')).toBe(15);
		expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
	});
});

describe('case traits', () => {
	it('apply the stated rules', () => {
		expect(caseTraits(CASES.B).repeat).toBe(true); // confirmed link
		expect(caseTraits(CASES.C).repeat).toBe(true); // suspected, not yet decided
		expect(caseTraits(CASES.D).repeat).toBe(false); // rejected link beats the declaration
		expect(caseTraits(CASES.F).repeat).toBe(true); // declared, no link
		expect(caseTraits(CASES.D)).toMatchObject({ lgbt: true, minoritised: false });
		expect(caseTraits(CASES.C)).toMatchObject({ lgbt: true, male: true, minoritised: false });
		expect(caseTraits(CASES.E)).toMatchObject({ aged16to17: true, perpetratorUnder18: true });
		expect(caseTraits(CASES.G)).toMatchObject({ aged16to17: false, perpetratorUnder18: false });
		expect(caseTraits(CASES.H)).toMatchObject({ aged16to17: false, disabled: true, sector: null });
		expect(caseTraits(CASES.I).perpetratorUnder18).toBe(false);
	});

	it('survive a referral with no stored answers', () => {
		const t = caseTraits({ ...CASES.A, referral: null, victimDob: null });
		expect(t).toMatchObject({ minoritised: false, lgbt: false, male: false, aged16to17: false });
	});
});

describe('figures against the hand-computed fixture', () => {
	it('per meeting: the cases on its agenda', () => {
		const m1 = meetingFigures(MEETINGS[1]!).figures;
		expect(m1).toMatchObject({
			cases: 4,
			repeats: 2,
			children: 3,
			police: 2,
			partner: 2,
			minoritised: 2,
			lgbt: 1,
			disabled: 1,
			male: 1,
			aged16to17: 0,
			perpetratorUnder18: 0,
			trafficking: 0
		});
		const m2 = meetingFigures(MEETINGS[0]!).figures;
		expect(m2).toMatchObject({
			cases: 6,
			repeats: 1,
			children: 4,
			police: 3,
			partner: 2,
			minoritised: 3,
			lgbt: 2,
			disabled: 1,
			male: 1,
			aged16to17: 2,
			perpetratorUnder18: 1,
			trafficking: 1
		});
		expect(m2.bySector).toMatchObject({
			police: 3,
			education: 1,
			third_sector: 1,
			not_recorded: 1
		});
	});

	it('per quarter: each case once, held meetings only, against the recommended volume', () => {
		const q = quarterFigures(Q3, MEETINGS, 100_000);
		expect(q.meetingsHeld).toBe(2);
		expect(q.figures).toMatchObject({
			cases: 9, // A–I; I heard twice, J only at a meeting not yet held
			repeats: 3, // B, C, F
			children: 7, // A 2 + C 1 + D 3 + F 1
			police: 4, // A, D, F, I
			partner: 4, // B idva, C health, E education, G third sector
			minoritised: 4, // B, E, G, I
			lgbt: 3, // C, D, F
			disabled: 2, // B, H
			male: 2, // C, G
			aged16to17: 2, // E, F
			perpetratorUnder18: 1, // E
			trafficking: 1 // G
		});
		expect(q.figures.bySector.not_recorded).toBe(1);
		// 100,000 adult women × 40 / 10,000 / 4 = 100 a quarter; 9 × 4 / 100,000 × 10,000 = 3.6.
		expect(q.recommended).toBe(100);
		expect(q.annualRatePer10k).toBe(3.6);
		expect(quarterFigures(Q3, MEETINGS, null)).toMatchObject({
			recommended: null,
			annualRatePer10k: null
		});
	});

	it('lists the quarter’s meetings oldest first, the planned one as provisional', () => {
		const list = quarterMeetings(Q3, MEETINGS);
		expect(list.map((m) => [m.id, m.held])).toEqual([
			['m1', true],
			['m2', true],
			['m3', false]
		]);
		// 22:30 UTC on 30 September is 23:30 in London: still Q2.
		expect(quarterMeetings(shiftQuarter(Q3, -1), MEETINGS).map((m) => m.id)).toEqual(['m0']);
	});
});
