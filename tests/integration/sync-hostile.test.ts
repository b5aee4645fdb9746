/**
 * Hostile input and limits at the live-sync boundary (DESIGN §6 "Untrusted bytes", security.md
 * §3.2–3.4, §4.4 and checklist items 17, 18, 21, 22), against the real upgrade handler and hub
 * on loopback. The regression payloads live in ./fixtures/yjs-hostile.ts.
 *
 * Actors on the demo data: `police@` is the victim (writes its agency's documents), `coordinator@`
 * the attacker (a legitimate writer of every case document, so its bytes reach the decoder), and
 * `health@` a bystander who may read the police agency documents.
 */
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { and, eq, sql } from 'drizzle-orm';
import type { WebsocketProvider } from 'y-websocket';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	ORIGIN,
	closed,
	provider,
	rawSocket,
	signedIn,
	startHarness,
	synced,
	until,
	type Harness
} from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { loadDocument } from '../../src/lib/server/documents/store.ts';
import { agencies, cases, docUpdates } from '../../src/lib/server/db/schema/index.ts';
import {
	GARBAGE_479,
	RUN_LENGTH_687,
	ZERO_LENGTH_498,
	absurdLengths,
	awarenessBody,
	awarenessFrame,
	awarenessOverRead,
	clockPoison,
	conflictItems,
	deleteSetPoison,
	randomBuffers,
	step1Frame,
	step2Frame,
	truncations,
	updateFrame,
	validUpdate
} from './fixtures/yjs-hostile.ts';

type Session = Awaited<ReturnType<typeof signedIn>>;
type Outcome = 'open' | number;

const MAX_LOOP_DELAY_MS = 200;
/** Wall-clock backstop: on a loaded 2-core machine the OS alone can pause the process ~200 ms. */
const MAX_WALL_DELAY_MS = 1000;

const threadCpuMs = () => {
	const { user, system } = process.threadCpuUsage();
	return (user + system) / 1000;
};

/**
 * Measures the longest stall of this process's event loop (the server runs in it) in two ways:
 * `monitorEventLoopDelay` (wall clock), and a 20 ms timer whose lateness counts only while this
 * thread was on the CPU — a stall our code caused, as opposed to the machine being busy.
 */
function loopMonitor() {
	const histogram = monitorEventLoopDelay({ resolution: 10 });
	histogram.enable();
	let last = performance.now();
	let lastCpu = threadCpuMs();
	let blocked = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		const cpu = threadCpuMs();
		blocked = Math.max(blocked, Math.min(now - last - 20, cpu - lastCpu));
		last = now;
		lastCpu = cpu;
	}, 20);
	return {
		stop(): { wallMs: number; blockedMs: number } {
			clearInterval(timer);
			histogram.disable();
			return { wallMs: histogram.max / 1e6, blockedMs: blocked };
		}
	};
}

function expectNoStall(loop: { wallMs: number; blockedMs: number }) {
	expect(loop.blockedMs, 'event loop blocked on the CPU (timer drift)').toBeLessThan(
		MAX_LOOP_DELAY_MS
	);
	expect(loop.wallMs, 'event-loop delay (monitorEventLoopDelay)').toBeLessThan(MAX_WALL_DELAY_MS);
}

interface AwarenessSeen {
	clientId: number;
	clock: number;
	json: string;
}

function readAwarenessFrames(data: Uint8Array): AwarenessSeen[] {
	const d = decoding.createDecoder(data);
	if (decoding.readVarUint(d) !== 1) return [];
	const body = decoding.createDecoder(decoding.readVarUint8Array(d));
	const out: AwarenessSeen[] = [];
	const count = decoding.readVarUint(body);
	for (let i = 0; i < count; i++) {
		out.push({
			clientId: decoding.readVarUint(body),
			clock: decoding.readVarUint(body),
			json: decoding.readVarString(body)
		});
	}
	return out;
}

/**
 * A raw y-websocket connection that can tell "my last message was ignored" from "the server
 * closed me": `probe()` sends a SyncStep1 and waits for the SyncStep2 answer (the server sends
 * SyncStep2 only in answer to SyncStep1). Messages on one socket are handled in order, so an
 * answer means everything sent before it was handled without closing the socket.
 */
interface RawPeer {
	ws: WebSocket;
	/** The client id this connection uses for its own presence (`announce`). */
	probeId: number;
	/** Every presence entry the server sent this socket. */
	awareness: AwarenessSeen[];
	code(): number | null;
	send(frame: Uint8Array | Buffer): void;
	probe(timeoutMs?: number): Promise<Outcome>;
	/** Sends a new presence state for `probeId`. */
	announce(): void;
	close(): Promise<void>;
}

