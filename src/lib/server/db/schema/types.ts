import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Binary column; postgres.js hands back a Buffer, PGlite a Uint8Array: both leave as Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	toDriver: (value) => Buffer.from(value),
	fromDriver: (value) => new Uint8Array(value)
});

/** Every timestamp is UTC with time zone. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
