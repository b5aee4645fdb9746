import { check, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tstz } from './types.ts';
import { users } from './auth.ts';
import { meetings } from './meetings.ts';
import type { FrozenMinutes } from '../../../minutes/model.ts';

/**
 * Issued minutes: each version is frozen when the coordinator finalises it, so later edits to the
 * case documents never change what was issued. Rows are only ever added (a correction is a new
 * version with a reason). Who receives what is decided at export time by the access policy.
 */
export const minutesVersions = pgTable(
	'minutes_versions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meetings.id),
		version: integer('version').notNull(),
		content: jsonb('content').$type<FrozenMinutes>().notNull(),
		reason: text('reason'),
		issuedBy: uuid('issued_by')
			.notNull()
			.references(() => users.id),
		issuedAt: tstz('issued_at').notNull().defaultNow()
	},
	(t) => [
		unique('minutes_versions_meeting_version').on(t.meetingId, t.version),
		check('minutes_versions_reason', sql`${t.version} = 1 or ${t.reason} is not null`)
	]
);

export type MinutesVersionRow = typeof minutesVersions.$inferSelect;
