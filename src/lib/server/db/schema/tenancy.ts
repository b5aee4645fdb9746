import { integer, jsonb, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './types.ts';
import { users } from './auth.ts';
import { ROLES, SECTORS, type Role, type Sector } from '../../../domain.ts';

export { SECTORS, ROLES, type Sector, type Role };

export const sectorEnum = pgEnum('agency_sector', SECTORS);
export const roleEnum = pgEnum('membership_role', ROLES);

/** A MARAC area: the tenant. Nothing crosses between areas except through a recorded transfer. */
export const areas = pgTable('areas', {
	id: uuid('id').primaryKey().defaultRandom(),
	name: text('name').notNull().unique(),
	confidentialityStatement: text('confidentiality_statement').notNull(),
	/** For the data return: recommended volume is 40 cases a year per 10,000 adult women. */
	adultFemalePopulation: integer('adult_female_population'),
	createdAt: tstz('created_at').notNull().defaultNow()
});

export const agencies = pgTable(
	'agencies',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		areaId: uuid('area_id')
			.notNull()
			.references(() => areas.id),
		name: text('name').notNull(),
		sector: sectorEnum('sector').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [unique('agencies_area_name').on(t.areaId, t.name)]
);

/** A user's seat at one area's table: which agency they speak for and in what role. */
export const memberships = pgTable(
	'memberships',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		areaId: uuid('area_id')
			.notNull()
			.references(() => areas.id),
		agencyId: uuid('agency_id')
			.notNull()
			.references(() => agencies.id),
		role: roleEnum('role').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [unique('memberships_user_area').on(t.userId, t.areaId)]
);

/** Installation-wide settings (e.g. whether the demo data is in use). */
export const settings = pgTable('settings', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	updatedAt: tstz('updated_at').notNull().defaultNow()
});

export type Area = typeof areas.$inferSelect;
export type Agency = typeof agencies.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
