/**
 * `npm run bench`: our sync server (server/sync) and Hocuspocus side by side, same machine, same
 * workload, each with its own stock client (y-websocket / HocuspocusProvider), one server at a
 * time (DESIGN §9, reference/collab.md §5.4). Each server runs in a child process of its own
 * (tests/bench/server.ts); the clients live here and time everything with one monotonic clock.
 *
 * Prints a table of medians, p99s and ratios (ours / Hocuspocus) and writes the same as JSON to
 * tests/bench/results/sync-<timestamp>.json. Missing a target prints MISSED but exits 0; only an
 * error exits non-zero.
 *
 * Environment:
 *   DATABASE_URL      our server on a fresh PostgreSQL database (created next to it, dropped after)
 *                     instead of PGlite in memory
 *   BENCH_ROUNDS      rounds per server (default 2; rounds alternate which server goes first)
 *   BENCH_QUICK=1     fewer edits and documents, to try the bench out
 *   BENCH_VERBOSE=1   timestamps of the steps
 *   BENCH_PROFILE=1   CPU profiles of the server processes in tests/bench/results/profiles/
 *   BENCH_TRACE=0     without the hooks that time the stages inside our server (ws, database)
 *   BENCH_SERVER_LOG  our server's log level (default warn; its lines are summarised at the end)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { prng } from './content.ts';

// y-websocket adds a process 'exit' listener per provider.
process.setMaxListeners(1000);
import {
	ORIGIN,
	OUR_OPTIONS,
	type Command,
	type Memory,
	type Names,
	type PipelineProbe,
	type ServerKind,
	type StepTiming,
	type Usage
} from './shared.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2) || 2);
const OBSERVERS = 50;
const M1_EDITS = QUICK ? 60 : 200;
const M1_INTERVAL_MS = 50; // ~20 edits/s
const WRITERS = 50;
const M2_EDITS = QUICK ? 8 : 20;
const M2_GAP_MS = [250, 750] as const; // jittered gap between one writer's edits (mean 500 ms)
const COLD_REPS = QUICK ? 2 : 5;
const COLD_ROWS = 1000;
const COLD_ROW_BYTES = 500;
const MEMORY_DOCS = QUICK ? 30 : 100;
const TARGETS = { m1P99: 20, m2P99: 25, coldMs: 150, memoryMb: 5 };

const root = fileURLToPath(new URL('../..', import.meta.url));
/** BENCH_PROFILE=1: CPU profiles of the server processes in tests/bench/results/profiles/. */
const PROFILE = process.env.BENCH_PROFILE === '1';
const PROFILE_DIR = fileURLToPath(new URL('./results/profiles/', import.meta.url));
/** A seeded PGlite data directory, made by the first server and copied by the others. */
const TEMPLATE = join(os.tmpdir(), `marac-bench-${process.pid}.tar`);
const version = (pkg: string) =>
	(
		JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')) as {
			version: string;
		}
	).version;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- statistics ---------------------------------------------------------------------------------

interface Stats {
	n: number;
	median: number;
	p95: number;
	p99: number;
	max: number;
	mean: number;
}

function stats(samples: number[]): Stats {
	const s = [...samples].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
	if (s.length === 0) return { n: 0, median: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
	return {
		n: s.length,
		median: at(0.5),
		p95: at(0.95),
		p99: at(0.99),
		max: s[s.length - 1]!,
		mean: s.reduce((a, b) => a + b, 0) / s.length
	};
}

// --- server processes ---------------------------------------------------------------------------

interface ServerProcess {
	kind: ServerKind;
	port: number;
	database: string | null;
	call<T>(command: Command): Promise<T>;
	stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const serverLog: { server: ServerKind; line: string }[] = [];

/** The message of a pino line, or the line. */
function logMessage(line: string): string {
	try {
		const entry = JSON.parse(line) as {
			msg?: string;
			level?: number;
			reason?: string;
			error?: string;
		};
		return [entry.msg, entry.reason ?? entry.error].filter(Boolean).join(': ');
	} catch {
		return line.slice(0, 200);
	}
}

async function startServer(kind: ServerKind): Promise<ServerProcess> {
	const execArgv = ['--expose-gc'];
	if (PROFILE)
		execArgv.push(
			'--cpu-prof',
			`--cpu-prof-dir=${PROFILE_DIR}`,
			`--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`
		);
	const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [kind], {
		execArgv,
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		env: { ...process.env, NODE_ENV: 'production', BENCH_PGLITE_TEMPLATE: TEMPLATE }
	});
	children.add(child);
	// Our server logs JSON lines (warnings and errors only, see BENCH_SERVER_LOG): kept for the report.
	let partial = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		const lines = (partial + chunk).split('\n');
		partial = lines.pop() ?? '';
		for (const l of lines) if (l.trim()) serverLog.push({ server: kind, line: l });
	});
	child.on('exit', () => children.delete(child));
	let nextId = 1;
	let stopping = false;
	const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	const ready = new Promise<{ port: number; database: string | null }>((resolve, reject) => {
		child.on(
			'message',
			(m: { ready?: boolean; id?: number; ok?: boolean } & Record<string, unknown>) => {
				if (m.ready) return resolve(m as unknown as { port: number; database: string | null });
				const p = pending.get(m.id!);
				if (!p) return;
				pending.delete(m.id!);
				if (m.ok) p.resolve(m.result);
				else p.reject(new Error(`${kind} server: ${String(m.error)}`));
			}
		);
		child.on('exit', (code, signal) => {
			const error = new Error(`${kind} server exited (code ${code}, signal ${signal})`);
			if (!stopping) console.error(`  ${error.message} unexpectedly`);
			reject(error);
			for (const p of pending.values()) p.reject(error);
			pending.clear();
		});
	});
	const { port, database } = await ready;
	step(`${kind} server ready`);
	child.on('error', (error) => console.error(`  ${kind} server: ${String(error)}`));
	const call = <T>(command: Command) =>
		new Promise<T>((resolve, reject) => {
			if (!child.connected) return reject(new Error(`${kind} server is gone`));
			const id = nextId++;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, ...command });
		});
	return {
		kind,
		port,
		database,
		call,
		async stop() {
			stopping = true;
			const exited = new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
			});
			await Promise.race([call({ cmd: 'stop' }).catch(() => {}), sleep(15_000)]);
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		}
	};
}

