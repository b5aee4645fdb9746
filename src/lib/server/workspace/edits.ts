// Server-side edits from the case workspace: "share to meeting" (private notes → the agency's
// shared summary) and adding an action without the live connection. Both check access here, on
// the server, and go through runtime.documents.edit (persisted, broadcast, projected, audited).
import * as v from 'valibot';
import * as Y from 'yjs';
import { documentName } from '../../documents/names.ts';
import { addAction, agencyDoc, notesDoc, type ActionStatus } from '../../documents/shapes.ts';
import {
	appearsIn,
	appendParagraphs,
	fragmentText,
	shareableText
} from '../../documents/rich-text.ts';
import { caseDocumentAccess, participantSeat } from '../policy/index.ts';
import { loadCaseFacts } from '../policy/facts.ts';
import * as audit from '../audit/index.ts';
import { actorFor, type RequestInfo, type Viewer, type WorkspaceRuntime } from './index.ts';

export type EditOutcome<T = object> =
	({ ok: true } & T) | { ok: false; status: 400 | 403 | 404; message: string };

const CaseId = v.pipe(v.string(), v.uuid());

const NOT_FOUND = { ok: false, status: 404, message: 'Case not found.' } as const;

function documentsService(rt: WorkspaceRuntime) {
	if (!rt.documents) throw new Error('live documents are not served by this process');
	return rt.documents;
}

/**
 * Copies text the viewer selected in their agency's private notes into that agency's shared
 * summary. Refused unless the viewer may write both documents and the text really is in the notes
 * (so this cannot become a way to write anything else). Audited as `notes.share` with the length
 * only, never the text.
 */
export async function shareNotesToMeeting(
	rt: WorkspaceRuntime,
	viewer: Viewer,
	caseId: string,
	selection: string,
	info: RequestInfo = {}
): Promise<EditOutcome<{ length: number }>> {
	const now = rt.now();
	if (!v.is(CaseId, caseId)) return NOT_FOUND;
	const facts = await loadCaseFacts(rt.db, caseId, viewer.principal, now);
	const seat = facts ? participantSeat(viewer.principal, facts) : null;
	if (!facts || !seat || facts.status === 'transferred') return NOT_FOUND;
	const actor = actorFor(viewer, seat, info);
	const notes = { kind: 'notes', caseId, agencyId: seat.agencyId } as const;
	const shared = { kind: 'agency', caseId, agencyId: seat.agencyId } as const;
	const target = documentName(shared);
	const refuse = async (status: 400 | 403, reason: string, message: string) => {
		await audit.record(rt.db, actor, {
			action: 'notes.share',
			outcome: 'denied',
			target,
			details: { reason },
			at: now
		});
		return { ok: false, status, message } as const;
	};
	if (
		caseDocumentAccess(viewer.principal, notes, facts, now) !== 'write' ||
		caseDocumentAccess(viewer.principal, shared, facts, now) !== 'write'
	) {
		return refuse(403, 'no-access', 'Only your agency’s representatives can share its notes.');
	}
	const text = shareableText(selection);
	if (!text) {
		return refuse(400, 'empty', 'Select the text in your notes that you want to share.');
	}
	const documents = documentsService(rt);
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, await documents.read(documentName(notes)));
		if (!appearsIn(fragmentText(notesDoc.notes(doc)), text)) {
			return refuse(
				400,
				'not-in-notes',
				'That text is not in your notes any more. Select it again and share it.'
			);
		}
	} finally {
		doc.destroy();
	}
	await documents.edit(target, actor, (d) => appendParagraphs(agencyDoc.summary(d), text));
	await audit.record(rt.db, actor, {
		action: 'notes.share',
		outcome: 'success',
		target,
		details: { length: text.length },
		at: now
	});
	return { ok: true, length: text.length };
}

export interface NewAction {
	agencyId: string;
	text: string;
	dueOn: string;
	status: ActionStatus;
}

/**
 * Adds an action to an agency's document on the server (the page's form without JavaScript, and
 * any page that has no live connection to that document). Input must already be validated.
 */
export async function addAgencyAction(
	rt: WorkspaceRuntime,
	viewer: Viewer,
	caseId: string,
	input: NewAction,
	info: RequestInfo = {}
): Promise<EditOutcome<{ id: string }>> {
	const now = rt.now();
	if (!v.is(CaseId, caseId)) return NOT_FOUND;
	const facts = await loadCaseFacts(rt.db, caseId, viewer.principal, now);
	const seat = facts ? participantSeat(viewer.principal, facts) : null;
	if (!facts || !seat || facts.status === 'transferred') return NOT_FOUND;
	const actor = actorFor(viewer, seat, info);
	const ref = { kind: 'agency', caseId, agencyId: input.agencyId } as const;
	const target = documentName(ref);
	if (caseDocumentAccess(viewer.principal, ref, facts, now) !== 'write') {
		await audit.record(rt.db, actor, {
			action: 'action.create',
			outcome: 'denied',
			target,
			at: now
		});
		return { ok: false, status: 403, message: 'You cannot add actions for this agency.' };
	}
	const id = crypto.randomUUID();
	await documentsService(rt).edit(target, actor, (doc) =>
		addAction(doc, {
			id,
			text: input.text,
			dueOn: input.dueOn,
			status: input.status,
			createdAt: now.toISOString(),
			createdBy: viewer.principal.userId
		})
	);
	await audit.record(rt.db, actor, {
		action: 'action.create',
		outcome: 'success',
		target,
		details: { actionId: id },
		at: now
	});
	return { ok: true, id };
}
