/**
 * One sync server for the benchmark, in a process of its own (so its CPU, event loop and memory
 * are measured apart from the clients): `node --expose-gc tests/bench/server.ts ours|hocuspocus`,
 * started by run.ts with an IPC channel. It answers the commands in `Command` below.
 *
 * - ours: the real upgrade handler and hub (server/sync) on a fresh database seeded with the demo
 *   data: PGlite in memory, or a new PostgreSQL database next to DATABASE_URL (dropped at stop).
 * - hocuspocus: `@hocuspocus/server` with its defaults and no persistence extension.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { Worker } from 'node:worker_threads';
import { eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { Server as HocuspocusServer } from '@hocuspocus/server';
import { loadConfig } from '../../src/lib/server/config.ts';
import { assembleRuntime, type Runtime } from '../../src/lib/server/runtime.ts';
import { openDatabase, schema, type DatabaseHandle } from '../../src/lib/server/db/index.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { seedDemo, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo.ts';
import { caseDocuments } from '../../src/lib/server/policy/facts.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { createAppender, loadDocument } from '../../src/lib/server/documents/store.ts';
import { createDecoder } from '../../server/sync/decoder.ts';
import { cases, docSnapshots, docUpdates, users } from '../../src/lib/server/db/schema/index.ts';
import { createSyncServer, type SyncServer } from '../../server/sync/index.ts';
import { editingLog, typicalDocument, type TypicalKind } from './content.ts';
import {
	ORIGIN,
	OUR_OPTIONS,
	type Command,
	type Memory,
	type Names,
	type PipelineProbe,
	type ServerKind,
	type StepTiming,
	type Summary,
	type Usage
} from './shared.ts';

const kind = process.argv[2] as ServerKind;
if (kind !== 'ours' && kind !== 'hocuspocus') throw new Error('usage: server.ts ours|hocuspocus');
if (!process.send) throw new Error('server.ts runs under run.ts (needs an IPC channel)');

const eld = monitorEventLoopDelay({ resolution: 2 });
eld.enable();
let cpuMark = process.cpuUsage();

/**
 * Ours only: how long each client update spends in the server, from the socket's 'message' event
 * to the first ws.send of the same bytes (a relayed update is sent as received). A hook on the
 * `ws` prototypes, which our server uses (Hocuspocus bundles its own copy through crossws).
 */
const arrivals = new Map<string, number>();
let residence: number[] = [];
function traceResidence() {
	const isUpdate = (d: unknown): d is Uint8Array =>
		d instanceof Uint8Array && d.byteLength > 2 && d[0] === 0 && d[1] === 2;
	const key = (d: Uint8Array) =>
		Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
	const proto = WebSocket.prototype as unknown as {
		emit(event: string | symbol, ...args: unknown[]): boolean;
		send(data: unknown, ...rest: unknown[]): void;
	};
	const emit = proto.emit;
	proto.emit = function (event, ...args) {
		if (event === 'message' && isUpdate(args[0])) arrivals.set(key(args[0]), performance.now());
		return emit.call(this, event, ...args);
	};
	const send = proto.send;
	proto.send = function (data, ...rest) {
		if (isUpdate(data)) {
			const k = key(data);
			const at = arrivals.get(k);
			if (at !== undefined) {
				residence.push(performance.now() - at);
				arrivals.delete(k);
			}
		}
		return send.call(this, data, ...rest);
	};
}

