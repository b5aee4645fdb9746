// The one rich-text schema: what it allows is all that can ever be rendered (ProseMirror builds
// the DOM from it; nothing is inserted as HTML). Paste and content from other clients are parsed
// through it, so links, images, scripts and styles are dropped, and headings become h3/h4 to fit
// under the page's own section headings.
import { Schema, type NodeSpec } from 'prosemirror-model';

const headingLevel = (level: unknown) => (level === 4 ? 4 : 3);

const nodes: Record<string, NodeSpec> = {
	doc: { content: 'block+' },
	paragraph: {
		content: 'inline*',
		group: 'block',
		parseDOM: [{ tag: 'p' }],
		toDOM: () => ['p', 0]
	},
	heading: {
		attrs: { level: { default: 3 } },
		content: 'text*',
		group: 'block',
		defining: true,
		parseDOM: [
			{ tag: 'h1', attrs: { level: 3 } },
			{ tag: 'h2', attrs: { level: 3 } },
			{ tag: 'h3', attrs: { level: 3 } },
			{ tag: 'h4', attrs: { level: 4 } },
			{ tag: 'h5', attrs: { level: 4 } },
			{ tag: 'h6', attrs: { level: 4 } }
		],
		toDOM: (node) => [`h${headingLevel(node.attrs.level)}`, 0]
	},
	bullet_list: {
		content: 'list_item+',
		group: 'block',
		parseDOM: [{ tag: 'ul' }],
		toDOM: () => ['ul', 0]
	},
	ordered_list: {
		content: 'list_item+',
		group: 'block',
		parseDOM: [{ tag: 'ol' }],
		toDOM: () => ['ol', 0]
	},
	list_item: {
		content: 'paragraph block*',
		defining: true,
		parseDOM: [{ tag: 'li' }],
		toDOM: () => ['li', 0]
	},
	text: { group: 'inline' },
	hard_break: {
		inline: true,
		group: 'inline',
		selectable: false,
		leafText: () => '\n',
		parseDOM: [{ tag: 'br' }],
		toDOM: () => ['br']
	}
};

export const richTextSchema = new Schema({
	nodes,
	marks: {
		strong: {
			parseDOM: [
				{ tag: 'strong' },
				{
					tag: 'b',
					getAttrs: (node) => (node as HTMLElement).style.fontWeight !== 'normal' && null
				}
			],
			toDOM: () => ['strong', 0]
		},
		em: {
			parseDOM: [{ tag: 'em' }, { tag: 'i' }],
			toDOM: () => ['em', 0]
		}
	}
});
