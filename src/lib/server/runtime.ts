import { loadConfig, type Config, type MfaPolicy } from './config.ts';
import { openDatabase, type Database, type DatabaseHandle } from './db/index.ts';
import { createLogger, type Logger } from './log.ts';
import { demoInUse, isEmpty, seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo.ts';
import type { AuthContext } from './auth/flows.ts';
import type { DocumentService } from './documents/types.ts';
import type { ExportMark, Minutes } from '../minutes/model.ts';
import type { MinutesFormat } from './minutes/render.ts';

/**
 * Everything a request or socket handler needs, created once per process and shared by the
 * SvelteKit handler and the code in server/ (both find it on globalThis).
 */
export interface Runtime {
	config: Config;
	log: Logger;
	db: Database;
	database: DatabaseHandle;
	mfaPolicy: MfaPolicy;
	demo: boolean;
	now: () => Date;
	auth: AuthContext;
	/** Live documents; set by the sync server (server/sync) when the process serves them. */
	documents?: DocumentService;
	/**
	 * Draws minutes files off the main thread; set by the production entry
	 * (server/minutes-render.ts). Without it (npm run dev) they are drawn in the request.
	 */
	renderMinutes?: (
		format: MinutesFormat,
		minutes: Minutes,
		mark: ExportMark
	) => Promise<Uint8Array>;
	/** Steps run at shutdown before the database closes (e.g. flushing the sync server). */
	beforeClose: (() => Promise<void>)[];
	close(): Promise<void>;
}

export interface RuntimeOptions {
	/** Seed the Demo Area into an empty embedded database (npm start, npm run dev). */
	seedEmbeddedDemo?: boolean;
	now?: () => Date;
}

export async function createRuntime(
	config: Config,
	options: RuntimeOptions = {}
): Promise<Runtime> {
	const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	return assembleRuntime(config, database, options);
}

/** A runtime around an already open database (tests open their own). */
export async function assembleRuntime(
	config: Config,
	database: DatabaseHandle,
	options: RuntimeOptions = {}
): Promise<Runtime> {
	const log = createLogger(config.logLevel);
	const db = database.db;
	if (options.seedEmbeddedDemo && !config.databaseUrl && (await isEmpty(db))) {
		await seedDemo(db);
		log.info('seeded the fictional Demo Area into the embedded database');
	}
	const demo = await demoInUse(db);
	const mfaPolicy: MfaPolicy = config.mfaPolicy ?? (demo ? 'optional' : 'required');
	const now = options.now ?? (() => new Date());
	log.info({ database: database.kind, mfaPolicy, demo }, 'runtime ready');
	const runtime: Runtime = {
		config,
		log,
		db,
		database,
		mfaPolicy,
		demo,
		now,
		auth: {
			db,
			mfaPolicy,
			now,
			sessionPolicy: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }
		},
		beforeClose: [],
		async close() {
			for (const step of runtime.beforeClose.splice(0)) await step();
			await database.close();
		}
	};
	if (options.seedEmbeddedDemo && demo) console.log(`\n${demoBanner(runtime)}\n`);
	return runtime;
}

const KEY = Symbol.for('marac-portal.runtime');
type Holder = { [KEY]?: Promise<Runtime> };

/** The process's runtime, created on first use. */
export function getRuntime(
	env: Record<string, string | undefined> = process.env,
	options: RuntimeOptions = { seedEmbeddedDemo: true }
): Promise<Runtime> {
	const holder = globalThis as Holder;
	holder[KEY] ??= createRuntime(loadConfig(env), options).catch((error: unknown) => {
		delete holder[KEY];
		throw error;
	});
	return holder[KEY];
}

export async function closeRuntime(): Promise<void> {
	const holder = globalThis as Holder;
	const runtime = holder[KEY];
	delete holder[KEY];
	if (runtime) await (await runtime).close();
}

export function demoBanner(runtime: Runtime): string {
	const lines = [
		'Demo data in use (fictional "Demo Area"). Sign in with any of these accounts:',
		...DEMO_ACCOUNTS.map(
			(a) => `  ${a.email.padEnd(34)} ${a.role}${a.sector ? ` (${a.sector})` : ''}`
		),
		`Demo password for every account: ${DEMO_PASSWORD}`,
		`Second factor: ${runtime.mfaPolicy} (set MFA_POLICY=required to force enrolment)`
	];
	return lines.join('\n');
}