// --- stock clients ------------------------------------------------------------------------------

interface Client {
	doc: Y.Doc;
	synced: Promise<void>;
	/** Connections the server closed before the bench was done ("code reason"). */
	closes: string[];
	destroy(): void;
}

/** Every unexpected close, across clients (reported; a reconnecting client resyncs by itself). */
const unexpectedCloses: string[] = [];

/** `ws` with our session cookie and Origin, as a browser would send them. */
function socketClass(cookie: string) {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: { cookie, origin: ORIGIN } });
		}
	};
}

function oursClient(port: number, name: string, cookie: string): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, name, doc, {
		WebSocketPolyfill: socketClass(cookie) as unknown as typeof globalThis.WebSocket,
		disableBc: true // Node has BroadcastChannel: without this, clients here would bypass the server
	});
	const closes: string[] = [];
	let destroyed = false;
	provider.on('connection-close', (event: CloseEvent | null) => {
		if (destroyed) return;
		const what = `ours: ${event?.code ?? '?'} ${event?.reason ?? ''}`.trim();
		closes.push(what);
		unexpectedCloses.push(what);
	});
	const synced = new Promise<void>((resolve) => {
		if (provider.synced) return resolve();
		const on = (s: boolean) => {
			if (!s) return;
			provider.off('sync', on);
			resolve();
		};
		provider.on('sync', on);
	});
	return {
		doc,
		synced,
		closes,
		destroy() {
			destroyed = true;
			provider.destroy();
			doc.destroy();
		}
	};
}

function hocuspocusClient(port: number, name: string): Client {
	const doc = new Y.Doc();
	const socket = new HocuspocusProviderWebsocket({
		url: `ws://127.0.0.1:${port}`,
		WebSocketPolyfill: WebSocket
	});
	const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc });
	provider.attach();
	const closes: string[] = [];
	let destroyed = false;
	provider.on('close', ({ event }: { event: CloseEvent }) => {
		if (destroyed) return;
		const what = `hocuspocus: ${event?.code ?? '?'} ${event?.reason ?? ''}`.trim();
		closes.push(what);
		unexpectedCloses.push(what);
	});
	const synced = new Promise<void>((resolve) => {
		if (provider.isSynced) return resolve();
		provider.on('synced', ({ state }: { state: boolean }) => state && resolve());
	});
	return {
		doc,
		synced,
		closes,
		destroy() {
			destroyed = true;
			provider.destroy();
			socket.destroy();
			doc.destroy();
		}
	};
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout>;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
		})
	]);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const started = performance.now();
	while (!check()) {
		if (performance.now() - started > timeoutMs) return false;
		await sleep(10);
	}
	return true;
}

/** Connects `count` clients to one document and waits until all are synced. */
async function connect(
	server: ServerProcess,
	name: string,
	cookies: string[] | null,
	count: number
): Promise<Client[]> {
	const clients: Client[] = [];
	for (let i = 0; i < count; i++) {
		clients.push(
			server.kind === 'ours'
				? oursClient(server.port, name, cookies![i]!)
				: hocuspocusClient(server.port, name)
		);
	}
	await withTimeout(Promise.all(clients.map((c) => c.synced)), 60_000, `${count} clients sync`);
	step(`${count} client(s) synced`);
	return clients;
}

async function disconnect(clients: Client[]) {
	for (const c of clients) c.destroy();
	await sleep(500);
}

/**
 * Every edit is a Y.Map entry `<writer>:<n>` → performance.now() at the moment of the edit; each
 * client records, when the entry arrives, now − that time (one clock: same process).
 */
function recordLatency(client: Client, self: string | null, samples: number[]) {
	const map = client.doc.getMap<number>('bench');
	let received = 0;
	map.observe((event) => {
		const now = performance.now();
		for (const key of event.keysChanged) {
			if (key.startsWith('warm') || (self !== null && key.startsWith(`${self}:`))) continue;
			const sent = map.get(key);
			if (typeof sent === 'number') {
				samples.push(now - sent);
				received += 1;
			}
		}
	});
	return () => received;
}

// --- M1, M2: propagation ------------------------------------------------------------------------

interface LatencyResult {
	server: ServerKind;
	round: number;
	samples: number[];
	expected: number;
	serverUsage: Usage;
	sendSpanMs: number;
	/** Sockets the server closed during the scenario. */
	closes: string[];
}

