/**
 * Vitest global setup. Integration tests drive the real production server, so the app is built
 * once (only when missing or older than its sources) before any test file runs. Creating an
 * embedded database (initdb plus migrations) takes seconds, so one migrated PGlite data directory
 * is made here and copied for every server that needs a fresh one (tests/helpers/db.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from '../../server/build.ts';
import { openDatabase } from '../../src/lib/server/db/index.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteTemplate: string;
	}
}

const root = new URL('../..', import.meta.url).pathname;
const lockDir = join(
	tmpdir(),
	`marac-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`
);
const STALE_LOCK_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Two test runs building the same checkout at once break each other's build: take turns. */
async function withBuildLock(fn: () => void): Promise<void> {
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(join(lockDir, 'pid'), String(process.pid));
			break;
		} catch {
			try {
				const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
				const age = Date.now() - statSync(lockDir).mtimeMs;
				if ((pid && !alive(pid)) || age > STALE_LOCK_MS)
					rmSync(lockDir, { recursive: true, force: true });
			} catch {
				// The holder is between mkdir and writing its pid, or just released the lock.
			}
			await sleep(250);
		}
	}
	try {
		fn();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

/** A build started outside the tests (npm start) can still collide with ours: retry. */
async function build(): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await withBuildLock(ensureBuilt);
		} catch (error) {
			if (attempt >= 3) throw error;
			await sleep(3_000);
		}
	}
}

export default async function setup(project: TestProject): Promise<() => void> {
	await build();
	const dir = mkdtempSync(join(tmpdir(), 'marac-pglite-template-'));
	const dataDir = join(dir, 'data');
	const handle = await openDatabase({ dataDir });
	await handle.close();
	project.provide('pgliteTemplate', dataDir);
	return () => rmSync(dir, { recursive: true, force: true });
}
