import { boolean, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { bytea, tstz } from './types.ts';

export const users = pgTable('users', {
	id: uuid('id').primaryKey().defaultRandom(),
	/** Stored normalised (trimmed, lower case). */
	email: text('email').notNull().unique(),
	name: text('name').notNull(),
	/** argon2id PHC string; null until an invited user sets one. */
	passwordHash: text('password_hash'),
	isAdmin: boolean('is_admin').notNull().default(false),
	disabledAt: tstz('disabled_at'),
	totpKey: bytea('totp_key'),
	/** Key shown during enrolment, promoted to totp_key once a code from it is confirmed. */
	totpPendingKey: bytea('totp_pending_key'),
	totpEnabledAt: tstz('totp_enabled_at'),
	/** Last accepted TOTP time step: a code is accepted at most once. */
	totpLastStep: integer('totp_last_step'),
	createdAt: tstz('created_at').notNull().defaultNow()
});

export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		/** SHA-256 of the token's secret part; the secret itself is never stored. */
		secretHash: bytea('secret_hash').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: tstz('created_at').notNull(),
		lastActiveAt: tstz('last_active_at').notNull(),
		twoFactorVerified: boolean('two_factor_verified').notNull().default(false),
		/** Last time the user presented a credential: step-up checks read this. */
		authenticatedAt: tstz('authenticated_at').notNull(),
		/**
		 * Last re-authentication (step-up) in this session; null until the first. Exports and other
		 * sensitive operations need one in the last few minutes; signing in alone does not count.
		 */
		stepUpAt: tstz('step_up_at'),
		ip: text('ip'),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user').on(t.userId)]
);

export const recoveryCodes = pgTable(
	'recovery_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		usedAt: tstz('used_at')
	},
	(t) => [index('recovery_codes_user').on(t.userId)]
);

/** One-time tokens (invitations to set a password), stored like sessions: id plus hashed secret. */
export const accountTokens = pgTable('account_tokens', {
	id: text('id').primaryKey(),
	secretHash: bytea('secret_hash').notNull(),
	userId: uuid('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	purpose: text('purpose', { enum: ['invite'] }).notNull(),
	createdAt: tstz('created_at').notNull(),
	expiresAt: tstz('expires_at').notNull()
});

/**
 * Failure counters for sign-in and second-factor attempts, keyed by what is throttled
 * ("account:<email>", "ip:<address>", "totp:<userId>"). Kept in the database so a restart
 * does not reset them; keyed by the typed e-mail so unknown accounts behave like known ones.
 */
export const loginThrottle = pgTable('login_throttle', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStartedAt: tstz('window_started_at').notNull(),
	lastFailureAt: tstz('last_failure_at').notNull(),
	blockedUntil: tstz('blocked_until')
});

export type User = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