async function propagationOneWriter(
	server: ServerProcess,
	name: string,
	cookies: string[] | null,
	round: number
): Promise<LatencyResult> {
	const [writer, ...observers] = await connect(server, name, cookies, OBSERVERS + 1);
	const samples: number[] = [];
	const counters = observers.map((o) => recordLatency(o, null, samples));
	const wmap = writer!.doc.getMap<number>('bench');
	// Warm-up (not measured): the first edits bind the writer's client id and warm both sides.
	for (let i = 0; i < 5; i++) {
		wmap.set(`warm:${i}`, performance.now());
		await sleep(M1_INTERVAL_MS);
	}
	const warm = await until(() => observers.every((o) => o.doc.getMap('bench').size >= 5), 10_000);
	if (!warm) throw new Error(`${server.kind}: warm-up edits did not reach every observer`);
	await sleep(300);
	step('M1 warm-up done');
	await server.call({ cmd: 'mark' });
	const start = performance.now();
	for (let i = 0; i < M1_EDITS; i++) {
		const due = start + i * M1_INTERVAL_MS;
		const wait = due - performance.now();
		if (wait > 0) await sleep(wait);
		wmap.set(`w:${i}`, performance.now());
	}
	const sendSpanMs = performance.now() - start;
	const expected = M1_EDITS * observers.length;
	await until(() => counters.reduce((n, c) => n + c(), 0) >= expected, 5_000);
	step('measured');
	const usage = await server.call<Usage>({ cmd: 'usage' });
	const closes = [writer!, ...observers].flatMap((c) => c.closes);
	await disconnect([writer!, ...observers]);
	return { server: server.kind, round, samples, expected, serverUsage: usage, sendSpanMs, closes };
}

async function propagationManyWriters(
	server: ServerProcess,
	name: string,
	cookies: string[] | null,
	round: number
): Promise<LatencyResult> {
	const clients = await connect(server, name, cookies, WRITERS);
	const samples: number[] = [];
	const counters = clients.map((c, w) => recordLatency(c, `${w}`, samples));
	// Warm-up: one edit each (binds every client id on our server), not measured.
	clients.forEach((c, w) => c.doc.getMap<number>('bench').set(`warm:${w}`, performance.now()));
	const warm = await until(
		() => clients.every((c) => c.doc.getMap('bench').size >= WRITERS),
		15_000
	);
	if (!warm) throw new Error(`${server.kind}: warm-up edits did not reach every writer`);
	await sleep(300);
	step('M2 warm-up done');
	await server.call({ cmd: 'mark' });
	const start = performance.now();
	await Promise.all(
		clients.map(async (c, w) => {
			const rand = prng(1000 * round + w + 1);
			const map = c.doc.getMap<number>('bench');
			await sleep(rand() * (M2_GAP_MS[1] - M2_GAP_MS[0]));
			for (let i = 0; i < M2_EDITS; i++) {
				map.set(`${w}:${i}`, performance.now());
				if (i < M2_EDITS - 1) await sleep(M2_GAP_MS[0] + rand() * (M2_GAP_MS[1] - M2_GAP_MS[0]));
			}
		})
	);
	const sendSpanMs = performance.now() - start;
	const expected = WRITERS * M2_EDITS * (WRITERS - 1);
	await until(() => counters.reduce((n, c) => n + c(), 0) >= expected, 5_000);
	step('measured');
	const usage = await server.call<Usage>({ cmd: 'usage' });
	const closes = clients.flatMap((c) => c.closes);
	await disconnect(clients);
	return { server: server.kind, round, samples, expected, serverUsage: usage, sendSpanMs, closes };
}

// --- M3 cold load, M4 memory (our server only) ---------------------------------------------------

interface ColdLoad {
	rep: number;
	rows: number;
	logBytes: number;
	stateBytes: number;
	/** Connect → synced for a fresh client on a document with COLD_ROWS pending rows. */
	loadedMs: number;
	/** The same for an empty document: the fixed cost (upgrade, session, access, audit). */
	emptyMs: number;
	probe: { fetchMs: number; applyMs: number; encodeMs: number; rows: number; step2Bytes: number };
	foldedAfterMs: number | null;
}

/**
 * Documents the coordinator can write that M1 and M2 did not use: the first MEMORY_DOCS plan and
 * agency documents for M4 (+1 to warm up), the rest for M3.
 */
function allocate(names: Names) {
	const unused = (n: string) => n !== names.plan && n !== names.pathway;
	const typical = names.typical.filter(unused);
	return {
		memory: typical.slice(0, MEMORY_DOCS),
		memoryWarm: typical[MEMORY_DOCS],
		cold: [...typical.slice(MEMORY_DOCS + 1), ...names.spare.filter(unused)]
	};
}

async function coldLoads(server: ServerProcess, names: Names, cookie: string): Promise<ColdLoad[]> {
	const spare = allocate(names).cold;
	const take = () => {
		const n = spare.shift();
		if (!n) throw new Error('not enough documents for the cold loads');
		return n;
	};
	const out: ColdLoad[] = [];
	// Warm-up (not measured): one connection, so the first measured one does not pay for JIT.
	const warmName = take();
	const warm = await connect(server, warmName, [cookie], 1);
	await disconnect(warm);
	for (let rep = 0; rep < COLD_REPS; rep++) {
		const loaded = take();
		const probed = take();
		const empty = take();
		const log = await server.call<{ rows: number; bytes: number; stateBytes: number }>({
			cmd: 'insertLog',
			names: [loaded, probed],
			rows: COLD_ROWS,
			bytesEach: COLD_ROW_BYTES,
			seed: 1
		});
		step('cold: log inserted');
		const probe = await server.call<ColdLoad['probe']>({ cmd: 'probeLoad', name: probed });
		step('cold: probed');
		await sleep(200);
		let t0 = performance.now();
		const client = oursClient(server.port, loaded, cookie);
		await withTimeout(client.synced, 30_000, 'cold load');
		const loadedMs = performance.now() - t0;
		const size = Y.encodeStateAsUpdate(client.doc).byteLength;
		if (Math.abs(size - log.stateBytes) > log.stateBytes * 0.05)
			throw new Error(`cold load: client has ${size} B, expected ~${log.stateBytes} B`);
		client.destroy();
		// The last client left: the hub folds the log into a snapshot. Wait for it (and time it).
		t0 = performance.now();
		let foldedAfterMs: number | null = null;
		while (performance.now() - t0 < 15_000) {
			if ((await server.call<number>({ cmd: 'pendingRows', name: loaded })) === 0) {
				foldedAfterMs = performance.now() - t0;
				break;
			}
			await sleep(25);
		}
		step('cold: loaded and folded');
		await sleep(200);
		t0 = performance.now();
		const e = oursClient(server.port, empty, cookie);
		await withTimeout(e.synced, 30_000, 'empty load');
		const emptyMs = performance.now() - t0;
		e.destroy();
		await sleep(200);
		out.push({
			rep,
			rows: log.rows,
			logBytes: log.bytes,
			stateBytes: log.stateBytes,
			loadedMs,
			emptyMs,
			probe,
			foldedAfterMs
		});
	}
	return out;
}

