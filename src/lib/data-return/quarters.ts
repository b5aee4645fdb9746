// Reporting quarters as SafeLives uses them: financial-year quarters, Q1 = April–June, so
// 2026/27 Q3 is October–December 2026 and Q4 is January–March 2027. Pure; no $lib imports.

export interface Quarter {
	/** "2026-Q3": the financial year by the calendar year it starts in, then the quarter. */
	key: string;
	/** The calendar year the financial year starts in (April). */
	fyStart: number;
	q: 1 | 2 | 3 | 4;
	/** First and last calendar dates (yyyy-mm-dd), inclusive. */
	from: string;
	to: string;
	label: string;
}

const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

const KEY = /^(\d{4})-Q([1-4])$/;

export function quarter(fyStart: number, q: 1 | 2 | 3 | 4): Quarter {
	// Q1 starts in April (month index 3); Q4 runs into the next calendar year.
	const firstMonth = 3 + (q - 1) * 3;
	const year = fyStart + Math.floor(firstMonth / 12);
	const month = firstMonth % 12;
	const lastDay = new Date(Date.UTC(year, month + 3, 0)).getUTCDate();
	const pad = (n: number) => String(n).padStart(2, '0');
	const fy = `${fyStart}/${String((fyStart + 1) % 100).padStart(2, '0')}`;
	return {
		key: `${fyStart}-Q${q}`,
		fyStart,
		q,
		from: `${year}-${pad(month + 1)}-01`,
		to: `${year}-${pad(month + 3)}-${pad(lastDay)}`,
		label: `${fy} Q${q} (${MONTHS[month]}–${MONTHS[month + 2]} ${year})`
	};
}

/** The quarter a calendar date (yyyy-mm-dd, UK) falls in. */
export function quarterOf(date: string): Quarter {
	const year = Number(date.slice(0, 4));
	const month = Number(date.slice(5, 7)); // 1–12
	const fyStart = month >= 4 ? year : year - 1;
	const q = (Math.floor((((month - 4 + 12) % 12) as number) / 3) + 1) as 1 | 2 | 3 | 4;
	return quarter(fyStart, q);
}

/** The quarter a key names, or null for anything malformed. */
export function parseQuarter(key: string): Quarter | null {
	const m = KEY.exec(key);
	if (!m) return null;
	const fyStart = Number(m[1]);
	if (fyStart < 2000 || fyStart > 2100) return null;
	return quarter(fyStart, Number(m[2]) as 1 | 2 | 3 | 4);
}

/** The quarter `steps` quarters after (negative: before) this one. */
export function shiftQuarter(from: Quarter, steps: number): Quarter {
	const index = from.fyStart * 4 + (from.q - 1) + steps;
	return quarter(Math.floor(index / 4), ((index % 4) + 1) as 1 | 2 | 3 | 4);
}

export const QUARTER_CONVENTION =
	'Quarters are financial-year quarters, as in SafeLives’ Marac data: Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January to March.';
