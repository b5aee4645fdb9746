/** Rows written straight into a test database: areas, agencies, people and their memberships. */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/lib/server/db/index.ts';
import {
	agencies,
	areas,
	memberships,
	users,
	type Role,
	type Sector
} from '../../src/lib/server/db/schema/index.ts';
import { hashPassword } from '../../src/lib/server/auth/password.ts';

const unique = () => randomBytes(4).toString('hex');

/** A password that passes the policy; hashing costs ~100 ms, so tests share one hash. */
export const TEST_PASSWORD = 'violet harbour lanterns 42';

let sharedHash: Promise<string> | undefined;
export function testPasswordHash(): Promise<string> {
	sharedHash ??= hashPassword(TEST_PASSWORD);
	return sharedHash;
}

export async function createArea(db: Database, name = `Test Area ${unique()}`) {
	const [area] = await db
		.insert(areas)
		.values({ name, confidentialityStatement: 'Shared only to keep people safe.' })
		.returning();
	return area!;
}

export async function createAgency(
	db: Database,
	areaId: string,
	sector: Sector,
	name = `Test ${sector} agency ${unique()}`
) {
	const [agency] = await db.insert(agencies).values({ areaId, name, sector }).returning();
	return agency!;
}

export interface UserInput {
	email?: string;
	name?: string;
	/** Defaults to TEST_PASSWORD; null for an invited user without one. */
	password?: string | null;
	isAdmin?: boolean;
	totpKey?: Uint8Array;
	disabled?: boolean;
}

export async function createUser(db: Database, input: UserInput = {}) {
	const passwordHash =
		input.password === null
			? null
			: input.password === undefined
				? await testPasswordHash()
				: await hashPassword(input.password);
	const [user] = await db
		.insert(users)
		.values({
			email: (input.email ?? `user-${unique()}@test.example`).toLowerCase(),
			name: input.name ?? 'Test Person',
			passwordHash,
			isAdmin: input.isAdmin ?? false,
			totpKey: input.totpKey ?? null,
			totpEnabledAt: input.totpKey ? new Date() : null,
			disabledAt: input.disabled ? new Date() : null
		})
		.returning();
	return user!;
}

export async function addMembership(
	db: Database,
	input: { userId: string; areaId: string; agencyId: string; role: Role }
) {
	const [membership] = await db.insert(memberships).values(input).returning();
	return membership!;
}

/** A person seated at an area's table: area, agency, user and membership in one go. */
export async function createMember(
	db: Database,
	input: UserInput & { role?: Role; sector?: Sector; areaName?: string; agencyName?: string } = {}
) {
	const area = await createArea(db, input.areaName);
	const agency = await createAgency(db, area.id, input.sector ?? 'police', input.agencyName);
	const user = await createUser(db, input);
	await addMembership(db, {
		userId: user.id,
		areaId: area.id,
		agencyId: agency.id,
		role: input.role ?? 'agency_rep'
	});
	return { area, agency, user };
}
