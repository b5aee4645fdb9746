// Moving a case between MARAC areas (DESIGN §2 step 6, issue 6): a survivor dispersed to another
// area should not have to retell their story. The receiving coordinator sees a minimal summary,
// then accepts or declines. On acceptance the case row (and so every document named after it)
// moves; the sending area keeps a stub without personal data; its users lose access at once.
import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	agendaItems,
	areas,
	caseTransfers,
	cases,
	meetings,
	restrictedGrants,
	users
} from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import { recordAccessChange } from '../policy/changes.ts';
import type { Principal } from '../policy/index.ts';
import { seatIn } from '../policy/index.ts';
import {
	mayCancelTransfer,
	mayDecideTransfer,
	mayRequestTransfer,
	transferAreas
} from '../policy/transfers.ts';
import { DomainError, NotFoundError, isUniqueViolation } from '../errors.ts';

export const REASON_MAX = 1000;

function actorIn(principal: Principal, areaId: string, extra: Partial<Actor> = {}): Actor {
	const seat = seatIn(principal, areaId);
	return {
		userId: principal.userId,
		areaId,
		agencyId: seat?.agencyId ?? null,
		role: seat?.role ?? null,
		...extra
	};
}

/** The sending coordinator asks to move a case to another area. */
export async function requestTransfer(
	db: Database,
	principal: Principal,
	input: { caseId: string; toAreaId: string; reason: string },
	meta: Partial<Actor> = {}
): Promise<string> {
	const [c] = await db
		.select({ id: cases.id, areaId: cases.areaId, status: cases.status })
		.from(cases)
		.where(eq(cases.id, input.caseId));
	if (!c || !mayRequestTransfer(principal, c)) throw new NotFoundError('Case not found.');
	const reason = input.reason.trim();
	if (!reason) throw new DomainError('Say why the case is moving.', 'reason');
	if (reason.length > REASON_MAX) {
		throw new DomainError(`Keep the reason under ${REASON_MAX} characters.`, 'reason');
	}
	if (input.toAreaId === c.areaId) {
		throw new DomainError('Choose another area: the case is already here.', 'toAreaId');
	}
	const [to] = await db.select({ id: areas.id }).from(areas).where(eq(areas.id, input.toAreaId));
	if (!to) throw new DomainError('Choose the area the person is moving to.', 'toAreaId');
	let id: string;
	try {
		const [row] = await db
			.insert(caseTransfers)
			.values({
				caseId: c.id,
				fromAreaId: c.areaId,
				toAreaId: to.id,
				reason,
				requestedBy: principal.userId
			})
			.returning({ id: caseTransfers.id });
		id = row!.id;
	} catch (error) {
		if (isUniqueViolation(error)) {
			throw new DomainError('A transfer of this case is already waiting for an answer.');
		}
		throw error;
	}
	await audit.record(db, actorIn(principal, c.areaId, meta), {
		action: 'case.transfer.request',
		outcome: 'success',
		target: `case:${c.id}`,
		details: { transfer: id, toArea: to.id }
	});
	return id;
}

async function pendingTransfer(db: Database, transferId: string) {
	const [t] = await db
		.select()
		.from(caseTransfers)
		.where(and(eq(caseTransfers.id, transferId), eq(caseTransfers.status, 'pending')));
	return t ?? null;
}

/** The sending coordinator withdraws a request that has not been answered. */
export async function cancelTransfer(
	db: Database,
	principal: Principal,
	transferId: string,
	meta: Partial<Actor> = {}
): Promise<void> {
	const t = await pendingTransfer(db, transferId);
	if (!t || !mayCancelTransfer(principal, t.fromAreaId)) {
		throw new NotFoundError('Transfer not found.');
	}
	const done = await db
		.update(caseTransfers)
		.set({ status: 'cancelled', decidedBy: principal.userId, decidedAt: new Date() })
		.where(and(eq(caseTransfers.id, t.id), eq(caseTransfers.status, 'pending')))
		.returning({ id: caseTransfers.id });
	if (done.length === 0) throw new DomainError('This transfer has already been answered.');
	await audit.record(db, actorIn(principal, t.fromAreaId, meta), {
		action: 'case.transfer.cancel',
		outcome: 'success',
		target: `case:${t.caseId}`,
		details: { transfer: t.id }
	});
}

