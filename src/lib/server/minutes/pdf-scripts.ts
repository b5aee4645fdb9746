// Text in scripts Roboto cannot draw (Arabic, Hebrew, Ethiopic, ...) for the minutes PDF.
//
// pdfmake draws each piece of text in one font and silently leaves out any character that font
// has no glyph for, so a name or a victim's words in their own script would vanish. Here each
// line is split into runs by the font that covers them (Roboto first, then Noto fallbacks from
// npm), right-to-left text is put in visual order (Unicode bidi algorithm), and a character no
// font covers becomes a visible U+FFFD, with the caller told so it can add a note.
//
// How right-to-left text is drawn: pdfkit lays out every piece of text left to right, but fontkit
// (which it uses) shapes Arabic (joining forms through the font's own tables) and reverses the
// glyphs of any piece whose script is right-to-left. So the line is put into visual order with
// bidi-js, and then each piece that fontkit will reverse is handed over reversed, so that its
// second reversal lands it in visual order while the letters reach the shaper in reading order.
// Known limit: the bidi algorithm runs per line of the minutes, before pdfmake wraps it; a
// right-to-left paragraph long enough to wrap shows its lines in the wrong top-to-bottom order
// (each line still reads correctly, and the text is all there).
import bidiFactory from 'bidi-js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A run of text in one font (pdfmake's inline text). */
export interface Run {
	text: string;
	font?: string;
}

interface FontFace {
	name: string;
	normal: string;
	bold: string;
	/** Code points the face has a glyph for. */
	covers: (codePoint: number) => boolean;
	/** Whether fontkit lays pieces of this face out right to left (their script is). */
	rtl: boolean;
}

interface Glyphs {
	hasGlyphForCodePoint(codePoint: number): boolean;
}

export const BASE_FONT = 'Roboto';
/** What a character that no font can draw is shown as. */
export const MISSING = '\uFFFD';

const FALLBACKS: { name: string; pkg: string; file: string; rtl: boolean }[] = [
	{ name: 'NotoSansArabic', pkg: '@fontsource/noto-sans-arabic', file: 'arabic', rtl: true },
	{ name: 'NotoSansHebrew', pkg: '@fontsource/noto-sans-hebrew', file: 'hebrew', rtl: true },
	{ name: 'NotoSansEthiopic', pkg: '@fontsource/noto-sans-ethiopic', file: 'ethiopic', rtl: false }
];

export interface Fonts {
	/** pdfmake's font table. */
	table: Record<string, { normal: string; bold: string; italics: string; bolditalics: string }>;
	/** Every file pdfmake may read. */
	files: Set<string>;
	faces: FontFace[];
}

/**
 * The fonts, from the packages' own folders in node_modules (resolved once, from this module).
 * Coverage comes from the font files themselves, read with the fontkit pdfkit uses.
 */
export function loadFonts(require: NodeJS.Require): Fonts {
	const fontkit = require(
		require.resolve('fontkit', { paths: [dirname(require.resolve('pdfkit'))] })
	) as {
		create(buffer: Buffer): Glyphs;
	};
	const roboto = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
	const faces: FontFace[] = [];
	const table: Fonts['table'] = {
		[BASE_FONT]: {
			normal: join(roboto, 'Roboto-Regular.ttf'),
			bold: join(roboto, 'Roboto-Medium.ttf'),
			italics: join(roboto, 'Roboto-Italic.ttf'),
			bolditalics: join(roboto, 'Roboto-MediumItalic.ttf')
		}
	};
	const face = (name: string, normal: string, bold: string, rtl: boolean) => {
		const glyphs = fontkit.create(readFileSync(normal));
		faces.push({ name, normal, bold, rtl, covers: (c) => glyphs.hasGlyphForCodePoint(c) });
	};
	face(BASE_FONT, table[BASE_FONT]!.normal, table[BASE_FONT]!.bold, false);
	for (const f of FALLBACKS) {
		const dir = join(dirname(require.resolve(`${f.pkg}/package.json`)), 'files');
		const file = (weight: number) =>
			join(dir, `${f.pkg.split('/')[1]}-${f.file}-${weight}-normal.woff`);
		const [normal, bold] = [file(400), file(700)];
		// Italic faces do not exist for these scripts: the upright ones stand in.
		table[f.name] = { normal, bold, italics: normal, bolditalics: bold };
		face(f.name, normal, bold, f.rtl);
	}
	const files = new Set(Object.values(table).flatMap((t) => Object.values(t)));
	return { table, files, faces };
}

// Text made only of these is Roboto's, in reading order: nothing to split (the common case).
const PLAIN = /^[\t\n\r\x20-\x7E\u00A0-\u024F\u1E00-\u1EFF\u2000-\u203A\u20AC]*$/;
// Characters the bidi algorithm could reorder: right-to-left letters and explicit controls.
const NEEDS_BIDI =
	/[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F\u202A-\u202E\u2066-\u2069\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
// Characters that draw nothing by nature (controls, format characters such as joiners and bidi
// marks, unassigned code points, lone surrogates): left out without a marker, as before.
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]$/u;
const MARK = /^\p{M}$/u;
const NEUTRAL_SCRIPT = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

