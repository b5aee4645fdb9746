import type { Database } from '../db/index.ts';
import type { Actor } from '../audit/index.ts';

/** What every administrative change needs: where to write, and who to record as doing it. */
export interface AdminContext {
	db: Database;
	/** The signed-in administrator, taken from the server session (never from form input). */
	actor: Actor;
	now?: Date;
}

export const nowOf = (ctx: AdminContext) => ctx.now ?? new Date();
