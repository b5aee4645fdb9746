/**
 * DESIGN §8 invariant 3: a `kill -9` of the server at any moment under load loses no update that
 * any other client has seen. The real production server runs as a child process (so SIGKILL is
 * real: no shutdown code, no flush), three stock y-websocket writers keep appending tokens to one
 * document and a read-only observer watches. At random moments the server is killed; while it is
 * down, the database is read directly (before any client can re-send what it holds) and must
 * hold every token any client received from the server. Then it is started again on the same
 * port and database, the clients reconnect with their offline edits, and the cycle repeats.
 * At the end every replica, the database and a fresh client hold the same document.
 *
 * PGlite (a file-backed DATA_DIR) survives SIGKILL: it replays its WAL when reopened, like
 * PostgreSQL; this test is what shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.ts';
import { printServerLogOnFailure, type TestServer } from '../helpers/server.ts';
import { syncProvider, synced, until } from '../helpers/sync.ts';
import {
	startEditedServer,
	startEditing,
	tokensInDatabase,
	tokensOf,
	type Editing
} from '../helpers/editing.ts';

const CRASHES = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabases())('kill -9 under load on $name', (backend) => {
	let server: TestServer;
	let work: Editing | undefined;
	let docName = '';
	let cookies: Record<string, string> = {};
	printServerLogOnFailure(() => [server]);

	beforeAll(async () => {
		({ server, docName, cookies } = await startEditedServer(backend));
	}, 120_000);

	afterAll(async () => {
		work?.stop();
		await server?.dispose();
	});

	const url = () => `ws://127.0.0.1:${server.port}/sync`;

	it(`loses nothing another client saw across ${CRASHES} SIGKILLs, and every replica converges`, async () => {
		work = startEditing({
			url,
			origin: () => server.origin,
			docName,
			writers: ['police', 'coordinator', 'chair'].map((label) => ({
				label,
				cookie: cookies[label]!
			})),
			readers: [{ label: 'observer', cookie: cookies.observer! }]
		});
		await work.synced();
		const delays: number[] = [];
		let seenBefore = 0;
		for (let crash = 1; crash <= CRASHES; crash++) {
			// Something new must have gone through the server in this cycle, then kill at a random
			// moment while the writers keep going (commits and relays in flight).
			await until(() => work!.seenByOthers().size > seenBefore, 15_000);
			const delay = Math.floor(Math.random() * 800);
			delays.push(delay);
			await sleep(delay);
			await server.kill9();
			await work.disconnected();
			const seen = work.seenByOthers();
			seenBefore = seen.size;
			const stored = new Set(await server.withDatabase((db) => tokensInDatabase(db, docName)));
			const lost = [...seen].filter((token) => !stored.has(token));
			expect(
				lost,
				`crash ${crash} (delays ${delays.join(', ')} ms): seen by another client, not in the database`
			).toEqual([]);
			await server.start();
			work.retarget();
			await work.synced();
		}

		// Quiescence: offline edits re-sent, everything relayed, every replica the same.
		work.pause();
		await until(() => work!.converged(), 20_000);
		const final = tokensOf(work.clients[0]!.provider.doc);
		expect(new Set(final)).toEqual(new Set(work.written()));
		expect(final.length).toBeGreaterThan(CRASHES * 3);

		// Once more without warning: the database alone holds exactly the converged document...
		await server.kill9();
		await work.disconnected();
		expect(await server.withDatabase((db) => tokensInDatabase(db, docName))).toEqual(final);
		work.stop();
		work = undefined;
		// ...and a client that was never there loads it from a restarted server.
		await server.start();
		const fresh = syncProvider(url(), docName, cookies.observer!, { origin: server.origin });
		try {
			await synced(fresh);
			expect(tokensOf(fresh.doc)).toEqual(final);
		} finally {
			fresh.destroy();
		}
	}, 120_000);
});