async function rawPeer(h: Harness, name: string, cookie: string): Promise<RawPeer> {
	// Listen from the first byte: the server greets a new socket straight after the upgrade.
	const awareness: AwarenessSeen[] = [];
	let answers = 0;
	let answered: (() => void) | null = null;
	const connect = () =>
		new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
			const ws = new WebSocket(`${h.url}/${name}`, { headers: { origin: ORIGIN, cookie } });
			ws.on('unexpected-response', (_req, res) => {
				res.resume();
				resolve({ status: res.statusCode ?? 0 });
			});
			ws.on('error', () => {});
			ws.on('message', (data: Buffer) => {
				if (data[0] === 0 && data[1] === 1) {
					answers += 1;
					answered?.();
					return;
				}
				try {
					awareness.push(...readAwarenessFrames(new Uint8Array(data)));
				} catch {
					// not presence
				}
			});
			ws.on('open', () => resolve({ status: 101, ws }));
		});
	let opened: { status: number; ws?: WebSocket } = { status: 0 };
	// A socket closed a moment ago may still count against the per-user cap: retry briefly.
	for (let attempt = 0; attempt < 20; attempt++) {
		opened = await connect();
		if (opened.status !== 429) break;
		await new Promise((r) => setTimeout(r, 50));
	}
	if (opened.status !== 101) throw new Error(`upgrade refused with ${opened.status}`);
	const ws = opened.ws!;
	let code: number | null = null;
	const whenClosed = new Promise<number>((resolve) =>
		ws.on('close', (c) => {
			code = c;
			resolve(c);
		})
	);
	const probeId = 0x4000_0000 + randomInt(0x1000_0000);
	let clock = 0;
	const peer: RawPeer = {
		ws,
		probeId,
		awareness,
		code: () => code,
		send(frame) {
			if (ws.readyState === ws.OPEN) ws.send(frame);
		},
		async probe(timeoutMs = 5000) {
			if (code !== null) return code;
			const before = answers;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const replied = new Promise<Outcome>((resolve) => {
				answered = () => {
					if (answers > before) resolve('open');
				};
			});
			const timedOut = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs);
			});
			peer.send(step1Frame(Uint8Array.from([0])));
			try {
				return await Promise.race([replied, whenClosed, timedOut]);
			} finally {
				clearTimeout(timer);
				answered = null;
			}
		},
		announce() {
			clock += 1;
			const state = JSON.stringify({ probe: clock });
			peer.send(awarenessFrame(awarenessBody([{ clientId: probeId, clock, state }])));
		},
		async close() {
			if (code !== null) return;
			ws.close();
			await whenClosed;
		}
	};
	return peer;
}

/** Splits unmasked server-to-client WebSocket frames. */
function serverFrames(data: Buffer): { opcode: number; payload: Buffer }[] {
	const frames: { opcode: number; payload: Buffer }[] = [];
	let at = 0;
	while (at + 2 <= data.length) {
		const opcode = data[at]! & 0x0f;
		let length = data[at + 1]! & 0x7f;
		let start = at + 2;
		if (length === 126) {
			length = data.readUInt16BE(start);
			start += 2;
		} else if (length === 127) {
			length = Number(data.readBigUInt64BE(start));
			start += 8;
		}
		frames.push({ opcode, payload: data.subarray(start, start + length) });
		at = start + length;
	}
	return frames;
}

/** The document as a fresh process would load it from the database. */
async function storedState(t: TestDatabase, name: string) {
	const stored = await loadDocument(t.db, name);
	const doc = new Y.Doc();
	let failed = 0;
	for (const update of [stored.snapshot, ...stored.updates]) {
		if (!update) continue;
		try {
			Y.applyUpdate(doc, update);
		} catch {
			failed += 1;
		}
	}
	const result = {
		stateVector: Array.from(Y.encodeStateVector(doc)),
		state: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64'),
		rows: stored.updateIds.length,
		failed,
		text: (key: string) => doc.getText(key).toString()
	};
	return result;
}

async function rowsBy(t: TestDatabase, sessionId: string, name?: string) {
	const where = name
		? and(eq(docUpdates.sessionId, sessionId), eq(docUpdates.docName, name))
		: eq(docUpdates.sessionId, sessionId);
	return t.db.select().from(docUpdates).where(where);
}

/** Strict V1: decodes, applies, and has no bytes the decoder did not need. */
function decodesStrictly(update: Uint8Array): boolean {
	try {
		Y.decodeUpdate(update);
		Y.applyUpdate(new Y.Doc(), update);
	} catch {
		return false;
	}
	try {
		Y.decodeUpdate(update.slice(0, update.byteLength - 1));
		return false; // the last byte was not needed: trailing junk
	} catch {
		return true;
	}
}

async function persisted(t: TestDatabase, name: string, text: string, key = 't') {
	await until(async () => (await storedState(t, name)).text(key).includes(text));
}

