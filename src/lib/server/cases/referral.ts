// Taking a referral (DESIGN §2 step 1): the register row, the restricted contact details, the
// repeat check and the audit entry. Safe-contact details go to the restricted document only.
import { and, desc, eq, gte, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agencies, areas, cases, users } from '../db/schema/index.ts';
import type { DocumentService } from '../documents/types.ts';
import { record, type Actor } from '../audit/index.ts';
import { DomainError } from '../errors.ts';
import { loadCaseFacts } from '../policy/facts.ts';
import type { Principal } from '../policy/index.ts';
import {
	mayDecideRepeat,
	mayKnowCase,
	mayReadReferral,
	referralSeat
} from '../policy/referrals.ts';
import { nameKeys, normaliseName } from './names.ts';
import { restrictedDoc, type RestrictedContactField } from '../../documents/shapes.ts';
import { documentName } from '../../documents/names.ts';
import type { ReferralInput } from '../../schemas/referral.ts';
import { DASH_HIGH_RISK } from '../../referral.ts';

/** Who is referring, from the server session (never from the form). */
export interface Referrer {
	principal: Principal;
	sessionId: string;
	ip: string | null;
}

/** The referral answers kept with the register row: everything but the safe-contact details. */
export type StoredReferral = Omit<ReferralInput, 'contact' | 'areaId' | 'kind'> & {
	version: 1;
	referrer: ReferralInput['referrer'] & { agencyName: string; sector: string };
	criteria: ReferralInput['criteria'] & { visibleHighRisk: boolean };
	/** Which restricted fields were given (names only, so the page can say "held separately"). */
	restrictedFields: string[];
};

/** The area's reference prefix: the first word of its name (the Demo Area's is DEMO). */
export function referencePrefix(areaName: string): string {
	const word = areaName
		.normalize('NFKD')
		.toUpperCase()
		.replace(/[^A-Z0-9 ]+/g, '')
		.trim()
		.split(/\s+/)[0];
	return (word || 'CASE').slice(0, 8);
}

