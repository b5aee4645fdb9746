// The shape of each compartment's Y.Doc, defined once for client, server, projections and exports.
// Content arrives from clients, so every reader validates what it finds (see readActions).
import * as Y from 'yjs';

export const ACTION_STATUSES = [
	'open',
	'in_progress',
	'done',
	'not_possible', // not possible: circumstances changed (SafeLives distinguishes this…)
	'not_done' // …from not done by the agency
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

// Status labels and the transitions between statuses: src/lib/action-status.ts.

/** The plan's risk flags (keys of the `riskFlags` map), in the order they are shown. */
export const RISK_FLAGS = [
	{ key: 'childrenInHousehold', label: 'Children in the household' },
	{ key: 'pregnancy', label: 'Pregnancy or a new baby' },
	{ key: 'weapons', label: 'Weapons used or threatened' },
	{ key: 'strangulation', label: 'Strangulation, choking or suffocation' },
	{ key: 'stalking', label: 'Stalking or harassment' },
	{ key: 'escalation', label: 'Escalation in frequency or severity' },
	{ key: 'substanceMisuse', label: 'Substance misuse' },
	{ key: 'mentalHealth', label: 'Mental health concerns' },
	{ key: 'honourBasedAbuse', label: 'Honour-based abuse' },
	{ key: 'financialAbuse', label: 'Financial abuse' },
	{ key: 'exploitation', label: 'Trafficking or exploitation' }
] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number]['key'];

/** Safe-contact fields of the restricted document's `contact` map, in the order they are shown. */
export const RESTRICTED_CONTACT_FIELDS = [
	{ key: 'phone', label: 'Safe phone number', hint: 'A number it is safe to call.' },
	{ key: 'safeTimes', label: 'Safe times to call', hint: 'For example, weekdays 10am to 2pm.' },
	{ key: 'address', label: 'Current address or refuge', hint: 'Never share outside this panel.' },
	{
		key: 'safeWords',
		label: 'Safe words',
		hint: 'Agreed words that mean the person cannot talk.'
	}
] as const;
export type RestrictedContactField = (typeof RESTRICTED_CONTACT_FIELDS)[number]['key'];

