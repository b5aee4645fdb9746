// Minutes as a PDF, drawn from the shared outline with pdfmake (pure JavaScript: no browser).
// Every page carries the marking and the recipient's watermark in its header and footer, plus a
// diagonal light-grey watermark across the page.
//
// pdfmake is CommonJS whose export is an instance (`module.exports = new pdfmake()`), so neither
// named imports nor a bundler's interop can be relied on. It is loaded with Node's own `require`,
// from wherever this module runs: the source file (Vitest, Node type stripping) or a chunk under
// build/server (the built app, where pdfmake stays an external dependency in node_modules).
// Fonts are the Roboto files pdfmake ships, read from its package directory, and Noto fonts for
// scripts Roboto lacks (see pdf-scripts.ts).
import { createRequire } from 'node:module';
import type * as PdfMake from 'pdfmake';
import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces';
import type { ExportMark, Minutes } from '../../minutes/model.ts';
import { MISSING, ScriptText, loadFonts, type Run } from './pdf-scripts.ts';
import { minutesOutline, type BannerTone, type Block, type Level } from '../../minutes/outline.ts';
import { pageText, watermarkText } from '../../minutes/text.ts';

type Engine = typeof PdfMake;

let engine: { pdfmake: Engine; scripts: ScriptText } | null = null;

function pdfmake(): { pdfmake: Engine; scripts: ScriptText } {
	if (engine) return engine;
	const require = createRequire(import.meta.url);
	const loaded = require('pdfmake') as Engine;
	const fonts = loadFonts(require);
	loaded.setFonts(fonts.table);
	// The documents hold text only: nothing may be fetched, and only the fonts may be read.
	loaded.setUrlAccessPolicy(() => false);
	loaded.setLocalAccessPolicy((path) => fonts.files.has(path));
	engine = { pdfmake: loaded, scripts: new ScriptText(fonts) };
	return engine;
}

/** Text as pdfmake takes it: a plain string, or runs each in the font that draws it. */
type Inline = string | Run[];
type Texter = (text: string) => Inline;

/**
 * A function that turns each text of one document into pdfmake inline text (long words made
 * breakable, scripts Roboto lacks in their own fonts), remembering whether any character could
 * not be drawn at all.
 */
function texter(scripts: ScriptText): { t: Texter; missing: () => boolean } {
	let missing = false;
	const t = (text: string): Inline => {
		const lines = breakable(text).split(/\r\n|\r|\n/);
		const runs: Run[] = [];
		lines.forEach((line, i) => {
			if (i > 0) runs.push({ text: '\n' });
			const prepared = scripts.prepare(line);
			missing ||= prepared.missing;
			runs.push(...prepared.runs);
		});
		return runs.length === 1 && runs[0]!.font === undefined ? runs[0]!.text : runs;
	};
	return { t, missing: () => missing };
}

const GREY = '#595959';
const HEADING_SIZE: Record<Level, number> = { 1: 15, 2: 13.5, 3: 11.5, 4: 10.5 };
// Fill and rule colours by tone; the tone's word is in the text, so colour is never the only cue.
const BANNER: Record<BannerTone, { fill: string; rule: string }> = {
	draft: { fill: '#FDECEA', rule: '#B3261E' },
	interpreter: { fill: '#E8F0FE', rule: '#1A56DB' },
	restricted: { fill: '#FDECEA', rule: '#B3261E' },
	urgent: { fill: '#FDECEA', rule: '#B3261E' },
	warning: { fill: '#FFF4E5', rule: '#B26A00' },
	info: { fill: '#EEF2F6', rule: '#5B6B7F' }
};
const GRID = {
	hLineWidth: () => 0.5,
	vLineWidth: () => 0.5,
	hLineColor: () => '#BFBFBF',
	vLineColor: () => '#BFBFBF',
	paddingLeft: () => 4,
	paddingRight: () => 4,
	paddingTop: () => 3,
	paddingBottom: () => 3
};

