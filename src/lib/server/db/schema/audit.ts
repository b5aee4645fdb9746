import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './types.ts';

/**
 * Append-only record of who did what, when, from where, and with what outcome.
 * Never holds case content, passwords or tokens.
 */
export const auditEvents = pgTable(
	'audit_events',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		at: tstz('at').notNull().defaultNow(),
		action: text('action').notNull(),
		outcome: text('outcome', { enum: ['success', 'denied', 'failure'] }).notNull(),
		userId: uuid('user_id'),
		areaId: uuid('area_id'),
		agencyId: uuid('agency_id'),
		role: text('role'),
		sessionId: text('session_id'),
		target: text('target'),
		ip: text('ip'),
		details: jsonb('details')
	},
	(t) => [
		index('audit_events_user_at').on(t.userId, t.at),
		index('audit_events_target').on(t.target)
	]
);

export type AuditEvent = typeof auditEvents.$inferSelect;
