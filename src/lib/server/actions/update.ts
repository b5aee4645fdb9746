// Write side of actions: a status update from a form, applied to the agency document through the
// live-document service (so everyone with the case open sees it), projected, and audited.
import * as Y from 'yjs';
import type { Database } from '../db/index.ts';
import * as audit from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { DocumentService } from '../documents/types.ts';
import { projectorFor } from '../documents/projections.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../errors.ts';
import { access, loadCaseFacts } from '../policy/facts.ts';
import { participantSeat, type Principal } from '../policy/index.ts';
import { actionRights } from '../policy/actions.ts';
import { documentName } from '../../documents/names.ts';
import { readActions, setActionStatus } from '../../documents/shapes.ts';
import { checkStatusChange, type ActionStatus } from '../../action-status.ts';

export interface ActionContext {
	db: Database;
	documents: DocumentService | undefined;
	principal: Principal;
	/** Session and address of the request; area, agency and role are filled per case. */
	actor: Actor;
	now: Date;
}

export interface StatusUpdate {
	caseId: string;
	agencyId: string;
	actionId: string;
	status: ActionStatus;
	note: string;
}

const NOT_FOUND =
	'That action was not found. It may have been removed, or you may no longer see the case.';

/**
 * Sets an action's status and progress note as the signed-in person.
 * @throws NotFoundError when the case or action is not visible to them (indistinguishable);
 *   ForbiddenError when they see the case but may not update this agency's actions;
 *   DomainError (field `status` or `note`) for a transition the rules do not allow.
 */
export async function updateActionStatus(
	ctx: ActionContext,
	input: StatusUpdate
): Promise<{ from: ActionStatus; to: ActionStatus }> {
	const { db, principal, now } = ctx;
	const docName = documentName({ kind: 'agency', caseId: input.caseId, agencyId: input.agencyId });
	const facts = await loadCaseFacts(db, input.caseId, principal, now);
	const seat = facts ? participantSeat(principal, facts) : null;
	const actor: Actor = {
		...ctx.actor,
		userId: principal.userId,
		areaId: seat?.areaId ?? null,
		agencyId: seat?.agencyId ?? null,
		role: seat?.role ?? null
	};
	const refuse = async (reason: string, error: Error): Promise<never> => {
		await audit.record(db, actor, {
			action: 'action.status',
			outcome: 'denied',
			target: facts && seat ? docName : `case:${input.caseId}`,
			details: { actionId: input.actionId, to: input.status, reason },
			at: now
		});
		throw error;
	};
	// The policy module decides twice: the document must be visible at all…
	const decision = await access(db, principal, docName, now);
	if (!facts || !seat || decision.access === 'none') {
		return refuse('no_access', new NotFoundError(NOT_FOUND));
	}
	// …and this person must be one who updates this agency's actions.
	const rights = actionRights(principal, facts, input.agencyId);
	if (!rights.update) {
		return refuse(
			'not_allowed',
			new ForbiddenError(
				'Only the agency’s own representatives and the coordinator or chair can update its actions.'
			)
		);
	}
	if (!ctx.documents) throw new Error('live documents are not available in this process');

	const current = await readAction(ctx.documents, docName, input.actionId);
	if (!current) return refuse('no_action', new NotFoundError(NOT_FOUND));
	const problem = checkStatusChange(current.status, input.status, input.note, {
		mayReopen: rights.reopen
	});
	if (problem) {
		await audit.record(db, actor, {
			action: 'action.status',
			outcome: 'denied',
			target: docName,
			details: {
				actionId: input.actionId,
				from: current.status,
				to: input.status,
				reason: 'transition'
			},
			at: now
		});
		throw new DomainError(problem.message, problem.field);
	}

	const at = now.toISOString();
	let changedMeanwhile = false;
	await ctx.documents.edit(docName, actor, (doc) => {
		// Re-checked inside the edit: the check above read an earlier state. No change is made
		// (so nothing is written) if someone else moved the action meanwhile.
		const latest = readActions(doc).find((a) => a.id === input.actionId);
		changedMeanwhile = !latest || latest.status !== current.status;
		if (changedMeanwhile) return;
		setActionStatus(doc, input.actionId, {
			status: input.status,
			note: input.note.trim(),
			by: principal.userId,
			at
		});
	});
	if (changedMeanwhile) {
		throw new DomainError(
			'Someone else updated this action a moment ago. Check its status and try again.',
			'status'
		);
	}
	// The live service projects after a short delay; project now so the page that reloads next
	// (and anyone else's) already lists the new status.
	await projectNow(db, ctx.documents, docName);
	await audit.record(db, actor, {
		action: 'action.status',
		outcome: 'success',
		target: docName,
		// Identifiers and statuses only: the note is case content.
		details: { actionId: input.actionId, from: current.status, to: input.status },
		at: now
	});
	return { from: current.status, to: input.status };
}

async function readAction(documents: DocumentService, docName: string, actionId: string) {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, await documents.read(docName));
		return readActions(doc).find((a) => a.id === actionId) ?? null;
	} finally {
		doc.destroy();
	}
}

async function projectNow(db: Database, documents: DocumentService, docName: string) {
	const projector = projectorFor(docName);
	if (!projector) return;
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, await documents.read(docName));
		await projector.project(db, projector.ref, docName, doc);
	} finally {
		doc.destroy();
	}
}
