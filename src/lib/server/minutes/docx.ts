// Minutes as a Word document (DOCX), drawn from the shared outline. Every page carries the
// marking and the recipient's watermark in its header and footer, plus a diagonal WordArt
// watermark of the same line (Word's own Design > Watermark shape, so it sits behind the text).
import {
	AlignmentType,
	BorderStyle,
	Document,
	Footer,
	Header,
	HeadingLevel,
	Packer,
	PageNumber,
	Paragraph,
	ShadingType,
	Table,
	TableCell,
	TableRow,
	TextRun,
	WidthType
} from 'docx';
import { TextWatermark } from 'docx/watermarks';
import type { ExportMark, Minutes } from '../../minutes/model.ts';
import { minutesOutline, type Block, type BannerTone, type Level } from '../../minutes/outline.ts';
import { PAGE_WORDS, watermarkText } from '../../minutes/text.ts';

const FONT = 'Arial';
const GREY = '595959';
const TABLE_RULE = { style: BorderStyle.SINGLE, size: 4, color: 'BFBFBF' } as const;
const TABLE_BORDERS = {
	top: TABLE_RULE,
	bottom: TABLE_RULE,
	left: TABLE_RULE,
	right: TABLE_RULE,
	insideHorizontal: TABLE_RULE,
	insideVertical: TABLE_RULE
};
const HEADING: Record<Level, (typeof HeadingLevel)[keyof typeof HeadingLevel]> = {
	1: HeadingLevel.HEADING_1,
	2: HeadingLevel.HEADING_2,
	3: HeadingLevel.HEADING_3,
	4: HeadingLevel.HEADING_4
};
// Fill and rule colours by tone; the tone's word is in the text, so colour is never the only cue.
const BANNER: Record<BannerTone, { fill: string; rule: string }> = {
	draft: { fill: 'FDECEA', rule: 'B3261E' },
	interpreter: { fill: 'E8F0FE', rule: '1A56DB' },
	restricted: { fill: 'FDECEA', rule: 'B3261E' },
	urgent: { fill: 'FDECEA', rule: 'B3261E' },
	warning: { fill: 'FFF4E5', rule: 'B26A00' },
	info: { fill: 'EEF2F6', rule: '5B6B7F' }
};

const para = (text: string, bold = false) =>
	new Paragraph({ children: [new TextRun({ text, bold })] });

function cell(lines: string[], width: number, bold = false, shade = false) {
	return new TableCell({
		width: { size: Math.round(width * 100), type: WidthType.PERCENTAGE },
		shading: shade ? { type: ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' } : undefined,
		children: (lines.length > 0 ? lines : ['']).map((line) => para(line, bold))
	});
}

function table(columns: { title: string; width: number }[], rows: string[][][]) {
	return new Table({
		width: { size: 100, type: WidthType.PERCENTAGE },
		borders: TABLE_BORDERS,
		rows: [
			new TableRow({
				tableHeader: true,
				cantSplit: true,
				children: columns.map((c) => cell([c.title], c.width, true, true))
			}),
			...rows.map(
				(row) =>
					new TableRow({ children: row.map((lines, i) => cell(lines, columns[i]?.width ?? 0.2)) })
			)
		]
	});
}

function block(b: Block): (Paragraph | Table)[] {
	switch (b.kind) {
		case 'heading':
			return [new Paragraph({ heading: HEADING[b.level], keepNext: true, text: b.text })];
		case 'paragraphs':
			return b.lines.map((line) => para(line));
		case 'list':
			return b.items.map((item) => new Paragraph({ text: item, bullet: { level: 0 } }));
		case 'banner': {
			const { fill, rule } = BANNER[b.tone];
			const edge = { style: BorderStyle.SINGLE, size: 12, color: rule, space: 4 };
			return [
				new Paragraph({
					shading: { type: ShadingType.CLEAR, fill, color: 'auto' },
					border: { top: edge, bottom: edge, left: edge, right: edge },
					spacing: { before: 120, after: 120 },
					children: [new TextRun({ text: b.text, bold: true })]
				})
			];
		}
		case 'fields':
			return [
				new Table({
					width: { size: 100, type: WidthType.PERCENTAGE },
					borders: TABLE_BORDERS,
					rows: b.rows.map(
						(r) =>
							new TableRow({
								cantSplit: true,
								children: [cell([r.label], 0.3, true, true), cell(r.value, 0.7)]
							})
					)
				}),
				new Paragraph({})
			];
		case 'table':
			return [table(b.columns, b.rows), new Paragraph({})];
	}
}

const small = (text: string, bold = false) =>
	new TextRun({ text, bold, size: 16, color: bold ? undefined : GREY });

function marks(mark: ExportMark) {
	const line = watermarkText(mark);
	const marking = () =>
		new Paragraph({
			alignment: AlignmentType.CENTER,
			children: [new TextRun({ text: mark.marking, bold: true, size: 20 })]
		});
	const watermarkLine = () =>
		new Paragraph({ alignment: AlignmentType.CENTER, children: [small(line)] });
	const header = new Header({
		children: [
			marking(),
			watermarkLine(),
			new Paragraph({
				children: [
					new TextWatermark({ text: line, font: FONT, color: 'C0C0C0', opacity: 0.35, bold: true })
				]
			})
		]
	});
	const footer = new Footer({
		children: [
			watermarkLine(),
			new Paragraph({
				alignment: AlignmentType.CENTER,
				children: [
					new TextRun({
						size: 18,
						// Word's PAGE and NUMPAGES fields, so the numbers are right however Word paginates.
						children: [
							PAGE_WORDS.before,
							PageNumber.CURRENT,
							PAGE_WORDS.between,
							PageNumber.TOTAL_PAGES
						]
					})
				]
			}),
			marking()
		]
	});
	return { header, footer };
}

/** The minutes for one recipient as a DOCX file. Pure: everything comes from the arguments. */
export async function renderMinutesDocx(minutes: Minutes, mark: ExportMark): Promise<Uint8Array> {
	const outline = minutesOutline(minutes);
	const { header, footer } = marks(mark);
	const doc = new Document({
		title: outline.title,
		subject: mark.marking,
		creator: 'MARAC portal',
		description: watermarkText(mark),
		styles: {
			default: {
				document: { run: { font: FONT, size: 21 } },
				title: { run: { font: FONT, size: 36, bold: true, color: '000000' } },
				heading1: { run: { font: FONT, size: 30, bold: true, color: '000000' } },
				heading2: { run: { font: FONT, size: 26, bold: true, color: '000000' } },
				heading3: { run: { font: FONT, size: 23, bold: true, color: '000000' } },
				heading4: { run: { font: FONT, size: 21, bold: true, color: '000000' } }
			}
		},
		sections: [
			{
				properties: {
					page: {
						size: { width: 11906, height: 16838 }, // A4 in twentieths of a point
						margin: { top: 1440, bottom: 1440, left: 1134, right: 1134, header: 567, footer: 567 }
					}
				},
				headers: { default: header },
				footers: { default: footer },
				children: [
					new Paragraph({ heading: HeadingLevel.TITLE, text: outline.title }),
					...outline.blocks.flatMap(block)
				]
			}
		]
	});
	return new Uint8Array(await Packer.toArrayBuffer(doc));
}
