import {
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	text,
	unique,
	uniqueIndex,
	uuid,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tstz } from './types.ts';
import { agencies, areas } from './tenancy.ts';
import { users } from './auth.ts';

export const CASE_KINDS = ['domestic_abuse', 'human_trafficking'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const CASE_STATUSES = ['referred', 'listed', 'open', 'closed', 'transferred'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const caseKindEnum = pgEnum('case_kind', CASE_KINDS);
export const caseStatusEnum = pgEnum('case_status', CASE_STATUSES);

/**
 * The case register. Only what the register needs to list, search and count lives here;
 * plan, research, notes and restricted details live in the case's documents.
 * Safe-contact and address details never belong in this table.
 */
export const cases = pgTable(
	'cases',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		areaId: uuid('area_id')
			.notNull()
			.references(() => areas.id),
		reference: text('reference').notNull(),
		kind: caseKindEnum('kind').notNull(),
		status: caseStatusEnum('status').notNull().default('referred'),
		victimName: text('victim_name').notNull(),
		/** Normalised name and aliases, for repeat detection and search. */
		victimNameKey: text('victim_name_key').notNull(),
		victimAliases: text('victim_aliases')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		victimDob: date('victim_dob', { mode: 'string' }),
		referringAgencyId: uuid('referring_agency_id').references(() => agencies.id),
		referredBy: uuid('referred_by').references(() => users.id),
		referredAt: tstz('referred_at').notNull().defaultNow(),
		dashScore: integer('dash_score'),
		professionalJudgement: boolean('professional_judgement').notNull().default(false),
		potentialEscalation: boolean('potential_escalation').notNull().default(false),
		childrenInHousehold: integer('children_in_household').notNull().default(0),
		interpreterLanguage: text('interpreter_language'),
		/** Referral form answers that are not register columns (no safe-contact details). */
		referral: jsonb('referral').notNull().default({}),
		repeatOfCaseId: uuid('repeat_of_case_id').references((): AnyPgColumn => cases.id),
		repeatConfirmed: boolean('repeat_confirmed'),
		createdAt: tstz('created_at').notNull().defaultNow(),
		closedAt: tstz('closed_at'),
		retainUntil: date('retain_until', { mode: 'string' }),
		/** On the stub an area keeps after a transfer: where the case went (DESIGN §2 step 6). */
		transferredToAreaId: uuid('transferred_to_area_id').references(() => areas.id),
		transferredAt: tstz('transferred_at')
	},
	(t) => [
		unique('cases_area_reference').on(t.areaId, t.reference),
		index('cases_area_status').on(t.areaId, t.status),
		index('cases_name_key').on(t.victimNameKey),
		// The register lists an area's cases newest referral first, a page at a time.
		index('cases_area_referred').on(t.areaId, t.referredAt, t.id),
		check('cases_dash_score', sql`${t.dashScore} is null or ${t.dashScore} between 0 and 24`)
	]
);

/** An agency or a person kept out of one case (e.g. the perpetrator works there). */
export const caseExclusions = pgTable(
	'case_exclusions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		agencyId: uuid('agency_id').references(() => agencies.id),
		userId: uuid('user_id').references(() => users.id),
		reason: text('reason').notNull(),
		createdBy: uuid('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: tstz('created_at').notNull().defaultNow(),
		liftedAt: tstz('lifted_at')
	},
	(t) => [
		index('case_exclusions_case').on(t.caseId),
		check('case_exclusions_one_subject', sql`(${t.agencyId} is null) <> (${t.userId} is null)`)
	]
);

/** Access to a case's restricted document for someone outside the default audience. */
export const restrictedGrants = pgTable(
	'restricted_grants',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		reason: text('reason').notNull(),
		grantedBy: uuid('granted_by')
			.notNull()
			.references(() => users.id),
		createdAt: tstz('created_at').notNull().defaultNow(),
		expiresAt: tstz('expires_at').notNull(),
		revokedAt: tstz('revoked_at')
	},
	(t) => [index('restricted_grants_case_user').on(t.caseId, t.userId)]
);

export const TRANSFER_STATUSES = ['pending', 'accepted', 'declined', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export const transferStatusEnum = pgEnum('transfer_status', TRANSFER_STATUSES);

/**
 * A request to move a case to another MARAC area (a survivor dispersed or moving). The case row
 * and its documents move on acceptance; the sending area keeps a stub (`stubCaseId`).
 */
export const caseTransfers = pgTable(
	'case_transfers',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => cases.id),
		fromAreaId: uuid('from_area_id')
			.notNull()
			.references(() => areas.id),
		toAreaId: uuid('to_area_id')
			.notNull()
			.references(() => areas.id),
		reason: text('reason').notNull(),
		status: transferStatusEnum('status').notNull().default('pending'),
		requestedBy: uuid('requested_by')
			.notNull()
			.references(() => users.id),
		requestedAt: tstz('requested_at').notNull().defaultNow(),
		decidedBy: uuid('decided_by').references(() => users.id),
		decidedAt: tstz('decided_at'),
		declineReason: text('decline_reason'),
		stubCaseId: uuid('stub_case_id').references((): AnyPgColumn => cases.id)
	},
	(t) => [
		index('case_transfers_case').on(t.caseId),
		index('case_transfers_to_status').on(t.toAreaId, t.status),
		// One open request per case at a time.
		uniqueIndex('case_transfers_one_pending')
			.on(t.caseId)
			.where(sql`${t.status} = 'pending'`)
	]
);

export type Case = typeof cases.$inferSelect;
export type CaseTransfer = typeof caseTransfers.$inferSelect;
export type CaseExclusion = typeof caseExclusions.$inferSelect;
export type RestrictedGrant = typeof restrictedGrants.$inferSelect;