describe.each(testDatabases())('sync server under hostile input on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let victim: Session;
	let attacker: Session;
	let bystander: Session;
	let caseIds: string[];
	let policeAgency: string;
	let healthAgency: string;
	const used = { agency: 0, other: 0 };
	/**
	 * A document nobody else in this file uses: a police agency document (the victim writes it)
	 * or, when the victim need not write, a case plan or health agency document (the attacker
	 * writes; victim and bystander may open it).
	 */
	const freshDoc = (victimWrites = true) => {
		const others = [
			...caseIds.map((id) => `case:${id}:plan`),
			...caseIds.map((id) => `case:${id}:agency:${healthAgency}`)
		];
		const name = victimWrites
			? `case:${caseIds[used.agency++]}:agency:${policeAgency}`
			: others[used.other++];
		if (!name || name.includes('undefined')) throw new Error('out of demo documents');
		return name;
	};
	const open: WebsocketProvider[] = [];
	const client = (name: string, who: Session) => {
		const p = provider(h, name, who.cookie);
		open.push(p);
		return p;
	};

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		caseIds = (await t.db.select({ id: cases.id }).from(cases).orderBy(cases.reference)).map(
			(c) => c.id
		);
		const all = await t.db.select().from(agencies);
		policeAgency = all.find((a) => a.sector === 'police')!.id;
		healthAgency = all.find((a) => a.sector === 'health')!.id;
		victim = await signedIn(h, 'police@demo.example');
		attacker = await signedIn(h, 'coordinator@demo.example');
		bystander = await signedIn(h, 'health@demo.example');
	});

	afterAll(async () => {
		for (const p of open) p.destroy();
		await h?.stop();
		await t?.cleanup();
	});

	it('regression corpus: each message is refused with 4400 or harmlessly ignored; stored state, state vector and event loop are unaffected', async () => {
		const name = freshDoc();
		const v = client(name, victim);
		await synced(v);
		v.doc.getText('t').insert(0, 'victim baseline');
		await persisted(t, name, 'victim baseline');
		const before = await storedState(t, name);
		expect(before.rows).toBeGreaterThan(0);

		const own = 0x5000_0000 + randomInt(0x1000_0000); // a fresh client id for the attacker
		const v2 = new Y.Doc();
		v2.getText('t').insert(0, 'a V2-encoded update');
		type Expect = 4400 | 'ignored' | '4400 or ignored';
		const corpus: { name: string; frame: Uint8Array; expect: Expect }[] = [
			// yjs#498: zero-length buffers.
			{ name: '#498 empty frame', frame: ZERO_LENGTH_498, expect: 4400 },
			// An empty update adds nothing; it is dropped without reaching the decoder.
			{ name: '#498 empty sync update', frame: updateFrame(ZERO_LENGTH_498), expect: 'ignored' },
			{ name: '#498 empty sync step 2', frame: step2Frame(ZERO_LENGTH_498), expect: 'ignored' },
			{ name: '#498 empty state vector', frame: step1Frame(ZERO_LENGTH_498), expect: 4400 },
			{ name: '#498 empty awareness', frame: awarenessFrame(ZERO_LENGTH_498), expect: 4400 },
			// yjs#479: "garbagedoc".
			{ name: '#479 as a frame', frame: GARBAGE_479, expect: 4400 },
			{ name: '#479 as a sync update', frame: updateFrame(GARBAGE_479), expect: 4400 },
			{ name: '#479 as a sync step 2', frame: step2Frame(GARBAGE_479), expect: 4400 },
			{ name: '#479 as a state vector', frame: step1Frame(GARBAGE_479), expect: 4400 },
			{ name: '#479 as awareness', frame: awarenessFrame(GARBAGE_479), expect: 4400 },
			// yjs#687: the V2 run-length bomb. V1 only: as a V1 update it has trailing junk.
			{ name: '#687 as a frame', frame: RUN_LENGTH_687, expect: 4400 },
			{ name: '#687 as a sync update', frame: updateFrame(RUN_LENGTH_687), expect: 4400 },
			{ name: '#687 as a sync step 2', frame: step2Frame(RUN_LENGTH_687), expect: 4400 },
			{ name: '#687 as a state vector', frame: step1Frame(RUN_LENGTH_687), expect: 4400 },
			{ name: '#687 as awareness', frame: awarenessFrame(RUN_LENGTH_687), expect: 4400 },
			{
				name: 'a V2 update (only V1 is accepted)',
				frame: updateFrame(Y.encodeStateAsUpdateV2(v2)),
				expect: 4400
			},
			// Envelopes.
			{ name: 'unknown message type 2', frame: Uint8Array.from([2, 0]), expect: 4400 },
			{ name: 'unknown sync sub-type 7', frame: Uint8Array.from([0, 7, 0]), expect: 4400 },
			{
				name: 'sync body declaring 2^32 bytes, 5 present',
				frame: Uint8Array.from([0, 2, 0x80, 0x80, 0x80, 0x80, 0x10, 1, 2, 3, 4, 5]),
				expect: 4400
			},
			{
				name: 'trailing bytes after a valid update',
				frame: Uint8Array.from([...updateFrame(validUpdate(own)), 0]),
				expect: 4400
			},
			{
				name: 'state vector with 2^32 declared entries',
				frame: step1Frame(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10, 1, 1])),
				expect: 4400
			},
			{
				name: 'presence string declared longer than the message (over-read)',
				frame: awarenessFrame(awarenessOverRead(own, '{"a":"', 4000)),
				expect: 4400
			},
			// Every truncation of a valid update (security.md §3.3).
			...truncations(validUpdate(own)).map((u) => ({
				name: `truncated update (${u.byteLength} bytes)`,
				frame: updateFrame(u),
				expect: 4400 as const
			})),
			// Absurd declared lengths.
			...absurdLengths(own).map((c) => ({
				name: c.name,
				frame: updateFrame(c.update),
				expect: 4400 as const
			})),
			{
				name: 'GC struct of length 2^40 at clock 0 for the sender’s own new id',
				frame: updateFrame(clockPoison(own, 0)),
				expect: 4400
			},
			// Random bytes, as whole frames and as update bodies (seeded, reproducible).
			...randomBuffers(479498687, 20, 48).map((b, i) => ({
				name: `random frame #${i} ${Buffer.from(b).toString('hex')}`,
				frame: b,
				expect: '4400 or ignored' as const
			})),
			...randomBuffers(17, 20, 48).map((b, i) => ({
				name: `random update #${i} ${Buffer.from(b).toString('hex')}`,
				frame: updateFrame(b),
				expect: (b.byteLength <= 2 ? '4400 or ignored' : 4400) as Expect
			}))
		];

		const loop = loopMonitor();
		const wrong: string[] = [];
		let previous = before;
		for (const c of corpus) {
			const peer = await rawPeer(h, name, attacker.cookie);
			peer.send(c.frame);
			const outcome = await peer.probe();
			await peer.close();
			const ok =
				c.expect === '4400 or ignored'
					? outcome === 4400 || outcome === 'open'
					: c.expect === 'ignored'
						? outcome === 'open'
						: outcome === c.expect;
			if (!ok) wrong.push(`${c.name}: expected ${c.expect}, got ${outcome}`);
			const now = await storedState(t, name);
			if (now.stateVector.join() !== previous.stateVector.join() || now.state !== previous.state) {
				wrong.push(`${c.name}: the stored document changed`);
			}
			previous = now;
		}
		expectNoStall(loop.stop());
		expect(wrong).toEqual([]);

		const after = await storedState(t, name);
		expect(after.stateVector).toEqual(before.stateVector);
		expect(after.state).toBe(before.state);
		expect(after.failed).toBe(0);
		expect(await rowsBy(t, attacker.sessionId, name)).toEqual([]);
		// The victim was never disturbed and still saves.
		expect(v.wsconnected).toBe(true);
		v.doc.getText('t').insert(0, 'still saving. ');
		await persisted(t, name, 'still saving');
	});

	it('clock poisoning (checklist 17): a GC struct for the victim’s client id is refused and the victim’s next edit is persisted', async () => {
		const name = freshDoc();
		const v = client(name, victim);
		await synced(v);
		v.doc.getText('t').insert(0, 'hello');
		await persisted(t, name, 'hello');
		const before = await storedState(t, name);

		const peer = await rawPeer(h, name, attacker.cookie);
		// security.md §3.3: GC struct at the victim's next clock, length 2^40.
		peer.send(updateFrame(clockPoison(v.doc.clientID, Y.getState(v.doc.store, v.doc.clientID))));
		expect(await peer.probe()).toBe(4400);
		expect((await storedState(t, name)).stateVector).toEqual(before.stateVector);

		v.doc.getText('t').insert(5, ' world');
		await persisted(t, name, 'hello world');
		const reader = client(name, bystander);
		await synced(reader);
		await until(() => reader.doc.getText('t').toString() === 'hello world');
		expect(await rowsBy(t, attacker.sessionId, name)).toEqual([]);
	});

	it('clock poisoning of a client id seen only in presence (no edit yet) is refused; the victim’s first edit is persisted', async () => {
		const name = freshDoc();
		const peer = await rawPeer(h, name, attacker.cookie);
		const v = client(name, victim);
		await synced(v);
		// As the portal's client does: announce presence (y-protocols ignores a first clock of 0).
		v.awareness.setLocalState({});
		// The attacker learns the victim's client id from the presence broadcast.
		await until(() => peer.awareness.some((a) => a.clientId === v.doc.clientID));
		// A modest length, so only the ownership rule (not the length cap) can refuse it.
		peer.send(updateFrame(clockPoison(v.doc.clientID, 0, 1000)));
		expect(await peer.probe()).toBe(4400);

		v.doc.getText('t').insert(0, 'first edit');
		await persisted(t, name, 'first edit');
		expect(v.wsconnected).toBe(true);
		expect(await rowsBy(t, attacker.sessionId, name)).toEqual([]);
	});

	it('delete-set poisoning: a delete range over another client’s future clocks is refused; the victim’s next edit persists and reaches others', async () => {
		const name = freshDoc();
		const v = client(name, victim);
		await synced(v);
		v.doc.getText('t').insert(0, 'hello');
		await persisted(t, name, 'hello');
		const before = await storedState(t, name);

		const peer = await rawPeer(h, name, attacker.cookie);
		const next = Y.getState(v.doc.store, v.doc.clientID);
		peer.send(updateFrame(deleteSetPoison(v.doc.clientID, next, 1000)));
		expect(await peer.probe()).toBe(4400);
		const after = await storedState(t, name);
		expect(after.state).toBe(before.state);
		expect(after.rows).toBe(before.rows);

		v.doc.getText('t').insert(5, ' world');
		await persisted(t, name, 'hello world');
		const reader = client(name, bystander);
		await synced(reader);
		await until(() => reader.doc.getText('t').toString() === 'hello world');
	});

	it('an update that is cheap to decode but quadratic to integrate against the document is refused without stalling the event loop', async () => {
		const name = freshDoc();
		const v = client(name, victim);
		await synced(v);
		v.doc.getText('t').insert(0, 'ab');
		await persisted(t, name, 'ab');
		const a = { client: v.doc.clientID, clock: 0 };
		const b = { client: v.doc.clientID, clock: 1 };

		// Plant many items of a low client id between the victim's "a" and "b" (each one cheap).
		const peer = await rawPeer(h, name, attacker.cookie);
		const low = 1000;
		const high = 2000;
		for (let i = 0; i < 4; i++) {
			peer.send(updateFrame(conflictItems(low, 2500, a, b, i * 2500)));
			expect(await peer.probe()).toBe('open');
		}
		await until(async () => (await rowsBy(t, attacker.sessionId, name)).length === 4);
		const before = await storedState(t, name);

		// 1,000 items of a higher client id: each scans all 10,000 (seconds on the main thread).
		const loop = loopMonitor();
		peer.send(updateFrame(conflictItems(high, 1000, a, b)));
		const outcome = await peer.probe(10_000);
		expectNoStall(loop.stop());
		expect(outcome).toBe(4400);
		const after = await storedState(t, name);
		expect(after.stateVector).toEqual(before.stateVector);
		expect(after.rows).toBe(before.rows);
		// Still serving.
		v.doc.getText('t').insert(0, 'after the bomb ');
		await persisted(t, name, 'after the bomb');
	});

	describe('presence (awareness)', () => {
		it('drops an entry for another connection’s client id: the other’s presence is neither overwritten nor removed', async () => {
			const name = freshDoc();
			const v = client(name, victim);
			await synced(v);
			v.awareness.setLocalState({});
			const watcher = await rawPeer(h, name, bystander.cookie);
			await until(() => watcher.awareness.some((a) => a.clientId === v.doc.clientID));
			const attackerPeer = await rawPeer(h, name, attacker.cookie);
			const forged = JSON.stringify({ user: { name: 'Forged' }, evil: 'EVIL-PRESENCE' });
			attackerPeer.send(
				awarenessFrame(awarenessBody([{ clientId: v.doc.clientID, clock: 10_000, state: forged }]))
			);
			attackerPeer.send(
				awarenessFrame(awarenessBody([{ clientId: v.doc.clientID, clock: 10_001, state: 'null' }]))
			);
			// Its own presence goes out with, or after, anything its earlier messages changed.
			attackerPeer.announce();
			expect(await attackerPeer.probe()).toBe('open');
			await until(() => watcher.awareness.some((a) => a.clientId === attackerPeer.probeId));
			const aboutVictim = watcher.awareness.filter((a) => a.clientId === v.doc.clientID);
			expect(aboutVictim.length).toBeGreaterThan(0);
			expect(aboutVictim.map((a) => a.json).join()).not.toContain('EVIL-PRESENCE');
			expect(aboutVictim.every((a) => a.json !== 'null' && a.clock < 10_000)).toBe(true);
			await watcher.close();
			await attackerPeer.close();
		});

		it('a room with more than 16 people present keeps every stock client connected (presence goes out in messages of at most 16 entries)', async () => {
			const name = freshDoc(false);
			const emails = [
				'police',
				'health',
				'mental-health',
				'children-services',
				'adult-services',
				'housing',
				'probation',
				'education',
				'idva',
				'third-sector'
			].map((who) => `${who}@demo.example`);
			const people = await Promise.all(emails.map((email) => signedIn(h, email)));
			const codes: number[] = [];
			const crowd: WebsocketProvider[] = [];
			for (const person of [...people, ...people]) {
				const p = client(name, person);
				p.on('connection-close', (event: unknown) =>
					codes.push((event as { code?: number } | null)?.code ?? 0)
				);
				crowd.push(p);
			}
			await Promise.all(crowd.map(synced));
			for (const p of crowd) p.awareness.setLocalState({});
			await until(() => crowd.every((p) => p.awareness.getStates().size >= crowd.length));
			// A late joiner is greeted with everyone's presence at once, and sends it all back.
			const late = client(name, attacker);
			late.on('connection-close', (event: unknown) =>
				codes.push((event as { code?: number } | null)?.code ?? 0)
			);
			crowd.push(late);
			await synced(late);
			late.awareness.setLocalState({});
			await until(() => crowd.every((p) => p.awareness.getStates().size >= crowd.length));
			await new Promise((r) => setTimeout(r, 500));
			expect(codes).toEqual([]);
			expect(crowd.every((p) => p.wsconnected)).toBe(true);
			for (const p of crowd) p.destroy();
		});

		it('refuses a presence state that fits the limit only before the server adds the identity, so no client’s echo of it is refused', async () => {
			const name = freshDoc(false);
			const v = client(name, victim);
			await synced(v);
			const codes: number[] = [];
			v.on('connection-close', (event: unknown) =>
				codes.push((event as { code?: number } | null)?.code ?? 0)
			);
			const peer = await rawPeer(h, name, attacker.cookie);
			const state = JSON.stringify({ pad: 'x'.repeat(1000) }); // 1,010 bytes
			peer.send(awarenessFrame(awarenessBody([{ clientId: peer.probeId, clock: 1, state }])));
			expect(await peer.probe()).toBe(4400);
			await new Promise((r) => setTimeout(r, 300));
			expect(codes).toEqual([]);
			expect(v.wsconnected).toBe(true);
			expect(v.awareness.getStates().has(peer.probeId)).toBe(false);
		});

		it('closes with 4400 on more than 16 entries, non-JSON or invalid UTF-8 state, oversized or deeply nested state — without stalling the event loop', async () => {
			const name = freshDoc(false);
			const entries = (n: number) =>
				Array.from({ length: n }, (_, i) => ({ clientId: 900 + i, clock: 1, state: '{}' }));
			const cases: { name: string; body: Uint8Array }[] = [
				{ name: '17 entries', body: awarenessBody(entries(17)) },
				{
					name: 'non-JSON state',
					body: awarenessBody([{ clientId: 901, clock: 1, state: '{not json' }])
				},
				{
					name: 'invalid UTF-8 state',
					body: awarenessBody([{ clientId: 902, clock: 1, state: Uint8Array.from([0x7b, 0xff]) }])
				},
				{
					name: 'a 2 KiB state',
					body: awarenessBody([
						{ clientId: 903, clock: 1, state: JSON.stringify({ pad: 'x'.repeat(2048) }) }
					])
				},
				{
					name: 'an almost 2 MiB deeply nested state',
					body: awarenessBody([
						{ clientId: 904, clock: 1, state: '['.repeat(2 ** 20 - 64) + ']'.repeat(2 ** 20 - 64) }
					])
				}
			];
			const loop = loopMonitor();
			const outcomes: string[] = [];
			for (const c of cases) {
				const peer = await rawPeer(h, name, attacker.cookie);
				peer.send(awarenessFrame(c.body));
				outcomes.push(`${c.name}: ${await peer.probe()}`);
			}
			expectNoStall(loop.stop());
			expect(outcomes).toEqual(cases.map((c) => `${c.name}: 4400`));
			// Sixteen small entries are fine (those beyond the socket's own few ids are just dropped).
			const peer = await rawPeer(h, name, attacker.cookie);
			peer.send(awarenessFrame(awarenessBody(entries(16))));
			expect(await peer.probe()).toBe('open');
			await peer.close();
		});

		it('never echoes bytes from beyond the end of a presence message (declared length over-read)', async () => {
			const name = freshDoc(false);
			const watcher = await rawPeer(h, name, bystander.cookie);
			// Raw TCP so both frames share one segment and the mask is ours: the frame after the
			// presence message is laid out to continue a JSON string if the server over-reads.
			const url = new URL(h.url);
			const socket = connect(Number(url.port), url.hostname);
			await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
			socket.write(
				`GET /sync/${name} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
					`Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
					`Origin: ${ORIGIN}\r\nCookie: ${attacker.cookie}\r\n\r\n`
			);
			let received = Buffer.alloc(0);
			socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
			const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
			await until(() => received.includes('\r\n\r\n'));
			expect(received.subarray(0, 12).toString()).toBe('HTTP/1.1 101');

			// Two empty frames follow the presence message in the same segment. Their masks are not
			// rewritten by unmasking, so they are stable bytes: with the 0xE2 that ends the declared
			// string's present part and each frame's two header bytes they read as valid UTF-8
			// ("\u2080QZJ\u2080XK") and close the JSON string and object.
			const frameB = Buffer.from([0x82, 0x80, 0x51, 0x5a, 0x4a, 0xe2]); // mask "QZJ" + 0xE2
			const frameC = Buffer.from([0x82, 0x80, 0x58, 0x4b, 0x22, 0x7d]); // mask 'XK"}'
			const present = Buffer.concat([Buffer.from('{"leak":"'), Buffer.from([0xe2])]);
			const body = Buffer.concat([
				awarenessOverRead(0x3000_0001, '', present.length + frameB.length + frameC.length),
				present
			]);
			const payload = Buffer.from(awarenessFrame(body));
			expect(payload.length).toBeLessThan(126);
			const mask = Buffer.from([1, 2, 3, 4]);
			const frameA = Buffer.concat([
				Buffer.from([0x82, 0x80 | payload.length]),
				mask,
				Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))
			]);
			socket.write(Buffer.concat([frameA, frameB, frameC]));
			const frames = () => serverFrames(received.subarray(received.indexOf('\r\n\r\n') + 4));
			// Wait for the server's close frame (or for it to drop the connection).
			let gone = false;
			void ended.then(() => (gone = true));
			await until(() => gone || frames().some((f) => f.opcode === 8));
			socket.destroy();
			// The watcher's own presence goes out with, or after, anything the attacker's frames caused.
			watcher.announce();
			await until(() => watcher.awareness.some((a) => a.clientId === watcher.probeId));
			const echoed = watcher.awareness.map((a) => a.json).join();
			const toAttacker = frames()
				.map((f) => f.payload.toString('latin1'))
				.join();
			expect(echoed).not.toContain('QZJ');
			expect(toAttacker).not.toContain('QZJ');
			// The server closed the raw socket with 4400.
			const close = frames().find((f) => f.opcode === 8);
			expect(close?.payload.readUInt16BE(0)).toBe(4400);
			await watcher.close();
		});
	});

	describe('limits', () => {
		let small: Harness;
		beforeAll(async () => {
			small = await startHarness(t, {
				messagesPerSecond: 5,
				messageBurst: 10,
				maxSocketsPerUser: 3,
				maxDocumentBytes: 4096
			});
		});
		afterAll(async () => {
			await small?.stop();
		});

		it('a 3 MiB frame gets close code 1009 and the server carries on', async () => {
			const name = freshDoc();
			const peer = await rawPeer(h, name, attacker.cookie);
			const whenClosed = closed(peer.ws);
			peer.send(Buffer.alloc(3 * 1024 * 1024, 1));
			expect((await whenClosed).code).toBe(1009);
			const v = client(name, victim);
			await synced(v);
			v.doc.getText('t').insert(0, 'after the big frame');
			await persisted(t, name, 'after the big frame');
		});

		it('text frames get 4400', async () => {
			const peer = await rawPeer(h, freshDoc(false), attacker.cookie);
			peer.ws.send('{"type":"sync"}');
			expect(await peer.probe()).toBe(4400);
		});

		it('a burst beyond the per-socket message rate gets 4429; a socket within it stays open', async () => {
			const name = freshDoc(false);
			const calm = await rawPeer(small, name, victim.cookie);
			for (let i = 0; i < 3; i++) calm.send(Uint8Array.from([3])); // query awareness
			expect(await calm.probe()).toBe('open');
			const noisy = await rawPeer(small, name, attacker.cookie);
			for (let i = 0; i < 30; i++) noisy.send(Uint8Array.from([3]));
			expect(await noisy.probe()).toBe(4429);
			await calm.close();
		});

		it('a socket whose messages pile up on the server is told to come back later (1013), not refused', async () => {
			const busy = await startHarness(t, {
				messagesPerSecond: 10_000,
				messageBurst: 10_000,
				maxQueuedMessages: 3
			});
			try {
				const peer = await rawPeer(busy, freshDoc(false), victim.cookie);
				// Sent in one go, they arrive together and wait behind each other.
				for (let i = 0; i < 40; i++) peer.send(Uint8Array.from([3]));
				expect(await peer.probe()).toBe(1013);
				// 1013 is not one of the codes after which the client stops (4400-4499).
				const again = await rawPeer(busy, freshDoc(false), victim.cookie);
				expect(await again.probe()).toBe('open');
				await again.close();
			} finally {
				await busy.stop();
			}
		});

		it('one socket flooding presence (within its own rate) does not get the other sockets closed for rate', async () => {
			// The stock client sends every presence message it receives straight back.
			const name = freshDoc(false);
			const v = provider(small, name, victim.cookie);
			open.push(v);
			await synced(v);
			const codes: number[] = [];
			v.on('connection-close', (event: unknown) =>
				codes.push((event as { code?: number } | null)?.code ?? 0)
			);
			const noisy = await rawPeer(small, name, attacker.cookie);
			for (let i = 0; i < 9; i++) noisy.announce(); // within its own burst of 10
			await until(() => {
				const seen = v.awareness.getStates().get(noisy.probeId) as { probe?: number } | undefined;
				return seen?.probe === 9;
			});
			await new Promise((r) => setTimeout(r, 300));
			expect(codes).toEqual([]);
			expect(v.wsconnected).toBe(true);
			expect(noisy.code()).toBe(null);
			await noisy.close();
		});

		it('refuses the upgrade over the per-user socket cap with 429, also for simultaneous upgrades', async () => {
			const name = freshDoc(false);
			const held: WebSocket[] = [];
			for (let i = 0; i < 3; i++) {
				const r = await rawSocket(small, name, { origin: ORIGIN, cookie: bystander.cookie });
				expect(r.status).toBe(101);
				held.push(r.socket!);
			}
			const extra = await rawSocket(small, name, { origin: ORIGIN, cookie: bystander.cookie });
			expect(extra.status).toBe(429);
			for (const ws of held) ws.close();
			await Promise.all(held.map((ws) => (ws.readyState === ws.CLOSED ? null : closed(ws))));

			// Eight at once for another user: the cap must hold under concurrency too.
			const other = await signedIn(h, 'housing@demo.example');
			const results = await Promise.all(
				Array.from({ length: 8 }, () =>
					rawSocket(small, name, { origin: ORIGIN, cookie: other.cookie })
				)
			);
			const statuses = results.map((r) => r.status).sort();
			for (const r of results) r.socket?.close();
			expect(statuses.filter((s) => s === 101).length).toBe(3);
			expect(statuses.filter((s) => s === 429).length).toBe(5);
		});

		it('closes with 4413 at the per-document size ceiling and stores nothing past it', async () => {
			const name = freshDoc(false);
			const peer = await rawPeer(small, name, attacker.cookie);
			const own = 0x6000_0000 + randomInt(0x1000_0000);
			const doc = new Y.Doc();
			doc.clientID = own;
			const updates: Uint8Array[] = [];
			doc.on('update', (u: Uint8Array) => updates.push(u));
			doc.getText('t').insert(0, 'small and fine');
			doc.getText('t').insert(0, 'x'.repeat(5000));
			peer.send(updateFrame(updates[0]!));
			expect(await peer.probe()).toBe('open');
			await persisted(t, name, 'small and fine');
			const before = await storedState(t, name);
			peer.send(updateFrame(updates[1]!));
			expect(await peer.probe()).toBe(4413);
			const after = await storedState(t, name);
			expect(after.state).toBe(before.state);
			expect(after.rows).toBe(before.rows);
		});
	});

	it('property: ~400 random and mutated frames never crash the server, close only with 4400, and leave no undecodable row', async () => {
		const name = freshDoc();
		const v = client(name, victim);
		await synced(v);
		v.doc.getText('t').insert(0, 'property baseline');
		await persisted(t, name, 'property baseline');

		// Valid frames to mutate: a fresh update, an update that references the victim's items,
		// a state vector and a presence update.
		const own = 0x7000_0000 + randomInt(0x0800_0000);
		const mirror = new Y.Doc();
		mirror.clientID = own;
		Y.applyUpdate(mirror, Y.encodeStateAsUpdate(v.doc));
		const sv = Y.encodeStateVector(mirror);
		mirror.getText('t').insert(3, 'inserted into the middle');
		mirror.getText('t').delete(0, 2);
		const relative = Y.encodeStateAsUpdate(mirror, sv);
		const bodies = [validUpdate(own + 1), relative, Y.encodeStateVector(mirror)];
		const presence = awarenessBody([
			{ clientId: own + 2, clock: 1, state: JSON.stringify({ cursor: { anchor: 1, head: 4 } }) }
		]);
		const valid = [
			updateFrame(bodies[0]!),
			updateFrame(bodies[1]!),
			step1Frame(bodies[2]!),
			awarenessFrame(presence)
		];
		const varuint = (n: number) => {
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, n);
			return encoding.toUint8Array(e);
		};
		const splice = (base: Uint8Array, at: number, drop: number, insert: Uint8Array) => {
			const i = at % (base.byteLength + 1);
			return Uint8Array.from([...base.subarray(0, i), ...insert, ...base.subarray(i + drop)]);
		};
		const mutation = (base: fc.Arbitrary<Uint8Array>) =>
			fc.oneof(
				fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([b, i, bit]) => {
					const out = b.slice();
					if (out.length > 0) out[i % out.length]! ^= 1 << bit;
					return out;
				}),
				fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, byte]) => {
					const out = b.slice();
					if (out.length > 0) out[i % out.length] = byte;
					return out;
				}),
				fc.tuple(base, fc.nat()).map(([b, n]) => b.slice(0, n % (b.length + 1))),
				fc
					.tuple(base, fc.nat(), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 4 }))
					.map(([b, at, drop, bytes]) => splice(b, at, drop, bytes)),
				fc
					.tuple(
						base,
						fc.nat(),
						fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1, 0),
						fc.integer({ min: 0, max: 2 })
					)
					.map(([b, at, n, drop]) => splice(b, at, drop, varuint(n)))
			);
		const frames = fc.oneof(
			{ arbitrary: fc.uint8Array({ maxLength: 256 }), weight: 2 },
			{ arbitrary: mutation(fc.constantFrom(...valid)), weight: 3 },
			// Valid envelope, mutated body: reaches the decoder instead of failing at the envelope.
			{
				arbitrary: mutation(fc.constantFrom(...bodies)).map((b) => updateFrame(b)),
				weight: 4
			},
			{ arbitrary: mutation(fc.constant(presence)).map((b) => awarenessFrame(b)), weight: 2 },
			{ arbitrary: mutation(fc.constantFrom(...bodies)).map((b) => step1Frame(b)), weight: 1 }
		);

		const loop = loopMonitor();
		const tally = new Map<string, number>();
		let peer = await rawPeer(h, name, attacker.cookie);
		let sentOnPeer = 0;
		await fc.assert(
			fc.asyncProperty(frames, async (frame) => {
				// Stay under the default message rate (50/s, burst 300) on any one socket.
				if (peer.code() !== null || sentOnPeer >= 100) {
					await peer.close();
					peer = await rawPeer(h, name, attacker.cookie);
					sentOnPeer = 0;
				}
				sentOnPeer += 2;
				peer.send(frame);
				const outcome = await peer.probe();
				tally.set(String(outcome), (tally.get(String(outcome)) ?? 0) + 1);
				// Refused (4400) or answered; never an internal error, a crash or a stall.
				expect([4400, 'open']).toContain(outcome);
			}),
			{ numRuns: 400, seed: 20261128, endOnFailure: true }
		);
		await peer.close();
		expectNoStall(loop.stop());
		expect(tally.get('4400')).toBeGreaterThan(0);
		expect(tally.get('open')).toBeGreaterThan(0);

		// Still serving: a new reader syncs and sees the victim's next edit.
		const reader = client(name, bystander);
		await synced(reader);
		v.doc.getText('t').insert(0, 'after the fuzz ');
		await until(() => reader.doc.getText('t').toString().includes('after the fuzz'));
		await persisted(t, name, 'after the fuzz');

		// Whatever the attacker got stored is a well-formed V1 update, and the document loads.
		const rows = await rowsBy(t, attacker.sessionId, name);
		const bad = rows.filter((r) => !decodesStrictly(r.update));
		expect(bad.map((r) => Buffer.from(r.update).toString('hex'))).toEqual([]);
		const stored = await storedState(t, name);
		expect(stored.failed).toBe(0);
		expect(stored.text('t')).toContain('after the fuzz');
		const count = await t.db
			.select({ n: sql<number>`count(*)::int` })
			.from(docUpdates)
			.where(eq(docUpdates.docName, name));
		expect(count[0]!.n).toBe(stored.rows);
	}, 120_000);
});
