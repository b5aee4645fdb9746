/**
 * A rule of the domain was broken by otherwise well-formed input (a duplicate name, an agency
 * from another area…). The message is written for the person at the form; `field`, when set,
 * names the form field it belongs to. Never put secrets or case content in the message.
 */
export class DomainError extends Error {
	readonly field: string | undefined;

	constructor(message: string, field?: string) {
		super(message);
		this.name = 'DomainError';
		this.field = field;
	}
}

/** The thing asked for does not exist (or no longer exists). */
export class NotFoundError extends DomainError {
	constructor(message: string) {
		super(message);
		this.name = 'NotFoundError';
	}
}

/** Postgres unique-constraint violation, however the driver wraps it (drizzle puts it in `cause`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
	for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
		const candidate = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
		if (candidate.code === '23505') {
			const name = candidate.constraint_name ?? candidate.constraint;
			return constraint === undefined || name === undefined || name === constraint;
		}
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

/** The person may see the thing but may not do this to it (pages answer 403). */
export class ForbiddenError extends DomainError {
	constructor(message: string) {
		super(message);
		this.name = 'ForbiddenError';
	}
}