interface MemoryResult {
	docs: number;
	docBytes: { min: number; max: number; mean: number };
	baseline: Memory;
	open: Memory;
	edited: Memory;
	after: Memory;
	/** Per document, MB: opened (one client, synced), and after one edit each. */
	perDocMb: {
		heap: number;
		external: number;
		heapPlusExternal: number;
		rss: number;
		editedMain: number;
		/** The worker's heap growth, not collected (approximate). */
		editedWorker: number;
		/** Mirrors' cost per document: one mirror's (measured by loading the same states on the
		 * main thread) times the share of documents the worker mirrors. */
		mirror: number;
		/** Documents the decode worker holds a mirror of. */
		mirrored: number;
		editedTotal: number;
	};
	residualMb: { heapPlusExternal: number; workers: number; rss: number };
	/** From the edits until all 100 were committed (null: not within 20 s). */
	committedMs: number | null;
	/** From the clients leaving until every document's log was folded (null: not within 15 s). */
	unloadedMs: number | null;
	/** Log rows still not folded when the wait ended. */
	rowsLeft: number;
	returnedToBaseline: boolean;
	heapToStoredRatio: number;
}

async function memoryPerDocument(
	server: ServerProcess,
	names: Names,
	cookies: string[]
): Promise<MemoryResult> {
	const { memory: docs, memoryWarm } = allocate(names);
	if (docs.length < MEMORY_DOCS || !memoryWarm)
		throw new Error(`only ${docs.length} typical documents`);
	const seeded = await server.call<{ docs: number; bytes: number[] }>({
		cmd: 'seedTypical',
		names: docs,
		templates: 20,
		minBytes: 20_000,
		maxBytes: 50_000
	});
	step('memory: seeded');
	// Warm-up: one document opened, edited and closed, so code and pools are in place first.
	const [warm] = await connect(server, memoryWarm, [cookies[0]!], 1);
	warm!.doc.getMap('bench').set('warm', 1);
	await sleep(300);
	await disconnect([warm!]);
	await sleep(500);
	const baseline = await server.call<Memory>({ cmd: 'memory' });
	const clients: Client[] = [];
	for (let i = 0; i < docs.length; i += 10) {
		const batch = docs
			.slice(i, i + 10)
			.map((name, j) => oursClient(server.port, name, cookies[(i + j) % cookies.length]!));
		await withTimeout(Promise.all(batch.map((c) => c.synced)), 30_000, 'memory: open documents');
		clients.push(...batch);
	}
	await sleep(500);
	const open = await server.call<Memory>({ cmd: 'memory' });
	// One small edit each (admitted inline, so the decode worker need not mirror the document).
	const editedAt = performance.now();
	clients.forEach((c, i) => c.doc.getMap('bench').set('edited', i));
	// Leave only once every edit is committed (one log row each): see `unloadedMs`.
	let committedMs: number | null = null;
	while (performance.now() - editedAt < 20_000) {
		if ((await server.call<number>({ cmd: 'pendingRowsIn', names: docs })) >= docs.length) {
			committedMs = performance.now() - editedAt;
			break;
		}
		await sleep(100);
	}
	await sleep(500);
	const edited = await server.call<Memory>({ cmd: 'memory' });
	await disconnect(clients);
	// Each document is folded into its snapshot, then dropped, once its last client has left:
	// wait until no log rows are left for any of them.
	const leftAt = performance.now();
	let unloadedMs: number | null = null;
	let rowsLeft = 0;
	while (performance.now() - leftAt < 15_000) {
		rowsLeft = await server.call<number>({ cmd: 'pendingRowsIn', names: docs });
		if (rowsLeft === 0) {
			unloadedMs = performance.now() - leftAt;
			break;
		}
		await sleep(100);
	}
	await sleep(500);
	const after = await server.call<Memory>({ cmd: 'memory' });
	const mb = (b: number) => b / 2 ** 20;
	const n = docs.length;
	const main = (m: Memory) => m.heapUsed + m.external;
	const heap = mb(open.heapUsed - baseline.heapUsed) / n;
	const external = mb(open.external - baseline.external) / n;
	const editedMain = mb(main(edited) - main(baseline)) / n;
	const editedWorker = mb(edited.workers - baseline.workers) / n;
	const estimate = await server.call<{ perMirror: number; mirrored: number }>({
		cmd: 'mirrorEstimate',
		names: docs
	});
	// Mirrors the worker actually holds, spread over all the documents.
	const mirror = (mb(estimate.perMirror) * estimate.mirrored) / n;
	const bytes = seeded.bytes;
	const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
	const residual = mb(main(after) - main(baseline));
	const residualWorkers = mb(after.workers - baseline.workers);
	return {
		docs: n,
		docBytes: { min: Math.min(...bytes), max: Math.max(...bytes), mean },
		baseline,
		open,
		edited,
		after,
		perDocMb: {
			heap,
			external,
			heapPlusExternal: heap + external,
			rss: mb(open.rss - baseline.rss) / n,
			editedMain,
			editedWorker,
			mirror,
			mirrored: estimate.mirrored,
			editedTotal: editedMain + mirror
		},
		residualMb: {
			heapPlusExternal: residual,
			workers: residualWorkers,
			rss: mb(after.rss - baseline.rss)
		},
		committedMs,
		unloadedMs,
		rowsLeft,
		// Near baseline: under a tenth of what the open documents took (+2 MB for noise).
		returnedToBaseline: residual < 0.1 * editedMain * n + 2,
		heapToStoredRatio: (heap * 2 ** 20) / mean
	};
}

