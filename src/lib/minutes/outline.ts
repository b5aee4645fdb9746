// The minutes as a list of neutral blocks (headings, paragraphs, tables…) in reading order, laid
// out per the SafeLives minutes template (domain.md §1.7 D). Both renderers only draw these
// blocks, so what the DOCX and the PDF say, and in which order, is decided here once. Pure: no
// database, no clock; everything comes from the `Minutes` the access policy produced.
import type { Minutes, MinutesAction, MinutesCase } from './model.ts';
import {
	ACTION_STATUS_TEXT,
	ALERT_TEXT,
	DRAFT_TEXT,
	EMPTY,
	KIND_TEXT,
	LABEL,
	ONLINE_TEXT,
	REPEAT_TEXT,
	RESTRICTED_WARNING,
	SECTION,
	clean,
	formatDate,
	formatDateTime,
	formatTime,
	paragraphs,
	titleText,
	yesNo
} from './text.ts';

/** 1: meeting sections and "Cases"; 2: a case; 3: a part of a case; 4: a group within it. */
export type Level = 1 | 2 | 3 | 4;

export type BannerTone = 'draft' | 'interpreter' | 'restricted' | 'urgent' | 'warning' | 'info';

export type Block =
	| { kind: 'heading'; level: Level; text: string }
	/** One paragraph per entry. */
	| { kind: 'paragraphs'; lines: string[] }
	/** Label / value pairs (values may hold several lines). */
	| { kind: 'fields'; rows: { label: string; value: string[] }[] }
	/** Widths are fractions of the page width; each cell holds one or more lines. */
	| { kind: 'table'; columns: { title: string; width: number }[]; rows: string[][][] }
	| { kind: 'list'; items: string[] }
	| { kind: 'banner'; tone: BannerTone; text: string };

export interface Outline {
	title: string;
	blocks: Block[];
}

const text = (value: string) => {
	const lines = paragraphs(value);
	return lines.length > 0 ? lines : [EMPTY.text];
};

const heading = (level: Level, value: string): Block => ({
	kind: 'heading',
	level,
	text: clean(value)
});

function venue(header: Minutes['header']): string {
	const place = header.venue?.trim() ? clean(header.venue.trim()) : null;
	// A venue that already says it is online ("Online (secure video)") is not repeated.
	if (header.online && place && /online/i.test(place)) return place;
	if (header.online) return place ? `${place} and ${ONLINE_TEXT.toLowerCase()}` : ONLINE_TEXT;
	return place ?? EMPTY.text;
}

function versionLine(version: Minutes['version']): string {
	if (version.version === 0) return DRAFT_TEXT;
	let line = `Version ${version.version}`;
	if (version.issuedAt) line += ` issued ${formatDateTime(version.issuedAt)}`;
	if (version.issuedBy) line += ` by ${clean(version.issuedBy)}`;
	return `${line}.`;
}

function front(minutes: Minutes): Block[] {
	const { header, attendance, version } = minutes;
	const meetingDay = formatDate(header.heldAt);
	const blocks: Block[] = [];
	if (version.version === 0) blocks.push({ kind: 'banner', tone: 'draft', text: DRAFT_TEXT });
	blocks.push(heading(1, SECTION.meeting), {
		kind: 'fields',
		rows: [
			{ label: LABEL.marac, value: [clean(header.marac)] },
			{ label: LABEL.date, value: [formatDateTime(header.heldAt)] },
			{ label: LABEL.venue, value: [venue(header)] },
			{ label: LABEL.chair, value: [header.chair?.trim() ? clean(header.chair) : EMPTY.text] }
		]
	});

	blocks.push(heading(1, SECTION.present));
	if (attendance.present.length === 0) blocks.push({ kind: 'paragraphs', lines: [EMPTY.present] });
	else
		blocks.push({
			kind: 'table',
			columns: [
				{ title: LABEL.agency, width: 0.35 },
				{ title: LABEL.representatives, width: 0.65 }
			],
			rows: attendance.present.map((p) => [[clean(p.agency)], p.people.map(clean)])
		});

	blocks.push(heading(1, SECTION.observers));
	if (attendance.observers.length === 0) {
		blocks.push({ kind: 'paragraphs', lines: [EMPTY.observers] });
	} else
		blocks.push({
			kind: 'table',
			columns: [
				{ title: LABEL.name, width: 0.35 },
				{ title: LABEL.agency, width: 0.35 },
				{ title: LABEL.confidentialityConfirmed, width: 0.3 }
			],
			rows: attendance.observers.map((o) => {
				const at = o.confidentialityConfirmedAt;
				// The time alone on the meeting's day; the date as well if confirmed on another.
				const when = at && (formatDate(at) === meetingDay ? formatTime(at) : formatDateTime(at));
				return [[clean(o.name)], [clean(o.agency)], [at ? `Yes, ${when}` : 'No']];
			})
		});

	blocks.push(heading(1, SECTION.apologies));
	if (attendance.apologies.length === 0) {
		blocks.push({ kind: 'paragraphs', lines: [EMPTY.apologies] });
	} else
		blocks.push({
			kind: 'table',
			columns: [
				{ title: LABEL.name, width: 0.35 },
				{ title: LABEL.agency, width: 0.35 },
				{ title: LABEL.informationSent, width: 0.3 }
			],
			rows: attendance.apologies.map((a) => [
				[clean(a.name)],
				[clean(a.agency)],
				[yesNo(a.informationSent)]
			])
		});

	blocks.push(heading(1, SECTION.confidentiality), {
		kind: 'paragraphs',
		lines: text(minutes.confidentialityStatement)
	});
	const reason = version.version > 0 && version.reason?.trim() ? paragraphs(version.reason) : [];
	blocks.push(heading(1, SECTION.version), {
		kind: 'paragraphs',
		lines: [versionLine(version), ...reason.map((line, i) => (i === 0 ? `Reason: ${line}` : line))]
	});
	return blocks;
}

