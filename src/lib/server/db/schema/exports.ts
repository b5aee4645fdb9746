import { bigint, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './types.ts';
import { users } from './auth.ts';
import { agencies, areas } from './tenancy.ts';
import { meetings } from './meetings.ts';

export const EXPORT_KINDS = [
	'minutes_docx',
	'minutes_pdf',
	'action_plan_csv',
	'data_return_csv',
	'trafficking_csv'
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * The exports register: every file of case information that left the portal, who took it, for
 * whom and why, and a SHA-256 of the exact bytes handed over (so a copy found later can be
 * matched to its export). The id is chosen before the file is made: it is printed in the
 * watermark. Never holds the file's content.
 */
export const exportsRegister = pgTable(
	'exports',
	{
		id: uuid('id').primaryKey(),
		areaId: uuid('area_id')
			.notNull()
			.references(() => areas.id),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		/** The session it was made in (not a foreign key: sessions are deleted, the register stays). */
		sessionId: text('session_id').notNull(),
		recipientUserId: uuid('recipient_user_id').references(() => users.id),
		recipientAgencyId: uuid('recipient_agency_id').references(() => agencies.id),
		kind: text('kind', { enum: EXPORT_KINDS }).notNull(),
		meetingId: uuid('meeting_id').references(() => meetings.id),
		minutesVersion: integer('minutes_version'),
		reason: text('reason').notNull(),
		filename: text('filename').notNull(),
		bytes: bigint('bytes', { mode: 'number' }).notNull(),
		/** Lower-case hex SHA-256 of the file as served. */
		sha256: text('sha256').notNull(),
		createdAt: tstz('created_at').notNull()
	},
	(t) => [
		index('exports_user_created').on(t.userId, t.createdAt),
		index('exports_area_created').on(t.areaId, t.createdAt)
	]
);

export type ExportRow = typeof exportsRegister.$inferSelect;