// --- the run ------------------------------------------------------------------------------------

/** "4400 malformed message ×3, 1006 ×1" */
function summarize(list: string[]): string {
	const counts = new Map<string, number>();
	for (const item of list) counts.set(item, (counts.get(item) ?? 0) + 1);
	return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '—');

async function runServerRound<T>(
	kind: ServerKind,
	round: number,
	more?: (server: ServerProcess) => Promise<T>
) {
	const t0 = performance.now();
	const server = await startServer(kind);
	try {
		let m1Cookies: string[] | null = null;
		let m2Cookies: string[] | null = null;
		let plan = 'bench-plan';
		let pathway = 'bench-pathway';
		if (kind === 'ours') {
			const names = await server.call<Names>({ cmd: 'names' });
			plan = names.plan;
			pathway = names.pathway;
			// The writer (first) is the coordinator; observers are every kind of participant.
			const s1 = await server.call<{ cookie: string }[]>({
				cmd: 'sessions',
				count: OBSERVERS + 1,
				excludeRoles: [],
				first: 'coordinator@demo.example'
			});
			m1Cookies = s1.map((s) => s.cookie);
			// Everybody but the observer writes a trafficking pathway.
			const s2 = await server.call<{ cookie: string }[]>({
				cmd: 'sessions',
				count: WRITERS,
				excludeRoles: ['observer']
			});
			m2Cookies = s2.map((s) => s.cookie);
			step('sessions created');
		}
		const m1 = await propagationOneWriter(server, plan, m1Cookies, round);
		await sleep(500);
		const m2 = await propagationManyWriters(server, pathway, m2Cookies, round);
		log(
			`  round ${round + 1} ${kind.padEnd(10)} M1 p99 ${fmt(stats(m1.samples).p99)} ms, ` +
				`M2 p99 ${fmt(stats(m2.samples).p99)} ms (${((performance.now() - t0) / 1000).toFixed(1)} s` +
				`${server.database ? `, ${server.database}` : ''})`
		);
		const extra = more ? await more(server) : undefined;
		return { m1, m2, database: server.database, extra };
	} finally {
		await server.stop();
		step(`${kind} server stopped`);
	}
}

/** M3, M4 and the update-path probe, on a server that has finished M1 and M2. */
async function oursOnlyMeasures(server: ServerProcess) {
	const t0 = performance.now();
	const names = await server.call<Names>({ cmd: 'names' });
	const sessions = await server.call<{ cookie: string }[]>({
		cmd: 'sessions',
		count: 2,
		excludeRoles: ['observer', 'agency_rep']
	});
	const cookies = sessions.map((s) => s.cookie);
	// Memory first: the large documents of the cold loads could otherwise linger in the baseline.
	const memory = await memoryPerDocument(server, names, cookies);
	const cold = await coldLoads(server, names, cookies[0]!);
	const probe = await server.call<PipelineProbe>({ cmd: 'probePipeline', updates: 200 });
	step('pipeline probed');
	log(
		`  ours only: cold loads, memory per document, update path (${((performance.now() - t0) / 1000).toFixed(1)} s)`
	);
	return { cold, memory, probe };
}

function log(line: string) {
	console.log(line);
}

const VERBOSE = process.env.BENCH_VERBOSE === '1';
const epoch = performance.now();
/** BENCH_VERBOSE=1: timestamps of the steps, to see where the time goes. */
function step(what: string) {
	if (VERBOSE) console.log(`    [${((performance.now() - epoch) / 1000).toFixed(1)} s] ${what}`);
}