const bidi = bidiFactory();

/** The result of preparing one line: its runs, and whether a character had to be marked. */
export interface Prepared {
	runs: Run[];
	missing: boolean;
}

export class ScriptText {
	private readonly faces: FontFace[];
	private readonly choice = new Map<number, number>();

	constructor(fonts: Fonts) {
		this.faces = fonts.faces;
	}

	/** The face (index) for a code point: -1 if it draws nothing, -2 if no face has it. */
	private faceFor(codePoint: number, char: string): number {
		const known = this.choice.get(codePoint);
		if (known !== undefined) return known;
		let found = this.faces.findIndex((f) => f.covers(codePoint));
		if (found < 0 && INVISIBLE.test(char)) found = -1;
		else if (found < 0) found = -2;
		this.choice.set(codePoint, found);
		return found;
	}

	/** The text with every drawable character the base face lacks shown as the marker. */
	baseOnly(text: string): string {
		if (PLAIN.test(text)) return text;
		let out = '';
		for (const char of text) {
			const at = this.faceFor(char.codePointAt(0)!, char);
			out += at === 0 || at === -1 ? char : MISSING;
		}
		return out;
	}

	/**
	 * One line (no line breaks) as runs in visual order, each in a face that draws it. A character
	 * no face has is replaced by its compatibility form if the faces have that (mathematical
	 * letters, ligatures, full-width forms), else by U+FFFD.
	 */
	prepare(line: string): Prepared {
		if (PLAIN.test(line)) return { runs: [{ text: line }], missing: false };
		let missing = false;
		// Substitute first: a substitute may be right-to-left itself.
		let text = '';
		for (const char of line) {
			const at = this.faceFor(char.codePointAt(0)!, char);
			if (at !== -2) {
				text += char;
				continue;
			}
			const compatible = char.normalize('NFKC');
			const drawable =
				compatible !== char &&
				[...compatible].every((c) => this.faceFor(c.codePointAt(0)!, c) >= -1);
			if (drawable) text += compatible;
			else {
				text += MISSING;
				missing = true;
			}
		}
		if (NEEDS_BIDI.test(text)) text = visualOrder(text);
		return { runs: this.split(text), missing };
	}

	/** Runs of one face each; white space always in the base face, so each run is one piece. */
	private split(text: string): Run[] {
		const runs: { face: number; text: string }[] = [];
		let previous = 0;
		for (const char of text) {
			let face = this.faceFor(char.codePointAt(0)!, char);
			if (face === -1) continue;
			// A combining mark stays with its letter's face when that face has it.
			if (MARK.test(char) && this.faces[previous]?.covers(char.codePointAt(0)!)) face = previous;
			else if (/\s/.test(char) && this.faces[0]!.covers(char.codePointAt(0)!)) face = 0;
			const last = runs.at(-1);
			if (last?.face === face) last.text += char;
			else runs.push({ face, text: char });
			previous = face;
		}
		return runs.map(({ face, text }) => {
			const f = this.faces[face]!;
			const reversed = f.rtl && layoutIsRtl(text);
			return {
				text: reversed ? [...text].reverse().join('') : text,
				...(face === 0 ? {} : { font: f.name })
			};
		});
	}
}

/** Whether fontkit will lay this piece out right to left (its first non-neutral character). */
function layoutIsRtl(text: string): boolean {
	for (const char of text) {
		if (NEUTRAL_SCRIPT.test(char)) continue;
		return /^[\p{Script=Arabic}\p{Script=Hebrew}]$/u.test(char);
	}
	return false;
}

/** The line in visual (left-to-right drawing) order, mirrored brackets included. */
function visualOrder(line: string): string {
	const levels = bidi.getEmbeddingLevels(line, 'auto');
	const mirrored = bidi.getMirroredCharactersMap(line, levels.levels);
	// bidi-js works on UTF-16 units; reorder units, then put surrogate pairs back in order.
	const units = line.split('');
	for (const [i, c] of mirrored) units[i] = c;
	for (const [start = 0, end = -1] of bidi.getReorderSegments(line, levels)) {
		const part = units.slice(start, end + 1).reverse();
		units.splice(start, part.length, ...part);
	}
	for (let i = 0; i + 1 < units.length; i++) {
		const a = units[i]!.charCodeAt(0);
		const b = units[i + 1]!.charCodeAt(0);
		if (a >= 0xdc00 && a <= 0xdfff && b >= 0xd800 && b <= 0xdbff) {
			[units[i], units[i + 1]] = [units[i + 1]!, units[i]!];
			i++;
		}
	}
	return units.join('');
}
