import { describe, expect, it } from 'vitest';
import {
	emptyFigures,
	quarterFigures,
	quarterMeetings,
	type Figures
} from '../../../src/lib/data-return/figures.ts';
import { parseQuarter } from '../../../src/lib/data-return/quarters.ts';
import { HEADER, WITHHELD, dataReturnCsvText } from '../../../src/lib/server/data-return/csv.ts';
import { MEETINGS } from '../../lib/data-return/fixture.ts';

const Q3 = parseQuarter('2026-Q3')!;

/** One CSV line's fields (quoted fields may hold commas; none here holds a line break). */
function fields(line: string): string[] {
	const out: string[] = [];
	for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)) {
		if (m.index === line.length && out.length > 0 && !line.endsWith(',')) break;
		const f = m[1]!;
		out.push(f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f);
	}
	return out;
}

/** The data rows of the CSV as objects keyed by column heading. */
function table(text: string): Record<string, string>[] {
	const lines = text.trimEnd().split('\r\n');
	const start = lines.findIndex((l) => l.startsWith('Row,'));
	expect(fields(lines[start]!)).toEqual(HEADER);
	return lines.slice(start + 1).map((l) => {
		const cells = fields(l);
		return Object.fromEntries(HEADER.map((h, i) => [h, cells[i]!]));
	});
}

const COUNT_COLUMNS = HEADER.filter(
	(h) =>
		![
			'Row',
			'Period',
			'Meeting date',
			'Meetings held',
			'SafeLives recommended cases',
			'Cases per 10,000 adult females (annualised)'
		].includes(h) && !h.startsWith('%')
);

const PERCENT_OF: Record<string, string> = {
	'% repeat cases': 'Repeat cases',
	'% partner-agency referrals': 'Referrals from partner agencies',
	'% Black, Asian or racially minoritised': 'Victims Black, Asian or racially minoritised',
	'% LGBT+': 'Victims LGBT+',
	'% with a disability': 'Victims with a disability',
	'% male victims': 'Male victims',
	'% aged 16–17': 'Victims aged 16–17'
};

function csvFor(meetings = MEETINGS, population: number | null = 100_000) {
	return dataReturnCsvText(
		'Demo Area',
		quarterFigures(Q3, meetings, population),
		quarterMeetings(Q3, meetings),
		'2026-11-28'
	);
}

describe('data return CSV', () => {
	const text = csvFor();
	const rows = table(text);
	const quarter = rows.find((r) => r.Row === 'Quarter')!;
	const m1 = rows.find((r) => r['Meeting date'] === '2026-10-15')!;
	const m2 = rows.find((r) => r['Meeting date'] === '2026-11-19')!;

	it('has one row per held meeting and one for the quarter, marked OFFICIAL-SENSITIVE', () => {
		expect(text).toContain('OFFICIAL-SENSITIVE');
		expect(text).toContain('Q1 is April to June');
		expect(rows.map((r) => r.Row)).toEqual(['Meeting', 'Meeting', 'Quarter']);
		expect(rows.some((r) => r['Meeting date'] === '2026-12-10')).toBe(false);
		expect(quarter['Meetings held']).toBe('2');
		expect(quarter['SafeLives recommended cases']).toBe('100');
	});

	it('shows 1–4 as <5, keeps 0 and shows 5 or more', () => {
		expect(quarter['Cases discussed']).toBe('9');
		expect(quarter['Children in households']).toBe('7');
		expect(quarter['Repeat cases']).toBe('<5');
		expect(quarter['Victims LGBT+']).toBe('<5');
		expect(quarter['Referrals: Mental health']).toBe('0');
		expect(m1['Cases discussed']).toBe('<5');
		expect(m1['Victims aged 16–17']).toBe('0');
		expect(m1['Children in households']).toBe('<5');
	});

	it('withholds the one figure that would give away a suppressed count by subtraction', () => {
		// 9 in the quarter, 4 at the first meeting: the second's 6 would reveal it.
		expect(m2['Cases discussed']).toBe(WITHHELD);
		// …and the annualised rate is shown because the quarter's cases are.
		expect(quarter['Cases per 10,000 adult females (annualised)']).toBe('3.6');
	});

	it('never shows a count of 1–4 and no percentage of a hidden count', () => {
		for (const row of rows) {
			for (const column of COUNT_COLUMNS) {
				expect(row[column], `${row.Row} ${row['Meeting date']} ${column}`).toMatch(
					/^(0|<5|\[c\]|[5-9]|\d{2,})$/
				);
			}
			for (const [pct, count] of Object.entries(PERCENT_OF)) {
				const hidden = (v: string) => v === '<5' || v === WITHHELD;
				if (hidden(row[count]!) || hidden(row['Cases discussed']!)) {
					expect(row[pct], `${row.Row} ${pct}`).toBe(WITHHELD);
				}
			}
		}
		expect(quarter['% repeat cases']).toBe(WITHHELD);
	});

	it('shows percentages when neither part is suppressed', () => {
		const f: Figures = { ...emptyFigures(), cases: 20, repeats: 6, partner: 8, police: 12 };
		f.bySector.police = 12;
		f.bySector.health = 8;
		const q = { ...quarterFigures(Q3, [], 100_000), meetingsHeld: 1, figures: f };
		const one = quarterMeetings(Q3, MEETINGS)
			.slice(0, 1)
			.map((m) => ({ ...m, figures: f }));
		const r = table(dataReturnCsvText('Demo Area', q, one, '2026-11-28')).find(
			(x) => x.Row === 'Quarter'
		)!;
		expect(r['% repeat cases']).toBe('30');
		expect(r['% partner-agency referrals']).toBe('40');
		expect(r['% male victims']).toBe('0');
	});

	it('withholds a second referral count when only one in a row is small', () => {
		// 12 cases: 7 police, 5 partner (health 4 hidden, housing 1 hidden) — fine; then 8 police,
		// 4 partner: partner <5 alone in police/partner/not-recorded, so police is withheld too.
		const f: Figures = { ...emptyFigures(), cases: 12, police: 8, partner: 4 };
		f.bySector.police = 8;
		f.bySector.health = 4;
		const q = { ...quarterFigures(Q3, [], null), meetingsHeld: 1, figures: f };
		const one = quarterMeetings(Q3, MEETINGS)
			.slice(0, 1)
			.map((m) => ({ ...m, figures: f }));
		const r = table(dataReturnCsvText('Demo Area', q, one, '2026-11-28')).find(
			(x) => x.Row === 'Quarter'
		)!;
		expect(r['Referrals from partner agencies']).toBe('<5');
		expect(r['Referrals from police']).toBe(WITHHELD);
		expect(r['Referrals: Police']).toBe(WITHHELD);
		expect(r['% partner-agency referrals']).toBe(WITHHELD);
		expect(r['Cases discussed']).toBe('12');
		expect(r['SafeLives recommended cases']).toBe('');
	});
});
