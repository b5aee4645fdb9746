import type { Database } from '../db/index.ts';
import { accessChanges } from '../db/schema/index.ts';

export interface AccessChange {
	reason: string;
	userId?: string | null;
	sessionId?: string | null;
	caseId?: string | null;
	areaId?: string | null;
}

/** Records that access may have shrunk; open sockets concerned are re-checked within a second. */
export async function recordAccessChange(db: Database, change: AccessChange): Promise<void> {
	await db.insert(accessChanges).values({
		reason: change.reason,
		userId: change.userId ?? null,
		sessionId: change.sessionId ?? null,
		caseId: change.caseId ?? null,
		areaId: change.areaId ?? null
	});
}
