/**
 * A lost database connection (Postgres restarted, backend terminated, failover) must fail the
 * queries in flight, not the process. postgres.js 3.4.9 crashes with an uncatchable TypeError in
 * that case; server/patch-dependencies.ts (run on install) guards it. Vitest fails the run on any
 * uncaught exception, so these tests fail if the guard is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { patchPostgres } from '../../server/patch-dependencies.ts';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/index.ts';
import { areas } from '../../src/lib/server/db/schema/index.ts';
import { createPostgresDatabase } from '../helpers/db.ts';

const UNGUARDED =
	'  function write(x, fn) {\n  }\n\n  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n  }\n';

describe('dependency patch', () => {
	it('guards nextWrite once, and is idempotent', () => {
		const root = mkdtempSync(join(tmpdir(), 'marac-patch-'));
		const file = join(root, 'node_modules/postgres/src/connection.js');
		mkdirSync(join(root, 'node_modules/postgres/src'), { recursive: true });
		writeFileSync(file, UNGUARDED);
		expect(patchPostgres(root)).toEqual([file]);
		const patched = readFileSync(file, 'utf8');
		expect(patched).toMatch(/if \(!socket\) \{/);
		expect(patchPostgres(root)).toEqual([]);
		expect(readFileSync(file, 'utf8')).toBe(patched);
	});

	it('is applied to the installed postgres.js', () => {
		expect(
			readFileSync(join(process.cwd(), 'node_modules/postgres/src/connection.js'), 'utf8')
		).toContain('patched by marac-portal');
	});
});

const url = process.env.DATABASE_URL;

describe.skipIf(!url)('a terminated backend on real PostgreSQL', () => {
	let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
	let handle: DatabaseHandle;
	let admin: postgres.Sql;

	beforeAll(async () => {
		created = await createPostgresDatabase(url!);
		handle = await openDatabase({ url: created.url, max: 2 });
		admin = postgres(url!, { max: 1, onnotice: () => {}, fetch_types: false });
	});
	afterAll(async () => {
		await handle?.close();
		await admin?.end({ timeout: 5 });
		await created?.drop();
	});

	const terminateAll = () =>
		admin`select pg_terminate_backend(pid) from pg_stat_activity
		      where datname = ${created.name} and pid <> pg_backend_pid()`;

	it('a reserved connection whose backend died rejects with CONNECTION_CLOSED instead of crashing', async () => {
		// postgres.js defaults (types fetched on connect), as where the crash was reported.
		const client = postgres(created.url, { max: 1, onnotice: () => {} });
		try {
			const reserved = await client.reserve();
			await reserved`select 1`;
			await terminateAll();
			await new Promise((resolve) => setTimeout(resolve, 200));
			await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
			reserved.release();
		} finally {
			await client.end({ timeout: 1 });
		}
	});

	it("the portal's pool recovers: after its backends are terminated, queries succeed again", async () => {
		await handle.db.select({ n: sql<number>`1` }).from(areas);
		await terminateAll();
		await new Promise((resolve) => setTimeout(resolve, 200));
		// The first queries may see the dead sockets; within a few tries the pool has reconnected.
		let answer: unknown;
		for (let attempt = 0; attempt < 5 && answer === undefined; attempt++) {
			try {
				const rows = await handle.db.select({ n: sql<number>`count(*)::int + 42` }).from(areas);
				answer = rows[0]?.n;
			} catch (error) {
				expect((error as { code?: string }).code).toMatch(/CONNECTION|57P01/);
			}
		}
		expect(answer).toBe(42);
	});
});
