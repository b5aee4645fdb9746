import { and, eq, notInArray, sql } from 'drizzle-orm';
import type * as Y from 'yjs';
import type { Database } from '../db/index.ts';
import { actions, cases, pathways } from '../db/schema/index.ts';
import { parseDocumentName, type DocumentKind, type DocumentRef } from '../../documents/names.ts';
import { readActions } from '../../documents/shapes.ts';
import { readPathway } from '../../pathway/fields.ts';
import { interpreterNeed, nrmStage } from '../../pathway/rules.ts';

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

/**
 * The pathway's validated fields, and the case's interpreter need: every view of a trafficking
 * case (register, header, meeting, minutes) reads `cases.interpreter_language`, so the pathway,
 * once it says whether an interpreter is needed, is what that column follows.
 */
const projectPathway: Projector = async (db, ref, _name, doc) => {
	if (ref.kind !== 'pathway') return;
	const pathway = readPathway(doc);
	const need = interpreterNeed(pathway);
	const language = need ? (need.language ?? 'Language not recorded') : null;
	const row = {
		fields: pathway.fields as Record<string, string>,
		appointments: pathway.appointments,
		stage: nrmStage(pathway),
		interpreterLanguage: language,
		projectedAt: new Date()
	};
	await db.transaction(async (tx) => {
		await tx
			.insert(pathways)
			.values({ caseId: ref.caseId, ...row })
			.onConflictDoUpdate({ target: pathways.caseId, set: row });
		if (pathway.fields.interpreterNeeded === 'yes' || pathway.fields.interpreterNeeded === 'no') {
			await tx.update(cases).set({ interpreterLanguage: language }).where(eq(cases.id, ref.caseId));
		}
	});
};

export const PROJECTORS: Partial<Record<DocumentKind, Projector>> = {
	agency: projectActions,
	pathway: projectPathway
};

export function projectorFor(name: string): { ref: DocumentRef; project: Projector } | null {
	const ref = parseDocumentName(name);
	const project = ref ? PROJECTORS[ref.kind] : undefined;
	return ref && project ? { ref, project } : null;
}
