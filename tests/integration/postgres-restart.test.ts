/**
 * DESIGN §8 invariant 4: a PostgreSQL restart does not crash the server. postgres-connection-loss
 * covers terminated backends inside one process; here PostgreSQL itself goes away and comes back
 * (stop -m fast, then -m immediate, i.e. crash recovery) while stock y-websocket clients are
 * editing through the real production server. It runs on a private cluster, so restarting it
 * does not disturb the shared PostgreSQL other tests use.
 *
 * What must hold: the server process stays up and says it cannot reach its database (healthz
 * 503) rather than hanging; nothing any client saw is missing from the database afterwards
 * (durable before relay); a writer's edits during the outage are refused (the socket is closed
 * and the stock client retries) rather than dropped silently, so they arrive once PostgreSQL is
 * back, without the test reconnecting anyone; and afterwards every replica and the database agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend } from '../helpers/db.ts';
import { printServerLogOnFailure, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/sync.ts';
import {
	startEditedServer,
	startEditing,
	tokensInDatabase,
	tokensOf,
	type Editing
} from '../helpers/editing.ts';
import { findPostgresBinaries, startCluster, type Cluster } from '../helpers/postgres-cluster.ts';

const found = findPostgresBinaries();
const skipReason = 'reason' in found ? found.reason : null;
if (skipReason) console.warn(`postgres-restart: skipped: ${skipReason}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipReason !== null)('a PostgreSQL restart under load', () => {
	let cluster: Cluster | undefined;
	let server: TestServer;
	let work: Editing | undefined;
	let docName = '';
	let cookies: Record<string, string> = {};
	printServerLogOnFailure(() => [server]);

	beforeAll(async () => {
		cluster = await startCluster((found as { bin: string }).bin);
		({ server, docName, cookies } = await startEditedServer(postgresBackend(cluster.url)));
	}, 120_000);

	afterAll(async () => {
		work?.stop();
		try {
			// The cluster may be down if a test failed mid-outage: bring it back to drop the database.
			await server?.stop();
			try {
				cluster?.start();
			} catch {
				// already running
			}
			await server?.dispose();
		} finally {
			cluster?.dispose();
		}
	});

	async function health(): Promise<number> {
		const response = await fetch(`${server.origin}/healthz`, {
			signal: AbortSignal.timeout(10_000)
		});
		await response.arrayBuffer();
		return response.status;
	}

	it('keeps the server up, loses nothing seen, and lets refused edits through afterwards', async () => {
		work = startEditing({
			url: () => `ws://127.0.0.1:${server.port}/sync`,
			origin: () => server.origin,
			docName,
			writers: ['police', 'coordinator', 'chair'].map((label) => ({
				label,
				cookie: cookies[label]!
			})),
			readers: [{ label: 'observer', cookie: cookies.observer! }]
		});
		await work.synced();
		const observer = work.clients.find((c) => c.label === 'observer')!;

		for (const mode of ['fast', 'immediate', 'fast'] as const) {
			let seenBefore = work.seenByOthers().size;
			await until(() => work!.seenByOthers().size > seenBefore + 5, 15_000);
			await sleep(Math.floor(Math.random() * 500));
			cluster!.stop(mode);
			// The server answers, and says plainly that its database is gone.
			await until(async () => (await health()) === 503, 10_000);
			await sleep(1_000); // writers keep editing into the outage
			// Nothing can become durable now, so nothing new can be relayed: what was seen is final.
			const seen = work.seenByOthers();
			seenBefore = seen.size;
			cluster!.start();
			const stored = new Set(await server.withDatabase((db) => tokensInDatabase(db, docName)));
			const lost = [...seen].filter((token) => !stored.has(token));
			expect(lost, `after stop -m ${mode}: seen by a client, not in the database`).toEqual([]);
			// The server comes back by itself once its connection pool reconnects (backoff ≤ 1 s):
			// wait for that (a loaded CI machine can take a few seconds), never restart it.
			await until(async () => (await health()) === 200, 15_000);
			// Every edit made up to now, the outage included, reaches the read-only observer
			// through the server: refused writes were retried by their clients, none dropped.
			const written = work.written();
			await until(() => {
				const held = new Set(tokensOf(observer.provider.doc));
				return written.every((token) => held.has(token));
			}, 30_000);
		}

		work.pause();
		await until(() => work!.converged(), 30_000);
		const final = tokensOf(work.clients[0]!.provider.doc);
		expect(new Set(final)).toEqual(new Set(work.written()));
		expect(await server.withDatabase((db) => tokensInDatabase(db, docName))).toEqual(final);
		// Still the process started at the beginning: nothing restarted it.
		expect(await health()).toBe(200);
		expect(server.output()).not.toMatch(/uncaught|unhandled/i);
	}, 120_000);
});