async function main() {
	const startedAt = new Date();
	const loadBefore = os.loadavg();
	const cpus = os.cpus();
	log(`Sync benchmark — ours (server/sync) vs Hocuspocus ${version('@hocuspocus/server')}`);
	log(
		`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ` +
			`node ${process.version}; yjs ${version('yjs')}; y-websocket ${version('y-websocket')}; ` +
			`@hocuspocus/provider ${version('@hocuspocus/provider')}${QUICK ? '; QUICK mode' : ''}`
	);
	const latency: { m1: LatencyResult[]; m2: LatencyResult[] } = { m1: [], m2: [] };
	let database: string | null = null;
	let oursOnly: { cold: ColdLoad[]; memory: MemoryResult; probe: PipelineProbe } | undefined;
	for (let round = 0; round < ROUNDS; round++) {
		const order: ServerKind[] = round % 2 === 0 ? ['ours', 'hocuspocus'] : ['hocuspocus', 'ours'];
		for (const kind of order) {
			// The last of our servers goes on to the measures only ours has (no restart needed).
			const more =
				kind === 'ours' && round === ROUNDS - 1
					? (s: ServerProcess) => oursOnlyMeasures(s)
					: undefined;
			const r = await runServerRound(kind, round, more);
			latency.m1.push(r.m1);
			latency.m2.push(r.m2);
			database ??= r.database;
			if (r.extra) oursOnly = r.extra;
			await sleep(500);
		}
	}
	if (!oursOnly) throw new Error('the cold-load and memory measures did not run');
	const { cold, memory, probe } = oursOnly;
	const loadAfter = os.loadavg();

	// --- report -----------------------------------------------------------------------------------
	const pooled = (list: LatencyResult[], kind: ServerKind) => {
		const runs = list.filter((r) => r.server === kind);
		const samples = runs.flatMap((r) => r.samples);
		const expected = runs.reduce((n, r) => n + r.expected, 0);
		const cpuMs = runs.reduce((n, r) => n + r.serverUsage.cpuMs, 0);
		return {
			stats: stats(samples),
			expected,
			delivered: samples.length,
			perRoundP99: runs.map((r) => stats(r.samples).p99),
			serverCpuMs: cpuMs,
			cpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, samples.length),
			eldP99Ms: Math.max(...runs.map((r) => r.serverUsage.eldP99Ms)),
			eldMaxMs: Math.max(...runs.map((r) => r.serverUsage.eldMaxMs)),
			rssMb: Math.max(...runs.map((r) => r.serverUsage.rssMb)),
			sendSpanMs: runs.map((r) => r.sendSpanMs),
			closes: runs.flatMap((r) => r.closes),
			stages: runs.map((r) => r.serverUsage.stages),
			/** Ours: time inside the server, receive → first relay (pooled by round: worst round). */
			residence: runs.some((r) => r.serverUsage.residence)
				? {
						median: Math.max(...runs.map((r) => r.serverUsage.residence?.median ?? NaN)),
						p99: Math.max(...runs.map((r) => r.serverUsage.residence?.p99 ?? NaN)),
						max: Math.max(...runs.map((r) => r.serverUsage.residence?.max ?? NaN))
					}
				: null
		};
	};
	const m1 = { ours: pooled(latency.m1, 'ours'), hocuspocus: pooled(latency.m1, 'hocuspocus') };
	const m2 = { ours: pooled(latency.m2, 'ours'), hocuspocus: pooled(latency.m2, 'hocuspocus') };
	const coldStats = stats(cold.map((c) => c.loadedMs));
	const emptyStats = stats(cold.map((c) => c.emptyMs));

	const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISSED');
	const m1Pass = m1.ours.stats.p99 <= TARGETS.m1P99;
	const m1NotSlower = m1.ours.stats.p99 <= m1.hocuspocus.stats.p99;
	const m2Pass = m2.ours.stats.p99 <= TARGETS.m2P99;
	const m2NotSlower = m2.ours.stats.p99 <= m2.hocuspocus.stats.p99;
	const coldPass = coldStats.max <= TARGETS.coldMs;
	const memPass = memory.perDocMb.editedTotal <= TARGETS.memoryMb && memory.returnedToBaseline;
	const allDelivered = [m1.ours, m1.hocuspocus, m2.ours, m2.hocuspocus].every(
		(m) => m.delivered === m.expected
	);

	const rows: string[][] = [
		[
			'Measure',
			'ours med',
			'ours p99',
			'HP med',
			'HP p99',
			'med ratio',
			'p99 ratio',
			'target',
			'result'
		],
		[
			`M1 propagation 1 writer → ${OBSERVERS} observers (ms)`,
			fmt(m1.ours.stats.median),
			fmt(m1.ours.stats.p99),
			fmt(m1.hocuspocus.stats.median),
			fmt(m1.hocuspocus.stats.p99),
			ratio(m1.ours.stats.median, m1.hocuspocus.stats.median),
			ratio(m1.ours.stats.p99, m1.hocuspocus.stats.p99),
			`p99 ≤ ${TARGETS.m1P99}, ≤ HP`,
			`${verdict(m1Pass)} / ${m1NotSlower ? 'PASS' : 'MISSED (slower than HP)'}`
		],
		[
			`M2 ${WRITERS} concurrent writers (ms)`,
			fmt(m2.ours.stats.median),
			fmt(m2.ours.stats.p99),
			fmt(m2.hocuspocus.stats.median),
			fmt(m2.hocuspocus.stats.p99),
			ratio(m2.ours.stats.median, m2.hocuspocus.stats.median),
			ratio(m2.ours.stats.p99, m2.hocuspocus.stats.p99),
			`p99 ≤ ${TARGETS.m2P99}, ≤ HP`,
			`${verdict(m2Pass)} / ${m2NotSlower ? 'PASS' : 'MISSED (slower than HP)'}`
		],
		[
			`M3 cold load, ${COLD_ROWS} pending rows (ms)`,
			fmt(coldStats.median),
			`max ${fmt(coldStats.max)}`,
			'n/a',
			'n/a',
			'',
			'',
			`≤ ${TARGETS.coldMs}`,
			verdict(coldPass)
		],
		[
			'M4 memory per open case document (MB)',
			fmt(memory.perDocMb.editedTotal, 2),
			'',
			'n/a',
			'n/a',
			'',
			'',
			`≤ ${TARGETS.memoryMb}`,
			verdict(memPass)
		]
	];
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	const line = (r: string[]) =>
		r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' │ ');
	log('');
	log(line(rows[0]!));
	log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
	for (const r of rows.slice(1)) log(line(r));
	log('');
	const detail = (label: string, m: ReturnType<typeof pooled>) =>
		`  ${label.padEnd(14)} delivered ${m.delivered}/${m.expected}` +
		(m.closes.length > 0 ? ` (sockets closed by the server: ${summarize(m.closes)})` : '') +
		`; p95 ${fmt(m.stats.p95)} max ${fmt(m.stats.max)} ms; ` +
		`p99 by round ${m.perRoundP99.map((v) => fmt(v)).join(', ')}; server CPU ${fmt(m.serverCpuMs, 0)} ms ` +
		`(${fmt(m.cpuUsPerDelivery)} µs per delivered update); server event-loop delay p99 ${fmt(m.eldP99Ms)} / max ${fmt(m.eldMaxMs)} ms; RSS ${fmt(m.rssMb, 0)} MB` +
		(m.residence
			? `\n${' '.repeat(17)}inside the server (update received → first relay sent): median ${fmt(m.residence.median)}, p99 ${fmt(m.residence.p99)}, max ${fmt(m.residence.max)} ms (worst round)`
			: '') +
		m.stages
			.map((st, i) =>
				st
					? `\n${' '.repeat(17)}round ${i + 1} stages: ` +
						[
							...Object.entries(st.worker).map(
								([k, v]) => `worker ${k} ×${v.n} median ${fmt(v.median, 2)} p99 ${fmt(v.p99)} ms`
							),
							// Updates the worker did not see were admitted inline (server/sync/admission.ts).
							`worker busy ${fmt(st.workerBusyPct, 0)}% of the time`
						].join('; ') +
						(st.commit
							? `; log commits ×${st.commit.n} median ${fmt(st.commit.median, 2)} p99 ${fmt(st.commit.p99)} ms`
							: '')
					: ''
			)
			.join('');
	log(`M1 (${M1_EDITS} edits at ~${1000 / M1_INTERVAL_MS}/s, ${ROUNDS} round(s) per server):`);
	log(detail('ours', m1.ours));
	log(detail('hocuspocus', m1.hocuspocus));
	log(
		`M2 (${WRITERS} writers × ${M2_EDITS} edits, gaps ${M2_GAP_MS.join('–')} ms; ${ROUNDS} round(s) per server):`
	);
	log(detail('ours', m2.ours));
	log(detail('hocuspocus', m2.hocuspocus));
	const steps = (t: StepTiming | { unavailable: string }) =>
		'unavailable' in t
			? `unavailable (${t.unavailable})`
			: `${fmt(t.median, 2)} ms median, p99 ${fmt(t.p99, 2)} ms one at a time; ${fmt(t.perUpdateAtOnce, 2)} ms/update with ${t.n} at once (≈ ${fmt(1000 / t.perUpdateAtOnce, 0)} updates/s)`;
	log(`  ours, update path step by step (idle server, ${probe.append.n} small updates):`);
	log(`    decode worker (inspect + integrate): ${steps(probe.worker)}`);
	log(`    same checks inline on the main thread: ${steps(probe.inline)}`);
	log(`    commit to doc_updates (appender): ${steps(probe.append)}`);
	const c0 = cold[0]!;
	log(
		`M3 cold load (ours): ${c0.rows} rows, ${fmt(c0.logBytes / 1024, 0)} KB of updates → ${fmt(c0.stateBytes / 1024, 0)} KB document; ` +
			`connect→synced ${cold.map((c) => fmt(c.loadedMs)).join(', ')} ms (median ${fmt(coldStats.median)}); ` +
			`empty document ${fmt(emptyStats.median)} ms median (fixed cost: upgrade, session, access, audit)`
	);
	const fetchMs = stats(cold.map((c) => c.probe.fetchMs)).median;
	log(
		`  server-side steps (same rows, outside the hub, median): DB fetch ${fmt(fetchMs)} ms, apply ${fmt(stats(cold.map((c) => c.probe.applyMs)).median)} ms, ` +
			`encode Step2 ${fmt(stats(cold.map((c) => c.probe.encodeMs)).median)} ms; log folded ${cold.map((c) => (c.foldedAfterMs === null ? 'NOT within 15 s' : `${fmt(c.foldedAfterMs, 0)} ms`)).join(', ')} after the client left`
	);
	log(
		`M4 memory (ours): ${memory.docs} documents of ${fmt(memory.docBytes.min / 1024, 0)}–${fmt(memory.docBytes.max / 1024, 0)} KB stored ` +
			`(mean ${fmt(memory.docBytes.mean / 1024, 0)} KB), one client each. Per document: opened ${fmt(memory.perDocMb.heap, 2)} MB heap + ${fmt(memory.perDocMb.external, 2)} MB external ` +
			`(≈ ${fmt(memory.heapToStoredRatio)}× the stored size). After one edit each: ${fmt(memory.perDocMb.editedMain, 2)} MB on the main thread + ` +
			`${fmt(memory.perDocMb.mirror, 2)} MB for decode-worker mirrors (${memory.perDocMb.mirrored} of ${memory.docs} documents mirrored: their edits were admitted inline) = ${fmt(memory.perDocMb.editedTotal, 2)} MB (the table's figure; ` +
			`a mirror measured by loading the same states on the main thread; the worker's own heap grew ${fmt(memory.perDocMb.editedWorker, 2)} MB per document, uncollected)`
	);
	log(
		`  the ${memory.docs} edits were committed ${memory.committedMs === null ? 'NOT within 20 s' : `after ${fmt(memory.committedMs / 1000, 1)} s`}; ` +
			`after all clients left, the logs were folded ${memory.unloadedMs === null ? `NOT within 15 s (${memory.rowsLeft} row(s) left)` : `after ${fmt(memory.unloadedMs / 1000, 1)} s`}; then ` +
			`${fmt(memory.residualMb.heapPlusExternal, 1)} MB (main thread) above baseline → ` +
			`${memory.returnedToBaseline ? 'back near baseline (documents unloaded)' : 'NOT back near baseline (MISSED)'}; worker heap ${fmt(memory.residualMb.workers, 1)} MB above (uncollected); RSS ${fmt(memory.residualMb.rss, 1)} MB above (RSS is not returned to the OS promptly)`
	);
	log('');
	log('Notes:');
	log(
		`  • Our server persists every update before relaying it (acknowledgement = relay after commit): crash-loss window 0 relayed updates. ` +
			'Hocuspocus stores with a debounce (2 s, max 10 s by default): up to ~10 s of relayed edits can be lost on a crash. No kill test here.'
	);
	log(
		`  • Hocuspocus runs in memory with no persistence extension; ours writes every update to ${database === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded, in memory — set DATABASE_URL for PostgreSQL)'} ` +
			'before relaying (plus session, access and audit checks on connect). This favours Hocuspocus.'
	);
	log(
		`  • Our server was started with ${JSON.stringify(OUR_OPTIONS)} (defaults: 10 sockets per user, 50 msg/s, burst 300) so that many simulated users fit.`
	);
	log(
		`  • Each server runs alone in its own process; the ${OBSERVERS + 1} clients share this process (their work adds equally to both servers' latencies). ` +
			`Warm-up edits (unmeasured) precede each measure. Rounds alternate the order of the servers.`
	);
	log(
		`  • Stage timings inside our server come from hooks on ws, the decode worker and the database in its process` +
			`${process.env.BENCH_TRACE === '0' ? ' (off: BENCH_TRACE=0)' : ' (BENCH_TRACE=0 turns the ws and database hooks off)'}.`
	);
	log(
		`  • Noise: ${cpus.length} cores; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after. ` +
			'Other processes compete for the CPU; compare ratios more than absolute numbers.'
	);
	if (!allDelivered)
		log('  • WARNING: some updates were not delivered within 5 s (see "delivered").');
	if (serverLog.length > 0) {
		log(
			`  • Server log (warnings and errors): ${serverLog.length} line(s): ${summarize(serverLog.map((l) => `${l.server}: ${logMessage(l.line)}`))}`
		);
	}
	if (unexpectedCloses.length > 0) {
		log(`  • Sockets closed by a server during the run: ${summarize(unexpectedCloses)}`);
	}

	const results = {
		startedAt: startedAt.toISOString(),
		finishedAt: new Date().toISOString(),
		quick: QUICK,
		rounds: ROUNDS,
		machine: {
			cpus: cpus.length,
			model: cpus[0]?.model ?? null,
			totalMemMb: Math.round(os.totalmem() / 2 ** 20),
			loadAverageBefore: loadBefore,
			loadAverageAfter: loadAfter,
			node: process.version
		},
		versions: {
			yjs: version('yjs'),
			'y-websocket': version('y-websocket'),
			'@hocuspocus/server': version('@hocuspocus/server'),
			'@hocuspocus/provider': version('@hocuspocus/provider')
		},
		ourDatabase: database,
		ourOptions: OUR_OPTIONS,
		targets: TARGETS,
		m1: {
			edits: M1_EDITS,
			intervalMs: M1_INTERVAL_MS,
			observers: OBSERVERS,
			ours: m1.ours,
			hocuspocus: m1.hocuspocus,
			ratio: {
				median: m1.ours.stats.median / m1.hocuspocus.stats.median,
				p99: m1.ours.stats.p99 / m1.hocuspocus.stats.p99
			},
			pass: { p99: m1Pass, notSlower: m1NotSlower }
		},
		m2: {
			writers: WRITERS,
			editsEach: M2_EDITS,
			gapMs: M2_GAP_MS,
			ours: m2.ours,
			hocuspocus: m2.hocuspocus,
			ratio: {
				median: m2.ours.stats.median / m2.hocuspocus.stats.median,
				p99: m2.ours.stats.p99 / m2.hocuspocus.stats.p99
			},
			pass: { p99: m2Pass, notSlower: m2NotSlower }
		},
		m3: { reps: cold, loaded: coldStats, empty: emptyStats, pass: coldPass },
		m4: { ...memory, pass: memPass },
		updatePathProbe: probe,
		crashLoss: {
			ours: 'persist before relay: 0 relayed updates lost',
			hocuspocus:
				'debounced store (debounce 2 s, maxDebounce 10 s); measured here without persistence'
		},
		allDelivered,
		unexpectedCloses,
		serverLog
	};
	const dir = fileURLToPath(new URL('./results/', import.meta.url));
	mkdirSync(dir, { recursive: true });
	const file = `${dir}sync-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
	writeFileSync(file, JSON.stringify(results, null, '\t') + '\n');
	log(`\nresults: ${file.slice(root.length)}`);
}

let code = 0;
try {
	await main();
} catch (error) {
	console.error('bench failed:', error);
	for (const child of children) child.kill('SIGKILL');
	code = 1;
}
rmSync(TEMPLATE, { force: true });
process.exit(code);
