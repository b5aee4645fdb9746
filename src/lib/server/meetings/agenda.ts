// Commands on meetings before they run: scheduling, the agenda and research marks. Every
// command checks policy/meetings.ts first and writes the audit log with identifiers only.
import { and, eq, inArray, ne } from 'drizzle-orm';
import { agendaItems, cases, meetings, memberships, researchStatus } from '../db/schema/index.ts';
import { record } from '../audit/index.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { seatIn } from '../policy/index.ts';
import {
	agendaCaseVisible,
	mayChair,
	mayEditAgenda,
	mayMarkResearch,
	mayScheduleMeeting
} from '../policy/meetings.ts';
import {
	audited,
	ensure,
	isUuid,
	loadMeeting,
	seatedActor,
	type MeetingContext
} from './context.ts';
import { exclusionsOf, loadAgenda, writeOrder } from './agenda-data.ts';
import { fromLondonLocal } from '../../dates.ts';
import { defaultOrder, insertionIndex, moveItem } from './rules.ts';

export interface ScheduleInput {
	areaId: string;
	date: string;
	time: string;
	venue: string;
	online: boolean;
	chairUserId: string;
	caseMinutes: number;
}

/** The coordinator schedules a meeting of their area; returns its id. */
export async function scheduleMeeting(ctx: MeetingContext, input: ScheduleInput): Promise<string> {
	const seat = isUuid(input.areaId) ? seatIn(ctx.principal, input.areaId) : null;
	await ensure(ctx, mayScheduleMeeting(ctx.principal, input.areaId), {
		action: 'meeting.schedule',
		meetingId: 'new',
		seat,
		message: "Only the area's coordinator can schedule its meetings."
	});
	const scheduledAt = fromLondonLocal(`${input.date}T${input.time}`);
	if (!scheduledAt) throw new DomainError('Enter a real date and time.', 'date');
	if (scheduledAt.getTime() < ctx.now.getTime() - 3_600_000) {
		throw new DomainError('The meeting must be in the future.', 'date');
	}
	const [chair] = isUuid(input.chairUserId)
		? await ctx.db
				.select({ role: memberships.role })
				.from(memberships)
				.where(and(eq(memberships.userId, input.chairUserId), eq(memberships.areaId, input.areaId)))
		: [];
	if (!chair || !mayChair(chair)) {
		throw new DomainError("Choose the chair from the area's chair and coordinator.", 'chairUserId');
	}
	const venue = input.venue.trim();
	if (!venue && !input.online)
		throw new DomainError('Enter a venue, or say it is online.', 'venue');
	const [row] = await ctx.db
		.insert(meetings)
		.values({
			areaId: input.areaId,
			scheduledAt,
			venue: venue || null,
			online: input.online,
			chairUserId: input.chairUserId,
			caseMinutes: input.caseMinutes
		})
		.returning({ id: meetings.id });
	await record(ctx.db, seatedActor(ctx, seat), {
		action: 'meeting.schedule',
		outcome: 'success',
		target: `meeting:${row!.id}`,
		details: { chairUserId: input.chairUserId, caseMinutes: input.caseMinutes },
		at: ctx.now
	});
	return row!.id;
}

async function agendaEditor(ctx: MeetingContext, meetingId: string, action: string) {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayEditAgenda(ctx.principal, loaded.meeting), {
		action,
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message:
			loaded.meeting.status === 'closed'
				? 'This meeting has ended; its agenda can no longer change.'
				: 'Only the coordinator can change the agenda.'
	});
	return loaded;
}

