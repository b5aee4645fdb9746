import { and, eq, notInArray, sql } from 'drizzle-orm';
import type * as Y from 'yjs';
import type { Database } from '../db/index.ts';
import { actions } from '../db/schema/index.ts';
import { parseDocumentName, type DocumentKind, type DocumentRef } from '../../documents/names.ts';
import { readActions } from '../../documents/shapes.ts';

/** Refreshes the relational read model from a document's current content. */
export type Projector = (db: Database, ref: DocumentRef, name: string, doc: Y.Doc) => Promise<void>;

const projectActions: Projector = async (db, ref, name, doc) => {
	if (ref.kind !== 'agency') return;
	const current = readActions(doc);
	await db.transaction(async (tx) => {
		const ids = current.map((a) => a.id);
		await tx
			.delete(actions)
			.where(
				ids.length > 0
					? and(eq(actions.docName, name), notInArray(actions.actionId, ids))
					: eq(actions.docName, name)
			);
		if (current.length === 0) return;
		await tx
			.insert(actions)
			.values(
				current.map((a) => ({
					docName: name,
					actionId: a.id,
					caseId: ref.caseId,
					agencyId: ref.agencyId,
					text: a.text,
					dueOn: a.dueOn,
					status: a.status,
					statusNote: a.statusNote,
					createdAt:
						a.createdAt && !Number.isNaN(Date.parse(a.createdAt)) ? new Date(a.createdAt) : null,
					createdBy: a.createdBy
				}))
			)
			.onConflictDoUpdate({
				target: [actions.docName, actions.actionId],
				set: {
					text: sql`excluded.text`,
					dueOn: sql`excluded.due_on`,
					status: sql`excluded.status`,
					statusNote: sql`excluded.status_note`,
					projectedAt: sql`now()`
				}
			});
	});
};

export const PROJECTORS: Partial<Record<DocumentKind, Projector>> = {
	agency: projectActions
};

export function projectorFor(name: string): { ref: DocumentRef; project: Projector } | null {
	const ref = parseDocumentName(name);
	const project = ref ? PROJECTORS[ref.kind] : undefined;
	return ref && project ? { ref, project } : null;
}
