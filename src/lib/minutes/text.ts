// Every word the minutes documents print that is not the meeting's own content: section titles,
// status words, the watermark and how dates read. One place, so the DOCX and the PDF never
// disagree (both renderers draw from the outline in outline.ts, which draws from here).
import { ACTION_STATUS_TEXT } from '../action-status.ts';
import { londonDate, MARAC_TIME_ZONE } from '../dates.ts';
import type { ExportMark, MinutesCase } from './model.ts';

export const SECTION = {
	meeting: 'Meeting',
	present: 'Present',
	observers: 'Observers',
	apologies: 'Apologies',
	confidentiality: 'Confidentiality statement',
	version: 'Version',
	cases: 'Cases',
	riskFlags: 'Risk flags',
	riskSummary: 'Risk summary',
	victimVoice: 'Victim’s voice',
	safetyPlan: 'Safety plan',
	decisions: 'Decisions',
	agencies: 'Information shared by agencies',
	actions: 'Actions',
	carried: 'Incomplete actions from earlier meetings',
	carriedNotPossible: ACTION_STATUS_TEXT.not_possible,
	carriedNotDone: ACTION_STATUS_TEXT.not_done,
	restricted: 'Restricted — safe contact details',
	pathway: 'Trafficking pathway',
	keyDates: 'Key dates',
	alerts: 'Alerts'
} as const;

export const LABEL = {
	marac: 'MARAC',
	date: 'Date',
	venue: 'Venue',
	chair: 'Chair',
	agency: 'Agency',
	representatives: 'Representatives',
	name: 'Name',
	confidentialityConfirmed: 'Confidentiality statement confirmed',
	informationSent: 'Information sent',
	children: 'Children in household',
	action: 'Action',
	due: 'Due',
	status: 'Status',
	stage: 'Stage',
	keyDate: 'Date',
	what: 'What'
} as const;

/** "Page X of Y": the words around the two numbers (DOCX fills them in with Word's fields). */
export const PAGE_WORDS = { before: 'Page ', between: ' of ' } as const;
export const pageText = (current: number, total: number) =>
	`${PAGE_WORDS.before}${current}${PAGE_WORDS.between}${total}`;

/** What an empty part says. Worded so a recipient who sees less is not told there is nothing. */
export const EMPTY = {
	text: 'Not recorded.',
	present: 'No attendance recorded.',
	observers: 'No observers.',
	apologies: 'No apologies.',
	riskFlags: 'No risk flags recorded.',
	actions: 'No actions in these minutes.',
	keyDates: 'No key dates recorded.',
	alerts: 'No alerts.',
	cases: 'No cases in these minutes.'
} as const;

export const KIND_TEXT: Record<MinutesCase['kind'], string> = {
	domestic_abuse: 'Domestic abuse',
	human_trafficking: 'Human trafficking / modern slavery'
};

export const REPEAT_TEXT = 'Repeat';
export const ONLINE_TEXT = 'Online';
export const DRAFT_TEXT = 'DRAFT — not issued';
export const RESTRICTED_WARNING =
	'Restricted: these details could lead someone to the victim. Do not copy, forward or record ' +
	'them anywhere else.';
export const ALERT_TEXT = { urgent: 'Urgent', warning: 'Warning', info: 'Information' } as const;
export const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

export { ACTION_STATUS_TEXT };

const DATE = new Intl.DateTimeFormat('en-GB', {
	timeZone: MARAC_TIME_ZONE,
	day: 'numeric',
	month: 'long',
	year: 'numeric'
});
const TIME = new Intl.DateTimeFormat('en-GB', {
	timeZone: MARAC_TIME_ZONE,
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function instant(value: string): Date | null {
	// A bare calendar date names a day, not an instant: read it at noon UTC, which is the same
	// day in London whatever the season.
	const at = new Date(CALENDAR_DATE.test(value) ? `${value}T12:00:00Z` : value);
	return Number.isNaN(at.getTime()) ? null : at;
}

/** "12 March 2026" in UK time; anything unreadable is printed as given rather than dropped. */
export function formatDate(value: string | null): string {
	if (!value) return EMPTY.text;
	const at = instant(value);
	return at ? DATE.format(at) : clean(value);
}

/** "09:30" in UK time. */
export function formatTime(value: string): string {
	const at = instant(value);
	return at ? TIME.format(at) : clean(value);
}

/** "12 March 2026, 09:30" in UK time (a bare date prints without a time). */
export function formatDateTime(value: string | null): string {
	if (!value) return EMPTY.text;
	if (CALENDAR_DATE.test(value)) return formatDate(value);
	const at = instant(value);
	return at ? `${DATE.format(at)}, ${TIME.format(at)}` : clean(value);
}

/** "2026-03-12 09:30 UTC": the watermark's time, in UTC so it matches the audit record. */
export function formatUtc(value: string): string {
	const at = instant(value);
	if (!at) return clean(value);
	return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The line printed on every page naming who the export is for and which export it is. */
export function watermarkText(mark: ExportMark): string {
	return (
		`Exported for ${clean(mark.recipientName)}, ${clean(mark.recipientAgency)} · ` +
		`${formatUtc(mark.exportedAt)} · Export ${clean(mark.exportId)}`
	);
}

export function titleText(marac: string, heldAt: string): string {
	return `MARAC minutes — ${clean(marac)} — ${formatDate(heldAt)}`;
}

// C0 controls other than tab and newline, DEL, non-characters and lone surrogates: none can be
// written into a DOCX (XML 1.0 forbids them; Word refuses the file) and none mean anything here.
const UNPRINTABLE =
	// eslint-disable-next-line no-control-regex
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe to print: line endings made `\n`, unprintable characters removed. */
export function clean(text: string): string {
	return text.replace(/\r\n?/g, '\n').replace(UNPRINTABLE, '');
}

/** Multi-line text as paragraphs: one per non-blank line. */
export function paragraphs(text: string): string[] {
	return clean(text)
		.split('\n')
		.map((line) => line.trimEnd())
		.filter((line) => line.trim() !== '');
}

/**
 * A download file name for the minutes, e.g. `marac-minutes-demo-area-2026-06-11-v2.pdf`: ASCII
 * letters, digits and hyphens only, so it can go in a Content-Disposition header as it is. The
 * meeting's date is its UK calendar date; no recipient or case detail is put in the name.
 */
export function minutesFileName(
	minutes: { header: { marac: string; heldAt: string }; version: { version: number } },
	extension: 'docx' | 'pdf'
): string {
	const area =
		minutes.header.marac
			.normalize('NFKD')
			.replace(/\p{M}+/gu, '')
			.toLowerCase()
			.replace(/\bmarac\b/g, '')
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60)
			.replace(/-+$/, '') || 'area';
	const at = instant(minutes.header.heldAt);
	const day = at ? londonDate(at) : 'undated';
	const version = minutes.version.version === 0 ? 'draft' : `v${minutes.version.version}`;
	return `marac-minutes-${area}-${day}-${version}.${extension}`;
}