/** The receiving coordinator declines, with a reason the sender sees. */
export async function declineTransfer(
	db: Database,
	principal: Principal,
	transferId: string,
	reason: string,
	meta: Partial<Actor> = {}
): Promise<void> {
	const t = await pendingTransfer(db, transferId);
	if (!t || !mayDecideTransfer(principal, t.toAreaId)) {
		throw new NotFoundError('Transfer not found.');
	}
	const why = reason.trim();
	if (!why) throw new DomainError('Say why you cannot take the case.', 'declineReason');
	const done = await db
		.update(caseTransfers)
		.set({
			status: 'declined',
			decidedBy: principal.userId,
			decidedAt: new Date(),
			declineReason: why.slice(0, REASON_MAX)
		})
		.where(and(eq(caseTransfers.id, t.id), eq(caseTransfers.status, 'pending')))
		.returning({ id: caseTransfers.id });
	if (done.length === 0) throw new DomainError('This transfer has already been answered.');
	for (const areaId of [t.toAreaId, t.fromAreaId]) {
		await audit.record(db, actorIn(principal, areaId, { ...meta, areaId }), {
			action: 'case.transfer.decline',
			outcome: 'success',
			target: `case:${t.caseId}`,
			details: { transfer: t.id, fromArea: t.fromAreaId, toArea: t.toAreaId }
		});
	}
}

/**
 * The receiving coordinator accepts: in one transaction the case moves to their area with its
 * documents and history, the sending area keeps a stub (reference, dates, where it went) and
 * its meetings' agenda entries point at the stub; grants given in the old area end. Open
 * sockets are re-checked at once, so the old area's users are disconnected within a second.
 */
export async function acceptTransfer(
	db: Database,
	principal: Principal,
	transferId: string,
	now: Date,
	meta: Partial<Actor> = {}
): Promise<{ caseId: string; stubCaseId: string }> {
	const t = await pendingTransfer(db, transferId);
	if (!t || !mayDecideTransfer(principal, t.toAreaId)) {
		throw new NotFoundError('Transfer not found.');
	}
	const stubCaseId = await db.transaction(async (tx) => {
		// Claim the request first: a concurrent accept, decline or cancel finds it answered.
		const claimed = await tx
			.update(caseTransfers)
			.set({ status: 'accepted', decidedBy: principal.userId, decidedAt: now })
			.where(and(eq(caseTransfers.id, t.id), eq(caseTransfers.status, 'pending')))
			.returning({ id: caseTransfers.id });
		if (claimed.length === 0) throw new DomainError('This transfer has already been answered.');
		const [c] = await tx.select().from(cases).where(eq(cases.id, t.caseId));
		if (!c || c.areaId !== t.fromAreaId || c.status === 'transferred') {
			throw new DomainError('This case can no longer be transferred.');
		}
		// The case itself moves. Its reference stays, unless the new area already uses it.
		const [clash] = await tx
			.select({ id: cases.id })
			.from(cases)
			.where(and(eq(cases.areaId, t.toAreaId), eq(cases.reference, c.reference)));
		await tx
			.update(cases)
			.set({
				areaId: t.toAreaId,
				status: 'referred',
				reference: clash ? `${c.reference}-T${t.id.slice(0, 4).toUpperCase()}` : c.reference,
				// A repeat link would point into the old area, which the new one cannot see.
				repeatOfCaseId: null,
				repeatConfirmed: null
			})
			.where(eq(cases.id, c.id));
		// The stub: what the sending area needs for its own records, no personal data.
		const [stub] = await tx
			.insert(cases)
			.values({
				areaId: c.areaId,
				reference: c.reference,
				kind: c.kind,
				status: 'transferred',
				victimName: '',
				victimNameKey: '',
				referredAt: c.referredAt,
				createdAt: c.createdAt,
				closedAt: now,
				transferredToAreaId: t.toAreaId,
				transferredAt: now
			})
			.returning({ id: cases.id });
		// The sending area's meetings keep their agendas, pointing at the stub.
		const senderMeetings = tx
			.select({ id: meetings.id })
			.from(meetings)
			.where(eq(meetings.areaId, t.fromAreaId));
		await tx
			.update(agendaItems)
			.set({ caseId: stub!.id })
			.where(and(eq(agendaItems.caseId, c.id), inArray(agendaItems.meetingId, senderMeetings)));
		await tx
			.update(restrictedGrants)
			.set({ revokedAt: now })
			.where(and(eq(restrictedGrants.caseId, c.id), sql`${restrictedGrants.revokedAt} is null`));
		await tx.update(caseTransfers).set({ stubCaseId: stub!.id }).where(eq(caseTransfers.id, t.id));
		await recordAccessChange(tx, {
			reason: 'case.transfer',
			caseId: c.id
		});
		return stub!.id;
	});
	for (const areaId of [t.toAreaId, t.fromAreaId]) {
		await audit.record(db, actorIn(principal, areaId, { ...meta, areaId }), {
			action: 'case.transfer.accept',
			outcome: 'success',
			target: `case:${t.caseId}`,
			details: { transfer: t.id, fromArea: t.fromAreaId, toArea: t.toAreaId, stub: stubCaseId }
		});
	}
	return { caseId: t.caseId, stubCaseId };
}

