/**
 * The databases integration tests run on: always embedded PGlite, and real PostgreSQL too when
 * DATABASE_URL is set (CI). Every test gets a database of its own, dropped afterwards.
 *
 *   describe.each(testDatabases())('on $name', (backend) => { ... backend.open() ... })
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseHandle } from '../../src/lib/server/db/index.ts';

export type BackendName = 'pglite' | 'postgres';

/** A migrated database opened in this process. */
export interface TestDatabase {
	db: Database;
	handle: DatabaseHandle;
	/** Closes the connection and deletes the database. */
	cleanup(): Promise<void>;
}

/**
 * An empty storage location for a server process: what to put in its environment, and how to
 * open it from the test. A PGlite data directory can be opened by one process at a time only,
 * so open it while no server is running on it.
 */
export interface ProvisionedDatabase {
	backend: BackendName;
	env: { DATA_DIR: string } | { DATABASE_URL: string };
	open(): Promise<DatabaseHandle>;
	/** Deletes the database (the server must have stopped). */
	dispose(): Promise<void>;
}

export interface Backend {
	name: BackendName;
	open(): Promise<TestDatabase>;
	provision(): Promise<ProvisionedDatabase>;
}

/** Made by tests/helpers/global-setup.ts; empty when run without it (a fresh initdb then). */
function template(): string {
	try {
		return inject('pgliteTemplate') ?? '';
	} catch {
		return '';
	}
}

const pglite: Backend = {
	name: 'pglite',
	async open() {
		const handle = await openDatabase({ dataDir: 'memory://' });
		return { db: handle.db, handle, cleanup: () => handle.close() };
	},
	async provision() {
		const dir = mkdtempSync(join(tmpdir(), 'marac-test-'));
		const dataDir = join(dir, 'data');
		// A copy of the migrated template is a fresh database, made in a fraction of initdb's time.
		if (existsSync(template())) cpSync(template(), dataDir, { recursive: true });
		return {
			backend: 'pglite',
			env: { DATA_DIR: dataDir },
			open: () => openDatabase({ dataDir }),
			async dispose() {
				rmSync(dir, { recursive: true, force: true });
			}
		};
	}
};

function adminClient(url: string) {
	return postgres(url, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 10 });
}

/** Creates an empty database next to the one DATABASE_URL names; returns its URL and a dropper. */
export async function createPostgresDatabase(
	baseUrl: string
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
	const name = `marac_test_${randomBytes(6).toString('hex')}`;
	const admin = adminClient(baseUrl);
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end({ timeout: 5 });
	}
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		name,
		async drop() {
			const client = adminClient(baseUrl);
			try {
				await client.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await client.end({ timeout: 5 });
			}
		}
	};
}

/** PostgreSQL at `baseUrl` (any server: the shared one, or a private cluster a test runs). */
export function postgresBackend(baseUrl: string): Backend {
	return {
		name: 'postgres',
		async open() {
			const created = await createPostgresDatabase(baseUrl);
			let handle: DatabaseHandle;
			try {
				handle = await openDatabase({ url: created.url, max: 4 });
			} catch (error) {
				await created.drop();
				throw error;
			}
			return {
				db: handle.db,
				handle,
				async cleanup() {
					await handle.close();
					await created.drop();
				}
			};
		},
		async provision() {
			const created = await createPostgresDatabase(baseUrl);
			return {
				backend: 'postgres',
				env: { DATABASE_URL: created.url },
				open: () => openDatabase({ url: created.url, max: 2 }),
				dispose: () => created.drop()
			};
		}
	};
}

/** PGlite always; PostgreSQL as well when DATABASE_URL is set. */
export function testDatabases(env: Record<string, string | undefined> = process.env): Backend[] {
	const backends = [pglite];
	if (env.DATABASE_URL) backends.push(postgresBackend(env.DATABASE_URL));
	return backends;
}