/** Ours only: round trips of the hub's decode worker, by request kind (hooked on Worker). */
const workerTimes = new Map<string, number[]>();
/** Worker threads in use (for their heap size). */
const workers = new Set<Worker>();
let workerBusyMs = 0;
function traceWorker() {
	const inFlight = new Map<Worker, { id: number; kind: string; at: number }>();
	const proto = Worker.prototype as unknown as {
		postMessage(value: unknown, ...rest: unknown[]): void;
		emit(event: string | symbol, ...args: unknown[]): boolean;
	};
	const post = proto.postMessage;
	proto.postMessage = function (value, ...rest) {
		const v = value as { id?: unknown; kind?: unknown } | null;
		const w = this as unknown as Worker;
		if (!workers.has(w)) {
			workers.add(w);
			w.once('exit', () => workers.delete(w));
		}
		if (v && typeof v.id === 'number') {
			inFlight.set(this as unknown as Worker, {
				id: v.id,
				kind: typeof v.kind === 'string' ? v.kind : 'decode',
				at: performance.now()
			});
		}
		return post.call(this, value, ...rest);
	};
	const emit = proto.emit;
	proto.emit = function (event, ...args) {
		const sent = inFlight.get(this as unknown as Worker);
		const id = (args[0] as { id?: unknown } | null)?.id;
		if (event === 'message' && sent && sent.id === id) {
			// Answered: from posting to the answer reaching the main thread's event loop.
			inFlight.delete(this as unknown as Worker);
			const ms = performance.now() - sent.at;
			workerBusyMs += ms;
			const list = workerTimes.get(sent.kind) ?? [];
			list.push(ms);
			workerTimes.set(sent.kind, list);
		}
		return emit.call(this, event, ...args);
	};
}

/** Ours only: commits of rows to doc_updates (a proxy on the database the runtime gets). */
let commitTimes: number[] = [];
function traceCommits<T extends object>(db: T): T {
	type Query = {
		then(ok?: (v: unknown) => unknown, err?: (e: unknown) => unknown): unknown;
		prepare(name: string): { execute(...a: unknown[]): Promise<unknown> };
	};
	type Insert = { values(...a: unknown[]): { returning(...b: unknown[]): Query } };
	return new Proxy(db, {
		get(target, property, receiver) {
			const value = Reflect.get(target, property, receiver) as unknown;
			if (property !== 'insert' || typeof value !== 'function') return value;
			return (table: unknown) => {
				const builder = (value as (t: unknown) => Insert).call(receiver, table);
				if (table !== docUpdates) return builder;
				const values = builder.values.bind(builder);
				builder.values = (...a) => {
					const withValues = values(...a);
					const returning = withValues.returning.bind(withValues);
					withValues.returning = (...b) => {
						const query = returning(...b);
						// The appender prepares its one-row insert once and executes it per commit.
						const prepare = query.prepare.bind(query);
						query.prepare = (name) => {
							const prepared = prepare(name);
							const execute = prepared.execute.bind(prepared);
							prepared.execute = async (...c) => {
								const t = performance.now();
								const result = await execute(...c);
								commitTimes.push(performance.now() - t);
								return result;
							};
							return prepared;
						};
						const then = query.then.bind(query);
						query.then = (ok, err) => {
							const t = performance.now();
							return then((v) => {
								commitTimes.push(performance.now() - t);
								return ok ? ok(v) : v;
							}, err);
						};
						return query;
					};
					return withValues;
				};
				return builder;
			};
		}
	});
}

function summary(samples: number[]): Summary | null {
	if (samples.length === 0) return null;
	const r = [...samples].sort((a, b) => a - b);
	const at = (q: number) => r[Math.min(r.length - 1, Math.ceil(q * r.length) - 1)]!;
	return { n: r.length, median: at(0.5), p99: at(0.99), max: r[r.length - 1]! };
}

let markedAt = performance.now();

function usage(): Usage {
	const cpu = process.cpuUsage(cpuMark);
	const mem = process.memoryUsage();
	const worker: Record<string, Summary> = {};
	for (const [k, list] of workerTimes) {
		const s = summary(list);
		if (s) worker[k] = s;
	}
	return {
		residence: kind === 'ours' ? summary(residence) : null,
		stages:
			kind === 'ours'
				? {
						worker,
						workerBusyPct: (100 * workerBusyMs) / Math.max(1, performance.now() - markedAt),
						commit: summary(commitTimes)
					}
				: null,
		cpuMs: (cpu.user + cpu.system) / 1000,
		eldP99Ms: eld.percentile(99) / 1e6,
		eldMaxMs: eld.max / 1e6,
		rssMb: mem.rss / 2 ** 20,
		heapMb: mem.heapUsed / 2 ** 20
	};
}