function actionRows(actions: MinutesAction[]): string[][][] {
	return actions.map((a) => {
		const note = paragraphs(a.statusNote);
		return [
			[clean(a.agency)],
			text(a.text),
			[a.dueOn ? formatDate(a.dueOn) : EMPTY.text],
			[ACTION_STATUS_TEXT[a.status] ?? clean(String(a.status)), ...note]
		];
	});
}

function actionTable(actions: MinutesAction[]): Block {
	if (actions.length === 0) return { kind: 'paragraphs', lines: [EMPTY.actions] };
	return {
		kind: 'table',
		columns: [
			{ title: LABEL.agency, width: 0.2 },
			{ title: LABEL.action, width: 0.46 },
			{ title: LABEL.due, width: 0.14 },
			{ title: LABEL.status, width: 0.2 }
		],
		rows: actionRows(actions)
	};
}

function interpreterText(value: string): string {
	const line = paragraphs(value).join(' ');
	return /^interpreter/i.test(line) ? line : `Interpreter needed: ${line}`;
}

function caseBlocks(c: MinutesCase): Block[] {
	const title = `${c.reference} — ${KIND_TEXT[c.kind]}${c.repeat ? ` — ${REPEAT_TEXT}` : ''}`;
	const blocks: Block[] = [
		heading(2, title),
		{
			kind: 'fields',
			rows: [{ label: LABEL.children, value: [String(c.childrenInHousehold)] }]
		}
	];
	if (c.interpreter?.trim()) {
		blocks.push({ kind: 'banner', tone: 'interpreter', text: interpreterText(c.interpreter) });
	}
	// A plan the recipient may not read (or that was never written) is left out, not described.
	if (c.plan) {
		const flags = c.plan.riskFlags.map(clean).filter((f) => f.trim() !== '');
		blocks.push(
			heading(3, SECTION.riskFlags),
			flags.length > 0
				? { kind: 'list', items: flags }
				: { kind: 'paragraphs', lines: [EMPTY.riskFlags] },
			heading(3, SECTION.riskSummary),
			{ kind: 'paragraphs', lines: text(c.plan.riskSummary) },
			heading(3, SECTION.victimVoice),
			{ kind: 'paragraphs', lines: text(c.plan.victimVoice) },
			heading(3, SECTION.safetyPlan),
			{ kind: 'paragraphs', lines: text(c.plan.safetyPlan) },
			heading(3, SECTION.decisions),
			{ kind: 'paragraphs', lines: text(c.plan.decisions) }
		);
	}
	if (c.agencies.length > 0) {
		blocks.push(heading(3, SECTION.agencies));
		for (const a of c.agencies) {
			blocks.push(heading(4, a.agency), { kind: 'paragraphs', lines: text(a.summary) });
		}
	}
	blocks.push(heading(3, SECTION.actions), actionTable(c.actions));
	const { notPossible, notDone } = c.carried;
	if (notPossible.length + notDone.length > 0) {
		blocks.push(heading(3, SECTION.carried));
		if (notPossible.length > 0) {
			blocks.push(heading(4, SECTION.carriedNotPossible), actionTable(notPossible));
		}
		if (notDone.length > 0) blocks.push(heading(4, SECTION.carriedNotDone), actionTable(notDone));
	}
	if (c.restricted && c.restricted.fields.length > 0) {
		blocks.push(
			heading(3, SECTION.restricted),
			{ kind: 'banner', tone: 'restricted', text: RESTRICTED_WARNING },
			{
				kind: 'fields',
				rows: c.restricted.fields.map((f) => ({ label: clean(f.label), value: text(f.value) }))
			}
		);
	}
	if (c.pathway) {
		const p = c.pathway;
		blocks.push(heading(3, SECTION.pathway), {
			kind: 'fields',
			rows: [{ label: LABEL.stage, value: text(p.stage) }]
		});
		blocks.push(heading(4, SECTION.keyDates));
		blocks.push(
			p.keyDates.length > 0
				? {
						kind: 'table',
						columns: [
							{ title: LABEL.what, width: 0.6 },
							{ title: LABEL.keyDate, width: 0.4 }
						],
						rows: p.keyDates.map((d) => [text(d.label), [formatDate(d.date)]])
					}
				: { kind: 'paragraphs', lines: [EMPTY.keyDates] }
		);
		blocks.push(heading(4, SECTION.alerts));
		if (p.alerts.length === 0) blocks.push({ kind: 'paragraphs', lines: [EMPTY.alerts] });
		for (const alert of p.alerts) {
			const tone = alert.level in ALERT_TEXT ? alert.level : 'info';
			blocks.push({
				kind: 'banner',
				tone,
				text: `${ALERT_TEXT[tone]}: ${paragraphs(alert.text).join(' ')}`
			});
		}
	}
	return blocks;
}

export function minutesOutline(minutes: Minutes): Outline {
	const blocks = front(minutes);
	blocks.push(heading(1, SECTION.cases));
	if (minutes.cases.length === 0) blocks.push({ kind: 'paragraphs', lines: [EMPTY.cases] });
	for (const c of minutes.cases) blocks.push(...caseBlocks(c));
	return { title: titleText(minutes.header.marac, minutes.header.heldAt), blocks };
}
