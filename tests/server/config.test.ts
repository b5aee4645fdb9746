import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config.ts';

describe('loadConfig', () => {
	it('has safe defaults when nothing is set', () => {
		const config = loadConfig({});
		expect(config).toEqual({
			port: 3000,
			host: '0.0.0.0',
			origin: 'http://localhost:3000',
			secure: false,
			databaseUrl: undefined,
			dataDir: './data',
			redisUrl: undefined,
			sessionIdleMs: 15 * 60_000,
			sessionAbsoluteMs: 10 * 3_600_000,
			mfaPolicy: undefined,
			logLevel: 'info'
		});
	});

	it('derives the default origin from PORT', () => {
		expect(loadConfig({ PORT: '3456' }).origin).toBe('http://localhost:3456');
	});

	it('treats an https ORIGIN as secure and drops a trailing slash', () => {
		const config = loadConfig({ ORIGIN: 'https://marac.example.org/' });
		expect(config.origin).toBe('https://marac.example.org');
		expect(config.secure).toBe(true);
	});

	it('treats an http ORIGIN as not secure', () => {
		expect(loadConfig({ ORIGIN: 'http://127.0.0.1:3400' }).secure).toBe(false);
	});

	it('reads every documented variable', () => {
		const config = loadConfig({
			PORT: '8080',
			HOST: '127.0.0.1',
			DATABASE_URL: 'postgres://u@db/marac',
			DATA_DIR: '/var/lib/marac',
			REDIS_URL: 'redis://127.0.0.1:6379',
			SESSION_IDLE_MINUTES: '20',
			SESSION_ABSOLUTE_HOURS: '8',
			MFA_POLICY: 'optional',
			LOG_LEVEL: 'warn'
		});
		expect(config).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			databaseUrl: 'postgres://u@db/marac',
			dataDir: '/var/lib/marac',
			redisUrl: 'redis://127.0.0.1:6379',
			sessionIdleMs: 20 * 60_000,
			sessionAbsoluteMs: 8 * 3_600_000,
			mfaPolicy: 'optional',
			logLevel: 'warn'
		});
	});

	it('treats empty strings as unset', () => {
		const config = loadConfig({ PORT: '', DATABASE_URL: '', MFA_POLICY: '', ORIGIN: '' });
		expect(config.port).toBe(3000);
		expect(config.databaseUrl).toBeUndefined();
		expect(config.mfaPolicy).toBeUndefined();
	});

	it.each([
		['PORT', 'abc'],
		['PORT', '0'],
		['PORT', '70000'],
		['PORT', '80.5'],
		['ORIGIN', 'not a url'],
		['SESSION_IDLE_MINUTES', '0'],
		['SESSION_IDLE_MINUTES', 'soon'],
		['SESSION_ABSOLUTE_HOURS', '1000'],
		['MFA_POLICY', 'sometimes'],
		['LOG_LEVEL', 'loud']
	])('refuses %s=%s and names the variable', (name, value) => {
		expect(() => loadConfig({ [name]: value })).toThrow(
			new RegExp(`Invalid configuration: .*${name}`)
		);
	});
});