async function memory(): Promise<Memory> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('start with --expose-gc');
	for (let i = 0; i < 3; i++) {
		gc();
		await new Promise((r) => setTimeout(r, 50));
	}
	const m = process.memoryUsage();
	let inWorkers = 0;
	for (const w of workers) {
		// Not collected first: a worker cannot be told to collect, and a heap snapshot (which
		// would) crashed the process (SIGSEGV) in one of the runs. Approximate, then.
		const h = await w.getHeapStatistics().catch(() => null);
		if (h) inWorkers += h.used_heap_size + h.external_memory;
	}
	return {
		heapUsed: m.heapUsed,
		external: m.external,
		arrayBuffers: m.arrayBuffers,
		rss: m.rss,
		workers: inWorkers
	};
}

// --- a fresh database ---------------------------------------------------------------------------

async function freshDatabase(): Promise<{ handle: DatabaseHandle; dispose(): Promise<void> }> {
	const base = process.env.DATABASE_URL;
	if (!base) {
		// PGlite in memory. Its initdb takes seconds, so run.ts has the first server save a seeded
		// template (BENCH_PGLITE_TEMPLATE) and the later ones start from a copy of it.
		const template = process.env.BENCH_PGLITE_TEMPLATE;
		if (template && existsSync(template)) {
			const client = await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
			const db = drizzle(client, { schema });
			await migrate(db, {
				migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url))
			});
			const handle: DatabaseHandle = { db, kind: 'pglite', close: () => client.close() };
			return { handle, dispose: () => handle.close() };
		}
		const handle = await openDatabase({ dataDir: 'memory://' });
		await seedDemo(handle.db);
		if (template) {
			const client = (handle.db as unknown as { $client: PGlite }).$client;
			const dump = await client.dumpDataDir('none');
			writeFileSync(template, Buffer.from(await dump.arrayBuffer()));
		}
		return { handle, dispose: () => handle.close() };
	}
	const name = `marac_bench_${randomBytes(6).toString('hex')}`;
	const admin = () =>
		postgres(base, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 10 });
	const a = admin();
	try {
		await a.unsafe(`create database "${name}"`);
	} finally {
		await a.end({ timeout: 5 });
	}
	const url = new URL(base);
	url.pathname = `/${name}`;
	const drop = async () => {
		const b = admin();
		try {
			await b.unsafe(`drop database if exists "${name}" with (force)`);
		} finally {
			await b.end({ timeout: 5 });
		}
	};
	try {
		const handle = await openDatabase({ url: url.toString(), max: 10 });
		await seedDemo(handle.db);
		return {
			handle,
			async dispose() {
				await handle.close();
				await drop();
			}
		};
	} catch (error) {
		await drop();
		throw error;
	}
}

// --- the two servers ----------------------------------------------------------------------------

interface Running {
	port: number;
	database?: string;
	handle(command: Command): Promise<unknown>;
	stop(): Promise<void>;
}