export function formatReference(prefix: string, n: number): string {
	return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** The start of the repeat window: the same calendar date a year earlier. */
export function repeatWindowStart(now: Date): Date {
	const start = new Date(now);
	start.setUTCFullYear(start.getUTCFullYear() - 1);
	return start;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * The most recent case in the area, referred within the last 12 months, for the same person: same
 * date of birth and a normalised name or alias in common. Without a date of birth there is no
 * automatic match (the coordinator can still link by hand later).
 */
export async function findRepeat(
	db: Database | Tx,
	areaId: string,
	victim: { name: string; aliases: readonly string[]; dob: string | null },
	now: Date
): Promise<{ id: string; referredAt: Date } | null> {
	if (!victim.dob) return null;
	const wanted = new Set(nameKeys(victim.name, victim.aliases));
	const candidates = await db
		.select({
			id: cases.id,
			key: cases.victimNameKey,
			aliases: cases.victimAliases,
			referredAt: cases.referredAt
		})
		.from(cases)
		.where(
			and(
				eq(cases.areaId, areaId),
				eq(cases.victimDob, victim.dob),
				gte(cases.referredAt, repeatWindowStart(now)),
				ne(cases.status, 'transferred')
			)
		)
		.orderBy(desc(cases.referredAt));
	const match = candidates.find((c) =>
		[c.key, ...c.aliases.map(normaliseName)].some((k) => k !== '' && wanted.has(k))
	);
	return match ? { id: match.id, referredAt: match.referredAt } : null;
}

const RESTRICTED_FIELDS = ['safePhone', 'safeTimes', 'address', 'safeWords'] as const;

/** Where each referral answer lives in the restricted document (the panel's field names). */
const RESTRICTED_KEY: Record<(typeof RESTRICTED_FIELDS)[number], RestrictedContactField> = {
	safePhone: 'phone',
	safeTimes: 'safeTimes',
	address: 'address',
	safeWords: 'safeWords'
};

/**
 * Creates the case from a valid referral. The reference is the next in the area's sequence,
 * taken under a per-area transaction lock (the unique constraint stays the last word). The
 * safe-contact details are then written to the case's restricted document through the live
 * document service; if that fails, the case is removed again so that no referral exists without
 * the details its referrer gave.
 */
export async function createReferral(
	db: Database,
	documents: DocumentService | undefined,
	referrer: Referrer,
	input: ReferralInput,
	now: Date
): Promise<{ id: string; reference: string; repeatOfCaseId: string | null }> {
	const seat = referralSeat(referrer.principal, input.areaId);
	if (!seat) throw new DomainError('You cannot refer cases to this MARAC area.', 'areaId');
	if (!documents) throw new Error('the document service is not running in this process');
	const given = RESTRICTED_FIELDS.filter((f) => input.contact[f] !== '');
	const stored: StoredReferral = {
		version: 1,
		referrer: { ...input.referrer, agencyName: seat.agencyName, sector: seat.sector },
		victim: input.victim,
		perpetrators: input.perpetrators,
		children: input.children,
		criteria: {
			...input.criteria,
			// Professional judgement adds to the Dash score, never takes away from it.
			visibleHighRisk: input.criteria.dashScore !== '' && input.criteria.dashScore >= DASH_HIGH_RISK
		},
		consent: input.consent,
		safety: input.safety,
		trafficking: input.trafficking,
		restrictedFields: given
	};
	const victim = input.victim;
	const created = await db.transaction(async (tx) => {
		await tx.execute(
			sql`select pg_advisory_xact_lock(hashtext(${`case-reference:${input.areaId}`}))`
		);
		const [area] = await tx
			.select({ name: areas.name })
			.from(areas)
			.where(eq(areas.id, input.areaId));
		if (!area) throw new DomainError('You cannot refer cases to this MARAC area.', 'areaId');
		const prefix = referencePrefix(area.name);
		const pattern = `^${prefix}-([0-9]+)$`;
		const [last] = await tx
			.select({
				n: sql<number | null>`max((substring(${cases.reference} from ${pattern}))::int)`
			})
			.from(cases)
			.where(eq(cases.areaId, input.areaId));
		const reference = formatReference(prefix, Number(last?.n ?? 0) + 1);
		const repeat = await findRepeat(
			tx,
			input.areaId,
			{ name: victim.name, aliases: victim.aliasList, dob: victim.dob || null },
			now
		);
		const [row] = await tx
			.insert(cases)
			.values({
				areaId: input.areaId,
				reference,
				kind: input.kind,
				status: 'referred',
				victimName: victim.name,
				victimNameKey: normaliseName(victim.name),
				victimAliases: victim.aliasList,
				victimDob: victim.dob || null,
				referringAgencyId: seat.agencyId,
				referredBy: referrer.principal.userId,
				referredAt: now,
				dashScore: input.criteria.dashScore === '' ? null : input.criteria.dashScore,
				professionalJudgement: input.criteria.professionalJudgement,
				potentialEscalation: input.criteria.potentialEscalation,
				childrenInHousehold: input.children.length,
				interpreterLanguage: victim.interpreterNeeded ? victim.interpreterLanguage : null,
				referral: stored,
				repeatOfCaseId: repeat?.id ?? null,
				repeatConfirmed: null,
				createdAt: now
			})
			.returning({ id: cases.id });
		return { id: row!.id, reference, repeatOfCaseId: repeat?.id ?? null };
	});
	const actor: Actor = {
		userId: referrer.principal.userId,
		sessionId: referrer.sessionId,
		areaId: seat.areaId,
		agencyId: seat.agencyId,
		role: seat.role,
		ip: referrer.ip
	};
	if (given.length > 0) {
		try {
			await documents.edit(
				documentName({ kind: 'restricted', caseId: created.id }),
				actor,
				(doc) => {
					const contact = restrictedDoc.contact(doc);
					for (const field of given) contact.set(RESTRICTED_KEY[field], input.contact[field]);
				}
			);
		} catch (error) {
			await db.delete(cases).where(eq(cases.id, created.id));
			throw error;
		}
	}
	await record(db, actor, {
		action: 'case.referral',
		outcome: 'success',
		target: `case:${created.id}`,
		details: { kind: input.kind, repeatOf: created.repeatOfCaseId },
		at: now
	});
	return created;
}

export interface ReferralView {
	id: string;
	reference: string;
	kind: 'domestic_abuse' | 'human_trafficking';
	status: string;
	victimName: string;
	victimAliases: string[];
	victimDob: string | null;
	referredAt: Date;
	referringAgency: string | null;
	referredBy: string | null;
	dashScore: number | null;
	childrenInHousehold: number;
	interpreterLanguage: string | null;
	referral: Partial<StoredReferral>;
	/** The suspected or confirmed earlier case; `reference` null when this viewer may not see it. */
	repeat: {
		caseId: string;
		reference: string | null;
		referredAt: Date | null;
		confirmed: boolean | null;
	} | null;
	mayDecideRepeat: boolean;
}

/** The referral of a case for someone allowed to read it; null otherwise (callers answer 404). */
export async function loadReferral(
	db: Database,
	principal: Principal,
	caseId: string,
	now: Date
): Promise<ReferralView | null> {
	const facts = await loadCaseFacts(db, caseId, principal, now);
	if (!facts || !mayReadReferral(principal, facts)) return null;
	const [row] = await db
		.select({
			c: cases,
			agency: agencies.name,
			by: users.name
		})
		.from(cases)
		.leftJoin(agencies, eq(agencies.id, cases.referringAgencyId))
		.leftJoin(users, eq(users.id, cases.referredBy))
		.where(eq(cases.id, caseId));
	if (!row) return null;
	const c = row.c;
	let repeat: ReferralView['repeat'] = null;
	if (c.repeatOfCaseId) {
		const earlierFacts = await loadCaseFacts(db, c.repeatOfCaseId, principal, now);
		const visible = mayKnowCase(principal, earlierFacts);
		const [earlier] = visible
			? await db
					.select({ reference: cases.reference, referredAt: cases.referredAt })
					.from(cases)
					.where(eq(cases.id, c.repeatOfCaseId))
			: [];
		repeat = {
			caseId: visible ? c.repeatOfCaseId : '',
			reference: earlier?.reference ?? null,
			referredAt: earlier?.referredAt ?? null,
			confirmed: c.repeatConfirmed
		};
	}
	return {
		id: c.id,
		reference: c.reference,
		kind: c.kind,
		status: c.status,
		victimName: c.victimName,
		victimAliases: c.victimAliases,
		victimDob: c.victimDob,
		referredAt: c.referredAt,
		referringAgency: row.agency,
		referredBy: row.by,
		dashScore: c.dashScore,
		childrenInHousehold: c.childrenInHousehold,
		interpreterLanguage: c.interpreterLanguage,
		referral: (c.referral ?? {}) as Partial<StoredReferral>,
		repeat,
		mayDecideRepeat: mayDecideRepeat(principal, facts)
	};
}

/**
 * The coordinator confirms or rejects a suspected repeat. Returns false when this person may not
 * decide (or the case is not a suspected repeat): callers answer as for a case they cannot see.
 */
export async function decideRepeat(
	db: Database,
	actor: Actor,
	principal: Principal,
	caseId: string,
	decision: 'confirm' | 'reject',
	now: Date
): Promise<boolean> {
	const facts = await loadCaseFacts(db, caseId, principal, now);
	const allowed = facts !== null && mayDecideRepeat(principal, facts);
	const updated = allowed
		? await db
				.update(cases)
				.set({ repeatConfirmed: decision === 'confirm' })
				.where(and(eq(cases.id, caseId), sql`${cases.repeatOfCaseId} is not null`))
				.returning({ id: cases.id })
		: [];
	await record(db, actor, {
		action: decision === 'confirm' ? 'case.repeat_confirm' : 'case.repeat_reject',
		outcome: updated.length > 0 ? 'success' : 'denied',
		target: `case:${caseId}`,
		at: now
	});
	return updated.length > 0;
}
