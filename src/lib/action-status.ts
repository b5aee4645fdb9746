// Action statuses: their labels and the transitions allowed between them, in one place for the
// status forms (which offer only allowed choices) and the server (which enforces them).
import { ACTION_STATUSES, type ActionStatus } from './documents/shapes.ts';

export { ACTION_STATUSES, type ActionStatus };

export const ACTION_STATUS_TEXT: Record<ActionStatus, string> = {
	open: 'Open',
	in_progress: 'In progress',
	done: 'Done',
	// SafeLives asks MARACs to tell these two apart when incomplete actions are reviewed.
	not_possible: 'Not possible – circumstances changed',
	not_done: 'Not done – agency'
};

/** Statuses that end an action: only the coordinator may reopen it. */
export const FINAL_STATUSES: readonly ActionStatus[] = ['done', 'not_possible', 'not_done'];
/** Statuses that need a note saying why. */
export const NOTE_REQUIRED: readonly ActionStatus[] = ['not_possible', 'not_done'];
/** Statuses still to be worked on. */
export const OUTSTANDING_STATUSES: readonly ActionStatus[] = ['open', 'in_progress'];
export const NOTE_MAX = 2000;

export const isFinal = (status: ActionStatus) => FINAL_STATUSES.includes(status);

export interface TransitionRights {
	/** May set a final action back to open or in progress (the coordinator). */
	mayReopen: boolean;
}

/**
 * The statuses that may be chosen for an action now at `from` (including `from` itself while it
 * is outstanding, to record a progress note). Empty when nothing may change.
 */
export function nextStatuses(from: ActionStatus, rights: TransitionRights): ActionStatus[] {
	if (isFinal(from)) return rights.mayReopen ? [...OUTSTANDING_STATUSES] : [];
	return [...ACTION_STATUSES];
}

export interface StatusProblem {
	field: 'status' | 'note';
	message: string;
}

/** Why a status change may not be made, or null when it may. */
export function checkStatusChange(
	from: ActionStatus,
	to: ActionStatus,
	note: string,
	rights: TransitionRights
): StatusProblem | null {
	const trimmed = note.trim();
	if (trimmed.length > NOTE_MAX) {
		return { field: 'note', message: `Write a note of ${NOTE_MAX} characters or fewer.` };
	}
	if (isFinal(from)) {
		if (!rights.mayReopen) {
			return {
				field: 'status',
				message: `This action is closed (${ACTION_STATUS_TEXT[from].toLowerCase()}). Only the coordinator can reopen it.`
			};
		}
		if (!OUTSTANDING_STATUSES.includes(to)) {
			return {
				field: 'status',
				message: 'A closed action can only be reopened: choose open or in progress.'
			};
		}
	}
	if (to === 'not_possible' && trimmed === '') {
		return { field: 'note', message: 'Say what changed that makes the action not possible.' };
	}
	if (to === 'not_done' && trimmed === '') {
		return { field: 'note', message: 'Say why the agency did not do the action.' };
	}
	if (to === from && trimmed === '') {
		return { field: 'note', message: 'Write a progress note, or choose a different status.' };
	}
	return null;
}