async function startOurs(): Promise<Running> {
	// BENCH_TRACE=0 leaves out the hooks on ws and on the database (to check what they cost).
	const trace = process.env.BENCH_TRACE !== '0';
	if (trace) traceResidence();
	traceWorker();
	const fresh = await freshDatabase();
	const { dispose } = fresh;
	const handle: DatabaseHandle = trace
		? { ...fresh.handle, db: traceCommits(fresh.handle.db) }
		: fresh.handle;
	const config = loadConfig({
		ORIGIN,
		LOG_LEVEL: process.env.BENCH_SERVER_LOG ?? 'warn',
		DATA_DIR: 'memory://'
	});
	const runtime: Runtime = await assembleRuntime(config, handle);
	const db = runtime.db;
	const sync: SyncServer = createSyncServer(runtime, OUR_OPTIONS);
	const http: HttpServer = createServer((_req, res) => res.writeHead(404).end());
	http.on('upgrade', (req, socket, head) => sync.handleUpgrade(req, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const port = (http.address() as AddressInfo).port;

	async function caseId(reference: string): Promise<string> {
		const [row] = await db.select().from(cases).where(eq(cases.reference, reference));
		return row!.id;
	}

	return {
		port,
		database: handle.kind,
		async handle(command) {
			switch (command.cmd) {
				case 'sessions': {
					const pool = DEMO_ACCOUNTS.filter(
						(a) => a.role !== 'admin' && !command.excludeRoles.includes(a.role)
					).map((a) => a.email);
					if (command.first) pool.unshift(command.first);
					const rows = await db
						.select({ id: users.id, email: users.email })
						.from(users)
						.where(inArray(users.email, pool));
					const ids = new Map(rows.map((r) => [r.email, r.id]));
					const out: { email: string; cookie: string }[] = [];
					for (let i = 0; i < command.count; i++) {
						const email = pool[i % pool.length]!;
						const { token } = await createSession(
							db,
							{ userId: ids.get(email)!, now: new Date(), twoFactorVerified: true },
							runtime.auth.sessionPolicy
						);
						out.push({ email, cookie: `session=${token}` });
					}
					return out;
				}
				case 'names': {
					const [coordinator] = await db
						.select()
						.from(users)
						.where(eq(users.email, 'coordinator@demo.example'));
					const principal = {
						userId: coordinator!.id,
						isAdmin: false,
						memberships: await membershipsOf(db, coordinator!.id)
					};
					const typical: string[] = [];
					const spare: string[] = [];
					// Documents the demo data already stores (agency documents with actions) would
					// clash with the seeded states and log rows: only empty documents are used.
					const stored = new Set(
						[
							...(await db.select({ name: docSnapshots.docName }).from(docSnapshots)),
							...(await db.selectDistinct({ name: docUpdates.docName }).from(docUpdates))
						].map((r) => r.name)
					);
					for (const c of await db.select({ id: cases.id }).from(cases)) {
						for (const d of (await caseDocuments(db, principal, c.id, new Date())) ?? []) {
							if (d.access !== 'write' || stored.has(d.name)) continue;
							if (/:(plan|agency:[^:]+)$/.test(d.name)) typical.push(d.name);
							else spare.push(d.name);
						}
					}
					const names: Names = {
						plan: `case:${await caseId('DEMO-0001')}:plan`,
						pathway: `case:${await caseId('DEMO-0007')}:pathway`,
						typical: typical.sort(),
						spare: spare.sort()
					};
					return names;
				}
				case 'seedTypical': {
					const templates: Uint8Array[] = [];
					for (let i = 0; i < command.templates; i++) {
						const bytes =
							command.minBytes +
							((command.maxBytes - command.minBytes) * i) / Math.max(1, command.templates - 1);
						const docKind: TypicalKind = i % 2 === 0 ? 'plan' : 'agency';
						templates.push(typicalDocument(docKind, 100 + i, Math.round(bytes)));
					}
					const rows = command.names.map((docName, i) => ({
						docName,
						state: templates[i % templates.length]!
					}));
					await db.insert(docSnapshots).values(rows);
					return {
						docs: rows.length,
						bytes: rows.map((r) => r.state.byteLength)
					};
				}
				case 'insertLog': {
					const log = editingLog(command.rows, command.bytesEach, command.seed);
					for (const docName of command.names) {
						for (let i = 0; i < log.length; i += 250) {
							await db
								.insert(docUpdates)
								.values(log.slice(i, i + 250).map((update) => ({ docName, update })));
						}
					}
					const doc = new Y.Doc();
					for (const u of log) Y.applyUpdate(doc, u);
					const state = Y.encodeStateAsUpdate(doc).byteLength;
					doc.destroy();
					return {
						rows: log.length,
						bytes: log.reduce((n, u) => n + u.byteLength, 0),
						stateBytes: state
					};
				}
				case 'pendingRows': {
					const [row] = await db
						.select({ n: sql<number>`count(*)::int` })
						.from(docUpdates)
						.where(eq(docUpdates.docName, command.name));
					return row?.n ?? 0;
				}
				case 'pendingRowsIn': {
					const [row] = await db
						.select({ n: sql<number>`count(*)::int` })
						.from(docUpdates)
						.where(inArray(docUpdates.docName, command.names));
					return row?.n ?? 0;
				}
				case 'probeLoad': {
					// What the hub does for a cold document, step by step, outside the hub.
					const t0 = performance.now();
					const stored = await loadDocument(db, command.name);
					const t1 = performance.now();
					const doc = new Y.Doc({ gc: true });
					for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
					const t2 = performance.now();
					const step2 = Y.encodeStateAsUpdate(doc);
					const t3 = performance.now();
					doc.destroy();
					return {
						fetchMs: t1 - t0,
						applyMs: t2 - t1,
						encodeMs: t3 - t2,
						rows: stored.updates.length,
						step2Bytes: step2.byteLength
					};
				}
				case 'mirrorEstimate': {
					// What a decode-worker mirror costs: the same states loaded into Y.Docs here.
					const rows = await db
						.select({ state: docSnapshots.state })
						.from(docSnapshots)
						.where(inArray(docSnapshots.docName, command.names));
					const before = await memory();
					const docs = rows.map((r) => {
						const d = new Y.Doc({ gc: true });
						Y.applyUpdate(d, r.state);
						return d;
					});
					const after = await memory();
					for (const d of docs) d.destroy();
					return {
						perMirror:
							(after.heapUsed + after.external - before.heapUsed - before.external) /
							Math.max(1, docs.length),
						// Only documents with an edit that went the worker's way have a mirror.
						mirrored: sync.hub.mirrored(command.names)
					};
				}
				case 'probePipeline':
					return probePipeline(db, command.updates);
				default:
					throw new Error(`ours: unknown command ${command.cmd}`);
			}
		},
		async stop() {
			await sync.close();
			http.closeAllConnections();
			await new Promise<void>((resolve) => http.close(() => resolve()));
			await runtime.close().catch(() => {});
			await dispose().catch(() => {});
		}
	};
}

function timing(samples: number[], atOnceMs: number, n: number): StepTiming {
	const s = [...samples].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
	return { n: s.length, median: at(0.5), p99: at(0.99), perUpdateAtOnce: atOnceMs / n };
}

/**
 * The steps of our server's update path, timed one by one outside the hub (evidence for where
 * latency comes from): the decode worker's two round trips, and the commit to the log.
 */
async function probePipeline(db: Runtime['db'], count: number): Promise<PipelineProbe> {
	const source = new Y.Doc();
	const updates: Uint8Array[] = [];
	source.on('update', (u: Uint8Array) => updates.push(u));
	for (let i = 0; i < count * 2 + 10; i++) source.getMap('bench').set(`k${i}`, performance.now());
	source.destroy();
	const empty = () => Y.encodeStateAsUpdate(new Y.Doc());
	const sequential = async (step: (u: Uint8Array) => Promise<unknown>, list: Uint8Array[]) => {
		const out: number[] = [];
		for (const u of list) {
			const t = performance.now();
			await step(u);
			out.push(performance.now() - t);
		}
		return out;
	};
	const atOnce = async (step: (u: Uint8Array) => Promise<unknown>, list: Uint8Array[]) => {
		const t = performance.now();
		await Promise.all(list.map(step));
		return performance.now() - t;
	};
	const warm = updates.slice(0, 10);
	const first = updates.slice(10, 10 + count);
	const second = updates.slice(10 + count, 10 + 2 * count);

	// The decode worker (its API is the hub's, so it may change under this probe).
	let worker: PipelineProbe['worker'];
	try {
		const decoder = createDecoder({ timeoutMs: 200 }) as unknown as {
			inspect(u: Uint8Array): Promise<unknown>;
			integrate(doc: string, u: Uint8Array, state?: () => Uint8Array): Promise<unknown>;
			close(): Promise<void>;
		};
		const step = async (u: Uint8Array) => {
			await decoder.inspect(u);
			await decoder.integrate('probe', u, empty);
		};
		await sequential(step, warm);
		const seq = await sequential(step, first);
		// At once: inspections queue in the one worker, integrations follow in order.
		const total = await atOnce(step, second);
		worker = timing(seq, total, second.length);
		await decoder.close();
	} catch (error) {
		worker = { unavailable: String(error) };
	}

	// The same checks inline (what a main-thread decode and apply cost), synchronously.
	const mirror = new Y.Doc();
	const inlineStep = (u: Uint8Array) => {
		Y.decodeUpdate(u);
		try {
			Y.decodeUpdate(u.subarray(0, u.byteLength - 1));
		} catch {
			// expected: a V1 update needs its last byte
		}
		Y.applyUpdate(mirror, u);
	};
	for (const u of warm) inlineStep(u);
	const inlineSeq: number[] = [];
	for (const u of first) {
		const t = performance.now();
		inlineStep(u);
		inlineSeq.push(performance.now() - t);
	}
	const tInline = performance.now();
	for (const u of second) inlineStep(u);
	const inlineTotal = performance.now() - tInline;
	mirror.destroy();

	// One row per update into the log, through the group-commit appender.
	const appender = createAppender(db);
	const row = (update: Uint8Array) =>
		appender.append({ docName: 'bench:probe', update, userId: null, sessionId: null });
	await sequential(row, warm);
	const appendSeq = await sequential(row, first);
	const appendTotal = await atOnce(row, second);
	await appender.drain();
	await db.delete(docUpdates).where(eq(docUpdates.docName, 'bench:probe'));

	return {
		worker,
		inline: timing(inlineSeq, inlineTotal, second.length),
		append: timing(appendSeq, appendTotal, second.length)
	};
}

async function startHocuspocus(): Promise<Running> {
	const server = new HocuspocusServer({
		port: 0,
		address: '127.0.0.1',
		quiet: true,
		stopOnSignals: false
	});
	await server.listen();
	return {
		port: server.address.port,
		async handle(command) {
			throw new Error(`hocuspocus: unknown command ${command.cmd}`);
		},
		async stop() {
			await server.destroy();
		}
	};
}

const running = kind === 'ours' ? await startOurs() : await startHocuspocus();

process.on('message', (message: { id: number } & Command) => {
	const { id } = message;
	void (async () => {
		switch (message.cmd) {
			case 'mark':
				cpuMark = process.cpuUsage();
				eld.reset();
				residence = [];
				arrivals.clear();
				workerTimes.clear();
				workerBusyMs = 0;
				commitTimes = [];
				markedAt = performance.now();
				return null;
			case 'usage':
				return usage();
			case 'memory':
				return memory();
			case 'stop':
				await running.stop();
				eld.disable();
				return null;
			default:
				return running.handle(message);
		}
	})().then(
		(result) => {
			// After a stop, exit once the answer is out (whatever handles a library left open).
			process.send!({ id, ok: true, result }, () => {
				if (message.cmd === 'stop') process.exit(0);
			});
		},
		(error: unknown) => process.send!({ id, ok: false, error: String(error) })
	);
});

process.send({ ready: true, port: running.port, database: running.database ?? null });
