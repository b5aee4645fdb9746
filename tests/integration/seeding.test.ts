/**
 * Demo accounts are never seeded into a database given by DATABASE_URL unless asked (DESIGN §10):
 * `server/cli.ts seed` refuses without its flag, before it touches the database at all, and the
 * server seeds only an empty embedded database.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/lib/server/seed/demo.ts';
import { createPostgresDatabase, testDatabases } from '../helpers/db.ts';
import {
	Client,
	freePort,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const root = new URL('../..', import.meta.url).pathname;
const NODE = join(root, 'node_modules/.bin/node');

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `node server/cli.ts …` with only the given environment (plus PATH and HOME). */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(NODE, ['server/cli.ts', ...args], {
			cwd: root,
			env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, stdout, stderr }));
	});
}

const REFUSAL = /Refusing to seed demo accounts into DATABASE_URL/;

describe('npm run db:seed with DATABASE_URL', () => {
	it('refuses without --into-database-url, before connecting to the database', async () => {
		// Nothing listens on this port: a CLI that connected (to migrate, say) before refusing
		// would fail with a connection error instead of the refusal.
		const port = await freePort();
		const run = await cli(['seed'], {
			DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere`
		});
		expect(run.stderr).toMatch(REFUSAL);
		expect(run.stderr).not.toMatch(/ECONNREFUSED|connect/i);
		expect(run.code).toBe(2);
		expect(run.stdout).not.toContain(DEMO_PASSWORD);
	});

	const baseUrl = process.env.DATABASE_URL;
	describe.runIf(baseUrl)('on a real PostgreSQL database', () => {
		const dropped: (() => Promise<void>)[] = [];
		afterAll(async () => {
			for (const drop of dropped) await drop();
		});

		async function tablesIn(url: string): Promise<string[]> {
			const sql = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
			try {
				const rows = await sql<{ name: string }[]>`
					select table_schema || '.' || table_name as name from information_schema.tables
					where table_schema not in ('pg_catalog', 'information_schema')`;
				return rows.map((r) => r.name);
			} finally {
				await sql.end({ timeout: 5 });
			}
		}

		async function userEmails(url: string): Promise<string[]> {
			const sql = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
			try {
				const rows = await sql<{ email: string }[]>`select email from users order by email`;
				return rows.map((r) => r.email);
			} finally {
				await sql.end({ timeout: 5 });
			}
		}

		it('leaves the database untouched when refusing, and seeds it only with the flag', async () => {
			const created = await createPostgresDatabase(baseUrl!);
			dropped.push(created.drop);

			const refused = await cli(['seed'], { DATABASE_URL: created.url });
			expect(refused.code).toBe(2);
			expect(refused.stderr).toMatch(REFUSAL);
			// Not even the migrations ran: the database is as empty as it was created.
			expect(await tablesIn(created.url)).toEqual([]);

			const seeded = await cli(['seed', '--into-database-url'], { DATABASE_URL: created.url });
			expect(seeded.stderr).toBe('');
			expect(seeded.code).toBe(0);
			expect(seeded.stdout).toContain(
				'Seeded the fictional Demo Area into the DATABASE_URL database'
			);
			expect(await userEmails(created.url)).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());

			// A second run never seeds over existing users.
			const again = await cli(['seed', '--into-database-url'], { DATABASE_URL: created.url });
			expect(again.code).toBe(1);
			expect(again.stderr).toMatch(/already has users/);
			expect(await userEmails(created.url)).toHaveLength(DEMO_ACCOUNTS.length);
		}, 60_000);
	});
});

describe.each(testDatabases())('starting the server on an empty $name database', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	afterAll(async () => {
		await server?.dispose();
	});

	const embedded = backend.name === 'pglite';
	it(
		embedded
			? 'seeds the Demo Area into the embedded database'
			: 'does not seed demo accounts into DATABASE_URL',
		async () => {
			server = await startServer({ backend, env: { LOG_LEVEL: 'warn' } });
			const response = await new Client(server).signIn('coordinator@demo.example', DEMO_PASSWORD);
			expect(response.status).toBe(embedded ? 303 : 400);
			const users = await server.withDatabase(async (db) => db.query.users.findMany());
			if (embedded) expect(users).toHaveLength(DEMO_ACCOUNTS.length);
			else expect(users).toEqual([]);
		},
		60_000
	);
});
