import { bigint, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { bytea, tstz } from './types.ts';

/**
 * Append-only Yjs update log: every accepted client or server edit, durable before anyone else
 * sees it. Attributed to the session's user (never to the unauthenticated Yjs client id).
 */
export const docUpdates = pgTable(
	'doc_updates',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		docName: text('doc_name').notNull(),
		update: bytea('update').notNull(),
		userId: uuid('user_id'),
		sessionId: text('session_id'),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [index('doc_updates_doc_id').on(t.docName, t.id)]
);

/** Compacted state of a document; the log rows folded into it are deleted. */
export const docSnapshots = pgTable('doc_snapshots', {
	docName: text('doc_name').primaryKey(),
	state: bytea('state').notNull(),
	updatedAt: tstz('updated_at').notNull().defaultNow()
});

/** Which session first wrote with a Yjs client id: nobody else may write structs for it. */
export const docClients = pgTable(
	'doc_clients',
	{
		docName: text('doc_name').notNull(),
		clientId: bigint('client_id', { mode: 'number' }).notNull(),
		sessionId: text('session_id').notNull(),
		userId: uuid('user_id').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.docName, t.clientId] })]
);

/**
 * Every change that can reduce someone's access (session ended, user disabled, membership removed,
 * exclusion added, grant revoked). Each process polls it and re-checks the open sockets concerned,
 * so revocation reaches every process without relying on pub/sub delivery.
 */
export const accessChanges = pgTable('access_changes', {
	id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
	at: tstz('at').notNull().defaultNow(),
	reason: text('reason').notNull(),
	userId: uuid('user_id'),
	sessionId: text('session_id'),
	caseId: uuid('case_id'),
	areaId: uuid('area_id')
});
