// The data return as CSV for use outside the portal: one row per meeting held in the quarter and
// one for the quarter, with the national dataset's columns. Small numbers are suppressed: a count
// of 1–4 shows as "<5" (0 stays 0), and any figure from which a suppressed count could be worked
// out (a percentage of it, the one other count that completes a total, the quarter's rate) shows
// as "[c]". Pure: takes the computed figures.
import { SECTOR_TEXT } from '../../domain.ts';
import {
	SECTOR_KEYS,
	percent,
	type Figures,
	type MeetingFigures,
	type QuarterFigures,
	type SectorKey
} from '../../data-return/figures.ts';
import { QUARTER_CONVENTION } from '../../data-return/quarters.ts';
import { csv, suppress } from '../../stats/index.ts';

export const WITHHELD = '[c]';

type CountKey = Exclude<keyof Figures, 'bySector'> | `sector:${SectorKey}`;

const COUNT_KEYS: CountKey[] = [
	'cases',
	'repeats',
	'children',
	'police',
	'partner',
	...SECTOR_KEYS.map((s) => `sector:${s}` as const),
	'minoritised',
	'lgbt',
	'disabled',
	'male',
	'aged16to17',
	'perpetratorUnder18',
	'trafficking'
];

function countOf(f: Figures, key: CountKey): number {
	return key.startsWith('sector:')
		? f.bySector[key.slice(7) as SectorKey]
		: f[key as keyof Omit<Figures, 'bySector'>];
}

interface Cell {
	value: number;
	hidden: 'primary' | 'secondary' | null;
}

type Row = Record<CountKey, Cell>;

function cellsOf(f: Figures): Row {
	return Object.fromEntries(
		COUNT_KEYS.map((k) => {
			const value = countOf(f, k);
			return [k, { value, hidden: value >= 1 && value <= 4 ? 'primary' : null }];
		})
	) as Row;
}

/**
 * Secondary suppression for one additive group (cells that sum to a shown total): a single
 * hidden cell could be worked out by subtraction, so the smallest other non-zero cell is hidden
 * too (or the total, when there is none). Returns whether anything changed.
 */
function protectGroup(group: Cell[], total: Cell): boolean {
	if (total.hidden) return false;
	const hidden = group.filter((c) => c.hidden);
	if (hidden.length !== 1) return false;
	const next = group.filter((c) => !c.hidden && c.value > 0).sort((a, b) => a.value - b.value)[0];
	if (next) next.hidden = 'secondary';
	else total.hidden = 'secondary';
	return true;
}

const SECTOR_CELLS = SECTOR_KEYS.map((s) => `sector:${s}` as const);

/** Hides every figure that would reveal a count of 1–4, across rows and columns. */
export function suppressTable(meetingRows: Row[], quarterRow: Row): void {
	const rows = [...meetingRows, quarterRow];
	for (let changed = true; changed;) {
		changed = false;
		for (const row of rows) {
			// Police + partner + not recorded = cases; the sectors add up to cases too.
			changed =
				protectGroup([row.police, row.partner, row['sector:not_recorded']], row.cases) || changed;
			changed =
				protectGroup(
					SECTOR_CELLS.map((k) => row[k]),
					row.cases
				) || changed;
		}
		// The quarter's counts are (at most) the sum of its meetings'.
		if (meetingRows.length > 1) {
			for (const key of COUNT_KEYS) {
				changed =
					protectGroup(
						meetingRows.map((r) => r[key]),
						quarterRow[key]
					) || changed;
			}
		}
	}
}

const shown = (cell: Cell): string | number =>
	cell.hidden === 'primary' ? suppress(cell.value) : cell.hidden ? WITHHELD : cell.value;

function shownPercent(part: Cell, whole: Cell): string | number {
	if (part.hidden || whole.hidden) return WITHHELD;
	return percent(part.value, whole.value) ?? '';
}

export const HEADER = [
	'Row',
	'Period',
	'Meeting date',
	'Meetings held',
	'Cases discussed',
	'SafeLives recommended cases',
	'Cases per 10,000 adult females (annualised)',
	'Repeat cases',
	'% repeat cases',
	'Children in households',
	'Referrals from police',
	'Referrals from partner agencies',
	'% partner-agency referrals',
	...SECTOR_KEYS.map((s) =>
		s === 'not_recorded' ? 'Referrals: agency not recorded' : `Referrals: ${SECTOR_TEXT[s]}`
	),
	'Victims Black, Asian or racially minoritised',
	'% Black, Asian or racially minoritised',
	'Victims LGBT+',
	'% LGBT+',
	'Victims with a disability',
	'% with a disability',
	'Male victims',
	'% male victims',
	'Victims aged 16–17',
	'% aged 16–17',
	'Perpetrators aged 17 or under',
	'Trafficking cases'
];

function line(
	kind: 'Meeting' | 'Quarter',
	period: string,
	date: string,
	meetingsHeld: number | string,
	r: Row,
	volume: { recommended: string | number; rate: string | number }
): (string | number)[] {
	return [
		kind,
		period,
		date,
		meetingsHeld,
		shown(r.cases),
		volume.recommended,
		volume.rate,
		shown(r.repeats),
		shownPercent(r.repeats, r.cases),
		shown(r.children),
		shown(r.police),
		shown(r.partner),
		shownPercent(r.partner, r.cases),
		...SECTOR_CELLS.map((k) => shown(r[k])),
		shown(r.minoritised),
		shownPercent(r.minoritised, r.cases),
		shown(r.lgbt),
		shownPercent(r.lgbt, r.cases),
		shown(r.disabled),
		shownPercent(r.disabled, r.cases),
		shown(r.male),
		shownPercent(r.male, r.cases),
		shown(r.aged16to17),
		shownPercent(r.aged16to17, r.cases),
		shown(r.perpetratorUnder18),
		shown(r.trafficking)
	];
}

/** The CSV text. Only meetings that have been held are exported. */
export function dataReturnCsvText(
	areaName: string,
	quarter: QuarterFigures,
	meetings: readonly MeetingFigures[],
	today: string
): string {
	const held = meetings.filter((m) => m.held);
	const meetingRows = held.map((m) => cellsOf(m.figures));
	const quarterRow = cellsOf(quarter.figures);
	suppressTable(meetingRows, quarterRow);
	const period = quarter.quarter.label;
	const rate =
		quarter.annualRatePer10k === null
			? ''
			: quarterRow.cases.hidden
				? WITHHELD
				: quarter.annualRatePer10k;
	return csv([
		['MARAC data return', areaName],
		['Period', period],
		['Exported', today],
		[
			'OFFICIAL-SENSITIVE',
			'Counts of 1 to 4 are shown as <5; [c] marks a figure withheld because a count of 1 to 4 could be worked out from it'
		],
		['Quarters', QUARTER_CONVENTION],
		[],
		HEADER,
		...held.map((m, i) =>
			line('Meeting', period, m.date, '', meetingRows[i]!, { recommended: '', rate: '' })
		),
		line('Quarter', period, '', quarter.meetingsHeld, quarterRow, {
			recommended: quarter.recommended ?? '',
			rate
		})
	]);
}
