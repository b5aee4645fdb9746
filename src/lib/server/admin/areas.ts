// Areas (tenants) and their agencies. Reads only tenancy tables: never cases or meetings.
import { and, asc, countDistinct, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agencies, areas, memberships, users, type Role, type Sector } from '../db/schema/index.ts';
import * as audit from '../audit/index.ts';
import { DomainError, isUniqueViolation } from '../errors.ts';
import { nowOf, type AdminContext } from './context.ts';

export interface AreaSummary {
	id: string;
	name: string;
	createdAt: Date;
	agencyCount: number;
	memberCount: number;
}

export async function listAreas(db: Database): Promise<AreaSummary[]> {
	// Joins rather than correlated subqueries: drizzle leaves single-table columns unqualified.
	return db
		.select({
			id: areas.id,
			name: areas.name,
			createdAt: areas.createdAt,
			agencyCount: countDistinct(agencies.id),
			memberCount: countDistinct(memberships.id)
		})
		.from(areas)
		.leftJoin(agencies, eq(agencies.areaId, areas.id))
		.leftJoin(memberships, eq(memberships.areaId, areas.id))
		.groupBy(areas.id)
		.orderBy(asc(areas.name));
}

export interface AgencySummary {
	id: string;
	name: string;
	sector: Sector;
	memberCount: number;
}

export interface AreaMember {
	userId: string;
	name: string;
	email: string;
	disabled: boolean;
	agencyId: string;
	agencyName: string;
	role: Role;
}

export interface AreaDetail {
	id: string;
	name: string;
	confidentialityStatement: string;
	/** For the data return's recommended volume; a number, never case content. */
	adultFemalePopulation: number | null;
	createdAt: Date;
	agencies: AgencySummary[];
	members: AreaMember[];
}

