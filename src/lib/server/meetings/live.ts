// The live meeting: start, the page (after confidentiality, see attendance.ts), following the
// current case, quick-add actions and the end. The meeting document holds the live state (shapes.ts); this
// module changes it only through the document service, so every change is persisted, broadcast
// and audited like a client's.
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { agencies, cases } from '../db/schema/index.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { access } from '../policy/facts.ts';
import { recordAccessChange } from '../policy/changes.ts';
import {
	agendaCaseVisible,
	mayFollowMeeting,
	mayRecordAttendance,
	mayRunMeeting,
	mayStartMeeting
} from '../policy/meetings.ts';
import {
	addAction,
	readMeetingState,
	setCurrentCase,
	markMeetingEnded,
	type MeetingState
} from '../../documents/shapes.ts';
import { documentName } from '../../documents/names.ts';
import {
	ensure,
	isUuid,
	loadMeeting,
	moveStatus,
	seatedActor,
	audited,
	type MeetingContext
} from './context.ts';
import { loadAgenda } from './agenda-data.ts';
import { casesOnlyOn } from './agenda.ts';
import { attendanceOf, confirmedAt } from './attendance.ts';
import { agendaRow, areaMembers, lapseMoment, nextMeetingsAfter } from './queries.ts';
import { defaultDueDate, londonDate } from '../../dates.ts';

const meetingDocName = (id: string) => documentName({ kind: 'meeting', meetingId: id });

function documentsOf(ctx: MeetingContext) {
	if (!ctx.documents) throw new Error('live documents are not available in this process');
	return ctx.documents;
}

/** The meeting document's live state (empty when nobody has written it yet). */
export async function meetingState(ctx: MeetingContext, meetingId: string): Promise<MeetingState> {
	const doc = new Y.Doc();
	try {
		if (ctx.documents) Y.applyUpdate(doc, await ctx.documents.read(meetingDocName(meetingId)));
		return readMeetingState(doc);
	} finally {
		doc.destroy();
	}
}

/** Coordinator or chair start the meeting; the first case on the agenda becomes current. */
export async function startMeeting(ctx: MeetingContext, meetingId: string) {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayStartMeeting(ctx.principal, loaded.meeting), {
		action: 'meeting.start',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator or the chair can start a meeting that has not started.'
	});
	const moved = await moveStatus(ctx.db, loaded.meeting.id, 'planned', {
		status: 'live',
		startedAt: ctx.now
	});
	if (!moved) throw new DomainError('The meeting has already started.');
	const [first] = await loadAgenda(ctx.db, loaded.meeting.id, ctx.now);
	if (first && ctx.documents) {
		await ctx.documents.edit(
			meetingDocName(loaded.meeting.id),
			seatedActor(ctx, loaded.seat),
			(doc) => setCurrentCase(doc, first.caseId, ctx.now)
		);
	}
	await audited(ctx, loaded, 'meeting.start');
}

/**
 * The live page. Until the principal has confirmed the confidentiality statement for this
 * meeting it holds the statement and nothing else of the meeting.
 */
export async function liveMeeting(
	ctx: MeetingContext,
	meetingId: string,
	requestedCase: string | null
) {
	const loaded = await loadMeeting(ctx, meetingId);
	const { meeting } = loaded;
	const p = ctx.principal;
	const status = meeting.status;
	const confirmed = await confirmedAt(ctx, meeting.id);
	if (status !== 'live' || !mayFollowMeeting(p, meeting, confirmed)) {
		return {
			stage:
				status === 'live'
					? ('confirm' as const)
					: status === 'planned'
						? ('not_started' as const)
						: ('ended' as const),
			meetingId: meeting.id,
			statement: status === 'live' ? loaded.confidentialityStatement : null
		};
	}
	const entries = (
		await loadAgenda(ctx.db, meeting.id, lapseMoment(meeting.scheduledAt, ctx.now))
	).filter((e) => agendaCaseVisible(p, meeting, e));
	const state = await meetingState(ctx, meeting.id);
	const wanted =
		requestedCase && entries.some((e) => e.caseId === requestedCase) ? requestedCase : null;
	const shownId =
		wanted ?? (entries.some((e) => e.caseId === state.currentCaseId) ? state.currentCaseId : null);
	const shown = entries.find((e) => e.caseId === shownId) ?? null;
	const lead = mayRunMeeting(p, meeting);
	const areaAgencies = await ctx.db
		.select({ id: agencies.id, name: agencies.name })
		.from(agencies)
		.where(eq(agencies.areaId, meeting.areaId))
		.orderBy(asc(agencies.name));
	await audited(ctx, loaded, 'meeting.live_view', { caseId: shown?.caseId ?? null });
	return {
		stage: 'live' as const,
		meetingId: meeting.id,
		meeting: {
			id: meeting.id,
			areaName: loaded.areaName,
			scheduledAt: meeting.scheduledAt,
			startedAt: meeting.startedAt,
			chairName: loaded.chairName,
			caseMinutes: meeting.caseMinutes
		},
		seat: { role: loaded.seat.role, agencyName: loaded.seat.agencyName },
		agenda: entries.map((e) => agendaRow(ctx, meeting, e, null)),
		state,
		currentCaseId: shown?.caseId ?? null,
		may: { run: lead, recordAttendance: mayRecordAttendance(p, meeting) },
		attendance: lead ? await attendanceOf(ctx, meeting.id) : [],
		members: mayRecordAttendance(p, meeting) ? await areaMembers(ctx, meeting.areaId) : [],
		owners: shown ? areaAgencies.filter((a) => !shown.excludedAgencyIds.includes(a.id)) : [],
		defaultDueOn: defaultDueDate({
			today: londonDate(meeting.scheduledAt),
			areaMeetings: await nextMeetingsAfter(ctx, meeting.areaId, meeting.scheduledAt)
		}),
		docName: meetingDocName(meeting.id),
		docAccess: lead ? ('write' as const) : ('read' as const)
	};
}

