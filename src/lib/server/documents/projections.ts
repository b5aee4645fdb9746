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

/**
 * A projector in two steps: what the read model should hold (read from the document, no
 * database), and writing it. The sync hub compares what it read with what it last wrote for the
 * document and skips the write when nothing projected changed (most edits change only text the
 * read model does not hold, and each write is a transaction on the update path's database).
 */
interface TwoStepProjector<T> {
	read(ref: DocumentRef, doc: Y.Doc): T | null;
	write(db: Database, ref: DocumentRef, name: string, value: T): Promise<void>;
}

const actionsProjector: TwoStepProjector<ReturnType<typeof readActions>> = {
	read: (ref, doc) => (ref.kind === 'agency' ? readActions(doc) : null),
	write: async (db, ref, name, current) => {
		if (ref.kind !== 'agency') return;
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
	}
};

/**
 * The pathway's validated fields, and the case's interpreter need: every view of a trafficking
 * case (register, header, meeting, minutes) reads `cases.interpreter_language`, so the pathway,
 * once it says whether an interpreter is needed, is what that column follows.
 */
const pathwayProjector: TwoStepProjector<{
	fields: Record<string, string>;
	appointments: ReturnType<typeof readPathway>['appointments'];
	stage: ReturnType<typeof nrmStage>;
	interpreterLanguage: string | null;
	/** The pathway says whether an interpreter is needed: the case's column follows it. */
	decided: boolean;
}> = {
	read(ref, doc) {
		if (ref.kind !== 'pathway') return null;
		const pathway = readPathway(doc);
		const need = interpreterNeed(pathway);
		return {
			fields: pathway.fields as Record<string, string>,
			appointments: pathway.appointments,
			stage: nrmStage(pathway),
			interpreterLanguage: need ? (need.language ?? 'Language not recorded') : null,
			decided:
				pathway.fields.interpreterNeeded === 'yes' || pathway.fields.interpreterNeeded === 'no'
		};
	},
	async write(db, ref, _name, { decided, ...value }) {
		if (ref.kind !== 'pathway') return;
		const row = { ...value, projectedAt: new Date() };
		await db.transaction(async (tx) => {
			await tx
				.insert(pathways)
				.values({ caseId: ref.caseId, ...row })
				.onConflictDoUpdate({ target: pathways.caseId, set: row });
			if (decided) {
				await tx
					.update(cases)
					.set({ interpreterLanguage: value.interpreterLanguage })
					.where(eq(cases.id, ref.caseId));
			}
		});
	}
};

const TWO_STEP: Partial<Record<DocumentKind, TwoStepProjector<unknown>>> = {
	agency: actionsProjector as TwoStepProjector<unknown>,
	pathway: pathwayProjector as TwoStepProjector<unknown>
};

function oneStep(p: TwoStepProjector<unknown>): Projector {
	return async (db, ref, name, doc) => {
		const value = p.read(ref, doc);
		if (value !== null) await p.write(db, ref, name, value);
	};
}

export const PROJECTORS: Partial<Record<DocumentKind, Projector>> = {
	agency: oneStep(TWO_STEP.agency!),
	pathway: oneStep(TWO_STEP.pathway!)
};

export interface DocumentProjector {
	ref: DocumentRef;
	project: Projector;
	/** What `project` would write, as a comparable string (null: nothing to project). */
	read(doc: Y.Doc): { key: string; value: unknown } | null;
	write(db: Database, name: string, value: unknown): Promise<void>;
}

export function projectorFor(name: string): DocumentProjector | null {
	const ref = parseDocumentName(name);
	const steps = ref ? TWO_STEP[ref.kind] : undefined;
	if (!ref || !steps) return null;
	return {
		ref,
		project: PROJECTORS[ref.kind]!,
		read(doc) {
			const value = steps.read(ref, doc);
			return value === null ? null : { key: JSON.stringify(value), value };
		},
		write: (db, name, value) => steps.write(db, ref, name, value)
	};
}
