// Toolbar and keyboard commands of the rich-text editor, and which of them are "on" where the
// cursor is (for aria-pressed). Pure functions of the editor state.
import { chainCommands, exitCode, setBlockType, toggleMark } from 'prosemirror-commands';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import type { MarkType, NodeType } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';
import { richTextSchema as schema } from './schema.ts';

export type ToolName = 'strong' | 'em' | 'heading3' | 'heading4' | 'bullet_list' | 'ordered_list';

export function markActive(state: EditorState, type: MarkType): boolean {
	const { from, $from, to, empty } = state.selection;
	if (empty) return Boolean(type.isInSet(state.storedMarks ?? $from.marks()));
	return state.doc.rangeHasMark(from, to, type);
}

export function headingActive(state: EditorState, level: 3 | 4): boolean {
	const parent = state.selection.$from.parent;
	return parent.type === schema.nodes.heading && (parent.attrs.level === 4 ? 4 : 3) === level;
}

/** The innermost list around the cursor, if any. */
export function listAround(state: EditorState): NodeType | null {
	const { $from } = state.selection;
	for (let depth = $from.depth; depth > 0; depth--) {
		const type = $from.node(depth).type;
		if (type === schema.nodes.bullet_list || type === schema.nodes.ordered_list) return type;
	}
	return null;
}

export function toolActive(state: EditorState, tool: ToolName): boolean {
	switch (tool) {
		case 'strong':
		case 'em':
			return markActive(state, schema.marks[tool]!);
		case 'heading3':
			return headingActive(state, 3);
		case 'heading4':
			return headingActive(state, 4);
		case 'bullet_list':
		case 'ordered_list':
			return listAround(state) === schema.nodes[tool];
	}
}

const toParagraph = setBlockType(schema.nodes.paragraph!);

function toggleHeading(level: 3 | 4): Command {
	return (state, dispatch) =>
		headingActive(state, level)
			? toParagraph(state, dispatch)
			: setBlockType(schema.nodes.heading!, { level })(state, dispatch);
}

function toggleList(type: NodeType): Command {
	return (state, dispatch, view) => {
		const around = listAround(state);
		if (around === type) return liftListItem(schema.nodes.list_item!)(state, dispatch, view);
		if (around) {
			// Switch the kind of the list the cursor is in.
			const { $from } = state.selection;
			for (let depth = $from.depth; depth > 0; depth--) {
				if ($from.node(depth).type === around) {
					if (dispatch) dispatch(state.tr.setNodeMarkup($from.before(depth), type));
					return true;
				}
			}
		}
		return wrapInList(type)(state, dispatch, view);
	};
}

export const TOOL_COMMANDS: Record<ToolName, Command> = {
	strong: toggleMark(schema.marks.strong!),
	em: toggleMark(schema.marks.em!),
	heading3: toggleHeading(3),
	heading4: toggleHeading(4),
	bullet_list: toggleList(schema.nodes.bullet_list!),
	ordered_list: toggleList(schema.nodes.ordered_list!)
};

const hardBreak: Command = chainCommands(exitCode, (state, dispatch) => {
	if (dispatch) {
		dispatch(state.tr.replaceSelectionWith(schema.nodes.hard_break!.create()).scrollIntoView());
	}
	return true;
});

/** Keys of the editor (Tab is left alone, so keyboard users can always move on). */
export function editorKeys(undo: Command, redo: Command): Record<string, Command> {
	return {
		'Mod-b': TOOL_COMMANDS.strong,
		'Mod-B': TOOL_COMMANDS.strong,
		'Mod-i': TOOL_COMMANDS.em,
		'Mod-I': TOOL_COMMANDS.em,
		'Mod-z': undo,
		'Mod-y': redo,
		'Shift-Mod-z': redo,
		'Shift-Enter': hardBreak,
		'Mod-Enter': hardBreak,
		Enter: splitListItem(schema.nodes.list_item!),
		'Mod-[': liftListItem(schema.nodes.list_item!),
		'Mod-]': sinkListItem(schema.nodes.list_item!),
		'Mod-Alt-0': toParagraph,
		'Mod-Alt-3': TOOL_COMMANDS.heading3,
		'Mod-Alt-4': TOOL_COMMANDS.heading4,
		'Shift-Mod-8': TOOL_COMMANDS.bullet_list,
		'Shift-Mod-7': TOOL_COMMANDS.ordered_list
	};
}

/** The selected text, lines separated by newlines (what "share selection" sends). */
export function selectedText(state: EditorState): string {
	const { from, to, empty } = state.selection;
	return empty ? '' : state.doc.textBetween(from, to, '\n', '\n');
}
