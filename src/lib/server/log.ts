import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Never log case content, passwords, tokens or cookies; the redaction list is
 * a backstop, not permission.
 */
export function createLogger(level: string): Logger {
	return pino({
		level,
		base: { service: 'marac-portal' },
		redact: {
			paths: [
				'password',
				'*.password',
				'token',
				'*.token',
				'cookie',
				'*.cookie',
				'headers.cookie',
				'req.headers.cookie',
				'authorization',
				'*.authorization',
				'code',
				'*.code'
			],
			censor: '[redacted]'
		}
	});
}