export interface TransferView {
	id: string;
	caseId: string;
	stubCaseId: string | null;
	reference: string;
	kind: string;
	status: string;
	direction: 'in' | 'out';
	fromArea: string;
	toArea: string;
	reason: string;
	declineReason: string | null;
	requestedBy: string;
	requestedAt: Date;
	decidedAt: Date | null;
	/** Only for a pending request coming in: enough to decide, nothing more. */
	summary: {
		initials: string;
		birthYear: string | null;
		childrenInHousehold: number;
		interpreterLanguage: string | null;
		referredAt: Date;
	} | null;
}

const initials = (name: string) =>
	name
		.split(/\s+/)
		.filter(Boolean)
		.map((part) => part[0]!.toUpperCase())
		.join('')
		.slice(0, 4);

/** Transfers in and out of the areas this person coordinates, newest first. */
export async function listTransfers(db: Database, principal: Principal): Promise<TransferView[]> {
	const areaIds = transferAreas(principal);
	if (areaIds.length === 0) return [];
	const rows = await db
		.select({
			t: caseTransfers,
			reference: cases.reference,
			kind: cases.kind,
			victimName: cases.victimName,
			victimDob: cases.victimDob,
			children: cases.childrenInHousehold,
			interpreterLanguage: cases.interpreterLanguage,
			referredAt: cases.referredAt,
			requester: users.name
		})
		.from(caseTransfers)
		.innerJoin(cases, eq(cases.id, caseTransfers.caseId))
		.innerJoin(users, eq(users.id, caseTransfers.requestedBy))
		.where(or(inArray(caseTransfers.fromAreaId, areaIds), inArray(caseTransfers.toAreaId, areaIds)))
		.orderBy(desc(caseTransfers.requestedAt))
		.limit(200);
	const areaNames = new Map(
		(await db.select({ id: areas.id, name: areas.name }).from(areas)).map((a) => [a.id, a.name])
	);
	return rows.map((r) => {
		const incoming = areaIds.includes(r.t.toAreaId) && !areaIds.includes(r.t.fromAreaId);
		const direction: 'in' | 'out' = incoming ? 'in' : 'out';
		return {
			id: r.t.id,
			caseId: r.t.caseId,
			stubCaseId: r.t.stubCaseId,
			reference: r.reference,
			kind: r.kind,
			status: r.t.status,
			direction,
			fromArea: areaNames.get(r.t.fromAreaId) ?? '',
			toArea: areaNames.get(r.t.toAreaId) ?? '',
			reason: r.t.reason,
			declineReason: r.t.declineReason,
			requestedBy: r.requester,
			requestedAt: r.t.requestedAt,
			decidedAt: r.t.decidedAt,
			summary:
				direction === 'in' && r.t.status === 'pending'
					? {
							initials: initials(r.victimName),
							birthYear: r.victimDob ? r.victimDob.slice(0, 4) : null,
							childrenInHousehold: r.children,
							interpreterLanguage: r.interpreterLanguage,
							referredAt: r.referredAt
						}
					: null
		};
	});
}

/** Areas a case may be sent to (every other area of this installation). */
export async function transferTargets(db: Database, fromAreaId: string) {
	const all = await db.select({ id: areas.id, name: areas.name }).from(areas).orderBy(areas.name);
	return all.filter((a) => a.id !== fromAreaId);
}
