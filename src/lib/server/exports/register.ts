// The exports register as people read it: who exported what, for whom, when and why.
import { alias } from 'drizzle-orm/pg-core';
import { desc, eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { agencies, areas, exportsRegister, users, type ExportKind } from '../db/schema/index.ts';
import type { RegisterScope } from '../policy/exports.ts';

export interface RegisterEntry {
	id: string;
	areaName: string;
	exportedBy: string;
	recipientAgency: string | null;
	recipientUser: string | null;
	kind: ExportKind;
	meetingId: string | null;
	minutesVersion: number | null;
	reason: string;
	filename: string;
	bytes: number;
	sha256: string;
	createdAt: string;
}

export const REGISTER_LIMIT = 200;

/** The newest exports within the scope the policy gave (own exports, plus whole areas). */
export async function listExports(db: Database, scope: RegisterScope): Promise<RegisterEntry[]> {
	const recipient = alias(users, 'recipient');
	const where =
		scope.areaIds.length > 0
			? or(eq(exportsRegister.userId, scope.userId), inArray(exportsRegister.areaId, scope.areaIds))
			: eq(exportsRegister.userId, scope.userId);
	const rows = await db
		.select({
			id: exportsRegister.id,
			areaName: areas.name,
			exportedBy: users.name,
			recipientAgency: agencies.name,
			recipientUser: recipient.name,
			kind: exportsRegister.kind,
			meetingId: exportsRegister.meetingId,
			minutesVersion: exportsRegister.minutesVersion,
			reason: exportsRegister.reason,
			filename: exportsRegister.filename,
			bytes: exportsRegister.bytes,
			sha256: exportsRegister.sha256,
			createdAt: exportsRegister.createdAt
		})
		.from(exportsRegister)
		.innerJoin(areas, eq(areas.id, exportsRegister.areaId))
		.innerJoin(users, eq(users.id, exportsRegister.userId))
		.leftJoin(agencies, eq(agencies.id, exportsRegister.recipientAgencyId))
		.leftJoin(recipient, eq(recipient.id, exportsRegister.recipientUserId))
		.where(where)
		.orderBy(desc(exportsRegister.createdAt))
		.limit(REGISTER_LIMIT);
	return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