/** Coordinator or chair take up another case: next, previous, or one by id. */
export async function moveToCase(
	ctx: MeetingContext,
	meetingId: string,
	target: 'next' | 'previous' | { caseId: string }
): Promise<string | null> {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayRunMeeting(ctx.principal, loaded.meeting), {
		action: 'meeting.move',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator or the chair move between cases, while the meeting is live.'
	});
	const agenda = await loadAgenda(ctx.db, loaded.meeting.id, ctx.now);
	const state = await meetingState(ctx, loaded.meeting.id);
	const index = agenda.findIndex((e) => e.caseId === state.currentCaseId);
	let next: string | null;
	if (typeof target === 'object') {
		if (!agenda.some((e) => e.caseId === target.caseId)) {
			throw new NotFoundError('That case is not on this agenda.');
		}
		next = target.caseId;
	} else if (target === 'next') {
		next = agenda[index + 1]?.caseId ?? agenda[index]?.caseId ?? null;
	} else {
		next = index <= 0 ? (agenda[0]?.caseId ?? null) : agenda[index - 1]!.caseId;
	}
	if (next && next !== state.currentCaseId) {
		await documentsOf(ctx).edit(
			meetingDocName(loaded.meeting.id),
			seatedActor(ctx, loaded.seat),
			(doc) => setCurrentCase(doc, next, ctx.now)
		);
	}
	return next;
}

export interface QuickAction {
	caseId: string;
	agencyId: string;
	text: string;
	dueOn: string;
}

/** Coordinator or chair add an action for an agency on a case of the live meeting. */
export async function quickAddAction(ctx: MeetingContext, meetingId: string, input: QuickAction) {
	const loaded = await loadMeeting(ctx, meetingId);
	const { meeting } = loaded;
	await ensure(ctx, mayRunMeeting(ctx.principal, meeting), {
		action: 'action.add',
		meetingId: meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator or the chair add actions here, while the meeting is live.'
	});
	const entry = (await loadAgenda(ctx.db, meeting.id, ctx.now)).find(
		(e) => e.caseId === input.caseId
	);
	if (!entry || !agendaCaseVisible(ctx.principal, meeting, entry)) {
		throw new NotFoundError('That case is not on this agenda.');
	}
	const [agency] = isUuid(input.agencyId)
		? await ctx.db
				.select({ id: agencies.id })
				.from(agencies)
				.where(and(eq(agencies.id, input.agencyId), eq(agencies.areaId, meeting.areaId)))
		: [];
	if (!agency || entry.excludedAgencyIds.includes(agency.id)) {
		throw new DomainError('Choose an agency taking part in this case.', 'agencyId');
	}
	const docName = documentName({ kind: 'agency', caseId: entry.caseId, agencyId: agency.id });
	const decision = await access(ctx.db, ctx.principal, docName, ctx.now);
	await ensure(ctx, decision.access === 'write', {
		action: 'action.add',
		meetingId: meeting.id,
		seat: loaded.seat,
		message: "You cannot add actions to this agency's part of the case."
	});
	const id = `act-${randomBytes(9).toString('base64url')}`;
	await documentsOf(ctx).edit(docName, seatedActor(ctx, loaded.seat), (doc) =>
		addAction(doc, {
			id,
			text: input.text.trim(),
			dueOn: input.dueOn,
			status: 'open',
			createdAt: ctx.now.toISOString(),
			createdBy: ctx.principal.userId
		})
	);
	await audited(
		ctx,
		loaded,
		'action.add',
		{ meetingId: meeting.id, caseId: entry.caseId, agencyId: agency.id, actionId: id },
		docName
	);
	return { id, docName };
}

/**
 * The chair (or coordinator) ends the meeting: the clock stops, the meeting is closed, and cases
 * heard here that are listed nowhere else become `open` (between meetings).
 */
export async function endMeeting(ctx: MeetingContext, meetingId: string) {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayRunMeeting(ctx.principal, loaded.meeting), {
		action: 'meeting.end',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator or the chair can end a live meeting.'
	});
	const moved = await moveStatus(ctx.db, loaded.meeting.id, 'live', {
		status: 'closed',
		endedAt: ctx.now
	});
	if (!moved) throw new DomainError('The meeting has already ended.');
	// After the status: pages that see the mark reload and must find the meeting closed.
	if (ctx.documents) {
		await ctx.documents.edit(
			meetingDocName(loaded.meeting.id),
			seatedActor(ctx, loaded.seat),
			(doc) => markMeetingEnded(doc, ctx.now)
		);
	}
	const heard = await casesOnlyOn(ctx, loaded.meeting.id);
	for (const caseId of heard) {
		await ctx.db
			.update(cases)
			.set({ status: 'open' })
			.where(and(eq(cases.id, caseId), eq(cases.status, 'listed')));
	}
	// Open sockets re-check their access (the meeting document and frozen cases).
	await recordAccessChange(ctx.db, { reason: 'meeting.closed', areaId: loaded.meeting.areaId });
	await audited(ctx, loaded, 'meeting.end');
}
