import type { Database } from '../db/index.ts';
import { auditEvents } from '../db/schema/index.ts';

/** Who is acting and from where; filled from the server session, never from client input. */
export interface Actor {
	userId: string | null;
	sessionId?: string | null;
	areaId?: string | null;
	agencyId?: string | null;
	role?: string | null;
	ip?: string | null;
}

export interface AuditEntry {
	action: string;
	outcome: 'success' | 'denied' | 'failure';
	/** What was acted on: a document name, "case:<id>", "user:<id>"… never content. */
	target?: string | null;
	/** Identifiers and reasons only; never case content, passwords or tokens. */
	details?: Record<string, string | number | boolean | null>;
	at?: Date;
}

export async function record(db: Database, actor: Actor, entry: AuditEntry): Promise<void> {
	await db.insert(auditEvents).values({
		at: entry.at ?? new Date(),
		action: entry.action,
		outcome: entry.outcome,
		userId: actor.userId,
		sessionId: actor.sessionId ?? null,
		areaId: actor.areaId ?? null,
		agencyId: actor.agencyId ?? null,
		role: actor.role ?? null,
		ip: actor.ip ?? null,
		target: entry.target ?? null,
		details: entry.details ?? null
	});
}