/** case:<id>:agency:<agencyId> */
export const agencyDoc = {
	summary: (doc: Y.Doc) => doc.getXmlFragment('summary'),
	actions: (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('actions')
};

/** case:<id>:plan */
export const planDoc = {
	riskSummary: (doc: Y.Doc) => doc.getXmlFragment('riskSummary'),
	victimVoice: (doc: Y.Doc) => doc.getXmlFragment('victimVoice'),
	safetyPlan: (doc: Y.Doc) => doc.getXmlFragment('safetyPlan'),
	riskFlags: (doc: Y.Doc) => doc.getMap<boolean>('riskFlags'),
	decisions: (doc: Y.Doc) => doc.getXmlFragment('decisions')
};

/** case:<id>:notes:<agencyId> */
export const notesDoc = {
	notes: (doc: Y.Doc) => doc.getXmlFragment('notes')
};

/** case:<id>:restricted */
export const restrictedDoc = {
	contact: (doc: Y.Doc) => doc.getMap<string>('contact')
};

/** case:<id>:pathway (trafficking cases) */
export const pathwayDoc = {
	fields: (doc: Y.Doc) => doc.getMap<unknown>('pathway'),
	appointments: (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('appointments')
};

/**
 * meeting:<id>. `state` holds the current case and when it was taken up; `elapsed` the seconds
 * already spent on each case (by case id); `raised` items raised during the meeting. Separate root
 * types, so concurrent writers never replace each other's nested maps.
 */
export const meetingDoc = {
	state: (doc: Y.Doc) => doc.getMap<unknown>('state'),
	elapsed: (doc: Y.Doc) => doc.getMap<number>('elapsed'),
	raised: (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('raised')
};

export interface Action {
	id: string;
	text: string;
	/** ISO date (yyyy-mm-dd) or null. */
	dueOn: string | null;
	status: ActionStatus;
	statusNote: string;
	createdAt: string | null;
	createdBy: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** The actions in an agency document, validated: malformed entries are skipped, never trusted. */
export function readActions(doc: Y.Doc): Action[] {
	const seen = new Set<string>();
	const actions: Action[] = [];
	for (const item of agencyDoc.actions(doc).toArray()) {
		if (!(item instanceof Y.Map)) continue;
		const id = item.get('id');
		if (typeof id !== 'string' || !ID.test(id) || seen.has(id)) continue;
		seen.add(id);
		const status = item.get('status');
		const dueOn = item.get('dueOn');
		const createdAt = item.get('createdAt');
		const createdBy = item.get('createdBy');
		actions.push({
			id,
			text: str(item.get('text'), 2000),
			dueOn: typeof dueOn === 'string' && DATE.test(dueOn) ? dueOn : null,
			status: ACTION_STATUSES.includes(status as ActionStatus) ? (status as ActionStatus) : 'open',
			statusNote: str(item.get('statusNote'), 2000),
			createdAt: typeof createdAt === 'string' ? createdAt.slice(0, 40) : null,
			createdBy: typeof createdBy === 'string' ? createdBy.slice(0, 64) : null
		});
	}
	return actions;
}

/** Adds an action to an agency document (used by server-side edits and the client alike). */
export function addAction(
	doc: Y.Doc,
	action: Omit<Action, 'statusNote'> & { statusNote?: string }
) {
	const map = new Y.Map<unknown>();
	for (const [key, value] of Object.entries({ statusNote: '', ...action })) map.set(key, value);
	map.set('updates', new Y.Array());
	agencyDoc.actions(doc).push([map]);
}

/** Sets an action's status and note, recording the change in its history. */
export function setActionStatus(
	doc: Y.Doc,
	id: string,
	change: { status: ActionStatus; note: string; by: string; at: string }
): boolean {
	const item = agencyDoc
		.actions(doc)
		.toArray()
		.find((m) => m instanceof Y.Map && m.get('id') === id);
	if (!item) return false;
	item.set('status', change.status);
	item.set('statusNote', change.note);
	let history = item.get('updates');
	if (!(history instanceof Y.Array)) {
		history = new Y.Array();
		item.set('updates', history);
	}
	(history as Y.Array<unknown>).push([
		{ status: change.status, note: change.note, by: change.by, at: change.at }
	]);
	return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Something raised during a live meeting (e.g. "check the school's records"), by case. */
export interface RaisedItem {
	id: string;
	caseId: string | null;
	text: string;
	by: string | null;
	at: string | null;
}

/** The live state of a meeting, validated. */
export interface MeetingState {
	currentCaseId: string | null;
	/** ISO time the current case was taken up; null while no case is running. */
	caseStartedAt: string | null;
	/** Seconds spent on each case before it was last left (case id → seconds). */
	elapsed: Record<string, number>;
	raised: RaisedItem[];
	/** ISO time the meeting ended (set once by the server when it closes the meeting). */
	endedAt: string | null;
}

/** Reads a meeting document's live state; anything malformed is ignored, never trusted. */
export function readMeetingState(doc: Y.Doc): MeetingState {
	const state = meetingDoc.state(doc);
	const current = state.get('currentCaseId');
	const started = state.get('caseStartedAt');
	const elapsed: Record<string, number> = {};
	for (const [caseId, seconds] of meetingDoc.elapsed(doc).entries()) {
		if (UUID.test(caseId) && typeof seconds === 'number' && Number.isFinite(seconds)) {
			elapsed[caseId] = Math.max(0, Math.floor(seconds));
		}
	}
	const raised: RaisedItem[] = [];
	for (const item of meetingDoc.raised(doc).toArray()) {
		if (!(item instanceof Y.Map)) continue;
		const id = item.get('id');
		if (typeof id !== 'string' || !ID.test(id)) continue;
		const caseId = item.get('caseId');
		const by = item.get('by');
		const at = item.get('at');
		raised.push({
			id,
			caseId: typeof caseId === 'string' && UUID.test(caseId) ? caseId : null,
			text: str(item.get('text'), 2000),
			by: typeof by === 'string' ? by.slice(0, 64) : null,
			at: typeof at === 'string' ? at.slice(0, 40) : null
		});
	}
	const startedValid = typeof started === 'string' && !Number.isNaN(Date.parse(started));
	const ended = state.get('endedAt');
	return {
		currentCaseId: typeof current === 'string' && UUID.test(current) ? current : null,
		caseStartedAt: startedValid ? started : null,
		elapsed,
		raised,
		endedAt: typeof ended === 'string' && !Number.isNaN(Date.parse(ended)) ? ended : null
	};
}

/** Whole seconds spent on a case so far: what was banked plus the running stretch, if current. */
export function caseElapsedSeconds(state: MeetingState, caseId: string, now: Date): number {
	const banked = state.elapsed[caseId] ?? 0;
	if (state.currentCaseId !== caseId || !state.caseStartedAt) return banked;
	const running = Math.floor((now.getTime() - Date.parse(state.caseStartedAt)) / 1000);
	return banked + Math.max(0, running);
}

/** Banks the running case's time and stops its clock (before moving on, or at the end). */
export function stopCaseClock(doc: Y.Doc, at: Date) {
	const state = readMeetingState(doc);
	if (state.currentCaseId && state.caseStartedAt) {
		meetingDoc
			.elapsed(doc)
			.set(state.currentCaseId, caseElapsedSeconds(state, state.currentCaseId, at));
	}
	meetingDoc.state(doc).set('caseStartedAt', null);
}

/** Makes `caseId` the current case (banking the previous one's time) and starts its clock. */
export function setCurrentCase(doc: Y.Doc, caseId: string | null, at: Date) {
	doc.transact(() => {
		stopCaseClock(doc, at);
		const state = meetingDoc.state(doc);
		state.set('currentCaseId', caseId);
		state.set('caseStartedAt', caseId ? at.toISOString() : null);
	});
}

/** Stops the clock and records that the meeting has ended, so open pages can say so. */
export function markMeetingEnded(doc: Y.Doc, at: Date) {
	doc.transact(() => {
		stopCaseClock(doc, at);
		meetingDoc.state(doc).set('endedAt', at.toISOString());
	});
}

/** Adds an item raised during the meeting. */
export function raiseItem(doc: Y.Doc, item: RaisedItem) {
	const map = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(item)) map.set(key, value);
	meetingDoc.raised(doc).push([map]);
}

/** Formats seconds as m:ss (e.g. 510 → "8:30"). */
export function formatClock(seconds: number): string {
	const whole = Math.max(0, Math.floor(seconds));
	return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
