/**
 * Runs the real production server (`node server/index.ts` over the built app) as a child process,
 * on a fresh database, and talks to it like a browser does. The build itself is made once, by
 * tests/helpers/global-setup.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Database, DatabaseHandle } from '../../src/lib/server/db/index.ts';
import type { Backend, ProvisionedDatabase } from './db.ts';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/demo.ts';
import { TEST_PASSWORD } from './fixtures.ts';

const root = new URL('../..', import.meta.url).pathname;
const NODE = join(root, 'node_modules/.bin/node');
const PORT_MIN = 3400;
const PORT_MAX = 3499;
const START_TIMEOUT_MS = 60_000;

export interface ServerOptions {
	backend: Backend;
	mfaPolicy?: 'required' | 'optional';
	/** Runs on the fresh database before the server first starts (users, areas, demo data). */
	seed?: (db: Database) => Promise<void>;
	env?: Record<string, string>;
}

export interface TestServer {
	origin: string;
	port: number;
	database: ProvisionedDatabase;
	/** SIGTERM and wait for the ordered shutdown. */
	stop(): Promise<void>;
	/** SIGKILL: no shutdown code runs. */
	kill9(): Promise<void>;
	/** Starts again on the same port and database (after stop or kill9). */
	start(): Promise<void>;
	restart(): Promise<void>;
	/**
	 * Runs `fn` against the server's database. PostgreSQL: alongside the running server.
	 * PGlite: the server is stopped for the duration and started again afterwards.
	 */
	withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T>;
	/** What the server printed (for failure messages). */
	output(): string;
	/** Stops the server and deletes its database. */
	dispose(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

const usedPorts = new Set<number>();

/** A free port in 3400-3499, starting at a random place so parallel test files rarely collide. */
export async function freePort(): Promise<number> {
	const span = PORT_MAX - PORT_MIN + 1;
	const start = Math.floor(Math.random() * span);
	for (let i = 0; i < span; i++) {
		const port = PORT_MIN + ((start + i) % span);
		if (usedPorts.has(port)) continue;
		if (await portIsFree(port)) {
			usedPorts.add(port);
			return port;
		}
	}
	throw new Error('No free port in 3400-3499');
}

/** Only what the server needs: never the test runner's DATABASE_URL, DATA_DIR or NODE_ENV. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };
	for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
		if (process.env[key] !== undefined) env[key] = process.env[key];
	}
	return { ...env, ...extra };
}

/** Servers still running: killed if the test process exits without stopping them (a timeout). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

function waitForExit(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(options: ServerOptions): Promise<TestServer> {
	const database = await options.backend.provision();
	if (options.seed) {
		const handle = await database.open();
		try {
			await options.seed(handle.db);
		} finally {
			await handle.close();
		}
	}
	let log = '';
	let child: ChildProcess | null = null;
	let port = await freePort();
	let origin = `http://127.0.0.1:${port}`;

	async function launch(): Promise<void> {
		const env = childEnv({
			...database.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			...(options.mfaPolicy ? { MFA_POLICY: options.mfaPolicy } : {}),
			...options.env
		});
		const proc = spawn(NODE, ['server/index.ts'], {
			cwd: root,
			env,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		child = proc;
		running.add(proc);
		proc.once('exit', () => running.delete(proc));
		// Another server (another test file's, restarting) can hold the port this one failed to
		// take: its /healthz must not pass for ours. Ours prints its origin once it listens.
		let own = '';
		const collect = (chunk: Buffer) => {
			log += chunk.toString();
			if (log.length > 200_000) log = log.slice(-100_000);
			if (own.length < 50_000) own += chunk.toString();
		};
		proc.stdout!.on('data', collect);
		proc.stderr!.on('data', collect);
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (proc.exitCode !== null || proc.signalCode !== null) {
				throw new Error(
					`server exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${log}`
				);
			}
			try {
				if (!own.includes(`MARAC portal: open ${origin}\n`)) throw new Error('not listening yet');
				const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
				await res.arrayBuffer();
				if (res.status === 200) return;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		proc.kill('SIGKILL');
		throw new Error(`server did not become healthy within ${START_TIMEOUT_MS} ms:\n${log}`);
	}

	/**
	 * Another test file may take the port between the probe and the listen, and a build running
	 * elsewhere in the checkout may briefly remove build/: both are worth another try.
	 */
	async function start(): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await launch();
			} catch (error) {
				const message = String(error);
				const portTaken = /EADDRINUSE/.test(message);
				const buildMissing = /Cannot find module '[^']*\/build\//.test(message);
				if (attempt >= 3 || !(portTaken || buildMissing)) throw error;
				if (portTaken) {
					port = await freePort();
					origin = `http://127.0.0.1:${port}`;
					server.port = port;
					server.origin = origin;
				} else {
					await new Promise((resolve) => setTimeout(resolve, 5_000));
				}
			}
		}
	}

	async function signal(sig: NodeJS.Signals, graceMs: number): Promise<void> {
		const proc = child;
		if (!proc) return;
		child = null;
		if (proc.exitCode !== null || proc.signalCode !== null) return;
		const exited = waitForExit(proc);
		proc.kill(sig);
		const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
		await exited;
		clearTimeout(timer);
	}

	const server: TestServer = {
		origin,
		port,
		database,
		stop: () => signal('SIGTERM', 15_000),
		kill9: () => signal('SIGKILL', 5_000),
		start,
		async restart() {
			await signal('SIGTERM', 15_000);
			await start();
		},
		async withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
			const wasRunning = child !== null;
			const embedded = database.backend === 'pglite';
			if (embedded && wasRunning) await signal('SIGTERM', 15_000);
			let handle: DatabaseHandle | undefined;
			try {
				handle = await database.open();
				return await fn(handle.db);
			} finally {
				await handle?.close();
				if (embedded && wasRunning) await start();
			}
		},
		output: () => log,
		async dispose() {
			await signal('SIGTERM', 15_000);
			await database.dispose();
			usedPorts.delete(port);
		}
	};
	try {
		await start();
	} catch (error) {
		await database.dispose();
		throw error;
	}
	return server;
}

