import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/server/log.ts';

/** A logger writing into an array, and the lines it wrote, parsed. */
function capture(level = 'trace') {
	const lines: string[] = [];
	const log = createLogger(level, { write: (line: string) => void lines.push(line) });
	return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('logger redaction', () => {
	const secrets = {
		password: 'violet harbour lanterns 42',
		passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
		token: 'abcdefghijklmnop.qrstuvwxyz234567abcdefghijklmnopqrstuvwxyz2345',
		code: '492817',
		cookie: 'session=abcdefghijklmnop.qrstuvwxyz',
		authorization: 'Bearer s3cr3t-bearer',
		secret: 'totp-secret-base32',
		totpKey: 'JBSWY3DPEHPK3PXP'
	};

	it('censors secrets at the top level, one and two levels in', () => {
		const { log, lines, entries } = capture();
		log.info({ ...secrets, user: { ...secrets }, req: { headers: { ...secrets } } }, 'event');
		log.error({ form: { password: secrets.password, confirm: 'ok' } }, 'nested');
		log.warn({ headers: { 'set-cookie': secrets.cookie } }, 'response');
		const text = lines.join('');
		for (const [name, value] of Object.entries(secrets)) {
			expect(text, name).not.toContain(value);
		}
		const [first, second, third] = entries();
		expect(first).toMatchObject({ password: '[redacted]', token: '[redacted]', msg: 'event' });
		expect(first!.user).toMatchObject({ passwordHash: '[redacted]', code: '[redacted]' });
		expect(first!.req).toEqual({
			headers: Object.fromEntries(Object.keys(secrets).map((k) => [k, '[redacted]']))
		});
		expect(second!.form).toEqual({ password: '[redacted]', confirm: 'ok' });
		expect(third!.headers).toEqual({ 'set-cookie': '[redacted]' });
	});

	it('keeps everything else, so the redaction is not simply dropping lines', () => {
		const { log, entries } = capture();
		log.info({ route: '/login', status: 400, userId: 'u-1', password: 'x' }, 'request');
		expect(entries()).toEqual([
			expect.objectContaining({
				route: '/login',
				status: 400,
				userId: 'u-1',
				password: '[redacted]',
				service: 'marac-portal',
				msg: 'request'
			})
		]);
	});

	it('honours the level', () => {
		const { log, lines } = capture('warn');
		log.info('not written');
		log.warn('written');
		expect(lines).toHaveLength(1);
	});
});
