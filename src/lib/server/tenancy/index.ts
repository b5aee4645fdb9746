import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agencies, areas, memberships, type Role, type Sector } from '../db/schema/index.ts';

export interface MembershipView {
	areaId: string;
	areaName: string;
	agencyId: string;
	agencyName: string;
	sector: Sector;
	role: Role;
}

export async function membershipsOf(db: Database, userId: string): Promise<MembershipView[]> {
	return db
		.select({
			areaId: areas.id,
			areaName: areas.name,
			agencyId: agencies.id,
			agencyName: agencies.name,
			sector: agencies.sector,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(areas, eq(areas.id, memberships.areaId))
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(eq(memberships.userId, userId))
		.orderBy(asc(areas.name));
}
