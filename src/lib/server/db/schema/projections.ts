import { date, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './types.ts';
import { agencies } from './tenancy.ts';
import { cases } from './cases.ts';
import { ACTION_STATUSES } from '../../../documents/shapes.ts';
import type { Appointment } from '../../../pathway/fields.ts';

/**
 * Read model of the actions held in agency documents, refreshed by the projector after every
 * persisted update. Pages query this; the document stays the source of truth.
 */
export const actions = pgTable(
	'actions',
	{
		docName: text('doc_name').notNull(),
		actionId: text('action_id').notNull(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		agencyId: uuid('agency_id')
			.notNull()
			.references(() => agencies.id),
		text: text('text').notNull(),
		dueOn: date('due_on', { mode: 'string' }),
		status: text('status', { enum: ACTION_STATUSES }).notNull(),
		statusNote: text('status_note').notNull().default(''),
		createdAt: tstz('created_at'),
		createdBy: text('created_by'),
		projectedAt: tstz('projected_at').notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.docName, t.actionId] }),
		index('actions_agency_status_due').on(t.agencyId, t.status, t.dueOn),
		index('actions_case').on(t.caseId)
	]
);

export type ActionRow = typeof actions.$inferSelect;

/**
 * The trafficking pathway of a case (`case:<id>:pathway`), validated, for pages, minutes and the
 * dashboard. Deadlines and alerts depend on the day, so they are computed when read
 * (src/lib/pathway/rules.ts), from these fields.
 */
export const pathways = pgTable(
	'pathways',
	{
		caseId: uuid('case_id')
			.primaryKey()
			.references(() => cases.id, { onDelete: 'cascade' }),
		/** Pathway['fields']: only keys and values that passed validation. */
		fields: jsonb('fields').$type<Record<string, string>>().notNull(),
		appointments: jsonb('appointments').$type<Appointment[]>().notNull(),
		stage: text('stage').notNull(),
		interpreterLanguage: text('interpreter_language'),
		projectedAt: tstz('projected_at').notNull().defaultNow()
	},
	(t) => [index('pathways_stage').on(t.stage)]
);

export type PathwayRow = typeof pathways.$inferSelect;
