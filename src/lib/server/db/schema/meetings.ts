import { boolean, index, integer, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './types.ts';
import { agencies, areas } from './tenancy.ts';
import { users } from './auth.ts';
import { cases } from './cases.ts';

export const MEETING_STATUSES = ['planned', 'live', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const meetingStatusEnum = pgEnum('meeting_status', MEETING_STATUSES);

export const meetings = pgTable(
	'meetings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		areaId: uuid('area_id')
			.notNull()
			.references(() => areas.id),
		scheduledAt: tstz('scheduled_at').notNull(),
		venue: text('venue'),
		online: boolean('online').notNull().default(false),
		chairUserId: uuid('chair_user_id').references(() => users.id),
		status: meetingStatusEnum('status').notNull().default('planned'),
		/** Per-case time target in minutes. */
		caseMinutes: integer('case_minutes').notNull().default(12),
		startedAt: tstz('started_at'),
		endedAt: tstz('ended_at'),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [index('meetings_area_scheduled').on(t.areaId, t.scheduledAt)]
);

export const agendaItems = pgTable(
	'agenda_items',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		caseId: uuid('case_id')
			.notNull()
			.references(() => cases.id),
		position: integer('position').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [
		unique('agenda_items_meeting_case').on(t.meetingId, t.caseId),
		// The register's "next meeting" and "listed on" look agenda items up by case.
		index('agenda_items_case').on(t.caseId)
	]
);

/** Agency research status per listed case ("research done"). */
export const researchStatus = pgTable(
	'research_status',
	{
		agendaItemId: uuid('agenda_item_id')
			.notNull()
			.references(() => agendaItems.id, { onDelete: 'cascade' }),
		agencyId: uuid('agency_id')
			.notNull()
			.references(() => agencies.id),
		doneAt: tstz('done_at'),
		doneBy: uuid('done_by').references(() => users.id)
	},
	(t) => [unique('research_status_item_agency').on(t.agendaItemId, t.agencyId)]
);

export const ATTENDANCE_STATUSES = ['present', 'apologies'] as const;
export const attendanceStatusEnum = pgEnum('attendance_status', ATTENDANCE_STATUSES);

export const attendance = pgTable(
	'attendance',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		agencyId: uuid('agency_id')
			.notNull()
			.references(() => agencies.id),
		status: attendanceStatusEnum('status').notNull(),
		informationSent: boolean('information_sent').notNull().default(false),
		confidentialityConfirmedAt: tstz('confidentiality_confirmed_at'),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [unique('attendance_meeting_user').on(t.meetingId, t.userId)]
);

export type Meeting = typeof meetings.$inferSelect;
export type AgendaItem = typeof agendaItems.$inferSelect;
export type Attendance = typeof attendance.$inferSelect;