/** Lists a case on the agenda (in default-order position) and marks the case `listed`. */
export async function addToAgenda(ctx: MeetingContext, meetingId: string, caseId: string) {
	const loaded = await agendaEditor(ctx, meetingId, 'agenda.add');
	const { meeting } = loaded;
	const [c] = isUuid(caseId)
		? await ctx.db
				.select()
				.from(cases)
				.where(and(eq(cases.id, caseId), eq(cases.areaId, meeting.areaId)))
		: [];
	const exclusions = c ? (await exclusionsOf(ctx.db, [c.id])).get(c.id)! : null;
	if (!c || !exclusions || !agendaCaseVisible(ctx.principal, meeting, exclusions)) {
		throw new NotFoundError('There is no such case in this area.');
	}
	if (!['referred', 'open', 'listed'].includes(c.status)) {
		throw new DomainError('A closed or transferred case cannot be listed.', 'caseId');
	}
	await ctx.db.transaction(async (tx) => {
		const agenda = await loadAgenda(tx, meeting.id, ctx.now);
		if (agenda.some((e) => e.caseId === c.id)) {
			throw new DomainError('That case is already on this agenda.', 'caseId');
		}
		const at = insertionIndex(agenda, c);
		const [item] = await tx
			.insert(agendaItems)
			.values({ meetingId: meeting.id, caseId: c.id, position: at })
			.returning({ id: agendaItems.id });
		const order = agenda.map((e) => e.itemId);
		order.splice(at, 0, item!.id);
		await writeOrder(tx, meeting.id, order);
		if (c.status !== 'listed') {
			await tx.update(cases).set({ status: 'listed' }).where(eq(cases.id, c.id));
		}
	});
	await audited(ctx, loaded, 'agenda.add', { caseId: c.id });
}

/**
 * Takes a case off the agenda. If it is listed on no other meeting that has not ended, it goes
 * back to `open` when it has been heard before, else `referred`.
 */
export async function removeFromAgenda(ctx: MeetingContext, meetingId: string, itemId: string) {
	const loaded = await agendaEditor(ctx, meetingId, 'agenda.remove');
	const { meeting } = loaded;
	let caseId = '';
	await ctx.db.transaction(async (tx) => {
		const agenda = await loadAgenda(tx, meeting.id, ctx.now);
		const entry = agenda.find((e) => e.itemId === itemId);
		if (!entry) throw new NotFoundError('That case is not on this agenda.');
		caseId = entry.caseId;
		await tx.delete(agendaItems).where(eq(agendaItems.id, entry.itemId));
		await writeOrder(
			tx,
			meeting.id,
			agenda.filter((e) => e.itemId !== itemId).map((e) => e.itemId)
		);
		const others = await tx
			.select({ status: meetings.status })
			.from(agendaItems)
			.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
			.where(eq(agendaItems.caseId, entry.caseId));
		if (entry.status === 'listed' && !others.some((o) => o.status !== 'closed')) {
			const heard = others.some((o) => o.status === 'closed');
			await tx
				.update(cases)
				.set({ status: heard ? 'open' : 'referred' })
				.where(eq(cases.id, entry.caseId));
		}
	});
	await audited(ctx, loaded, 'agenda.remove', { caseId });
}

/** Moves one case up or down the agenda (the keyboard- and no-JS-friendly reorder). */
export async function moveOnAgenda(
	ctx: MeetingContext,
	meetingId: string,
	itemId: string,
	by: -1 | 1
) {
	const loaded = await agendaEditor(ctx, meetingId, 'agenda.move');
	let result = { caseId: '', position: -1 };
	await ctx.db.transaction(async (tx) => {
		const agenda = await loadAgenda(tx, loaded.meeting.id, ctx.now);
		const index = agenda.findIndex((e) => e.itemId === itemId);
		if (index === -1) throw new NotFoundError('That case is not on this agenda.');
		const order = moveItem(agenda, index, by);
		await writeOrder(
			tx,
			loaded.meeting.id,
			order.map((e) => e.itemId)
		);
		result = { caseId: agenda[index]!.caseId, position: order.indexOf(agenda[index]!) };
	});
	await audited(ctx, loaded, 'agenda.move', result);
	return { position: result.position };
}

