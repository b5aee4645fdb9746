/**
 * Rich-text fields read and written without ProseMirror (server side), and the editor's schema
 * and commands: the text a selection shares is the text the server finds in the notes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EditorState, TextSelection } from 'prosemirror-state';
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import {
	appearsIn,
	appendParagraphs,
	fragmentText,
	normaliseForMatch,
	shareableText,
	MAX_SHARE_LENGTH
} from '../../src/lib/documents/rich-text.ts';
import { richTextSchema as schema } from '../../src/lib/editor/schema.ts';
import { TOOL_COMMANDS, selectedText, toolActive } from '../../src/lib/editor/commands.ts';

const s = schema;
const sampleDoc = () =>
	s.node('doc', null, [
		s.node('heading', { level: 3 }, [s.text('Police research')]),
		s.node('paragraph', null, [
			s.text('Two call-outs '),
			s.text('in October', [s.mark('strong')]),
			s.node('hard_break'),
			s.text('and one in November.')
		]),
		s.node('bullet_list', null, [
			s.node('list_item', null, [s.node('paragraph', null, [s.text('Bail: no contact')])]),
			s.node('list_item', null, [s.node('paragraph', null, [s.text('Firearms licence: none')])])
		])
	]);

describe('fragmentText', () => {
	it('reads what y-prosemirror stored: one line per block, marks dropped, breaks as newlines', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('notes');
		prosemirrorToYXmlFragment(sampleDoc(), fragment);
		expect(fragmentText(fragment)).toBe(
			'Police research\nTwo call-outs in October\nand one in November.\nBail: no contact\nFirearms licence: none'
		);
	});

	it('agrees with what the editor says a selection is (so a real selection is always found)', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('notes');
		prosemirrorToYXmlFragment(sampleDoc(), fragment);
		const state = EditorState.create({ doc: sampleDoc() });
		const from = 5; // inside the heading
		const to = state.doc.content.size - 5; // inside the last list item
		const selected = selectedText(
			state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)))
		);
		expect(selected).toContain('\n');
		expect(appearsIn(fragmentText(fragment), selected)).toBe(true);
	});
});

describe('appendParagraphs', () => {
	it('adds each line as a paragraph the editor can open', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('summary');
		prosemirrorToYXmlFragment(
			s.node('doc', null, [s.node('paragraph', null, [s.text('Before')])]),
			fragment
		);
		appendParagraphs(fragment, 'First shared line\nSecond shared line');
		expect(fragmentText(fragment)).toBe('Before\nFirst shared line\nSecond shared line');
		const node = yXmlFragmentToProseMirrorRootNode(fragment, schema);
		expect(node.childCount).toBe(3);
		expect(node.child(2).type.name).toBe('paragraph');
		expect(node.child(2).textContent).toBe('Second shared line');
	});
});

describe('share text checks', () => {
	it('tidies the selection: blank lines and runs of spaces go', () => {
		expect(shareableText('  one   two \r\n\r\n three\t ')).toBe('one two\nthree');
		expect(shareableText(' \n ')).toBeNull();
		expect(shareableText('x'.repeat(MAX_SHARE_LENGTH + 1))).toBeNull();
	});

	it('matches whatever the whitespace, and refuses text that is not in the source', () => {
		const notes = 'Two call-outs in October\nand one in November.';
		expect(appearsIn(notes, 'October and   one')).toBe(true);
		expect(appearsIn(notes, 'October and two')).toBe(false);
		expect(appearsIn(notes, '   ')).toBe(false);
		expect(normaliseForMatch(' a \n b ')).toBe('a b');
	});
});

describe('editor schema and commands', () => {
	it('allows only the small set of nodes and marks', () => {
		expect(Object.keys(schema.nodes).sort()).toEqual(
			[
				'bullet_list',
				'doc',
				'hard_break',
				'heading',
				'list_item',
				'ordered_list',
				'paragraph',
				'text'
			].sort()
		);
		expect(Object.keys(schema.marks).sort()).toEqual(['em', 'strong']);
	});

	it('renders headings as h3 or h4 only, whatever level a client stored', () => {
		const spec = schema.nodes.heading!.spec;
		expect(spec.toDOM!(schema.node('heading', { level: 1 }, [schema.text('x')]))).toEqual([
			'h3',
			0
		]);
		expect(spec.toDOM!(schema.node('heading', { level: 4 }, [schema.text('x')]))).toEqual([
			'h4',
			0
		]);
		expect(
			spec.toDOM!(schema.node('heading', { level: '"><script>' }, [schema.text('x')]))
		).toEqual(['h3', 0]);
	});

	it('toggles bold, headings and lists, and reports them as pressed', () => {
		let state = EditorState.create({
			doc: s.node('doc', null, [s.node('paragraph', null, [s.text('Risk summary text')])])
		});
		state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 1, 5)));
		const run = (tool: keyof typeof TOOL_COMMANDS) =>
			TOOL_COMMANDS[tool](state, (tr) => (state = state.apply(tr)));
		expect(toolActive(state, 'strong')).toBe(false);
		run('strong');
		expect(toolActive(state, 'strong')).toBe(true);
		run('heading3');
		expect(toolActive(state, 'heading3')).toBe(true);
		run('heading3');
		expect(toolActive(state, 'heading3')).toBe(false);
		run('bullet_list');
		expect(toolActive(state, 'bullet_list')).toBe(true);
		run('ordered_list');
		expect(toolActive(state, 'ordered_list')).toBe(true);
		expect(toolActive(state, 'bullet_list')).toBe(false);
		run('ordered_list');
		expect(toolActive(state, 'ordered_list')).toBe(false);
	});
});
