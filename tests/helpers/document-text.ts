// Reading exported documents back in tests: the parts and paragraphs of a DOCX, and the text of
// each page of a PDF.
import { strFromU8, unzipSync } from 'fflate';

/** Every part of a DOCX (a zip), as text, by path (e.g. `word/document.xml`). */
export function docxParts(bytes: Uint8Array): Record<string, string> {
	const files = unzipSync(bytes);
	return Object.fromEntries(Object.entries(files).map(([path, data]) => [path, strFromU8(data)]));
}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXml(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
		if (name.startsWith('#x') || name.startsWith('#X'))
			return String.fromCodePoint(parseInt(name.slice(2), 16));
		if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
		return ENTITY[name] ?? whole;
	});
}

/** The text of each `<w:p>` of a WordprocessingML part, in document order. */
export function docxParagraphs(xml: string): string[] {
	return [...xml.matchAll(/<w:p[\s>][\s\S]*?<\/w:p>/g)].map((m) =>
		[...m[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => decodeXml(t[1]!)).join('')
	);
}

export interface PdfPage {
	/** Each text item pdf.js found, in content order. */
	items: string[];
	text: string;
}

/** The text on each page of a PDF (pdf.js legacy build, which runs in Node). */
export async function pdfPages(bytes: Uint8Array): Promise<PdfPage[]> {
	const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
	const task = getDocument({
		data: new Uint8Array(bytes), // pdf.js takes ownership of the buffer it is given
		disableFontFace: true,
		verbosity: 0
	});
	const doc = await task.promise;
	try {
		const pages: PdfPage[] = [];
		for (let n = 1; n <= doc.numPages; n++) {
			const page = await doc.getPage(n);
			const content = await page.getTextContent();
			const items = content.items.flatMap((item) => ('str' in item ? [item.str] : []));
			pages.push({ items, text: items.join(' ') });
		}
		return pages;
	} finally {
		await task.destroy();
	}
}

/**
 * Text with all white space (and zero-width spaces, which the PDF renderer adds as break points
 * in long words) removed: wrapping and item boundaries differ between formats.
 */
export const squash = (text: string) => text.replace(/[\s\u200B]+/g, '');