/** Puts the agenda in the order given (drag and drop): the same entries, each once. */
export async function reorderAgenda(ctx: MeetingContext, meetingId: string, itemIds: string[]) {
	const loaded = await agendaEditor(ctx, meetingId, 'agenda.reorder');
	await ctx.db.transaction(async (tx) => {
		const agenda = await loadAgenda(tx, loaded.meeting.id, ctx.now);
		const current = new Set(agenda.map((e) => e.itemId));
		if (
			itemIds.length !== agenda.length ||
			new Set(itemIds).size !== itemIds.length ||
			!itemIds.every((id) => current.has(id))
		) {
			throw new DomainError('The agenda changed meanwhile. Reload the page and try again.');
		}
		await writeOrder(tx, loaded.meeting.id, itemIds);
	});
	await audited(ctx, loaded, 'agenda.reorder', { count: itemIds.length });
}

/** Restores the default order: cases with children first, then adult-only, by referral date. */
export async function resetAgendaOrder(ctx: MeetingContext, meetingId: string) {
	const loaded = await agendaEditor(ctx, meetingId, 'agenda.reorder');
	await ctx.db.transaction(async (tx) => {
		const agenda = await loadAgenda(tx, loaded.meeting.id, ctx.now);
		await writeOrder(
			tx,
			loaded.meeting.id,
			defaultOrder(agenda).map((e) => e.itemId)
		);
	});
	await audited(ctx, loaded, 'agenda.reorder', { defaultOrder: true });
}

/** An agency representative marks (or unmarks) their agency's research done for one case. */
export async function markResearch(
	ctx: MeetingContext,
	meetingId: string,
	itemId: string,
	done: boolean
) {
	const loaded = await loadMeeting(ctx, meetingId);
	const { meeting, seat } = loaded;
	const [entry] = (await loadAgenda(ctx.db, meeting.id, ctx.now)).filter(
		(e) => e.itemId === itemId
	);
	if (!entry || !agendaCaseVisible(ctx.principal, meeting, entry)) {
		throw new NotFoundError('That case is not on this agenda.');
	}
	await ensure(ctx, mayMarkResearch(ctx.principal, meeting, entry), {
		action: 'research.mark',
		meetingId: meeting.id,
		seat,
		message: "Only an agency's representatives mark its research, until the meeting ends."
	});
	if (done) {
		await ctx.db
			.insert(researchStatus)
			.values({
				agendaItemId: entry.itemId,
				agencyId: seat.agencyId,
				doneAt: ctx.now,
				doneBy: ctx.principal.userId
			})
			.onConflictDoUpdate({
				target: [researchStatus.agendaItemId, researchStatus.agencyId],
				set: { doneAt: ctx.now, doneBy: ctx.principal.userId }
			});
	} else {
		await ctx.db
			.delete(researchStatus)
			.where(
				and(
					eq(researchStatus.agendaItemId, entry.itemId),
					eq(researchStatus.agencyId, seat.agencyId)
				)
			);
	}
	await audited(ctx, loaded, 'research.mark', {
		caseId: entry.caseId,
		agencyId: seat.agencyId,
		done
	});
}

/** Cases listed on `meetingId` that are on no other meeting still to run (for closing). */
export async function casesOnlyOn(ctx: MeetingContext, meetingId: string): Promise<string[]> {
	const items = await ctx.db
		.select({ caseId: agendaItems.caseId })
		.from(agendaItems)
		.where(eq(agendaItems.meetingId, meetingId));
	const ids = items.map((i) => i.caseId);
	if (ids.length === 0) return [];
	const elsewhere = await ctx.db
		.select({ caseId: agendaItems.caseId })
		.from(agendaItems)
		.innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
		.where(
			and(
				inArray(agendaItems.caseId, ids),
				ne(agendaItems.meetingId, meetingId),
				ne(meetings.status, 'closed')
			)
		);
	const busy = new Set(elsewhere.map((e) => e.caseId));
	return ids.filter((id) => !busy.has(id));
}