// pdfmake breaks a word too long for its line by measuring ever longer prefixes, which takes
// time quadratic in the word's length (a 2,000-letter word in a table cell: seconds). A zero-width
// space every few letters of a long word gives it places to break instead; Roboto draws it as
// nothing, so the text reads the same.
const LONG_WORD = /[^\s\u200B]{24,}/g;
const breakable = (text: string) =>
	text.replace(LONG_WORD, (word) => word.replace(/.{16}/gsu, '$&\u200B'));

const lines = (t: Texter, values: string[], bold = false): Content =>
	values.length === 1
		? { text: t(values[0]!), bold }
		: { stack: values.map((text) => ({ text: t(text), bold, margin: [0, 0, 0, 2] })) };

// A short row is kept whole on one page. pdfmake drops any unbreakable row taller than a page
// (and everything in an unbreakable block past its first page), so
// rows are kept whole only when every row certainly fits: the estimate assumes letters twice as
// wide as Roboto's average (45 to a full-width line) and stays under two-thirds of a page.
const SAFE_ROW_LINES = 30;

function rowsFitOnAPage(columns: { width: number }[], rows: string[][][]): boolean {
	return rows.every((row) =>
		row.every((cell, i) => {
			const perLine = Math.max(1, Math.floor((columns[i]?.width ?? 0.1) * 45));
			const lines = cell.reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
			return lines <= SAFE_ROW_LINES;
		})
	);
}

function table(
	t: Texter,
	columns: { title: string; width: number }[],
	rows: string[][][]
): Content {
	const header: TableCell[] = columns.map((c) => ({
		text: t(c.title),
		bold: true,
		fillColor: '#F2F2F2'
	}));
	return {
		table: {
			dontBreakRows: rowsFitOnAPage(columns, rows),
			headerRows: 1,
			// The header row is not left alone at the foot of a page, if it and the first row
			// certainly fit on one (they are held as one unbreakable block, with the same risk).
			keepWithHeaderRows: rowsFitOnAPage(columns, rows.slice(0, 1)) ? 1 : 0,
			widths: columns.map((c) => `${Math.round(c.width * 100)}%`),
			body: [header, ...rows.map((row) => row.map((cell) => lines(t, cell) as TableCell))]
		},
		layout: GRID,
		margin: [0, 2, 0, 8]
	};
}

function block(t: Texter, b: Block): Content {
	switch (b.kind) {
		case 'heading':
			return {
				text: t(b.text),
				bold: true,
				fontSize: HEADING_SIZE[b.level],
				margin: [0, b.level <= 2 ? 12 : 8, 0, 4],
				headlineLevel: b.level
			};
		case 'paragraphs':
			return { stack: b.lines.map((text) => ({ text: t(text), margin: [0, 0, 0, 4] })) };
		case 'list':
			return { ul: b.items.map((item) => ({ text: t(item) })), margin: [0, 0, 0, 4] };
		case 'banner': {
			const { fill, rule } = BANNER[b.tone];
			return {
				table: {
					widths: ['*'],
					body: [[{ text: t(b.text), bold: true, fillColor: fill }]]
				},
				layout: {
					...GRID,
					hLineWidth: () => 1.5,
					vLineWidth: () => 1.5,
					hLineColor: () => rule,
					vLineColor: () => rule,
					paddingTop: () => 5,
					paddingBottom: () => 5
				},
				margin: [0, 4, 0, 8]
			};
		}
		case 'fields':
			return {
				table: {
					widths: ['30%', '70%'],
					body: b.rows.map((r) => [
						{ text: t(r.label), bold: true, fillColor: '#F2F2F2' },
						lines(t, r.value) as TableCell
					])
				},
				layout: GRID,
				margin: [0, 2, 0, 8]
			};
		case 'table':
			return table(t, b.columns, b.rows);
	}
}

// A heading should not be left alone at the foot of a page. pdfmake's pageBreakBefore hook costs
// a whole new layout per page break it adds, and an unbreakable block taller than a page loses
// everything after its first page; so a heading is held together only with what follows it when
// that is certainly short: a small block, or the first paragraph of a longer text.
const SHORT_CHARS = 600;
const SHORT_ROWS = 4;

