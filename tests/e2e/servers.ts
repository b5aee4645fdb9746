/**
 * The production servers the e2e suite starts (see playwright.config.ts). run.ts picks free ports in
 * 3500-3599 and passes them in E2E_PORTS; the config and every worker read the same variable.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [main = 3500, idle = 3501, mfaRequired = 3502] = (process.env.E2E_PORTS ?? '')
	.split(',')
	.filter(Boolean)
	.map(Number);

export interface E2eServer {
	name: string;
	port: number;
	url: string;
	dataDir: string;
	env: Record<string, string>;
}

function server(name: string, port: number, env: Record<string, string> = {}): E2eServer {
	const url = `http://127.0.0.1:${port}`;
	const dataDir = join(tmpdir(), `marac-e2e-${name}-${port}-${process.env.E2E_RUN ?? 'local'}`);
	return {
		name,
		port,
		url,
		dataDir,
		// Playwright passes its own environment on, so every setting is given here: empty means
		// "not set" (config.ts). Above all, never a DATABASE_URL: CI sets one for the other tests,
		// and these servers must use a throwaway embedded database with the demo data.
		env: {
			DATABASE_URL: '',
			REDIS_URL: '',
			MFA_POLICY: '',
			SESSION_IDLE_MINUTES: '',
			SESSION_ABSOLUTE_HOURS: '',
			ADDRESS_HEADER: '',
			PORT: String(port),
			HOST: '127.0.0.1',
			// The browser talks to 127.0.0.1; the Origin check needs the same origin.
			ORIGIN: url,
			DATA_DIR: dataDir,
			LOG_LEVEL: 'warn',
			...env
		}
	};
}

export const servers = {
	/** Demo data, second factor optional (the default while demo data is in use). */
	main: server('main', main),
	/** Short idle timeout: the warning is due 2 minutes before expiry, i.e. after 1 minute. */
	idle: server('idle', idle, { SESSION_IDLE_MINUTES: '3' }),
	/** Demo data, but every account must enrol a second factor. */
	mfaRequired: server('mfa-required', mfaRequired, { MFA_POLICY: 'required' })
};