export async function getArea(db: Database, areaId: string): Promise<AreaDetail | null> {
	const [area] = await db
		.select({
			id: areas.id,
			name: areas.name,
			confidentialityStatement: areas.confidentialityStatement,
			adultFemalePopulation: areas.adultFemalePopulation,
			createdAt: areas.createdAt
		})
		.from(areas)
		.where(eq(areas.id, areaId));
	if (!area) return null;
	const agencyRows = await db
		.select({
			id: agencies.id,
			name: agencies.name,
			sector: agencies.sector,
			memberCount: countDistinct(memberships.id)
		})
		.from(agencies)
		.leftJoin(memberships, eq(memberships.agencyId, agencies.id))
		.where(eq(agencies.areaId, areaId))
		.groupBy(agencies.id)
		.orderBy(asc(agencies.name));
	const members = await db
		.select({
			userId: users.id,
			name: users.name,
			email: users.email,
			disabled: sql<boolean>`(${users.disabledAt} is not null)`.mapWith(Boolean),
			agencyId: agencies.id,
			agencyName: agencies.name,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(eq(memberships.areaId, areaId))
		.orderBy(asc(users.name));
	return { ...area, agencies: agencyRows, members };
}

export interface AreaOption {
	id: string;
	name: string;
	agencies: { id: string; name: string; sector: Sector }[];
}

/** Every area with its agencies, for choosing a membership. */
export async function listAreaOptions(db: Database): Promise<AreaOption[]> {
	const rows = await db
		.select({
			areaId: areas.id,
			areaName: areas.name,
			agencyId: agencies.id,
			agencyName: agencies.name,
			sector: agencies.sector
		})
		.from(areas)
		.leftJoin(agencies, eq(agencies.areaId, areas.id))
		.orderBy(asc(areas.name), asc(agencies.name));
	const byArea = new Map<string, AreaOption>();
	for (const row of rows) {
		let option = byArea.get(row.areaId);
		if (!option) {
			option = { id: row.areaId, name: row.areaName, agencies: [] };
			byArea.set(row.areaId, option);
		}
		if (row.agencyId && row.agencyName && row.sector) {
			option.agencies.push({ id: row.agencyId, name: row.agencyName, sector: row.sector });
		}
	}
	return [...byArea.values()];
}

const DUPLICATE_AREA = 'An area with this name already exists. Choose another name.';

export async function createArea(
	ctx: AdminContext,
	input: { name: string; confidentialityStatement: string }
): Promise<{ id: string }> {
	const name = input.name.trim();
	const [existing] = await ctx.db
		.select({ id: areas.id })
		.from(areas)
		.where(sql`lower(${areas.name}) = ${name.toLowerCase()}`);
	if (existing) throw new DomainError(DUPLICATE_AREA, 'name');
	try {
		const [row] = await ctx.db
			.insert(areas)
			.values({ name, confidentialityStatement: input.confidentialityStatement.trim() })
			.returning({ id: areas.id });
		const id = row!.id;
		await audit.record(ctx.db, ctx.actor, {
			action: 'admin.area_create',
			outcome: 'success',
			target: `area:${id}`,
			at: nowOf(ctx)
		});
		return { id };
	} catch (error) {
		if (isUniqueViolation(error)) throw new DomainError(DUPLICATE_AREA, 'name');
		throw error;
	}
}

/**
 * The area's adult female population (aged 16 and over), from which the data return works out
 * SafeLives' recommended number of cases (40 a year per 10,000). Null clears it.
 */
export async function setAdultFemalePopulation(
	ctx: AdminContext,
	input: { areaId: string; population: number | null }
): Promise<void> {
	const updated = await ctx.db
		.update(areas)
		.set({ adultFemalePopulation: input.population })
		.where(eq(areas.id, input.areaId))
		.returning({ id: areas.id });
	if (updated.length === 0) throw new DomainError('That area no longer exists.');
	await audit.record(
		ctx.db,
		{ ...ctx.actor, areaId: input.areaId },
		{
			action: 'admin.area_population',
			outcome: 'success',
			target: `area:${input.areaId}`,
			details: { population: input.population },
			at: nowOf(ctx)
		}
	);
}

const DUPLICATE_AGENCY = 'This area already has an agency with this name.';

export async function createAgency(
	ctx: AdminContext,
	input: { areaId: string; name: string; sector: Sector }
): Promise<{ id: string }> {
	const name = input.name.trim();
	const [area] = await ctx.db
		.select({ id: areas.id })
		.from(areas)
		.where(eq(areas.id, input.areaId));
	if (!area) throw new DomainError('That area no longer exists.');
	const [existing] = await ctx.db
		.select({ id: agencies.id })
		.from(agencies)
		.where(
			and(eq(agencies.areaId, input.areaId), sql`lower(${agencies.name}) = ${name.toLowerCase()}`)
		);
	if (existing) throw new DomainError(DUPLICATE_AGENCY, 'name');
	try {
		const [row] = await ctx.db
			.insert(agencies)
			.values({ areaId: input.areaId, name, sector: input.sector })
			.returning({ id: agencies.id });
		const id = row!.id;
		await audit.record(
			ctx.db,
			{ ...ctx.actor, areaId: input.areaId },
			{
				action: 'admin.agency_create',
				outcome: 'success',
				target: `agency:${id}`,
				details: { areaId: input.areaId, sector: input.sector },
				at: nowOf(ctx)
			}
		);
		return { id };
	} catch (error) {
		if (isUniqueViolation(error)) throw new DomainError(DUPLICATE_AGENCY, 'name');
		throw error;
	}
}

export interface AdminOverview {
	areas: number;
	agencies: number;
	people: number;
	invited: number;
	disabled: number;
}

/** Counts for the administration home page. */
export async function adminOverview(db: Database): Promise<AdminOverview> {
	const [row] = await db
		.select({
			areas: sql<number>`(select count(*) from ${areas})`.mapWith(Number),
			agencies: sql<number>`(select count(*) from ${agencies})`.mapWith(Number),
			people: sql<number>`count(*)`.mapWith(Number),
			invited:
				sql<number>`count(*) filter (where ${users.passwordHash} is null and ${users.disabledAt} is null)`.mapWith(
					Number
				),
			disabled: sql<number>`count(*) filter (where ${users.disabledAt} is not null)`.mapWith(Number)
		})
		.from(users);
	return row ?? { areas: 0, agencies: 0, people: 0, invited: 0, disabled: 0 };
}