function isShort(b: Block): boolean {
	const size = (values: string[]) => values.reduce((n, v) => n + v.length, 0);
	switch (b.kind) {
		case 'heading':
		case 'banner':
			return b.text.length <= SHORT_CHARS;
		case 'paragraphs':
			return b.lines.length <= SHORT_ROWS && size(b.lines) <= SHORT_CHARS;
		case 'list':
			return b.items.length <= SHORT_ROWS * 2 && size(b.items) <= SHORT_CHARS;
		case 'fields':
			return b.rows.length <= SHORT_ROWS && size(b.rows.flatMap((r) => r.value)) <= SHORT_CHARS;
		case 'table':
			return b.rows.length <= SHORT_ROWS && size(b.rows.flat(2)) <= SHORT_CHARS;
	}
}

function keepHeadingsWithText(t: Texter, blocks: Block[]): Content[] {
	const out: Content[] = [];
	for (let i = 0; i < blocks.length;) {
		if (blocks[i]!.kind !== 'heading') {
			out.push(block(t, blocks[i++]!));
			continue;
		}
		const held: Content[] = [];
		while (blocks[i]?.kind === 'heading') held.push(block(t, blocks[i++]!));
		const next = blocks[i];
		if (next && isShort(next)) {
			held.push(block(t, next));
			i++;
		} else if (next?.kind === 'paragraphs' && (next.lines[0]?.length ?? 0) <= SHORT_CHARS) {
			held.push(block(t, { kind: 'paragraphs', lines: next.lines.slice(0, 1) }));
			out.push({ stack: held, unbreakable: true });
			out.push(block(t, { kind: 'paragraphs', lines: next.lines.slice(1) }));
			i++;
			continue;
		}
		out.push({ stack: held, unbreakable: true });
	}
	return out;
}

/** The minutes for one recipient as a PDF file. Pure: everything comes from the arguments. */
export async function renderMinutesPdf(minutes: Minutes, mark: ExportMark): Promise<Uint8Array> {
	const outline = minutesOutline(minutes);
	const line = watermarkText(mark);
	const { pdfmake: engine, scripts } = pdfmake();
	const { t, missing } = texter(scripts);
	const title = t(outline.title);
	const body = keepHeadingsWithText(t, outline.blocks);
	const marked = t(line);
	const marking = t(mark.marking);
	// Said once, at the top, when any character had to be shown as the marker.
	const note: Content[] = missing()
		? [
				block(t, {
					kind: 'banner',
					tone: 'warning',
					text: `Some characters could not be shown in this PDF and appear as ${MISSING}. The Word version of these minutes shows them.`
				})
			]
		: [];
	const definition: TDocumentDefinitions = {
		pageSize: 'A4',
		pageMargins: [45, 62, 45, 70],
		info: {
			title: outline.title,
			subject: mark.marking,
			creator: 'MARAC portal',
			producer: 'MARAC portal',
			keywords: line
		},
		defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.15 },
		header: () => ({
			margin: [45, 18, 45, 0],
			stack: [
				{ text: marking, bold: true, alignment: 'center', fontSize: 10 },
				{ text: marked, alignment: 'center', fontSize: 7.5, color: GREY, margin: [0, 2, 0, 0] }
			]
		}),
		footer: (currentPage: number, pageCount: number) => ({
			margin: [45, 12, 45, 0],
			stack: [
				{ text: marked, alignment: 'center', fontSize: 7.5, color: GREY },
				{ text: pageText(currentPage, pageCount), alignment: 'center', fontSize: 8.5 },
				{ text: marking, bold: true, alignment: 'center', fontSize: 10 }
			]
		}),
		// The watermark is drawn in one font: a character Roboto lacks shows as the marker there (the
		// header and footer carry the same line in full).
		watermark: {
			text: scripts.baseOnly(line),
			// pdfmake's own sizing fills the page to its edges, where printers cut it off.
			fontSize: Math.min(40, Math.max(8, 600 / (line.length * 0.56))),
			color: '#9E9E9E',
			opacity: 0.18,
			bold: true,
			angle: -45
		},
		content: [{ text: title, bold: true, fontSize: 18, margin: [0, 0, 0, 8] }, ...note, ...body]
	};
	const buffer = await engine.createPdf(definition).getBuffer();
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
