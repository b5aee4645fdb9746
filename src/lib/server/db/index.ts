import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';

export { schema };
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
	db: Database;
	kind: 'postgres' | 'pglite';
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** PostgreSQL connection string; when absent an embedded PGlite database is used. */
	url?: string;
	/** Where PGlite keeps its files; `memory://` keeps nothing. */
	dataDir?: string;
	migrationsDir?: string;
	/** postgres.js pool size. */
	max?: number;
}

const defaultMigrations = () => resolve(process.cwd(), 'drizzle');

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	const migrationsFolder = options.migrationsDir ?? defaultMigrations();
	if (options.url) {
		const { default: postgres } = await import('postgres');
		const { drizzle } = await import('drizzle-orm/postgres-js');
		const { migrate } = await import('drizzle-orm/postgres-js/migrator');
		const client = postgres(options.url, {
			max: options.max ?? 10,
			// No type-fetch query on connect: postgres.js 3.4.9 leaves its promise unhandled, so a
			// connection lost during it (Postgres restarting) is an unhandled rejection, which ends
			// the process. Drizzle reads and writes arrays itself, so nothing needs the fetched types.
			fetch_types: false,
			// postgres.js waits 3^n/100 s (up to 20 s) before reconnecting, n counting every failed
			// connection attempt of the whole pool. During a one-second PostgreSQL restart the
			// portal's steady queries (access watch, upgrades, health checks) fail enough attempts
			// to keep it offline for ~20 s after PostgreSQL is back, every request hanging. Retry
			// within a second instead: a refused connection costs nothing.
			backoff: (attempts: number) => Math.min(0.05 * 2 ** attempts, 1),
			onnotice: () => {},
			connection: { application_name: 'marac-portal' }
		});
		const db = drizzle(client, { schema });
		await migrate(db, { migrationsFolder });
		return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const { drizzle } = await import('drizzle-orm/pglite');
	const { migrate } = await import('drizzle-orm/pglite/migrator');
	const dataDir = options.dataDir ?? './data';
	if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
	const client = await PGlite.create(dataDir);
	const db = drizzle(withoutPerQueryParsers(client), { schema });
	await migrate(db, { migrationsFolder });
	// PGlite runs no autovacuum, so without this the planner never learns how big the tables
	// are: the case register's filters were planned as nested loops over every row (seconds
	// instead of milliseconds on 5,000 cases). Cheap at start; a long-running process would want
	// it periodically too.
	await client.exec('analyze');
	return { db, kind: 'pglite', close: () => client.close() };
}

/**
 * Type ids drizzle asks PGlite to return as text with every query (`drizzle-orm/pglite`'s
 * prepared queries: timestamp, timestamptz, interval, date and their arrays, numeric[]); drizzle
 * maps them itself.
 */
const DRIZZLE_TEXT_TYPES = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];

interface QueryClient {
	query(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<unknown>;
	transaction(fn: (tx: QueryClient) => Promise<unknown>): Promise<unknown>;
}

/**
 * drizzle passes those parsers as a per-query option, and PGlite merges such an option into its
 * table of ~320 parsers by spreading both into a new object on every query: about 120 µs of CPU
 * per query (a `select 1` took 200 µs instead of 80), on the thread that also relays every sync
 * update. The same parsers are set once on the client instead (after `create`, which is when
 * PGlite fills in its array types) and the option is dropped from each query: results are
 * identical. Only drizzle uses this client.
 */
function withoutPerQueryParsers<T extends object>(client: T): T {
	const table = (client as unknown as { parsers: Record<number, (value: string) => unknown> })
		.parsers;
	for (const oid of DRIZZLE_TEXT_TYPES) table[oid] = (value) => value;
	const wrap = <C extends object>(target: C): C =>
		new Proxy(target, {
			get(t, property) {
				const c = t as unknown as QueryClient;
				if (property === 'query') {
					return (sql: string, params?: unknown[], options?: Record<string, unknown>) =>
						c.query(sql, params, options && { ...options, parsers: undefined });
				}
				if (property === 'transaction') {
					return (fn: (tx: QueryClient) => Promise<unknown>) => c.transaction((tx) => fn(wrap(tx)));
				}
				const value = Reflect.get(t, property, t) as unknown;
				return typeof value === 'function'
					? (value as (...a: unknown[]) => unknown).bind(t)
					: value;
			}
		});
	return wrap(client);
}
