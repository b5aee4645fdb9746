// Who may see one case, managed by its coordinator: exclusions (an agency or person kept out)
// and restricted-access grants, effective at once on every process, plus the case's access
// history from the audit log. Rules: policy/case-access.ts.
import { and, asc, count, desc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import {
	agencies,
	auditEvents,
	caseExclusions,
	cases,
	memberships,
	restrictedGrants,
	users
} from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import { recordAccessChange } from '../policy/changes.ts';
import { loadCaseFacts } from '../policy/facts.ts';
import { participantSeat, type CaseFacts, type Principal } from '../policy/index.ts';
import {
	caseAccessDecision,
	exclusionProblem,
	grantProblem,
	type AreaMember,
	type ExclusionSubject
} from '../policy/case-access.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Role, Sector } from '../../domain.ts';

export interface CaseAccessContext {
	db: Database;
	principal: Principal;
	/** Session and address of the request; area, agency and role are filled from the case. */
	actor: Actor;
	now: Date;
}

const FORBIDDEN = 'Only the case’s coordinator can manage who may see it.';

/**
 * Loads the case for its coordinator, auditing the attempt when refused.
 * @throws NotFoundError for anyone who may not see the case, ForbiddenError for other participants.
 */
export async function requireCoordinator(
	ctx: CaseAccessContext,
	caseId: string,
	attempted: string
): Promise<{ facts: CaseFacts; actor: Actor; reference: string }> {
	const facts = await loadCaseFacts(ctx.db, caseId, ctx.principal, ctx.now);
	const decision = caseAccessDecision(ctx.principal, facts);
	const seat = facts ? participantSeat(ctx.principal, facts) : null;
	const actor: Actor = {
		...ctx.actor,
		userId: ctx.principal.userId,
		areaId: seat?.areaId ?? null,
		agencyId: seat?.agencyId ?? null,
		role: seat?.role ?? null
	};
	if (decision !== 'allowed' || !facts) {
		await audit.record(ctx.db, actor, {
			action: attempted,
			outcome: 'denied',
			target: `case:${caseId}`,
			at: ctx.now
		});
		if (decision === 'forbidden') throw new ForbiddenError(FORBIDDEN);
		throw new NotFoundError('Case not found.');
	}
	const [row] = await ctx.db
		.select({ reference: cases.reference })
		.from(cases)
		.where(eq(cases.id, caseId));
	return { facts, actor, reference: row!.reference };
}

export interface PersonOption {
	userId: string;
	name: string;
	agencyId: string;
	agencyName: string;
	sector: Sector;
	role: Role;
}

/** The members of an area (for choosing a person to exclude or grant access to). */
export async function areaMembers(db: Database, areaId: string): Promise<PersonOption[]> {
	return db
		.select({
			userId: users.id,
			name: users.name,
			agencyId: agencies.id,
			agencyName: agencies.name,
			sector: agencies.sector,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(and(eq(memberships.areaId, areaId), isNull(users.disabledAt)))
		.orderBy(asc(users.name));
}

async function memberOf(db: Database, areaId: string, userId: string): Promise<AreaMember | null> {
	const [row] = await db
		.select({
			userId: memberships.userId,
			areaId: memberships.areaId,
			agencyId: memberships.agencyId,
			sector: agencies.sector,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(
			and(eq(memberships.areaId, areaId), eq(memberships.userId, userId), isNull(users.disabledAt))
		);
	return row ?? null;
}

export interface ExclusionView {
	id: string;
	kind: 'agency' | 'user';
	/** The agency's or the person's name (with their agency). */
	subject: string;
	reason: string;
	createdAt: string;
	createdByName: string;
}

export interface GrantView {
	id: string;
	userId: string;
	name: string;
	agencyName: string | null;
	reason: string;
	createdAt: string;
	expiresAt: string;
	grantedByName: string;
}

/** Exclusions in force and grants not yet revoked or expired. */
export async function caseAccessState(db: Database, caseId: string, now: Date) {
	const excludedAgency = agencies;
	const [exclusionRows, grantRows] = await Promise.all([
		db
			.select({
				id: caseExclusions.id,
				agencyId: caseExclusions.agencyId,
				userId: caseExclusions.userId,
				reason: caseExclusions.reason,
				createdAt: caseExclusions.createdAt,
				createdBy: caseExclusions.createdBy,
				agencyName: excludedAgency.name
			})
			.from(caseExclusions)
			.leftJoin(excludedAgency, eq(excludedAgency.id, caseExclusions.agencyId))
			.where(and(eq(caseExclusions.caseId, caseId), isNull(caseExclusions.liftedAt)))
			.orderBy(desc(caseExclusions.createdAt)),
		db
			.select({
				id: restrictedGrants.id,
				userId: restrictedGrants.userId,
				reason: restrictedGrants.reason,
				createdAt: restrictedGrants.createdAt,
				expiresAt: restrictedGrants.expiresAt,
				grantedBy: restrictedGrants.grantedBy
			})
			.from(restrictedGrants)
			.where(and(eq(restrictedGrants.caseId, caseId), isNull(restrictedGrants.revokedAt)))
			.orderBy(asc(restrictedGrants.expiresAt))
	]);
	const people = await peopleByIds(db, [
		...exclusionRows.flatMap((e) => [e.createdBy, ...(e.userId ? [e.userId] : [])]),
		...grantRows.flatMap((g) => [g.userId, g.grantedBy])
	]);
	const who = (id: string) => people.get(id);
	const exclusions: ExclusionView[] = exclusionRows.map((e) => ({
		id: e.id,
		kind: e.userId ? 'user' : 'agency',
		subject: e.userId
			? `${who(e.userId)?.name ?? 'Unknown person'}${who(e.userId)?.agencyName ? ` (${who(e.userId)!.agencyName})` : ''}`
			: (e.agencyName ?? 'Unknown agency'),
		reason: e.reason,
		createdAt: iso(e.createdAt),
		createdByName: who(e.createdBy)?.name ?? 'Unknown'
	}));
	const grants: GrantView[] = grantRows
		.filter((g) => new Date(g.expiresAt).getTime() > now.getTime())
		.map((g) => ({
			id: g.id,
			userId: g.userId,
			name: who(g.userId)?.name ?? 'Unknown person',
			agencyName: who(g.userId)?.agencyName ?? null,
			reason: g.reason,
			createdAt: iso(g.createdAt),
			expiresAt: iso(g.expiresAt),
			grantedByName: who(g.grantedBy)?.name ?? 'Unknown'
		}));
	return { exclusions, grants };
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** Names of people, each with the agency of (one of) their memberships. */
async function peopleByIds(db: Database, ids: string[]) {
	const unique = [...new Set(ids)];
	const map = new Map<string, { name: string; agencyName: string | null }>();
	if (unique.length === 0) return map;
	const rows = await db
		.select({ id: users.id, name: users.name, agencyName: agencies.name })
		.from(users)
		.leftJoin(memberships, eq(memberships.userId, users.id))
		.leftJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(inArray(users.id, unique));
	for (const r of rows)
		if (!map.has(r.id)) map.set(r.id, { name: r.name, agencyName: r.agencyName });
	return map;
}

export interface NewExclusion {
	subject: ExclusionSubject;
	reason: string;
}

/** Keeps an agency or a person out of the case; their open sockets close within a second. */
export async function addExclusion(ctx: CaseAccessContext, caseId: string, input: NewExclusion) {
	const { facts, actor } = await requireCoordinator(ctx, caseId, 'case.exclusion.add');
	const member =
		input.subject.kind === 'user'
			? await memberOf(ctx.db, facts.areaId, input.subject.userId)
			: null;
	const problem = exclusionProblem(ctx.principal, facts, input.subject, member);
	if (problem) throw new DomainError(problem.message, problem.field);
	const [row] = await ctx.db
		.insert(caseExclusions)
		.values({
			caseId,
			agencyId: input.subject.kind === 'agency' ? input.subject.agencyId : null,
			userId: input.subject.kind === 'user' ? input.subject.userId : null,
			reason: input.reason,
			createdBy: ctx.principal.userId,
			createdAt: ctx.now
		})
		.returning({ id: caseExclusions.id });
	// After the row is committed: sockets re-checked now must already see the exclusion.
	await recordAccessChange(ctx.db, {
		reason: 'case.exclusion.add',
		caseId,
		userId: input.subject.kind === 'user' ? input.subject.userId : null
	});
	await audit.record(ctx.db, actor, {
		action: 'case.exclusion.add',
		outcome: 'success',
		target: `case:${caseId}`,
		// The reason may name people or circumstances: it stays on the exclusion, not in the log.
		details: {
			exclusionId: row!.id,
			agencyId: input.subject.kind === 'agency' ? input.subject.agencyId : null,
			userId: input.subject.kind === 'user' ? input.subject.userId : null
		},
		at: ctx.now
	});
	return row!.id;
}

/** Lifts an exclusion (access comes back; nothing to revoke). */
export async function liftExclusion(ctx: CaseAccessContext, caseId: string, exclusionId: string) {
	const { actor } = await requireCoordinator(ctx, caseId, 'case.exclusion.lift');
	const [row] = await ctx.db
		.update(caseExclusions)
		.set({ liftedAt: ctx.now })
		.where(
			and(
				eq(caseExclusions.id, exclusionId),
				eq(caseExclusions.caseId, caseId),
				isNull(caseExclusions.liftedAt)
			)
		)
		.returning({ agencyId: caseExclusions.agencyId, userId: caseExclusions.userId });
	if (!row) throw new NotFoundError('That exclusion was not found, or has already been lifted.');
	await audit.record(ctx.db, actor, {
		action: 'case.exclusion.lift',
		outcome: 'success',
		target: `case:${caseId}`,
		details: { exclusionId, agencyId: row.agencyId, userId: row.userId },
		at: ctx.now
	});
}

export interface NewGrant {
	userId: string;
	reason: string;
	expiresAt: Date;
}

/** Lets one person of the area see the case's restricted details until the expiry. */
export async function addGrant(ctx: CaseAccessContext, caseId: string, input: NewGrant) {
	const { facts, actor } = await requireCoordinator(ctx, caseId, 'case.grant.add');
	const member = await memberOf(ctx.db, facts.areaId, input.userId);
	const problem = grantProblem(facts, member, input.expiresAt, ctx.now);
	if (problem) throw new DomainError(problem.message, problem.field);
	const [row] = await ctx.db
		.insert(restrictedGrants)
		.values({
			caseId,
			userId: input.userId,
			reason: input.reason,
			grantedBy: ctx.principal.userId,
			createdAt: ctx.now,
			expiresAt: input.expiresAt
		})
		.returning({ id: restrictedGrants.id });
	await audit.record(ctx.db, actor, {
		action: 'case.grant.add',
		outcome: 'success',
		target: `case:${caseId}`,
		details: { grantId: row!.id, userId: input.userId, expiresAt: input.expiresAt.toISOString() },
		at: ctx.now
	});
	return row!.id;
}

/** Ends a grant now; the person's open restricted-document socket closes within a second. */
export async function revokeGrant(ctx: CaseAccessContext, caseId: string, grantId: string) {
	const { actor } = await requireCoordinator(ctx, caseId, 'case.grant.revoke');
	const [row] = await ctx.db
		.update(restrictedGrants)
		.set({ revokedAt: ctx.now })
		.where(
			and(
				eq(restrictedGrants.id, grantId),
				eq(restrictedGrants.caseId, caseId),
				isNull(restrictedGrants.revokedAt)
			)
		)
		.returning({ userId: restrictedGrants.userId });
	if (!row) throw new NotFoundError('That grant was not found, or has already been revoked.');
	await recordAccessChange(ctx.db, { reason: 'case.grant.revoke', caseId, userId: row.userId });
	await audit.record(ctx.db, actor, {
		action: 'case.grant.revoke',
		outcome: 'success',
		target: `case:${caseId}`,
		details: { grantId, userId: row.userId },
		at: ctx.now
	});
}

export interface HistoryEntry {
	id: number;
	at: string;
	userName: string | null;
	agencyName: string | null;
	action: string;
	target: string | null;
	outcome: 'success' | 'denied' | 'failure';
	details: Record<string, unknown> | null;
}

export const HISTORY_PAGE_SIZE = 25;

/** The case's audit trail (the case itself and each of its documents), newest first. */
export async function accessHistory(
	db: Database,
	caseId: string,
	areaId: string,
	requestedPage = 1
) {
	const where = or(
		eq(auditEvents.target, `case:${caseId}`),
		like(auditEvents.target, `case:${caseId}:%`)
	);
	const [totalRow] = await db.select({ n: count() }).from(auditEvents).where(where);
	const total = Number(totalRow?.n ?? 0);
	const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
	const page = Math.min(Math.max(1, requestedPage), pages);
	const rows = await db
		.select({
			id: auditEvents.id,
			at: auditEvents.at,
			userName: users.name,
			agencyName: agencies.name,
			action: auditEvents.action,
			target: auditEvents.target,
			outcome: auditEvents.outcome,
			details: auditEvents.details
		})
		.from(auditEvents)
		.leftJoin(users, eq(users.id, auditEvents.userId))
		// Refusals may carry no agency (the person had no seat in the case's area): show the
		// agency they sit for in the area, if any.
		.leftJoin(
			memberships,
			and(eq(memberships.userId, auditEvents.userId), eq(memberships.areaId, areaId))
		)
		.leftJoin(
			agencies,
			eq(agencies.id, sql`coalesce(${auditEvents.agencyId}, ${memberships.agencyId})`)
		)
		.where(where)
		.orderBy(desc(auditEvents.id))
		.limit(HISTORY_PAGE_SIZE)
		.offset((page - 1) * HISTORY_PAGE_SIZE);
	const entries: HistoryEntry[] = rows.map((r) => ({
		...r,
		at: iso(r.at),
		details: (r.details as Record<string, unknown> | null) ?? null
	}));
	return { entries, total, page, pages };
}

/** Records that the coordinator opened the case's access page. */
export async function recordAccessView(ctx: CaseAccessContext, caseId: string, actor: Actor) {
	await audit.record(ctx.db, actor, {
		action: 'case.access.view',
		outcome: 'success',
		target: `case:${caseId}`,
		at: ctx.now
	});
}

/** The area's agencies, by name (for choosing an agency to exclude). */
export async function areaAgencies(db: Database, areaId: string) {
	return db
		.select({ id: agencies.id, name: agencies.name })
		.from(agencies)
		.where(eq(agencies.areaId, areaId))
		.orderBy(asc(agencies.name));
}

/** Names of the agencies and people the history's details point at. */
export async function historyNames(
	db: Database,
	areaId: string,
	entries: HistoryEntry[]
): Promise<{ agencies: Record<string, string>; people: Record<string, string> }> {
	const ids = entries.flatMap((e) =>
		typeof e.details?.userId === 'string' ? [e.details.userId] : []
	);
	const [agencyRows, people] = await Promise.all([
		areaAgencies(db, areaId),
		peopleByIds(
			db,
			ids.filter((id) => /^[0-9a-f-]{36}$/.test(id))
		)
	]);
	return {
		agencies: Object.fromEntries(agencyRows.map((a) => [a.id, a.name])),
		people: Object.fromEntries([...people].map(([id, p]) => [id, p.name]))
	};
}
