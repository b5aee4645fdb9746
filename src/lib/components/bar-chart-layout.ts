// Where the bar chart's rows go when a label is too long for its column: labels wrap onto as
// many lines as they need (never cut off) and their row grows to fit. Pure, so unit-tested; the
// width of text is estimated (the SVG is drawn on the server, where nothing can be measured),
// generously, so a wrapped line fits the column in the fonts the portal uses.

/** Rough advance widths in em for a sans-serif font; anything not listed counts as 0.6 em. */
const NARROW = /[ijlt.,:;'!|()[\]1 ]/;
const SLIGHT = /[frI\-/]/;
const WIDE = /[mwMW@%]/;

export function textWidth(text: string, fontSize: number): number {
	let em = 0;
	for (const ch of text) {
		if (NARROW.test(ch)) em += 0.32;
		else if (SLIGHT.test(ch)) em += 0.4;
		else if (WIDE.test(ch)) em += 0.9;
		else if (ch >= 'A' && ch <= 'Z') em += 0.7;
		else em += 0.6;
	}
	return em * fontSize;
}

/**
 * Splits a label into lines no wider than `maxWidth` (at `fontSize`), breaking between words; a
 * single word longer than a line is broken inside with a hyphen rather than cut off.
 */
export function wrapLabel(label: string, maxWidth: number, fontSize: number): string[] {
	const fits = (s: string) => textWidth(s, fontSize) <= maxWidth;
	const lines: string[] = [];
	let line = '';
	for (let word of label.trim().split(/\s+/)) {
		if (word === '') continue;
		const joined = line ? `${line} ${word}` : word;
		if (fits(joined)) {
			line = joined;
			continue;
		}
		if (line) lines.push(line);
		// A word too long for a line of its own: hyphenate it.
		while (!fits(word) && word.length > 1) {
			let cut = word.length - 1;
			while (cut > 1 && !fits(`${word.slice(0, cut)}-`)) cut--;
			lines.push(`${word.slice(0, cut)}-`);
			word = word.slice(cut);
		}
		line = word;
	}
	if (line) lines.push(line);
	return lines;
}

export interface RowLayout {
	/** Top of the row. */
	y: number;
	height: number;
	/** The label's lines and the baseline of the first one. */
	lines: string[];
	firstBaseline: number;
	/** Vertical centre of the row (where the bar and its value sit). */
	middle: number;
}

/**
 * Rows of at least `minHeight`, taller when the label wraps onto more lines than fit; the
 * label is centred in its row, as are the bar and its value.
 */
export function layoutRows(
	labels: string[],
	opts: {
		maxWidth: number;
		fontSize: number;
		lineHeight: number;
		minHeight: number;
		padding: number;
	}
): { rows: RowLayout[]; height: number } {
	const rows: RowLayout[] = [];
	let y = 0;
	for (const label of labels) {
		const lines = wrapLabel(label, opts.maxWidth, opts.fontSize);
		const textHeight = lines.length * opts.lineHeight;
		const height = Math.max(opts.minHeight, textHeight + 2 * opts.padding);
		const middle = y + height / 2;
		// The first baseline sits about 0.3 em below the first line's centre.
		const firstBaseline =
			middle - textHeight / 2 + opts.lineHeight / 2 + Math.round(opts.fontSize * 0.3);
		rows.push({ y, height, lines, firstBaseline, middle });
		y += height;
	}
	return { rows, height: y };
}
