import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names whose values are secrets wherever they appear (top level or up to two levels in). */
const SECRET_FIELDS = [
	'password',
	'passwordHash',
	'token',
	'sessionToken',
	'secret',
	'secretHash',
	'totpKey',
	'code',
	'recoveryCodes',
	'cookie',
	'authorization',
	'["set-cookie"]'
];

/** Paths for pino's redaction: `field`, `*.field` and `*.*.field` (e.g. req.headers.cookie). */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
	const tail = field.startsWith('[') ? field : `.${field}`;
	return [field, `*${tail}`, `*.*${tail}`];
});

/**
 * Structured logs. Never log case content, passwords, tokens or cookies; the redaction list is
 * a backstop, not permission. `destination` is for tests; the default is standard output.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
	const options = {
		level,
		base: { service: 'marac-portal' },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' }
	};
	return destination ? pino(options, destination) : pino(options);
}
