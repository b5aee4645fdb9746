// The SafeLives-style Marac data return (DESIGN §2 step 5, domain.md §1.6), computed from plain
// rows so that it can be checked against a hand-computed fixture. Pure; no $lib imports.
import { SECTORS, type Sector } from '../domain.ts';
import { quarterOf, type Quarter } from './quarters.ts';
import { londonDate } from '../dates.ts';

/** One case heard at a meeting, as the loader reads it from the register. */
export interface ReturnCaseRow {
	/**
	 * Who the case is, for counting each case once a quarter. For a transferred-out stub this is
	 * the id of the case that moved, so a case heard before and after a transfer back is one case.
	 */
	identity: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	referredAt: Date;
	victimDob: string | null;
	childrenInHousehold: number;
	/** The referring agency's sector; null when not recorded. */
	sector: Sector | null;
	repeatOfCaseId: string | null;
	repeatConfirmed: boolean | null;
	/** The stored referral answers (cases.referral): victim and perpetrators are read. */
	referral: unknown;
}

export interface ReturnMeetingRow {
	id: string;
	scheduledAt: Date;
	status: 'planned' | 'live' | 'closed';
	cases: ReturnCaseRow[];
}

/** What the return needs to know about one case. */
export interface CaseTraits {
	identity: string;
	repeat: boolean;
	children: number;
	sector: Sector | null;
	minoritised: boolean;
	lgbt: boolean;
	disabled: boolean;
	male: boolean;
	aged16to17: boolean;
	perpetratorUnder18: boolean;
	trafficking: boolean;
}

export type SectorKey = Sector | 'not_recorded';
export const SECTOR_KEYS: SectorKey[] = [...SECTORS, 'not_recorded'];

export interface Figures {
	cases: number;
	repeats: number;
	children: number;
	police: number;
	/** Referred by any agency other than the police (SafeLives' "partner agency" referrals). */
	partner: number;
	bySector: Record<SectorKey, number>;
	minoritised: number;
	lgbt: number;
	disabled: number;
	male: number;
	aged16to17: number;
	perpetratorUnder18: number;
	trafficking: number;
}

/** Ethnicities counted as white; every other recorded answer is Black, Asian or minoritised. */
const WHITE = new Set(['white_british', 'white_other']);
const LGBT_SEXUALITIES = new Set(['gay_lesbian', 'bisexual', 'other']);

export const RULES = {
	minoritised:
		'Black, Asian or racially minoritised: every recorded ethnicity except White British and White other. Not recorded is not counted.',
	lgbt: 'LGBT+: sexuality recorded as gay or lesbian, bisexual or other, or gender recorded as non-binary.',
	disabled: 'Disabled: disability recorded as yes.',
	male: 'Male: gender recorded as male.',
	ages: 'Ages are whole years on the date of referral (UK time): a victim is 16–17 from their 16th birthday until the day before their 18th; a perpetrator counts if any perpetrator on the referral was 17 or under.',
	repeat:
		'Repeat: the case is linked to an earlier referral for the same person (found by the portal or linked by hand) and the coordinator has not rejected the link, or, without a link, the referrer declared it a repeat.',
	transfers:
		'A case transferred to another area is counted by each area at the meetings it was heard at there. The area it left keeps a stub on its past agendas; the stub is counted once, with the answers of the case as referred, and a case heard both before and after a transfer back counts once a quarter.',
	quarter:
		'A quarter counts each case once, however many of that quarter’s meetings heard it, and only meetings that have been held (started or ended); meetings not yet held are shown as provisional.',
	volume:
		'Recommended volume (SafeLives): 40 cases a year per 10,000 adult women, so a quarter’s recommended number is the adult female population ÷ 1,000.'
} as const;

