import * as v from 'valibot';

export type MfaPolicy = 'required' | 'optional';

const intFrom = (fallback: number, min: number, max: number) =>
	v.pipe(
		v.optional(v.string(), String(fallback)),
		v.transform(Number),
		v.integer(),
		v.minValue(min),
		v.maxValue(max)
	);

const EnvSchema = v.object({
	PORT: intFrom(3000, 1, 65535),
	HOST: v.optional(v.string(), '0.0.0.0'),
	ORIGIN: v.optional(v.pipe(v.string(), v.url())),
	DATABASE_URL: v.optional(v.pipe(v.string(), v.minLength(1))),
	DATA_DIR: v.optional(v.string(), './data'),
	REDIS_URL: v.optional(v.pipe(v.string(), v.minLength(1))),
	SESSION_IDLE_MINUTES: intFrom(15, 1, 24 * 60),
	SESSION_ABSOLUTE_HOURS: intFrom(10, 1, 7 * 24),
	MFA_POLICY: v.optional(v.picklist(['required', 'optional'])),
	LOG_LEVEL: v.optional(
		v.picklist(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
		'info'
	),
	/** Set only behind a trusted reverse proxy; otherwise the socket address is the client. */
	ADDRESS_HEADER: v.optional(v.string())
});

export interface Config {
	port: number;
	host: string;
	origin: string;
	secure: boolean;
	databaseUrl: string | undefined;
	dataDir: string;
	redisUrl: string | undefined;
	sessionIdleMs: number;
	sessionAbsoluteMs: number;
	/** Undefined: `required`, unless the demo data is in use (decided at start). */
	mfaPolicy: MfaPolicy | undefined;
	logLevel: string;
}

/** Parses the environment once; configuration is passed on as a value, never read from globals. */
export function loadConfig(env: Record<string, string | undefined>): Config {
	const clean = Object.fromEntries(
		Object.entries(env).filter(([, value]) => value !== undefined && value !== '')
	);
	const result = v.safeParse(EnvSchema, clean);
	if (!result.success) {
		const problems = result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`);
		throw new Error(`Invalid configuration: ${problems.join('; ')}`);
	}
	const e = result.output;
	const origin = (e.ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
	return {
		port: e.PORT,
		host: e.HOST,
		origin,
		secure: origin.startsWith('https:'),
		databaseUrl: e.DATABASE_URL,
		dataDir: e.DATA_DIR,
		redisUrl: e.REDIS_URL,
		sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
		sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
		mfaPolicy: e.MFA_POLICY,
		logLevel: e.LOG_LEVEL
	};
}
