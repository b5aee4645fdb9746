// Rich-text fields (Y.XmlFragment, as y-prosemirror stores them) read and written without
// ProseMirror, so the server can check and copy text. Node names follow src/lib/editor/schema.ts.
import * as Y from 'yjs';

/** The longest selection that can be shared to the meeting in one go. */
export const MAX_SHARE_LENGTH = 5000;

function inline(element: Y.XmlElement | Y.XmlFragment): string {
	let text = '';
	for (const child of element.toArray()) {
		if (child instanceof Y.XmlText) {
			for (const op of child.toDelta() as { insert?: unknown }[]) {
				if (typeof op.insert === 'string') text += op.insert;
			}
		} else if (child instanceof Y.XmlElement && child.nodeName === 'hard_break') {
			text += '\n';
		}
	}
	return text;
}

function block(node: Y.XmlElement): string {
	const children = node.toArray();
	// A textblock (paragraph, heading) holds text; a container (list, list item) holds blocks.
	if (children.some((c) => c instanceof Y.XmlText) || node.nodeName === 'paragraph') {
		return inline(node);
	}
	if (node.nodeName === 'hard_break') return '\n';
	return children
		.filter((c): c is Y.XmlElement => c instanceof Y.XmlElement)
		.map(block)
		.join('\n');
}

/** The plain text of a rich-text field: one line per paragraph, heading or list item. */
export function fragmentText(fragment: Y.XmlFragment): string {
	return fragment
		.toArray()
		.filter((c): c is Y.XmlElement => c instanceof Y.XmlElement)
		.map(block)
		.join('\n');
}

/** Whitespace differences (line breaks between blocks, double spaces) do not matter for a match. */
export function normaliseForMatch(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/**
 * The text to share, tidied: line endings unified, runs of spaces collapsed, blank lines dropped.
 * Null when nothing is left or it is too long.
 */
export function shareableText(text: string): string | null {
	const lines = text
		.replace(/\r\n?/g, '\n')
		.split('\n')
		.map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
		.filter((line) => line !== '');
	const tidy = lines.join('\n');
	if (tidy === '' || tidy.length > MAX_SHARE_LENGTH) return null;
	return tidy;
}

/** Whether `selection` really is text from `source` (so nothing else can be smuggled in). */
export function appearsIn(source: string, selection: string): boolean {
	const wanted = normaliseForMatch(selection);
	return wanted !== '' && normaliseForMatch(source).includes(wanted);
}

/** Appends each line of `text` as a paragraph at the end of a rich-text field. */
export function appendParagraphs(fragment: Y.XmlFragment, text: string): void {
	const paragraphs = text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const paragraph = new Y.XmlElement('paragraph');
			paragraph.insert(0, [new Y.XmlText(line)]);
			return paragraph;
		});
	if (paragraphs.length > 0) fragment.insert(fragment.length, paragraphs);
}