/** Whole years between a date of birth and a date (both yyyy-mm-dd). */
export function ageOn(dob: string, on: string): number {
	const years = Number(on.slice(0, 4)) - Number(dob.slice(0, 4));
	return on.slice(5) < dob.slice(5) ? years - 1 : years;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function record(value: unknown): Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function caseTraits(row: ReturnCaseRow): CaseTraits {
	const referral = record(row.referral);
	const victim = record(referral.victim);
	const criteria = record(referral.criteria);
	const referredOn = londonDate(row.referredAt);
	const ethnicity = text(victim.ethnicity);
	const gender = text(victim.gender);
	const dob = row.victimDob ?? (DATE.test(text(victim.dob)) ? text(victim.dob) : '');
	const victimAge = dob ? ageOn(dob, referredOn) : null;
	const perpetrators = Array.isArray(referral.perpetrators) ? referral.perpetrators : [];
	const repeat = row.repeatOfCaseId
		? row.repeatConfirmed !== false
		: criteria.repeatDeclared === true;
	return {
		identity: row.identity,
		repeat,
		children: Math.max(0, row.childrenInHousehold),
		sector: row.sector,
		minoritised: ethnicity !== '' && !WHITE.has(ethnicity),
		lgbt: LGBT_SEXUALITIES.has(text(victim.sexuality)) || gender === 'non_binary',
		disabled: victim.disability === 'yes',
		male: gender === 'male',
		aged16to17: victimAge !== null && victimAge >= 16 && victimAge <= 17,
		perpetratorUnder18: perpetrators.some((p) => {
			const pdob = text(record(p).dob);
			return DATE.test(pdob) && ageOn(pdob, referredOn) <= 17;
		}),
		trafficking: row.kind === 'human_trafficking'
	};
}

export function emptyFigures(): Figures {
	return {
		cases: 0,
		repeats: 0,
		children: 0,
		police: 0,
		partner: 0,
		bySector: Object.fromEntries(SECTOR_KEYS.map((k) => [k, 0])) as Record<SectorKey, number>,
		minoritised: 0,
		lgbt: 0,
		disabled: 0,
		male: 0,
		aged16to17: 0,
		perpetratorUnder18: 0,
		trafficking: 0
	};
}

/** The figures for a set of cases, each identity counted once. */
export function figuresOf(traits: readonly CaseTraits[]): Figures {
	const f = emptyFigures();
	const seen = new Set<string>();
	for (const t of traits) {
		if (seen.has(t.identity)) continue;
		seen.add(t.identity);
		f.cases += 1;
		f.children += t.children;
		if (t.repeat) f.repeats += 1;
		f.bySector[t.sector ?? 'not_recorded'] += 1;
		if (t.sector === 'police') f.police += 1;
		else if (t.sector !== null) f.partner += 1;
		if (t.minoritised) f.minoritised += 1;
		if (t.lgbt) f.lgbt += 1;
		if (t.disabled) f.disabled += 1;
		if (t.male) f.male += 1;
		if (t.aged16to17) f.aged16to17 += 1;
		if (t.perpetratorUnder18) f.perpetratorUnder18 += 1;
		if (t.trafficking) f.trafficking += 1;
	}
	return f;
}

/** A percentage to one decimal place; null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
	return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
}

export interface MeetingFigures {
	id: string;
	scheduledAt: Date;
	date: string;
	status: 'planned' | 'live' | 'closed';
	/** Started or ended: counted in the quarter. A planned meeting's figures are provisional. */
	held: boolean;
	figures: Figures;
}

export interface QuarterFigures {
	quarter: Quarter;
	meetingsHeld: number;
	figures: Figures;
	/** SafeLives' recommended cases for the quarter; null without the population setting. */
	recommended: number | null;
	/** Cases a year per 10,000 adult women at this quarter's rate; null without the setting. */
	annualRatePer10k: number | null;
}

export const RECOMMENDED_PER_10K_A_YEAR = 40;
export const REPEAT_RANGE = { from: 28, to: 40 } as const;

export function meetingFigures(meeting: ReturnMeetingRow): MeetingFigures {
	return {
		id: meeting.id,
		scheduledAt: meeting.scheduledAt,
		date: londonDate(meeting.scheduledAt),
		status: meeting.status,
		held: meeting.status !== 'planned',
		figures: figuresOf(meeting.cases.map(caseTraits))
	};
}

/** The quarter's figures: the distinct cases heard at its held meetings. */
export function quarterFigures(
	quarter: Quarter,
	meetings: readonly ReturnMeetingRow[],
	adultFemalePopulation: number | null
): QuarterFigures {
	const held = meetings.filter((m) => {
		const date = londonDate(m.scheduledAt);
		return m.status !== 'planned' && date >= quarter.from && date <= quarter.to;
	});
	const figures = figuresOf(held.flatMap((m) => m.cases.map(caseTraits)));
	const population =
		adultFemalePopulation && adultFemalePopulation > 0 ? adultFemalePopulation : null;
	return {
		quarter,
		meetingsHeld: held.length,
		figures,
		recommended:
			population === null
				? null
				: Math.round((population / 10_000) * (RECOMMENDED_PER_10K_A_YEAR / 4) * 10) / 10,
		annualRatePer10k:
			population === null ? null : Math.round(((figures.cases * 4) / population) * 10_000 * 10) / 10
	};
}

/** The meetings of a quarter (held or not), oldest first, with their figures. */
export function quarterMeetings(
	quarter: Quarter,
	meetings: readonly ReturnMeetingRow[]
): MeetingFigures[] {
	return meetings
		.filter((m) => quarterOf(londonDate(m.scheduledAt)).key === quarter.key)
		.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime())
		.map(meetingFigures);
}