/** After a failed test, prints what the server logged (an unhandled error behind a 500, say). */
export function printServerLogOnFailure(servers: () => (TestServer | undefined)[]): void {
	afterEach((context) => {
		if (context.task.result?.state !== 'fail') return;
		for (const server of servers()) {
			if (server)
				console.error(`--- ${server.origin} logged ---\n${server.output().slice(-8_000)}`);
		}
	});
}

export interface RequestOptions {
	headers?: Record<string, string>;
	/** The Origin header to send; `null` sends none. Defaults to the server's origin on POSTs. */
	origin?: string | null;
	/** Send this cookie header instead of the jar's. */
	cookie?: string;
}

/**
 * A minimal browser: keeps cookies, never follows redirects (tests assert on them), and sends
 * `Origin` on POSTs like a real browser would.
 */
export class Client {
	readonly cookies = new Map<string, string>();
	private readonly originOf: () => string;

	constructor(origin: string | (() => string) | { origin: string }) {
		this.originOf =
			typeof origin === 'string'
				? () => origin
				: typeof origin === 'function'
					? origin
					: () => origin.origin;
	}

	get origin(): string {
		return this.originOf();
	}

	cookieHeader(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}

	async request(path: string, init: RequestInit & RequestOptions = {}): Promise<Response> {
		const { origin, cookie, headers: extra, ...rest } = init;
		const headers = new Headers(extra);
		const method = (rest.method ?? 'GET').toUpperCase();
		if (method !== 'GET' && method !== 'HEAD') {
			const sent = origin === undefined ? this.origin : origin;
			if (sent !== null) headers.set('origin', sent);
		}
		const jar = cookie ?? this.cookieHeader();
		if (jar) headers.set('cookie', jar);
		const response = await fetch(new URL(path, this.origin), {
			...rest,
			method,
			headers,
			redirect: 'manual'
		});
		this.store(response);
		return response;
	}

	private store(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const eq = pair!.indexOf('=');
			const name = pair!.slice(0, eq).trim();
			const value = pair!.slice(eq + 1).trim();
			const expired = attributes.some((a) => {
				const [key, val] = a.trim().split('=');
				if (key!.toLowerCase() === 'max-age') return Number(val) <= 0;
				if (key!.toLowerCase() === 'expires') return new Date(val!).getTime() <= Date.now();
				return false;
			});
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	get(path: string, options: RequestOptions = {}): Promise<Response> {
		return this.request(path, {
			...options,
			headers: { accept: 'text/html', ...options.headers }
		});
	}

	getJson(path: string, options: RequestOptions = {}): Promise<Response> {
		return this.request(path, {
			...options,
			headers: { accept: 'application/json', ...options.headers }
		});
	}

	/** A plain HTML form submission (no JavaScript), as SvelteKit's form actions receive it. */
	postForm(path: string, fields: Record<string, string>, options: RequestOptions = {}) {
		return this.request(path, {
			...options,
			method: 'POST',
			body: new URLSearchParams(fields).toString(),
			headers: {
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				...options.headers
			}
		});
	}

	postJson(path: string, body: unknown, options: RequestOptions = {}) {
		return this.request(path, {
			...options,
			method: 'POST',
			body: JSON.stringify(body),
			headers: {
				accept: 'application/json',
				'content-type': 'application/json',
				...options.headers
			}
		});
	}

	/** POST /login with the sign-in form; returns the response (a 303 on success). */
	signIn(email: string, password: string): Promise<Response> {
		return this.postForm('/login', { email, password });
	}

	/** POST /reauth (step-up before an export); returns the response (a 303 on success). */
	reauthenticate(password: string, next = '/'): Promise<Response> {
		return this.postForm('/reauth', { password, next });
	}
}

/**
 * A client signed in as `email`: demo accounts with the demo password, others with the tests'
 * shared one, unless `password` is given. Throws if the sign-in is refused.
 */
export async function signedInClient(
	server: TestServer,
	email: string,
	password = email.endsWith('@demo.example') ? DEMO_PASSWORD : TEST_PASSWORD
): Promise<Client> {
	const client = new Client(server);
	const response = await client.signIn(email, password);
	if (response.status !== 303) throw new Error(`sign-in as ${email}: ${response.status}`);
	return client;
}

/** The visible text of an HTML page, for asserting on messages. */
export function pageText(html: string): string {
	return html
		.replace(/<script[\s\S]*?<\/script>/g, ' ')
		.replace(/<style[\s\S]*?<\/style>/g, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&amp;/g, '&')
		.replace(/&#39;|&#x27;|&apos;/g, "'")
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/\s+/g, ' ')
		.trim();
}
