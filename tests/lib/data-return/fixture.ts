/**
 * A hand-computed data-return fixture: nine cases heard at two held meetings of 2026/27 Q3 (case
 * I at both), one more on a meeting not yet held. The expected figures are worked out by hand
 * in the comments, not by the code under test.
 */
import type { ReturnCaseRow, ReturnMeetingRow } from '../../../src/lib/data-return/figures.ts';

const REFERRED = new Date('2026-11-10T12:00:00Z');

function c(
	identity: string,
	over: Partial<ReturnCaseRow> & { victim?: object; perps?: string[]; declared?: boolean }
): ReturnCaseRow {
	const { victim = {}, perps = [], declared = false, ...rest } = over;
	return {
		identity,
		kind: 'domestic_abuse',
		referredAt: REFERRED,
		victimDob: '1990-01-01',
		childrenInHousehold: 0,
		sector: 'police',
		repeatOfCaseId: null,
		repeatConfirmed: null,
		referral: {
			victim: {
				gender: 'female',
				ethnicity: 'white_british',
				sexuality: 'heterosexual',
				disability: 'no',
				...victim
			},
			perpetrators: perps.map((dob) => ({ name: 'P', dob, relationship: 'partner' })),
			criteria: { repeatDeclared: declared }
		},
		...rest
	};
}

const EARLIER = '00000000-0000-4000-8000-0000000000ee';

export const CASES = {
	// Police, two children, nothing else.
	A: c('A', { childrenInHousehold: 2, perps: ['1985-01-01'] }),
	// Confirmed repeat; Asian; disabled.
	B: c('B', {
		sector: 'idva',
		repeatOfCaseId: EARLIER,
		repeatConfirmed: true,
		victim: { ethnicity: 'asian', disability: 'yes' }
	}),
	// Suspected repeat not yet decided (counts); male, White other, gay; one child.
	C: c('C', {
		sector: 'health',
		repeatOfCaseId: EARLIER,
		repeatConfirmed: null,
		childrenInHousehold: 1,
		victim: { gender: 'male', ethnicity: 'white_other', sexuality: 'gay_lesbian' }
	}),
	// Link rejected by the coordinator: not a repeat, even though declared; non-binary; ethnicity not recorded; three children.
	D: c('D', {
		repeatOfCaseId: EARLIER,
		repeatConfirmed: false,
		declared: true,
		childrenInHousehold: 3,
		victim: { gender: 'non_binary', ethnicity: '' }
	}),
	// Turns 18 the day after referral: 17, counts as 16–17; perpetrator 17; Black.
	E: c('E', {
		sector: 'education',
		victimDob: '2008-11-11',
		perps: ['2009-06-01'],
		victim: { ethnicity: 'black' }
	}),
	// 16th birthday on the day of referral: 16; declared repeat without a link (counts); bisexual; one child.
	F: c('F', {
		victimDob: '2010-11-10',
		declared: true,
		childrenInHousehold: 1,
		victim: { sexuality: 'bisexual' }
	}),
	// Trafficking; 12 years old; perpetrator turns 18 on the day of referral (not ≤17); Arab; male.
	G: c('G', {
		kind: 'human_trafficking',
		sector: 'third_sector',
		victimDob: '2014-01-01',
		perps: ['2008-11-10'],
		victim: { gender: 'male', ethnicity: 'arab' }
	}),
	// Referring agency not recorded; turns 16 the day after referral (15); disabled; no referral answers beyond that.
	H: c('H', { sector: null, victimDob: '2010-11-11', referral: { victim: { disability: 'yes' } } }),
	// Police; Mixed; perpetrator without a date of birth; heard at both meetings.
	I: c('I', { perps: [''], victim: { ethnicity: 'mixed' } }),
	// On the agenda of a meeting not yet held: police, five children.
	J: c('J', { childrenInHousehold: 5 })
};

export const MEETINGS: ReturnMeetingRow[] = [
	{
		id: 'm2',
		scheduledAt: new Date('2026-11-19T09:30:00Z'),
		status: 'closed',
		cases: [CASES.D, CASES.E, CASES.F, CASES.G, CASES.H, CASES.I]
	},
	{
		id: 'm1',
		scheduledAt: new Date('2026-10-15T09:30:00Z'),
		status: 'closed',
		cases: [CASES.A, CASES.B, CASES.C, CASES.I]
	},
	{ id: 'm3', scheduledAt: new Date('2026-12-10T09:30:00Z'), status: 'planned', cases: [CASES.J] },
	// Last quarter: not counted in Q3.
	{ id: 'm0', scheduledAt: new Date('2026-09-30T22:30:00Z'), status: 'closed', cases: [CASES.J] }
];
